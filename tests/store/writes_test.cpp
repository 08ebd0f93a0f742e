// Store::write: which results use one of the number's attempts.
#include <doctest/doctest.h>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;

namespace {

std::uint64_t attempts_of(testing::ScratchDb& db, std::uint64_t id) {
  auto rows = db.conn().query("SELECT attempts FROM dialer_numbers WHERE id = ?", {id});
  REQUIRE(rows.has_value());
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0].u64(0);
}

// Start + result of a lead, requeued at once (as the engine does for a call
// that never reached the customer) or later.
std::vector<WriteOp> requeued(const Lead& lead, const std::string& call_id, bool counts) {
  auto ops = start_and_result(lead, call_id, NumberState::kRetry);
  auto& result = std::get<AttemptResult>(ops[1]);
  result.counts_attempt = counts;
  result.next_try_at = now_ms() - 1s;
  result.answered_at.reset();
  result.dial_status = counts ? "BUSY" : "CHANUNAVAIL";
  result.disposition = "Failed";
  return ops;
}

}  // namespace

TEST_CASE("write: only results that reached the customer use an attempt, once") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("attempts");
  db->add_numbers(campaign, 2);
  Store store(db->conn(), "engine-w");
  auto leads = store.claim(campaign, 2, 60s);
  REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
  REQUIRE(leads->size() == 2);
  const Lead never_dialed = (*leads)[0];
  const Lead dialed = (*leads)[1];

  std::vector<WriteOp> batch = requeued(never_dialed, "w-1", false);
  for (auto& op : requeued(dialed, "w-2", true)) batch.push_back(std::move(op));
  auto first = store.write(batch);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().describe()));
  CHECK(first->applied == 4);
  CHECK(attempts_of(*db, never_dialed.id) == 0);
  CHECK(attempts_of(*db, dialed.id) == 1);
  // Both calls are on record, and both leads wait for their retry.
  CHECK(db->count("dialer_calls", "ended_at IS NOT NULL") == 2);
  CHECK(db->count("dialer_numbers", "state = 'retry' AND claim_owner IS NULL") == 2);

  // The same batch again (the retry after an unknown COMMIT outcome).
  auto again = store.write(batch);
  REQUIRE(again.has_value());
  CHECK(again->applied == 0);
  CHECK(again->duplicates == 4);
  CHECK(attempts_of(*db, never_dialed.id) == 0);
  CHECK(attempts_of(*db, dialed.id) == 1);

  // Next round: the requeued lead comes back with no attempt used; this time
  // its call reaches the customer and counts, the other one's does not.
  auto next = store.claim(campaign, 2, 60s);
  REQUIRE(next.has_value());
  REQUIRE(next->size() == 2);
  std::vector<WriteOp> second;
  for (const Lead& lead : *next) {
    if (lead.id == never_dialed.id) {
      CHECK(lead.attempts == 0);
      for (auto& op : requeued(lead, "w-3", true)) second.push_back(std::move(op));
    } else {
      CHECK(lead.attempts == 1);
      for (auto& op : requeued(lead, "w-4", false)) second.push_back(std::move(op));
    }
  }
  REQUIRE(store.write(second).has_value());
  REQUIRE(store.write(second).has_value());  // again: still counted once
  CHECK(attempts_of(*db, never_dialed.id) == 1);
  CHECK(attempts_of(*db, dialed.id) == 1);
  CHECK(db->count("dialer_calls", "ended_at IS NOT NULL") == 4);
}

TEST_CASE("write: a result row created by the result itself counts its attempt once") {
  // The start was never written (lost with a crashed process): the result
  // creates the call row, and a second write of it changes nothing.
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("no-start");
  db->add_numbers(campaign, 2);
  Store store(db->conn(), "engine-r");
  auto leads = store.claim(campaign, 2, 60s);
  REQUIRE(leads.has_value());
  REQUIRE(leads->size() == 2);
  std::vector<WriteOp> results;
  results.push_back(requeued((*leads)[0], "r-1", true)[1]);
  results.push_back(requeued((*leads)[1], "r-2", false)[1]);
  for (int i = 0; i < 2; ++i) REQUIRE(store.write(results).has_value());
  CHECK(attempts_of(*db, (*leads)[0].id) == 1);
  CHECK(attempts_of(*db, (*leads)[1].id) == 0);
  CHECK(db->count("dialer_calls", "ended_at IS NOT NULL") == 2);
}

// An Originate Asterisk refused before any channel existed (its id in use):
// the call row goes, the lead stays claimed for the Originate under a new id,
// or, the retries used up, goes back to the store; attempts never change.
TEST_CASE("write: a withdrawn attempt leaves no call row and uses no attempt") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("withdrawn");
  db->add_numbers(campaign, 1);
  Store store(db->conn(), "engine-w");
  auto leads = store.claim(campaign, 1, 60s);
  REQUIRE(leads.has_value());
  REQUIRE(leads->size() == 1);
  const Lead lead = (*leads)[0];
  auto start = start_and_result(lead, "refused-1");
  std::vector<WriteOp> batch = {start[0], AttemptWithdrawn{"refused-1", lead.id, false}};
  auto first = store.write(batch);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().describe()));
  CHECK(first->applied == 2);
  CHECK(db->count("dialer_calls", "call_id = 'refused-1'") == 0);
  CHECK(db->count("dialer_numbers", "state = 'reserved' AND claim_owner = 'engine-w'") == 1);
  // A retried batch (unknown COMMIT outcome) ends the same: the start is
  // written again and withdrawn again.
  auto again = store.write(batch);
  REQUIRE(again.has_value());
  CHECK(db->count("dialer_calls", "1") == 0);
  CHECK(db->count("dialer_numbers", "state = 'reserved' AND claim_owner = 'engine-w'") == 1);

  // The same lead under a new id, refused again: this time given back.
  auto second = start_and_result(lead, "refused-2");
  std::vector<WriteOp> give_back = {second[0], AttemptWithdrawn{"refused-2", lead.id, true}};
  REQUIRE(store.write(give_back).has_value());
  CHECK(db->count("dialer_calls", "1") == 0);
  CHECK(db->count("dialer_numbers", "state = 'pending' AND claim_owner IS NULL") == 1);
  CHECK(attempts_of(*db, lead.id) == 0);
  auto reclaimed = store.claim(campaign, 1, 60s);
  REQUIRE(reclaimed.has_value());
  CHECK(reclaimed->size() == 1);
}
