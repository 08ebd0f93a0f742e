// pdctl dnc, dispositions, groups and callbacks on a scratch database.
#include <doctest/doctest.h>

#include <ctime>

#include "run_pdctl.h"

namespace {

using pd::pdctl_test::pdctl;
using pd::pdctl_test::temp_file;
using pd::store::testing::open_scratch_db;

// "YYYY-MM-DD HH:MM" of `days` days from now, UTC, at the given hour.
std::string utc_day_at(int days, int hour) {
  std::time_t t = std::time(nullptr) + days * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, hour);
  return buf;
}

TEST_CASE("dnc add marks waiting numbers, import reports bad lines, remove and list") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  db->add_numbers(id, 3, "");
  REQUIRE(db->conn().execute("UPDATE dialer_numbers SET state = 'done' WHERE number = '100001'"));
  auto add = pdctl(
      *db, {"--json", "dnc", "add", "100-000", "--reason", "asked", "--expires", "2099-12-31"});
  REQUIRE(add.exit == 0);
  CHECK(add.json()["marked"].asInt() == 1);
  CHECK(db->count("dialer_numbers", "number = '100000' AND state = 'dnc'") == 1);
  CHECK(db->count("dialer_dnc",
                  "number = '100000' AND reason = 'asked' AND "
                  "expires_at = '2099-12-31 23:59:59.999'") == 1);
  CHECK(pdctl(*db, {"dnc", "add", "abc"}).exit == 4);
  auto bad_expiry = pdctl(*db, {"dnc", "add", "5551", "--expires", "tomorrow"});
  CHECK(bad_expiry.exit == 4);
  CHECK(bad_expiry.err.find("Expiry") != std::string::npos);

  auto imp = pdctl(*db, {"--json", "dnc", "import", "-"},
                   temp_file("100001,done already\n100002\nxyz\n5552,r,2099-13-01\n5553,,\n"));
  REQUIRE(imp.exit == 0);
  CHECK(imp.json()["stored"].asInt() == 3);
  CHECK(imp.json()["marked"].asInt() == 1);  // 100002 pending; 100001 is done
  CHECK(imp.json()["bad"].asInt() == 2);
  CHECK(imp.json()["bad_lines"][0]["line"].asInt() == 3);
  CHECK(imp.json()["bad_lines"][1]["line"].asInt() == 4);
  CHECK(imp.err.find("line 3: Number") != std::string::npos);

  auto list = pdctl(*db, {"--json", "dnc", "list", "--prefix", "1000"});
  CHECK(list.json().size() == 3);
  CHECK(pdctl(*db, {"dnc", "remove", "100000", "5553"}).exit == 0);
  CHECK(pdctl(*db, {"dnc", "remove", "100000"}).exit == 3);
  CHECK(db->count("dialer_dnc") == 2);
}

TEST_CASE("dispositions add with --callback, refuse a taken or bad name, remove, list") {
  auto db = open_scratch_db();
  if (!db) return;
  REQUIRE(pdctl(*db, {"dispositions", "add", "Call back", "--callback", "--description", "later"})
              .exit == 0);
  REQUIRE(pdctl(*db, {"dispositions", "add", "Venta cerrada \xc3\xb1"}).exit == 0);
  CHECK(pdctl(*db, {"dispositions", "add", "a \xc3\x97 b"}).exit == 4);  // U+00D7, not a letter
  CHECK(pdctl(*db, {"dispositions", "add", "Call back"}).exit == 4);
  auto bad = pdctl(*db, {"dispositions", "add", "a|b"});
  CHECK(bad.exit == 4);
  CHECK(bad.err.find("Name") != std::string::npos);
  auto list = pdctl(*db, {"--json", "dispositions", "list"});
  REQUIRE(list.json().size() == 2);
  CHECK(list.json()[0]["name"].asString() == "Call back");
  CHECK(list.json()[0]["is_callback"].asBool());
  CHECK(!list.json()[1]["is_callback"].asBool());
  CHECK(pdctl(*db, {"dispositions", "remove", "Call back"}).exit == 0);
  CHECK(pdctl(*db, {"dispositions", "remove", "Call back"}).exit == 3);
}

TEST_CASE("groups import with bad lines and duplicates, list, add to a campaign skipping dnc") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  auto imp = pdctl(*db, {"--json", "groups", "import",
                         temp_file("group,number,name,tz\n"
                                   "north,5550001,Ann,Europe/Madrid\n"
                                   "north,5550002,Bob\n"
                                   "north,5550001,Ann again\n"
                                   "south,5550003\n"
                                   "bad|group,5550004\n"
                                   "south,nope\n")});
  REQUIRE(imp.exit == 0);
  CHECK(imp.json()["added"].asInt() == 3);
  CHECK(imp.json()["duplicates"].asInt() == 1);
  CHECK(imp.json()["bad"].asInt() == 2);
  CHECK(imp.json()["bad_lines"][0]["line"].asInt() == 6);
  CHECK(imp.json()["bad_lines"][0]["reason"].asString().find("Group") == 0);
  CHECK(imp.json()["bad_lines"][1]["line"].asInt() == 7);
  auto one = pdctl(*db, {"--json", "groups", "import", "-", "--group", "west"},
                   temp_file("5550009,Zed\n"));
  CHECK(one.json()["added"].asInt() == 1);
  auto list = pdctl(*db, {"--json", "groups", "list"});
  REQUIRE(list.json().size() == 3);
  CHECK(list.json()[0]["group"].asString() == "north");
  CHECK(list.json()[0]["contacts"].asInt() == 2);

  REQUIRE(db->conn().execute("INSERT INTO dialer_dnc (number) VALUES ('5550002')"));
  auto add = pdctl(*db, {"--json", "groups", "add-to-campaign", "north", "c1", "--priority", "3"});
  REQUIRE(add.exit == 0);
  CHECK(add.json()["added"].asInt() == 1);
  CHECK(add.json()["dnc_skipped"].asInt() == 1);
  CHECK(db->count("dialer_numbers", "campaign_id = " + std::to_string(id) +
                                        " AND number = '5550001' AND priority = 3 AND "
                                        "time_zone = 'Europe/Madrid'") == 1);
  auto again = pdctl(*db, {"--json", "groups", "add-to-campaign", "north", "c1"});
  CHECK(again.json()["duplicates"].asInt() == 1);
  CHECK(pdctl(*db, {"groups", "add-to-campaign", "nobody", "c1"}).exit == 3);
  CHECK(pdctl(*db, {"groups", "add-to-campaign", "north", "nope"}).exit == 3);
}

TEST_CASE("callbacks list, move checked against the hours, cancel closes the number") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  db->add_numbers(id, 3, "");
  auto& c = db->conn();
  REQUIRE(
      c.execute("UPDATE dialer_campaigns SET start_hour = '08:00', end_hour = '20:00',"
                " week_days = 'mon,tue,wed,thu,fri,sat,sun', time_zone = 'UTC',"
                " callback_grace_minutes = 10"));
  REQUIRE(
      c.execute("UPDATE dialer_numbers SET state = 'callback', callback_agent = '101',"
                " callback_at = UTC_TIMESTAMP(3) + INTERVAL 1 DAY,"
                " callback_until = UTC_TIMESTAMP(3) + INTERVAL 1 DAY"
                " WHERE number IN ('100000', '100001')"));
  REQUIRE(
      c.execute("UPDATE dialer_numbers SET state = 'dialing',"
                " callback_at = UTC_TIMESTAMP(3) + INTERVAL 1 DAY WHERE number = '100002'"));
  auto ids = c.query("SELECT id FROM dialer_numbers ORDER BY number");
  REQUIRE(ids);
  const std::string n0(ids->rows[0].str(0)), n1(ids->rows[1].str(0)), n2(ids->rows[2].str(0));

  auto list = pdctl(*db, {"--json", "callbacks", "list", "--campaign", "c1"});
  REQUIRE(list.exit == 0);
  CHECK(list.json().size() == 3);
  CHECK(pdctl(*db, {"--json", "callbacks", "list", "--agent", "101"}).json().size() == 2);

  // Two days ahead at 10:00 UTC: inside the hours; personal for agent 102.
  const std::string at = utc_day_at(2, 10);
  auto moved = pdctl(*db, {"--json", "callbacks", "move", n0, "--at", at, "--agent", "102"});
  REQUIRE(moved.exit == 0);
  CHECK(moved.json()["callback_at_utc"].asString() == at + ":00");
  CHECK(db->count("dialer_numbers", "id = " + n0 +
                                        " AND state = 'callback' AND callback_agent = '102' AND "
                                        "callback_until = callback_at + INTERVAL 10 MINUTE") == 1);
  // For anyone: pending at its time.
  REQUIRE(pdctl(*db, {"callbacks", "move", n0, "--at", at, "--agent", ""}).exit == 0);
  CHECK(db->count("dialer_numbers", "id = " + n0 +
                                        " AND state = 'pending' AND callback_agent IS NULL AND "
                                        "next_try_at = callback_at") == 1);
  // Outside the hours, in the past: refused, naming --at.
  auto late = pdctl(*db, {"callbacks", "move", n1, "--at", utc_day_at(2, 22)});
  CHECK(late.exit == 4);
  CHECK(late.err.find("--at") != std::string::npos);
  CHECK(pdctl(*db, {"callbacks", "move", n1, "--at", "2000-01-01 10:00"}).exit == 4);
  CHECK(pdctl(*db, {"callbacks", "move", n1}).exit == 2);
  // Being dialed: neither moved nor cancelled.
  CHECK(pdctl(*db, {"callbacks", "move", n2, "--at", at}).exit == 4);
  CHECK(pdctl(*db, {"callbacks", "cancel", n2}).exit == 4);

  REQUIRE(pdctl(*db, {"callbacks", "cancel", n1}).exit == 0);
  CHECK(db->count("dialer_numbers", "id = " + n1 +
                                        " AND state = 'closed' AND callback_at IS NULL AND "
                                        "last_error = 'Callback cancelled with pdctl'") == 1);
  CHECK(pdctl(*db, {"callbacks", "cancel", n1}).exit == 3);
}

}  // namespace
