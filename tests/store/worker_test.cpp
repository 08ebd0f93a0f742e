#include "pd/store/store_worker.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "db_fixture.h"
#include "test_loop.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;
using pd::store::testing::TestLoop;

namespace {

std::vector<Lead> claim_all(testing::ScratchDb& db, std::uint32_t campaign,
                            const std::string& owner, std::size_t n) {
  Store store(db.conn(), owner);
  auto leads = store.claim(campaign, n, 600s);
  REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
  REQUIRE(leads->size() == n);
  return *leads;
}

}  // namespace

TEST_CASE("worker: result writes go out in batches and in order exactly once") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("batched");
  db->add_numbers(campaign, 1000);
  auto leads = claim_all(*db, campaign, "worker-1", 1000);

  TestLoop loop;
  WriteReport total;
  int batches = 0;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "worker-1";
  options.post = loop.post_fn();
  options.write_batch_size = 200;
  options.on_written = [&](const WriteReport& r) {
    total += r;
    ++batches;
  };
  StoreWorker worker(options);
  REQUIRE(loop.run_until([&] { return worker.healthy(); }, 10s));

  for (std::size_t i = 0; i < leads.size(); ++i) {
    // Even leads succeed, odd ones are retried later.
    auto outcome = i % 2 ? NumberState::kRetry : NumberState::kDone;
    REQUIRE(
        worker.submit(start_and_result(leads[i], "b-" + std::to_string(i), outcome)).has_value());
  }
  REQUIRE(loop.run_until([&] { return total.ops == 2000; }, 30s));
  CHECK(total.applied == 2000);
  CHECK(total.duplicates == 0);
  CHECK(batches >= 10);   // at most 200 ops a batch
  CHECK(batches < 2000);  // and really batched
  CHECK(worker.pending_writes() == 0);
  CHECK(db->count("dialer_numbers", "state = 'done' AND attempts = 1 AND claim_owner IS NULL") ==
        500);
  CHECK(db->count("dialer_numbers",
                  "state = 'retry' AND attempts = 1"
                  " AND next_try_at > NOW(3) + INTERVAL 25 MINUTE") == 500);
  CHECK(db->count("dialer_calls",
                  "ended_at IS NOT NULL AND instance = 'worker-1'"
                  " AND disposition = 'Sale' AND hangup_cause = 16") == 1000);

  // The same ops again (what a retry after an unknown COMMIT outcome does):
  // nothing changes.
  total = {};
  for (std::size_t i = 0; i < leads.size(); ++i) {
    auto outcome = i % 2 ? NumberState::kRetry : NumberState::kDone;
    REQUIRE(
        worker.submit(start_and_result(leads[i], "b-" + std::to_string(i), outcome)).has_value());
  }
  REQUIRE(loop.run_until([&] { return total.ops == 2000; }, 30s));
  CHECK(total.applied == 0);
  CHECK(total.duplicates == 2000);
  CHECK(db->count("dialer_numbers", "attempts = 1") == 1000);
  CHECK(db->count("dialer_calls") == 1000);
}

TEST_CASE("worker: a refused op is reported and the others are written") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("poison");
  db->add_numbers(campaign, 3);
  auto leads = claim_all(*db, campaign, "worker-p", 3);

  TestLoop loop;
  WriteReport total;
  std::vector<std::string> refused;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "worker-p";
  options.post = loop.post_fn();
  options.write_linger = 100ms;  // so that all three land in one batch
  options.on_written = [&](const WriteReport& r) { total += r; };
  options.on_write_error = [&](const WriteOp& op, const pd::Error& e) {
    refused.push_back(std::get<AttemptResult>(op).call_id + ": " + e.describe());
  };
  StoreWorker worker(options);
  std::vector<WriteOp> ops;
  for (int i = 0; i < 3; ++i) {
    auto pair = start_and_result(leads[i], "p-" + std::to_string(i));
    if (i == 1) std::get<AttemptResult>(pair[1]).disposition = std::string(300, 'x');  // > 80
    for (auto& op : pair) ops.push_back(std::move(op));
  }
  REQUIRE(worker.submit(std::move(ops)).has_value());
  REQUIRE(loop.run_until([&] { return total.ops + refused.size() == 6; }, 20s));
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].starts_with("p-1: "));
  CHECK(db->count("dialer_numbers", "state = 'done'") == 2);
  CHECK(db->count("dialer_numbers", "state = 'dialing'") == 1);  // its start was written
}

TEST_CASE("worker: queries answer on the host loop (heartbeat DNC add numbers settings claim)") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("queries");
  REQUIRE(db->conn().execute("INSERT INTO dialer_dnc (number) VALUES ('5550100002')").has_value());

  TestLoop loop;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "worker-q";
  options.post = loop.post_fn();
  StoreWorker worker(options);
  const auto loop_thread = std::this_thread::get_id();

  std::optional<pd::Result<std::size_t>> added;
  std::vector<NewNumber> numbers(3);
  for (int i = 0; i < 3; ++i) numbers[i].number = "555010000" + std::to_string(i + 1);
  worker.add_numbers(campaign, numbers, [&](pd::Result<std::size_t> r) {
    CHECK(std::this_thread::get_id() == loop_thread);
    added = std::move(r);
  });
  std::optional<pd::Result<std::vector<Lead>>> claimed;
  worker.claim(campaign, 10, 60s,
               [&](pd::Result<std::vector<Lead>> r) { claimed.emplace(std::move(r)); });
  std::optional<pd::Result<std::vector<std::string>>> dnc;
  std::vector<std::string> asked{"5550100001", "5550100002"};
  worker.dnc_lookup(asked,
                    [&](pd::Result<std::vector<std::string>> r) { dnc.emplace(std::move(r)); });
  std::optional<pd::Status> beat;
  worker.heartbeat({"0.1.0", "host-a", now_ms(), 7, true}, [&](pd::Status s) { beat = s; });
  std::optional<pd::Result<Settings>> settings;
  worker.load_settings([&](pd::Result<Settings> r) { settings = std::move(r); });

  REQUIRE(loop.run_until([&] { return added && claimed && dnc && beat && settings; }, 20s));
  REQUIRE(added->has_value());
  CHECK(**added == 3);
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->size() == 3);  // jobs run in order: the add came first
  REQUIRE(dnc->has_value());
  CHECK(**dnc == std::vector<std::string>{"5550100002"});
  CHECK(beat->has_value());
  CHECK(db->count("dialer_heartbeat",
                  "instance = 'worker-q' AND active_calls = 7 AND ami_up = 1") == 1);
  REQUIRE(settings->has_value());
  CHECK((*settings)->get("dial_context") == "from-internal");
  CHECK((*settings)->get_int("dial_timeout", 0) == 30);
}

TEST_CASE("worker: the config watch sees a campaign edit within 2 s") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("watched");
  REQUIRE(db->conn().execute("INSERT INTO dialer_dispositions (name) VALUES ('Sale')").has_value());

  TestLoop loop;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "worker-w";
  options.post = loop.post_fn();
  StoreWorker worker(options);
  std::vector<ConfigSnapshot> snapshots;
  worker.watch_config(500ms, [&](ConfigSnapshot s) { snapshots.push_back(std::move(s)); });
  REQUIRE(loop.run_until([&] { return !snapshots.empty(); }, 10s));
  REQUIRE(snapshots[0].campaigns.size() == 1);
  CHECK(snapshots[0].campaigns[0].name == "watched");
  CHECK(snapshots[0].campaigns[0].enabled);
  CHECK(snapshots[0].settings.get("ok_disposition") == "ANSWER");

  REQUIRE(db->conn()
              .execute("UPDATE dialer_campaigns SET concurrent_calls = 42 WHERE id = ?", {campaign})
              .has_value());
  auto edited = std::chrono::steady_clock::now();
  REQUIRE(loop.run_until([&] { return snapshots.size() >= 2; }, 5s));
  CHECK(std::chrono::steady_clock::now() - edited < 2s);
  CHECK(snapshots.back().campaigns[0].concurrent_calls == 42);

  // Dispositions linked to the campaign count as an edit too.
  REQUIRE(db->conn()
              .execute("INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id,"
                       " direction) SELECT ?, id, 'outbound' FROM dialer_dispositions",
                       {campaign})
              .has_value());
  REQUIRE(loop.run_until([&] { return snapshots.size() >= 3; }, 5s));
  CHECK(snapshots.back().campaigns[0].outbound_dispositions == std::vector<std::string>{"Sale"});
  CHECK(snapshots.back().campaigns[0].callback_dispositions.empty());
  CHECK(snapshots.back().campaigns[0].callback_grace_minutes == 15);  // the schema's default
  loop.run_until([] { return false; }, 700ms);
  CHECK(snapshots.size() == 3);  // nothing changed since: nothing delivered

  // A disposition marked as a callback counts as an edit, and is named so.
  REQUIRE(db->conn()
              .execute("UPDATE dialer_dispositions SET is_callback = 1 WHERE name = 'Sale'")
              .has_value());
  REQUIRE(loop.run_until([&] { return snapshots.size() >= 4; }, 5s));
  CHECK(snapshots.back().campaigns[0].callback_dispositions == std::vector<std::string>{"Sale"});
  REQUIRE(db->conn()
              .execute("UPDATE dialer_campaigns SET callback_grace_minutes = 45 WHERE id = ?",
                       {campaign})
              .has_value());
  REQUIRE(loop.run_until([&] { return snapshots.size() >= 5; }, 5s));
  CHECK(snapshots.back().campaigns[0].callback_grace_minutes == 45);
}

TEST_CASE("worker: at most max_pending_jobs query jobs wait - one more fails with kLimit") {
  auto db = open_scratch_db();
  if (!db) return;
  TestLoop loop;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "bounded";
  options.post = loop.post_fn();
  options.max_pending_jobs = 3;
  StoreWorker worker(options);
  REQUIRE(loop.run_until([&] { return worker.healthy(); }, 10s));

  // The query thread is held by the first job while the others queue.
  std::atomic<bool> started{false};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<pd::Result<int>> answers;
  auto record = [&](pd::Result<int> r) { answers.push_back(std::move(r)); };
  worker.call<int>(
      [&](Store&) -> pd::Result<int> {
        started = true;
        released.wait();  // until the test lets it go, however long the queue checks take
        return 0;
      },
      record);
  REQUIRE(loop.run_until([&] { return started.load(); }, 5s));
  for (int i = 1; i <= 4; ++i) {
    worker.call<int>([i](Store&) -> pd::Result<int> { return i; }, record);
  }
  // The fourth waiting job is refused at once, without running.
  REQUIRE(loop.run_until([&] { return answers.size() == 1; }, 5s));
  REQUIRE_FALSE(answers[0].has_value());
  CHECK(answers[0].error().code == pd::ErrorCode::kLimit);
  release.set_value();
  REQUIRE(loop.run_until([&] { return answers.size() == 5; }, 5s));
  for (size_t i = 1; i < answers.size(); ++i) CHECK(answers[i].has_value());
  CHECK(*answers[1] == 0);
  CHECK(*answers[4] == 3);
}

TEST_CASE("worker: an acknowledged write answers after its batch committed, in order") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("acked");
  db->add_numbers(campaign, 2);
  auto leads = claim_all(*db, campaign, "worker-a", 2);

  TestLoop loop;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "worker-a";
  options.post = loop.post_fn();
  options.write_linger = 100ms;  // the result and the tag land in one batch
  StoreWorker worker(options);

  // The call's result first (plain submit), then the agent's tag, acked.
  REQUIRE(worker.submit(start_and_result(leads[0], "a-0")).has_value());
  AgentTag tag;
  tag.call_id = "a-0";
  tag.number_id = leads[0].id;
  tag.disposition = "Callback";
  std::vector<pd::Status> acks;
  std::uint64_t tagged_when_acked = 0;
  worker.submit(tag, [&](pd::Status s) {
    acks.push_back(s);
    // Committed before the ack runs.
    tagged_when_acked = db->count("dialer_calls",
                                  "call_id = 'a-0' AND agent_disposition = "
                                  "'Callback'");
  });
  REQUIRE(loop.run_until([&] { return !acks.empty(); }, 20s));
  CHECK(acks[0].has_value());
  CHECK(tagged_when_acked == 1);
  CHECK(db->count("dialer_numbers", "agent_disposition = 'Callback' AND state = 'done'") == 1);

  // A tag the server refuses (too long for its column) is answered with the error.
  REQUIRE(worker.submit(start_and_result(leads[1], "a-1")).has_value());
  tag.call_id = "a-1";
  tag.number_id = leads[1].id;
  tag.disposition = std::string(300, 'x');
  std::vector<pd::Status> refused;
  worker.submit(tag, [&](pd::Status s) { refused.push_back(s); });
  REQUIRE(loop.run_until([&] { return !refused.empty(); }, 20s));
  loop.run_pending();
  REQUIRE(refused.size() == 1);
  CHECK_FALSE(refused[0].has_value());
  CHECK(db->count("dialer_calls", "call_id = 'a-1' AND ended_at IS NOT NULL") == 1);
  CHECK(acks.size() == 1);
}
