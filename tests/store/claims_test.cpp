#include <doctest/doctest.h>

#include <csignal>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "pd/testing/process.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;

namespace {

std::vector<std::uint64_t> ids_of(const std::vector<Lead>& leads) {
  std::vector<std::uint64_t> ids;
  for (const Lead& l : leads) ids.push_back(l.id);
  return ids;
}

}  // namespace

TEST_CASE("claim: ready leads by priority then due time then id and never twice") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("order");
  db->add_numbers(campaign, 6, "100", 0);  // ids 1..6
  db->add_numbers(campaign, 2, "200", 5);  // ids 7..8: higher priority
  auto& conn = db->conn();
  // Id 2 waits for a retry later, id 3 is a retry due now, id 4 is done.
  REQUIRE(conn.execute("UPDATE dialer_numbers SET state = 'retry', attempts = 1,"
                       " next_try_at = NOW(3) + INTERVAL 1 HOUR WHERE id = 2")
              .has_value());
  REQUIRE(conn.execute("UPDATE dialer_numbers SET state = 'retry', attempts = 1,"
                       " next_try_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = 3")
              .has_value());
  REQUIRE(conn.execute("UPDATE dialer_numbers SET state = 'done' WHERE id = 4").has_value());

  Store store(conn, "engine-a");
  auto first = store.claim(campaign, 3, 60s);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().describe()));
  CHECK(ids_of(*first) == std::vector<std::uint64_t>{7, 8, 1});
  auto rest = store.claim(campaign, 10, 60s);
  REQUIRE(rest.has_value());
  // Priority 0: pending leads (epoch due time) by id, then the due retry.
  CHECK(ids_of(*rest) == std::vector<std::uint64_t>{5, 6, 3});
  CHECK((*rest)[2].previous_state == NumberState::kRetry);
  CHECK((*rest)[2].attempts == 1);
  auto none = store.claim(campaign, 10, 60s);
  REQUIRE(none.has_value());
  CHECK(none->empty());
  CHECK(db->count("dialer_numbers",
                  "state = 'reserved' AND claim_owner = 'engine-a'"
                  " AND claim_expires_at > NOW(3)") == 6);

  // Release gives back pending or retry; renew keeps only what is owned.
  Store other(conn, "engine-b");
  std::vector<std::uint64_t> two{1, 3};
  auto not_mine = other.release(two);
  REQUIRE(not_mine.has_value());
  CHECK(*not_mine == 0);
  auto released = store.release(two);
  REQUIRE(released.has_value());
  CHECK(*released == 2);
  CHECK(db->count("dialer_numbers", "id = 1 AND state = 'pending' AND claim_owner IS NULL") == 1);
  CHECK(db->count("dialer_numbers", "id = 3 AND state = 'retry' AND claim_owner IS NULL") == 1);
  std::vector<std::uint64_t> held{5, 6, 7, 1};
  auto renewed = store.renew(held, 600s);
  REQUIRE(renewed.has_value());
  CHECK(*renewed == 3);
  CHECK(db->count("dialer_numbers",
                  "id IN (5,6,7) AND claim_expires_at > NOW(3) + INTERVAL 500 SECOND") == 3);
}

TEST_CASE("claim race: 4 processes over 10000 leads claim each exactly once") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("race");
  db->add_numbers(campaign, 10000);

  const std::string base =
      pd::testing::build_dir() + "/test-store-claimer-" + std::to_string(getpid()) + "-";
  std::vector<std::unique_ptr<pd::testing::ChildProcess>> claimers;
  for (int i = 0; i < 4; ++i) {
    std::remove((base + std::to_string(i) + ".log").c_str());
    claimers.push_back(std::make_unique<pd::testing::ChildProcess>(
        std::vector<std::string>{PD_STORE_CLAIMER, db->dsn().to_uri(), std::to_string(campaign),
                                 "claimer-" + std::to_string(i), "50"},
        base + std::to_string(i) + ".log"));
  }
  std::map<std::uint64_t, int> claims;  // lead id -> times claimed
  std::vector<std::size_t> per_process;
  for (int i = 0; i < 4; ++i) {
    auto& c = *claimers[i];
    REQUIRE_MESSAGE(pd::testing::eventually([&] { return !c.running(); }, 60s), "claimer hung");
    const std::string out = c.output();
    INFO("claimer ", i, " output tail: ", out.substr(out.size() > 400 ? out.size() - 400 : 0));
    CHECK(c.stop(SIGKILL) == 0);
    std::istringstream lines(out);
    std::string word;
    std::uint64_t id = 0;
    std::size_t mine = 0;
    while (lines >> word) {
      if (word == "claimed" && lines >> id) {
        ++claims[id];
        ++mine;
      }
    }
    per_process.push_back(mine);
    std::remove((base + std::to_string(i) + ".log").c_str());
  }
  MESSAGE("leads claimed per process: ", per_process[0], " ", per_process[1], " ", per_process[2],
          " ", per_process[3]);
  CHECK(claims.size() == 10000);
  int twice = 0;
  for (auto& [id, n] : claims) twice += n != 1;
  CHECK(twice == 0);
  // Nothing lost: every lead ended done, once.
  CHECK(db->count("dialer_numbers", "state = 'done' AND attempts = 1") == 10000);
  CHECK(db->count("dialer_calls", "ended_at IS NOT NULL") == 10000);
  // The race was real: more than one process got leads.
  int busy = 0;
  for (auto n : per_process) busy += n > 0;
  CHECK(busy >= 2);
}

TEST_CASE("claim lease: a dead owner's leads come back after the lease") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("lease");
  db->add_numbers(campaign, 10);
  Store dead(db->conn(), "dead-instance");
  auto taken = dead.claim(campaign, 5, 2s);
  REQUIRE(taken.has_value());
  REQUIRE(taken->size() == 5);
  // The dead instance had started dialing one of them.
  REQUIRE(db->conn()
              .execute("UPDATE dialer_numbers SET state = 'dialing' WHERE id = ?", {(*taken)[0].id})
              .has_value());

  auto conn2 = Connection::open(db->dsn());
  REQUIRE(conn2.has_value());
  Store alive(*conn2, "alive-instance");
  auto others = alive.claim(campaign, 100, 60s);
  REQUIRE(others.has_value());
  CHECK(others->size() == 5);  // only the 5 nobody holds
  std::set<std::uint64_t> dead_ids;
  for (const Lead& l : *taken) dead_ids.insert(l.id);
  for (const Lead& l : *others) CHECK_FALSE(dead_ids.contains(l.id));

  std::vector<Lead> recovered;
  CHECK(pd::testing::eventually(
      [&] {
        auto more = alive.claim(campaign, 100, 60s);
        REQUIRE(more.has_value());
        recovered.insert(recovered.end(), more->begin(), more->end());
        return recovered.size() >= 5;
      },
      10s));
  std::set<std::uint64_t> recovered_ids;
  for (const Lead& l : recovered) recovered_ids.insert(l.id);
  CHECK(recovered_ids == dead_ids);
  CHECK(db->count("dialer_numbers", "claim_owner = 'alive-instance' AND state = 'reserved'") == 10);
}

TEST_CASE("claim: leads behind the resume hint are still claimed (released and scheduled ones)") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("hint");
  db->add_numbers(campaign, 10);  // ids 1..10
  auto& conn = db->conn();
  Store store(conn, "engine-h");
  auto first = store.claim(campaign, 3, 60s);  // ids 1..3; the hint is now 3
  REQUIRE(first.has_value());
  CHECK(ids_of(*first) == std::vector<std::uint64_t>{1, 2, 3});
  std::vector<std::uint64_t> back{2};
  REQUIRE(store.release(back).value_or(0) == 1);
  // Id 9 was scheduled for a minute ago, id 10 for an hour from now.
  REQUIRE(conn.execute("UPDATE dialer_numbers SET next_try_at = NOW(3) - INTERVAL 1 MINUTE"
                       " WHERE id = 9")
              .has_value());
  REQUIRE(conn.execute("UPDATE dialer_numbers SET next_try_at = NOW(3) + INTERVAL 1 HOUR"
                       " WHERE id = 10")
              .has_value());
  auto rest = store.claim(campaign, 50, 60s);
  REQUIRE(rest.has_value());
  CHECK(ids_of(*rest) == std::vector<std::uint64_t>{4, 5, 6, 7, 8, 2, 9});
  auto none = store.claim(campaign, 50, 60s);
  REQUIRE(none.has_value());
  CHECK(none->empty());
}

TEST_CASE(
    "claim: after a run of claims at one level, higher priorities and expired leases still go "
    "first") {
  // Consecutive claims at the campaign's top level take the fast path (one
  // statement); each of these changes must send the claim back to the levels.
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("fast");
  db->add_numbers(campaign, 20);  // ids 1..20, priority 0
  auto& conn = db->conn();
  Store store(conn, "engine-f");
  auto claim = [&](std::size_t n) {
    auto leads = store.claim(campaign, n, 60s);
    REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
    return ids_of(*leads);
  };
  // Statements executed on this connection (the SHOW itself is one).
  auto executed = [&] {
    auto rows = conn.query("SHOW SESSION STATUS LIKE 'Com_stmt_execute'");
    REQUIRE(rows.has_value());
    return rows->rows.at(0).u64(1);
  };
  CHECK(claim(3) == std::vector<std::uint64_t>{1, 2, 3});
  const auto before = executed();
  CHECK(claim(3) == std::vector<std::uint64_t>{4, 5, 6});
  CHECK(executed() - before == 3);  // the fast path's SELECT, the UPDATE, the SHOW

  // A higher priority added since.
  db->add_numbers(campaign, 2, "700", 3);  // ids 21, 22
  CHECK(claim(3) == std::vector<std::uint64_t>{21, 22, 7});
  CHECK(claim(2) == std::vector<std::uint64_t>{8, 9});
  CHECK(claim(2) == std::vector<std::uint64_t>{10, 11});

  // A retry due now at a higher priority; one at the same level waits behind
  // that level's pending leads.
  REQUIRE(conn.execute("UPDATE dialer_numbers SET state = 'retry', attempts = 1, priority = 2,"
                       " claim_owner = NULL, claim_expires_at = NULL,"
                       " next_try_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = 1")
              .has_value());
  REQUIRE(conn.execute("UPDATE dialer_numbers SET state = 'retry', attempts = 1,"
                       " claim_owner = NULL, claim_expires_at = NULL,"
                       " next_try_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = 2")
              .has_value());
  CHECK(claim(2) == std::vector<std::uint64_t>{1, 12});
  CHECK(claim(2) == std::vector<std::uint64_t>{13, 14});

  // A dead instance's expired lease.
  REQUIRE(conn.execute("UPDATE dialer_numbers SET claim_owner = 'dead', state = 'dialing',"
                       " claim_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = 3")
              .has_value());
  CHECK(claim(2) == std::vector<std::uint64_t>{3, 15});
  CHECK(claim(2) == std::vector<std::uint64_t>{16, 17});

  // Leads released behind the hint, then the level runs out: the rest, the
  // retry at this level last.
  std::vector<std::uint64_t> back{5};
  REQUIRE(store.release(back).value_or(0) == 1);
  CHECK(claim(10) == std::vector<std::uint64_t>{18, 19, 20, 5, 2});
  CHECK(claim(10).empty());
  CHECK(db->count("dialer_numbers", "claim_owner = 'engine-f' AND state = 'reserved'") == 22);
}

TEST_CASE("defer: a lead given back until its own hours is claimed only from then") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("defer");
  db->add_numbers(campaign, 3);  // ids 1..3
  auto& conn = db->conn();
  REQUIRE(conn.execute("UPDATE dialer_numbers SET attempts = 1 WHERE id = 2").has_value());
  Store store(conn, "engine-d");
  auto first = store.claim(campaign, 3, 60s);
  REQUIRE(first.has_value());
  REQUIRE(first->size() == 3);
  const auto later = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() + std::chrono::hours(2));
  std::vector<std::uint64_t> wait{1, 2};
  Store other(conn, "engine-x");
  CHECK(other.defer(wait, later).value_or(99) == 0);  // not its leads
  auto deferred = store.defer(wait, later);
  REQUIRE(deferred.has_value());
  CHECK(*deferred == 2);
  // Back in the queue (retry for the one tried before), owned by nobody,
  // not due for two hours.
  CHECK(db->count("dialer_numbers",
                  "id = 1 AND state = 'pending' AND claim_owner IS NULL"
                  " AND next_try_at > NOW(3) + INTERVAL 1 HOUR") == 1);
  CHECK(db->count("dialer_numbers",
                  "id = 2 AND state = 'retry' AND claim_owner IS NULL"
                  " AND next_try_at > NOW(3) + INTERVAL 1 HOUR") == 1);
  auto none = store.claim(campaign, 10, 60s);
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // When the time has come they are claimed again.
  REQUIRE(conn.execute("UPDATE dialer_numbers SET next_try_at = NOW(3) - INTERVAL 1 SECOND"
                       " WHERE id IN (1, 2)")
              .has_value());
  auto again = store.claim(campaign, 10, 60s);
  REQUIRE(again.has_value());
  CHECK(ids_of(*again) == std::vector<std::uint64_t>{1, 2});
}
