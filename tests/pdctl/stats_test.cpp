// pdctl stats: the counts and the estimated completion from a known call log.
#include <doctest/doctest.h>

#include "run_pdctl.h"

namespace {

using pd::pdctl_test::pdctl;
using pd::store::testing::open_scratch_db;

TEST_CASE("stats counts states, dial statuses, results, dispositions and estimates completion") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  db->add_numbers(id, 10, "");
  auto& c = db->conn();
  REQUIRE(
      c.execute("UPDATE dialer_numbers SET state = 'done', disposition = 'Agent',"
                " agent_disposition = 'Sale' WHERE number IN ('100000', '100001')"));
  REQUIRE(
      c.execute("UPDATE dialer_numbers SET state = 'failed', disposition = 'Busy'"
                " WHERE number = '100002'"));
  // 4 attempts in the last hour, 2 answered; one a day ago (outside 24 h).
  REQUIRE(c.execute(
      "INSERT INTO dialer_calls (call_id, campaign_id, number, started_at, answered_at,"
      " dial_status) VALUES"
      " ('a1', ?, '100000', UTC_TIMESTAMP(3) - INTERVAL 10 MINUTE, UTC_TIMESTAMP(3), 'ANSWER'),"
      " ('a2', ?, '100001', UTC_TIMESTAMP(3) - INTERVAL 20 MINUTE, UTC_TIMESTAMP(3), 'ANSWER'),"
      " ('a3', ?, '100002', UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE, NULL, 'BUSY'),"
      " ('a4', ?, '100002', UTC_TIMESTAMP(3) - INTERVAL 40 MINUTE, NULL, 'BUSY'),"
      " ('a5', ?, '100003', UTC_TIMESTAMP(3) - INTERVAL 30 HOUR, NULL, 'NOANSWER')",
      {id, id, id, id, id}));
  auto r = pdctl(*db, {"--json", "stats", "c1"});
  REQUIRE(r.exit == 0);
  Json::Value v = r.json();
  CHECK(v["numbers"].asInt() == 10);
  CHECK(v["open_numbers"].asInt() == 7);
  CHECK(v["attempts"].asInt() == 5);
  CHECK(v["answered"].asInt() == 2);
  CHECK(v["by_state"]["pending"].asInt() == 7);
  CHECK(v["by_state"]["done"].asInt() == 2);
  CHECK(v["by_state"]["failed"].asInt() == 1);
  CHECK(v["by_dial_status"]["ANSWER"].asInt() == 2);
  CHECK(v["by_dial_status"]["BUSY"].asInt() == 2);
  CHECK(v["by_dial_status"]["NOANSWER"].asInt() == 1);
  CHECK(v["by_result"]["Agent"].asInt() == 2);
  CHECK(v["by_result"]["Busy"].asInt() == 1);
  CHECK(v["by_agent_disposition"]["Sale"].asInt() == 2);
  int per_hour = 0;
  for (const auto& hour : v["attempts_per_hour"].getMemberNames()) {
    per_hour += v["attempts_per_hour"][hour].asInt();
  }
  CHECK(per_hour == 4);
  CHECK(v["attempts_last_hour"].asInt() == 4);
  // 7 open numbers at 4 an hour: 1 h 45 min.
  CHECK(v["eta_seconds"].asInt64() == 7 * 3600 / 4);
  CHECK(!v["estimated_completion_utc"].asString().empty());

  auto text = pdctl(*db, {"stats", "c1"});
  CHECK(text.exit == 0);
  CHECK(text.out.find("estimated completion") != std::string::npos);
  CHECK(pdctl(*db, {"stats", "nope"}).exit == 3);
  CHECK(pdctl(*db, {"stats"}).exit == 2);
}

}  // namespace
