// Callbacks on MariaDB (migration 0015): scheduled with the agent's tag,
// claimed only by their agent while personal, given back to that agent,
// opened to anyone once the grace is over, cleared when the call starts.
#include <doctest/doctest.h>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;

namespace {

// One answered call of a campaign's only number, ended and released by the
// engine: what an agent tags.
Lead finished_call(Store& store, pd::store::testing::ScratchDb& db, std::uint32_t campaign) {
  auto leads = store.claim(campaign, 1, 60s);
  REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
  REQUIRE(leads->size() == 1);
  auto done = store.write(start_and_result(leads->front(), "cb-1"));
  REQUIRE_MESSAGE(done.has_value(), (done ? "" : done.error().describe()));
  CHECK(db.count("dialer_numbers", "state = 'done' AND attempts = 1") == 1);
  return leads->front();
}

AgentTag callback_tag(const Lead& lead, std::string agent, TimePoint due,
                      std::optional<TimePoint> until) {
  AgentTag tag;
  tag.call_id = "cb-1";
  tag.number_id = lead.id;
  tag.disposition = "Callback";
  tag.agent = "101";
  tag.callback = ScheduledCallback{due, std::move(agent), until};
  return tag;
}

}  // namespace

TEST_CASE("callbacks: a personal callback waits for its agent, and only that agent claims it") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("callbacks");
  db->add_numbers(campaign, 1);
  Store store(db->conn(), "engine-cb");
  const Lead lead = finished_call(store, *db, campaign);

  const TimePoint due = now_ms() - 1s;
  auto tagged = store.write(std::vector<WriteOp>{callback_tag(lead, "101", due, now_ms() + 1h)});
  REQUIRE_MESSAGE(tagged.has_value(), (tagged ? "" : tagged.error().describe()));
  CHECK(tagged->stale == 0);
  CHECK(db->count("dialer_numbers",
                  "state = 'callback' AND attempts = 0 AND callback_agent = '101' AND"
                  " callback_at IS NOT NULL AND callback_until > NOW(3) AND agent_disposition = "
                  "'Callback'") == 1);

  // The campaign's claim never reads it; another agent's claim neither.
  CHECK(store.claim(campaign, 10, 60s)->empty());
  const std::vector<std::string> other{"102", "103"};
  CHECK(store.claim_callbacks(other, 10, 60s)->empty());

  const std::vector<std::string> mine{"102", "101"};
  auto claimed = store.claim_callbacks(mine, 10, 60s);
  REQUIRE_MESSAGE(claimed.has_value(), (claimed ? "" : claimed.error().describe()));
  REQUIRE(claimed->size() == 1);
  CHECK(claimed->front().agent == "101");
  CHECK(claimed->front().lead.id == lead.id);
  CHECK(claimed->front().lead.attempts == 0);
  CHECK(db->count("dialer_numbers", "state = 'reserved' AND claim_owner = 'engine-cb'") == 1);

  // Given back (the agent closed the panel): it waits for the agent again.
  const std::uint64_t ids[] = {lead.id};
  CHECK(store.release(ids).value() == 1);
  CHECK(db->count("dialer_numbers", "state = 'callback' AND callback_agent = '101'") == 1);

  // Dialed: the callback is honoured, its columns cleared.
  claimed = store.claim_callbacks(mine, 10, 60s);
  REQUIRE(claimed.has_value());
  REQUIRE(claimed->size() == 1);
  AttemptStart start;
  start.call_id = "cb-2";
  start.campaign_id = campaign;
  start.number_id = lead.id;
  start.number = lead.number;
  start.attempt = 1;
  start.started_at = now_ms();
  REQUIRE(store.write(std::vector<WriteOp>{start}).has_value());
  CHECK(db->count("dialer_numbers",
                  "state = 'dialing' AND callback_at IS NULL AND callback_agent IS NULL AND"
                  " callback_until IS NULL") == 1);
}

TEST_CASE("callbacks: not before its time, and to anyone once the grace is over") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("callbacks");
  db->add_numbers(campaign, 1);
  Store store(db->conn(), "engine-cb");
  const Lead lead = finished_call(store, *db, campaign);
  const std::vector<std::string> agent{"101"};

  // Due in an hour: nobody gets it now.
  REQUIRE(store.write(std::vector<WriteOp>{callback_tag(lead, "101", now_ms() + 1h, now_ms() + 2h)})
              .has_value());
  CHECK(store.claim_callbacks(agent, 10, 60s)->empty());
  CHECK(store.open_expired_callbacks(100).value() == 0);

  // The same call tagged again with a time that passed, grace over too (the
  // tag is a plain overwrite): anyone may take it now.
  REQUIRE(
      store.write(std::vector<WriteOp>{callback_tag(lead, "101", now_ms() - 2min, now_ms() - 1min)})
          .has_value());
  CHECK(store.open_expired_callbacks(100).value() == 1);
  CHECK(db->count("dialer_numbers", "state = 'pending' AND callback_agent = '101'") == 1);
  CHECK(store.claim_callbacks(agent, 10, 60s)->empty());
  auto anyone = store.claim(campaign, 10, 60s);
  REQUIRE(anyone.has_value());
  REQUIRE(anyone->size() == 1);
  CHECK(anyone->front().id == lead.id);
  // Given back after its grace: to anyone still, not to the agent.
  const std::uint64_t ids[] = {lead.id};
  CHECK(store.release(ids).value() == 1);
  CHECK(db->count("dialer_numbers", "state = 'pending'") == 1);
}

TEST_CASE("callbacks: for anyone it is a pending number due at its time") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("callbacks");
  db->add_numbers(campaign, 1);
  Store store(db->conn(), "engine-cb");
  const Lead lead = finished_call(store, *db, campaign);

  REQUIRE(store.write(std::vector<WriteOp>{callback_tag(lead, "", now_ms() + 1h, std::nullopt)})
              .has_value());
  CHECK(db->count("dialer_numbers",
                  "state = 'pending' AND callback_agent IS NULL AND callback_until IS NULL AND"
                  " next_try_at > NOW(3) AND callback_at = next_try_at") == 1);
  CHECK(store.claim(campaign, 10, 60s)->empty());  // not yet
  REQUIRE(store.write(std::vector<WriteOp>{callback_tag(lead, "", now_ms() - 1s, std::nullopt)})
              .has_value());
  auto due = store.claim(campaign, 10, 60s);
  REQUIRE(due.has_value());
  CHECK(due->size() == 1);
}

TEST_CASE(
    "callbacks: a number on the do-not-call list or in a call is not scheduled, the tag is saved") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("callbacks");
  db->add_numbers(campaign, 1);
  Store store(db->conn(), "engine-cb");
  const Lead lead = finished_call(store, *db, campaign);
  REQUIRE(db->conn().execute("UPDATE dialer_numbers SET state = 'dnc'", {}).has_value());
  auto written =
      store.write(std::vector<WriteOp>{callback_tag(lead, "101", now_ms() + 1h, now_ms() + 2h)});
  REQUIRE(written.has_value());
  CHECK(written->stale == 1);
  CHECK(db->count("dialer_numbers",
                  "state = 'dnc' AND callback_at IS NULL AND agent_disposition = 'Callback'") == 1);
  CHECK(db->count("dialer_calls", "call_id = 'cb-1' AND agent_disposition = 'Callback'") == 1);
}
