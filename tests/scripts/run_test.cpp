// scripts/run against a "real" PBX (pbx-sim standing in, on its own port):
// it must never dial or touch the PBX's extensions file unasked. End to end:
// the real command, the real panelhost and plugin, a scratch database.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "db_fixture.h"
#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pd::testing::ChildProcess;
using pd::testing::eventually;

namespace {

std::string read_text(const fs::path& path) {
  return pd::testing::read_text_file(path.string());
}

// The counters of pbx-sim's last "--stats-interval" line ("" keys when none yet).
std::map<std::string, std::string> last_sim_stats(const std::string& log) {
  std::map<std::string, std::string> stats;
  const auto at = log.rfind("pbx-sim: sim_s=");
  if (at == std::string::npos) return stats;
  std::istringstream line(log.substr(at + 9, log.find('\n', at) - at - 9));
  std::string pair;
  while (line >> pair) {
    const auto eq = pair.find('=');
    if (eq != std::string::npos) stats[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return stats;
}

// How long scripts/run may take to stop after SIGTERM: panelhost's shutdown
// (the engine, the store's writer, the webhook thread), php -S, then the
// summary queries. Under 1 s on a quiet machine; a loaded CI machine once
// took over 10 s (the ChildProcess default). A wait for the exit, not a sleep.
constexpr auto kRunStopPatience = 60s;

// Stops scripts/run with SIGTERM (its trap stops panelhost and php -S) when
// a check fails half-way; SIGKILL, the ChildProcess default, would orphan them.
struct TermOnExit {
  ChildProcess& process;
  ~TermOnExit() { process.stop(SIGTERM, kRunStopPatience); }
};

// A scratch database, pbx-sim as "the PBX" with the demo scenario and a
// stats line every second, and a fake PBX extensions file the database's
// extensions_conf setting points at.
struct RunRig {
  std::unique_ptr<pd::store::testing::ScratchDb> db = pd::store::testing::open_scratch_db();
  fs::path root;
  fs::path extensions;
  const std::string extensions_before = "[from-internal]\nexten => 100,1,Answer()\n";
  int ami_port = pd::testing::free_loopback_port();
  std::unique_ptr<ChildProcess> sim;

  RunRig() {
    char name[] = "/tmp/pd-run-rig-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
    if (!db) return;
    fs::create_directories(root / "pbx");
    extensions = root / "pbx" / "extensions_custom.conf";
    std::ofstream(extensions) << extensions_before;
    REQUIRE(
        db->conn().execute("UPDATE dialer_settings SET value = ? WHERE name = 'extensions_conf'",
                           {extensions.string()}));
    sim = std::make_unique<ChildProcess>(
        std::vector<std::string>{PD_PBX_SIM, "--scenario",
                                 pd::testing::source_dir() + "/host-stub/sim/scenarios/demo.json",
                                 "--port", std::to_string(ami_port), "--speed", "10",
                                 "--stats-interval", "1"},
        (root / "sim.log").string());
    REQUIRE(pd::testing::wait_for_port(ami_port, 10s));
  }
  ~RunRig() { fs::remove_all(root); }

  // scripts/run against the sim as a real PBX, its files (and a private
  // database, without --dsn) under root/run-dir.
  std::unique_ptr<ChildProcess> start_run(std::vector<std::string> extra, bool scratch_db = true) {
    std::vector<std::string> argv = {pd::testing::source_dir() + "/scripts/run",
                                     "--no-build",
                                     "--ami-host",
                                     "127.0.0.1",
                                     "--ami-port",
                                     std::to_string(ami_port),
                                     "--ami-user",
                                     "dialer",
                                     "--ami-secret",
                                     "dialersecret"};
    if (scratch_db) {
      argv.push_back("--dsn");
      argv.push_back(db->dsn().to_uri());
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    // An empty PD_MYSQL_DSN is no DSN: scripts/run starts its private MariaDB.
    return std::make_unique<ChildProcess>(
        argv, (root / "run.log").string(),
        std::map<std::string, std::string>{{"PD_RUN_DIR", (root / "run-dir").string()},
                                           {"PD_BUILD", pd::testing::build_dir()},
                                           {"PD_MYSQL_DSN", ""}});
  }
  fs::path run_file(const std::string& name) const { return root / "run-dir" / "run" / name; }
  std::string sim_log() const { return read_text(root / "sim.log"); }
  // Waits for a stats line printed after panelhost left (no session): its
  // counters then cover everything the run sent.
  std::map<std::string, std::string> final_sim_stats() {
    const auto seen = read_text(root / "sim.log").size();
    std::map<std::string, std::string> stats;
    REQUIRE(eventually(
        [&] {
          const std::string log = sim_log();
          if (log.size() <= seen) return false;
          stats = last_sim_stats(log);
          return stats["sessions"] == "0";
        },
        10s));
    return stats;
  }
  uint64_t demo_campaigns(const std::string& where = "1") {
    return db->count("dialer_campaigns", "name LIKE 'demo\\_%' AND " + where);
  }
  std::string host_log() const { return read_text(run_file("panelhost.log")); }
  bool linked() const {
    return host_log().find("AMI link up (127.0.0.1:" + std::to_string(ami_port)) !=
           std::string::npos;
  }
  // Originates the sim received, refused ones included, per its last stats line.
  int originates_seen() const {
    auto stats = last_sim_stats(sim_log());
    return std::atoi(stats["originates"].c_str()) + std::atoi(stats["refused"].c_str());
  }
};

}  // namespace

// The command of the incident, as it was typed: no --dsn, so scripts/run starts
// a private MariaDB (here under the test's own PD_RUN_DIR).
TEST_CASE("scripts/run --ami-host without --dsn: no demo campaign, no Originate, no dialplan") {
  RunRig rig;
  if (!rig.db) return;
  auto run = rig.start_run({"--duration", "5"}, /*scratch_db=*/false);
  TermOnExit stop_run{*run};
  // The private database lives only as long as the run: look while it is up.
  REQUIRE_MESSAGE(eventually([&] { return rig.linked(); }, 60s), run->output() << rig.host_log());
  const std::string host_json = read_text(rig.run_file("host.json"));
  const auto dsn_at = host_json.find("mysql://");
  REQUIRE(dsn_at != std::string::npos);
  auto dsn = pd::store::parse_dsn(host_json.substr(dsn_at, host_json.find('"', dsn_at) - dsn_at));
  REQUIRE(dsn.has_value());
  CHECK(dsn->database == "paneldialer");
  CHECK_MESSAGE(dsn->port != rig.db->dsn().port, "the private instance, not the test server");
  auto conn = pd::store::Connection::open(*dsn);
  REQUIRE_MESSAGE(conn.has_value(), (conn ? "" : conn.error().describe()));
  auto campaigns = conn->query("SELECT COUNT(*) FROM dialer_campaigns");
  REQUIRE(campaigns.has_value());
  CHECK(campaigns->rows.at(0).u64(0) == 0);
  CHECK(host_json.find("\"write_dialplan\": false") != std::string::npos);

  REQUIRE_MESSAGE(eventually([&] { return !run->running(); }, 60s), run->output());
  CHECK_MESSAGE(run->stop(SIGTERM, kRunStopPatience) == 0, run->output());
  CHECK(read_text(rig.run_file("panelhost.summary")).find("ami_connects: 1") != std::string::npos);
  // The addresses come once the panel answers, with the time it took.
  CHECK_MESSAGE(run->output().find("Agent panel:  http://127.0.0.1:") != std::string::npos,
                run->output());
  CHECK_MESSAGE(run->output().find("ready in ") != std::string::npos, run->output());
  const auto stats = rig.final_sim_stats();
  CHECK(stats.at("originates") == "0");
  CHECK(stats.at("refused") == "0");
  // Nothing written, nothing even tried (the default extensions_conf is
  // /etc/asterisk/extensions_custom.conf), no reload asked.
  CHECK(rig.host_log().find("dialplan helpers") == std::string::npos);
  CHECK(rig.sim->stop(SIGTERM) == 0);
  CHECK(rig.sim_log().find("pbx-sim: originates=0 ") != std::string::npos);
}

// --seed-demo against a real PBX: the demo is there, paused; the PBX's file is
// left alone even once a campaign runs; the campaign an admin enables dials.
TEST_CASE("scripts/run --ami-host --seed-demo: demo campaigns paused, extensions file untouched") {
  RunRig rig;
  if (!rig.db) return;
  auto run = rig.start_run({"--seed-demo", "--duration", "60"});
  TermOnExit stop_run{*run};
  REQUIRE_MESSAGE(eventually([&] { return rig.linked(); }, 60s), run->output() << rig.host_log());
  CHECK(rig.demo_campaigns() == 3);
  CHECK(rig.demo_campaigns("enabled = 0") == 3);
  // The simulator's dial context is for the simulator only.
  CHECK(rig.db->count("dialer_settings", "name = 'dial_context' AND value = 'sim-customers'") == 0);
  CHECK(run->output().find("paused") != std::string::npos);

  // The positive control: once an admin enables a demo campaign, this very
  // run dials it, and the sim's counters show it. Until then: nothing.
  CHECK(rig.originates_seen() == 0);
  REQUIRE(rig.db->conn().execute(
      "UPDATE dialer_campaigns SET enabled = 1 WHERE name = 'demo_automatic'"));
  CHECK_MESSAGE(eventually([&] { return rig.originates_seen() > 0; }, 20s), rig.host_log());
  CHECK(run->stop(SIGTERM, kRunStopPatience) == 0);
  // A running campaign has helper contexts to write: still not written.
  CHECK(read_text(rig.extensions) == rig.extensions_before);
  CHECK(rig.host_log().find("dialplan helpers") == std::string::npos);
  CHECK(rig.sim->stop(SIGTERM) == 0);
}

// The control of the file checks above: asked to, the run does write there.
TEST_CASE(
    "scripts/run --ami-host --write-dialplan writes the helper contexts into the PBX's file") {
  RunRig rig;
  if (!rig.db) return;
  auto run = rig.start_run({"--write-dialplan", "--duration", "60"});
  TermOnExit stop_run{*run};
  // Ends early when the run does (a refused option, say): its output says why.
  const bool written = eventually(
      [&] {
        return read_text(rig.extensions).find("; BEGIN paneldialer") != std::string::npos ||
               !run->running();
      },
      60s);
  REQUIRE_MESSAGE((written && run->running()), run->output() << rig.host_log());
  CHECK(read_text(rig.extensions).starts_with(rig.extensions_before));  // the rest is kept
  // The file is written on a worker; the engine says so on the host loop a
  // moment later, and the log reaches its file through a pipe.
  CHECK(eventually(
      [&] { return rig.host_log().find("dialplan helpers written") != std::string::npos; }, 20s));
  CHECK(run->stop(SIGTERM, kRunStopPatience) == 0);
  CHECK(rig.originates_seen() == 0);
  CHECK(rig.sim->stop(SIGTERM) == 0);
}
