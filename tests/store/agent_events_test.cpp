// Wrap-ups and pauses (dialer_agent_events): a row when a period starts,
// completed when it ends, a replayed batch changes nothing; agent_day() sums
// an agent's calls, talk time, tags and ended periods of a range.
#include <doctest/doctest.h>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;

TEST_CASE("agent events: started, ended, replayed, summed with the agent's calls by agent_day") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("events");
  db->add_numbers(campaign, 2);
  Store store(db->conn(), "engine-e");
  auto leads = store.claim(campaign, 2, 60s);
  REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
  REQUIRE(leads->size() == 2);
  const TimePoint t0 = now_ms();

  std::vector<WriteOp> calls;
  for (int i = 0; i < 2; ++i) {
    for (auto& op : start_and_result((*leads)[i], "e-" + std::to_string(i))) {
      if (auto* result = std::get_if<AttemptResult>(&op)) {
        result->agent = "101";
        result->answered_at = t0;
        result->ended_at = t0 + 40s;
      }
      calls.push_back(std::move(op));
    }
  }
  AgentTag tag;
  tag.call_id = "e-0";
  tag.number_id = (*leads)[0].id;
  tag.disposition = "Sale";
  tag.agent = "101";
  calls.push_back(tag);
  REQUIRE(store.write(calls).has_value());

  AgentPeriod wrapup;
  wrapup.call_id = "e-0";
  wrapup.agent = "101";
  wrapup.wrapup = true;
  wrapup.reason = "wrap-up";
  wrapup.campaign_id = campaign;
  wrapup.started_at = t0 + 40s;
  AgentPeriod pause;
  pause.agent = "101";
  pause.reason = "Lunch";
  pause.started_at = t0 + 60s;
  // Both start: rows without an end, not counted.
  std::vector<WriteOp> starts{wrapup, pause};
  REQUIRE(store.write(starts).has_value());
  REQUIRE(store.write(starts).has_value());  // replayed
  CHECK(db->count("dialer_agent_events") == 2);
  auto day = store.agent_day("101", t0 - 1h, t0 + 1h);
  REQUIRE_MESSAGE(day.has_value(), (day ? "" : day.error().describe()));
  CHECK(day->calls == 2);
  CHECK(day->talk_seconds == 80);
  CHECK(day->wrapups == 0);
  REQUIRE(day->dispositions.size() == 1);
  CHECK(day->dispositions[0].first == "Sale");
  CHECK(day->dispositions[0].second == 1);

  // Both end; the end written twice changes nothing.
  wrapup.ended_at = t0 + 55s;
  wrapup.ended_by = "saved";
  pause.ended_at = t0 + 660s;
  pause.ended_by = "saved";
  std::vector<WriteOp> ends{wrapup, pause};
  REQUIRE(store.write(ends).has_value());
  REQUIRE(store.write(ends).has_value());
  // A start replayed after the end does not undo it.
  REQUIRE(store.write(starts).has_value());
  CHECK(db->count("dialer_agent_events") == 2);
  day = store.agent_day("101", t0 - 1h, t0 + 1h);
  REQUIRE(day.has_value());
  CHECK(day->wrapups == 1);
  CHECK(day->wrapup_seconds == 15);
  CHECK(day->pauses == 1);
  CHECK(day->pause_seconds == 600);
  // Another agent, another range: nothing.
  auto other = store.agent_day("102", t0 - 1h, t0 + 1h);
  REQUIRE(other.has_value());
  CHECK(other->calls == 0);
  auto later = store.agent_day("101", t0 + 1h, t0 + 2h);
  REQUIRE(later.has_value());
  CHECK(later->calls == 0);
  CHECK(later->pauses == 0);

  // A pause follows no call: an empty call_id is fine; a missing agent is not.
  AgentPeriod nobody;
  nobody.started_at = t0;
  std::vector<WriteOp> bad{nobody};
  CHECK_FALSE(store.write(bad).has_value());
}
