// The server goes away in the middle of a run and comes back: the worker
// reconnects, writes the queued results in order, none lost, none twice.
#include <doctest/doctest.h>

#include <cstdio>

#include "db_fixture.h"
#include "pd/store/store_worker.h"
#include "test_loop.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::start_and_result;
using pd::store::testing::TestLoop;

namespace {

constexpr const char* kInstance = "store-outage";

// Runs outage-db.sh; returns its output (stdout and stderr).
std::string outage_db(const std::string& verb) {
  const std::string cmd =
      std::string("bash '") + PD_OUTAGE_SCRIPT + "' " + verb + " " + kInstance + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int rc = ::pclose(p);
  REQUIRE_MESSAGE(rc == 0, "outage-db.sh " << verb << " failed: " << out);
  return out;
}

Dsn start_server() {
  const std::string out = outage_db("start");
  auto at = out.find("PD_MYSQL_DSN=");
  REQUIRE_MESSAGE(at != std::string::npos, out);
  std::string text = out.substr(at + 13);
  text = text.substr(0, text.find('\n'));
  auto dsn = parse_dsn(text);
  REQUIRE_MESSAGE(dsn.has_value(), text);
  return *dsn;
}

}  // namespace

TEST_CASE("outage: the server stops and restarts mid-run and no result is lost or written twice") {
  if (!testing::require_test_dsn()) return;  // same rule as every integration test
  const Dsn server = start_server();
  struct StopAtEnd {
    ~StopAtEnd() { outage_db("stop"); }
  } stop_at_end;

  constexpr int kLeads = 3000;
  std::vector<Lead> leads;
  auto db = std::make_unique<testing::ScratchDb>(server);
  const auto campaign = db->add_campaign("outage");
  db->add_numbers(campaign, kLeads);
  {
    Store store(db->conn(), "outage-engine");
    auto claimed = store.claim(campaign, kLeads, 3600s);
    REQUIRE(claimed.has_value());
    leads = std::move(*claimed);
    REQUIRE(leads.size() == kLeads);
  }

  TestLoop loop;
  WriteReport total;
  std::vector<bool> health_changes;
  StoreWorkerOptions options;
  options.dsn = db->dsn();
  options.instance = "outage-engine";
  options.post = loop.post_fn();
  options.write_batch_size = 100;
  options.backoff_initial = 50ms;
  options.backoff_max = 1s;
  options.on_written = [&](const WriteReport& r) { total += r; };
  options.on_health = [&](bool up, const std::string&) { health_changes.push_back(up); };
  StoreWorker worker(options);
  REQUIRE(loop.run_until([&] { return worker.healthy(); }, 10s));

  auto submit = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      REQUIRE(worker.submit(start_and_result(leads[i], "o-" + std::to_string(i))).has_value());
  };
  // Phase 1: a backlog the writer is busy with when the server dies.
  submit(0, 1500);
  REQUIRE(loop.run_until([&] { return total.ops >= 200; }, 20s));
  outage_db("stop");
  REQUIRE(loop.run_until([&] { return !worker.healthy(); }, 10s));
  const std::size_t written_before = total.ops;
  MESSAGE("ops written before the stop: ", written_before);
  CHECK(written_before < 3000);  // the stop really happened mid-run

  // Phase 2: results keep coming while the server is down; they queue.
  submit(1500, 2200);
  CHECK(worker.pending_writes() > 0);
  CHECK_FALSE(worker.healthy());

  // Phase 3: the server comes back (same port, same data); the rest arrives.
  start_server();
  REQUIRE(loop.run_until([&] { return worker.healthy(); }, 15s));
  submit(2200, kLeads);
  REQUIRE(
      loop.run_until([&] { return worker.pending_writes() == 0 && total.ops >= 2 * kLeads; }, 60s));
  loop.run_pending();
  MESSAGE("applied ", total.applied, ", found already applied ", total.duplicates, " of ",
          total.ops, " ops");
  CHECK(total.applied + total.duplicates == total.ops);
  CHECK(total.stale == 0);
  CHECK(worker.stop() == 0);

  // Every lead ended once: one call row each, attempts exactly 1.
  auto check_conn = Connection::open(db->dsn());
  REQUIRE(check_conn.has_value());
  auto count = [&](const std::string& sql) {
    auto r = check_conn->query(sql);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().describe()));
    return r->rows.at(0).u64(0);
  };
  CHECK(count("SELECT COUNT(*) FROM dialer_numbers WHERE state = 'done' AND attempts = 1") ==
        kLeads);
  CHECK(count("SELECT COUNT(*) FROM dialer_numbers WHERE attempts <> 1") == 0);
  CHECK(count("SELECT COUNT(*) FROM dialer_calls WHERE ended_at IS NOT NULL") == kLeads);
  CHECK(count("SELECT COUNT(DISTINCT call_id) FROM dialer_calls") == kLeads);
  // Health went down and came back, and the host heard about both.
  REQUIRE(health_changes.size() >= 3);
  CHECK(health_changes.front() == true);
  CHECK(health_changes.back() == true);
  CHECK(std::find(health_changes.begin(), health_changes.end(), false) != health_changes.end());
  db.reset();  // drop the scratch database while the server is still up
}
