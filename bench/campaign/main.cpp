// bench-campaign: the whole product under load. A scratch database with
// 1,000,000 pending leads in a progressive campaign (500 agents) and an
// automatic campaign of 500 concurrent calls; pbx-sim at speed 10; panelhost
// with libpaneldialer.so, run for 30 s (PD_BENCH_SECONDS overrides).
//
// Prints: calls_completed, calls_peak_live, originate_p50_ms, originate_p99_ms
// (a queue event freeing an agent -> the Originate that serves it, measured
// inside the engine), host_cpu_pct (of one core), host_rss_mb (peak); these
// of a run with no panel open, as they always were. Then a second run of the
// same load (15 s at most) with the agents at their desks:
// tagged_call_share_pct - the 500 agents, simulated on the panel's real login
// and WebSocket (pd::testing::SimulatedAgents), tag every call they are listed
// to tag; of that run's calls that reached an agent (dialer_calls with an
// agent, ended), the share that carries the agent's disposition once the
// agents are done (up to 30 s more). Must be 100. That run's own originate,
// CPU and RSS figures go to stderr: tagging has a cost of its own (prompts,
// wrap-up pauses, tags written), kept out of the figures above.
//
// bench-campaign --load [--ceilings 400,1600] (issue 15): for each ceiling an
// automatic campaign against pbx-sim at speed 1 with its default (real
// read=all) event mix and Originate ramp, customers who answer after 0.5-1.5 s
// and talk 7.5-9.5 s (a call of ~9.5 s: 1,600 live at ~165 CPS, as on the real PBX), the global
// calls_per_second 1000 and the host's ami.rate 5000; PD_BENCH_SECONDS (default 40) per ceiling.
// Prints per ceiling, with the ceiling as suffix (e.g. cps_achieved_1600): cps_achieved (Originates
// per second received by pbx-sim over the second half of the run),
// live_calls_peak (calls up on the PBX), host_cpu_pct, host_rss_mb,
// events_per_call (AMI events pbx-sim sent / Originates), answer_delay_p99_ms
// (as recorded in dialer_calls: answered_at - started_at) and
// sim_answer_delay_p99_ms (pbx-sim's own: Originate received -> answered),
// id_collisions (Originates pbx-sim refused for an id in use). Not part of
// scripts/test: it is heavy.
//
// bench-campaign --webhooks (issue 14): see run_webhooks() below.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_db.h"
#include "pd/panel/secret.h"
#include "pd/testing/http_receiver.h"
#include "pd/testing/panel_agents.h"
#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr int kAgents = 500;
constexpr int kAutomaticConcurrent = 500;
constexpr const char* kAgentSecret = "bench-agent-secret";
// The fewest PBKDF2 rounds panelhost accepts: 500 logins in a moment, not minutes.
constexpr int kAgentSecretIterations = 1000;
// The agents' run: at most this long (PD_BENCH_SECONDS when shorter).
constexpr int kDeskSeconds = 15;

std::string agent_extension(int i) {
  return std::to_string(10000 + i);
}

// The "agents" list of host.json: the scenario's agents, one secret for all.
std::string agent_accounts_json() {
  const std::string hash = pd::panel::hash_secret(kAgentSecret, kAgentSecretIterations);
  std::string list;
  for (int i = 0; i < kAgents; ++i) {
    if (!list.empty()) list += ",";
    list += R"({"extension": ")" + agent_extension(i) + R"(", "name": "Agent )" +
            agent_extension(i) + R"(", "secret_hash": ")" + hash + R"("})";
  }
  return "[" + list + "]";
}

std::string scenario_json() {
  std::string agents;
  for (int i = 0; i < kAgents; ++i) {
    if (!agents.empty()) agents += ",";
    agents += R"({"interface": "Local/)" + std::to_string(10000 + i) +
              R"(@sim-agents/n", "name": "Agent )" + std::to_string(10000 + i) +
              R"(", "queues": ["bench"]})";
  }
  return R"({"seed": 5, "speed": 10,
    "users": [{"username": "dialer", "secret": "dialersecret"}],
    "queues": [{"name": "bench", "strategy": "rrmemory", "ring_timeout_s": 15, "retry_s": 1,
                "wait_timeout_s": 120}],
    "agent_defaults": {"answer_delay_s": [1, 2], "talk_s": [20, 60]},
    "agents": [)" +
         agents + R"(],
    "contexts": {"sim-customers": {"type": "customers"}, "sim-agents": {"type": "agents"},
                 "pd-bench_progressive-dest": {"type": "queue", "queue": "bench"},
                 "pd-bench_automatic-dest": {"type": "ivr", "hold_s": 30},
                 "ext-queues": {"type": "queue", "queue": "bench"},
                 "ivr-1": {"type": "ivr", "hold_s": 30}},
    "number_rules": [
      {"pattern": "_X.[0-6]", "outcome": "answer", "answer_after_s": [2, 6], "talk_s": [60, 120]},
      {"pattern": "_X.7", "outcome": "busy", "after_s": 2},
      {"pattern": "_X.[89]", "outcome": "noanswer", "ring_s": 60}]})";
}

// utime + stime of a process, in clock ticks.
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::string after(const std::string& text, const std::string& marker) {
  const size_t at = text.rfind(marker);
  return at == std::string::npos ? "" : text.substr(at + marker.size());
}

std::string load_scenario_json() {
  return R"({"seed": 15, "speed": 1,
    "users": [{"username": "dialer", "secret": "dialersecret"}],
    "queues": [],
    "agents": [],
    "contexts": {"sim-customers": {"type": "customers"},
                 "pd-load-dest": {"type": "ivr", "hold_s": 120},
                 "ivr-1": {"type": "ivr", "hold_s": 120}},
    "number_rules": [
      {"pattern": "_X.", "outcome": "answer", "answer_after_s": [0.5, 1.5], "talk_s": [7.5, 9.5]}]})";
}

// The last "key=<number>" in `text`; -1 when absent.
double last_figure(const std::string& text, const std::string& key) {
  const size_t at = text.rfind(" " + key + "=");
  if (at == std::string::npos) return -1;
  return std::atof(text.c_str() + at + key.size() + 2);
}

// One run's pbx-sim and panelhost: a temporary folder with the scenario and
// a plugins folder linking the built library and the plugin's files from the
// source tree (as an installed plugin looks), host.json, and the two
// programs, whose logs go into the folder as sim-<phase>.log and
// host-<phase>.log. The folder is removed with the rig.
struct RigOptions {
  std::string scenario;  // pbx-sim's scenario (JSON)
  std::string instance;  // the engine's instance id
  int ami_rate = 2000;   // the host's AMI actions a second
  int hopper_size = 1000;
  int panel_port = 0;                 // 0: any free port, the panel unused
  std::string agents_json = "[]";     // the panel's accounts
  std::vector<std::string> sim_args;  // more pbx-sim options
};

class BenchRig {
 public:
  BenchRig(pd::bench::BenchDatabase& db, const char* tag, RigOptions options)
      : db_(db), options_(std::move(options)) {
    std::string name = std::string("/tmp/pd-bench-") + tag + "-XXXXXX";
    if (mkdtemp(name.data()) == nullptr) db.die("mkdtemp");
    dir_ = name;
    std::ofstream(dir_ / "scenario.json") << options_.scenario;
    const fs::path plugin = dir_ / "plugins" / "paneldialer";
    fs::create_directories(plugin);
    const fs::path root = PD_SOURCE_DIR;
    fs::create_symlink(PD_PLUGIN_LIBRARY, plugin / "libpaneldialer.so");
    for (const char* item : {"manifest.json", "templates", "sql"})
      fs::create_symlink(root / item, plugin / item);
    fs::create_symlink(root / "plugin" / "web", plugin / "web");
  }
  ~BenchRig() {
    host_.reset();
    sim_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  BenchRig(const BenchRig&) = delete;
  BenchRig& operator=(const BenchRig&) = delete;

  // pbx-sim on a free port, then panelhost on it (a rig starts again after stop()).
  void start(const std::string& phase) {
    const int ami_port = pd::testing::free_loopback_port();
    std::ofstream(dir_ / "host.json")
        << R"({"ami": {"host": "127.0.0.1", "port": )" << ami_port
        << R"(, "user": "dialer", "secret": "dialersecret", "rate": )" << options_.ami_rate
        << R"(, "queue_max": 100000},
        "plugins_dir": "plugins", "panel": {"listen": "127.0.0.1:)"
        << options_.panel_port << R"("}, "agents": )" << options_.agents_json << R"(,
        "plugins": {"paneldialer": {"mysql_dsn": ")"
        << db_.dsn().to_uri() << R"(", "instance_id": ")" << options_.instance
        << R"(", "hopper_size": )" << options_.hopper_size << R"(,
        "extensions_conf": ")"
        << (dir_ / "extensions.conf").string() << R"("}}})";
    std::vector<std::string> sim_argv = {PD_PBX_SIM, "--scenario",
                                         (dir_ / "scenario.json").string(), "--port",
                                         std::to_string(ami_port)};
    sim_argv.insert(sim_argv.end(), options_.sim_args.begin(), options_.sim_args.end());
    sim_ = std::make_unique<pd::testing::ChildProcess>(std::move(sim_argv),
                                                       (dir_ / ("sim-" + phase + ".log")).string());
    if (!pd::testing::wait_for_port(ami_port, 10s)) db_.die("pbx-sim did not start");
    host_ = std::make_unique<pd::testing::ChildProcess>(
        std::vector<std::string>{PD_PANELHOST, "--config", (dir_ / "host.json").string()},
        (dir_ / ("host-" + phase + ".log")).string());
  }
  // panelhost (which must stop cleanly), then pbx-sim.
  void stop() {
    if (host_->stop(SIGTERM, 60s) != 0)
      db_.die("panelhost did not stop cleanly:\n" + host_->output());
    sim_->stop(SIGTERM, 10s);
  }
  pd::testing::ChildProcess& sim() { return *sim_; }
  pd::testing::ChildProcess& host() { return *host_; }

 private:
  pd::bench::BenchDatabase& db_;
  RigOptions options_;
  fs::path dir_;
  std::unique_ptr<pd::testing::ChildProcess> sim_;
  std::unique_ptr<pd::testing::ChildProcess> host_;
};

// One automatic campaign at `ceiling` concurrent calls; prints its figures.
void run_load(int ceiling, int seconds) {
  pd::bench::BenchDatabase db("bench-campaign");
  auto& conn = db.conn();
  auto check = [&](auto result) {
    if (!result) db.die(result.error().describe());
  };
  check(conn.execute(
      "UPDATE dialer_settings SET value = CASE name WHEN 'dial_context' THEN 'sim-customers' "
      "WHEN 'calls_per_second' THEN '1000' WHEN 'dial_timeout' THEN '30' ELSE value END"));
  check(conn.execute(
      "INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, "
      "concurrent_calls, start_hour, end_hour, week_days, enabled) VALUES "
      "('load', 'ivr', 'ivr-1,s,1', NULL, 'automatic', ?, "
      "'00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', 1)",
      {ceiling}));
  check(conn.execute(
      "INSERT INTO dialer_numbers (campaign_id, name, number) SELECT c.id, 'Lead', "
      "CONCAT('57', LPAD(s.seq, 8, '0')) FROM dialer_campaigns c JOIN seq_0_to_99999 s "
      "WHERE c.name = 'load'"));

  BenchRig rig(db, "load",
               {.scenario = load_scenario_json(),
                .instance = "load",
                .ami_rate = 5000,
                .hopper_size = 2000,
                .sim_args = {"--stats-interval", "0.5"}});
  rig.start("load");
  pd::testing::ChildProcess& sim = rig.sim();
  pd::testing::ChildProcess& host = rig.host();
  std::fprintf(stderr, "bench-campaign: load at ceiling %d, %d s\n", ceiling, seconds);
  const long ticks_start = cpu_ticks(host.pid());
  const auto start = std::chrono::steady_clock::now();
  long peak_rss = 0;
  double peak_live = 0, originates_half = -1;
  auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double half_at = 0;
  while (elapsed_s() < seconds) {
    std::this_thread::sleep_for(500ms);
    peak_rss = std::max(peak_rss, rss_kb(host.pid()));
    const std::string out = sim.output();
    peak_live = std::max(peak_live, last_figure(out, "calls"));
    if (originates_half < 0 && elapsed_s() >= seconds / 2.0) {
      originates_half = last_figure(out, "originates");
      half_at = elapsed_s();
    }
  }
  const double originates_end = last_figure(sim.output(), "originates");
  const double end_at = elapsed_s();
  const long ticks_end = cpu_ticks(host.pid());
  rig.stop();
  const std::string sim_out = sim.output();
  const double originates = last_figure(sim_out, "originates");
  const double events = last_figure(sim_out, "events");

  // As recorded: answered_at - started_at of the answered calls.
  double recorded_p99 = 0;
  auto delays = conn.query(
      "SELECT TIMESTAMPDIFF(MICROSECOND, started_at, answered_at) / 1000 AS d FROM dialer_calls "
      "WHERE answered_at IS NOT NULL ORDER BY d");
  if (delays && !delays->rows.empty()) {
    const size_t n = delays->rows.size();
    recorded_p99 =
        std::atof(std::string(delays->rows[std::min(n - 1, n * 99 / 100)].str(0)).c_str());
  }
  const std::string sfx = "_" + std::to_string(ceiling);
  std::printf("cps_achieved%s: %.1f\n", sfx.c_str(),
              (originates_end - originates_half) / std::max(1e-3, end_at - half_at));
  std::printf("live_calls_peak%s: %.0f\n", sfx.c_str(), peak_live);
  std::printf("host_cpu_pct%s: %.1f\n", sfx.c_str(),
              100.0 * double(ticks_end - ticks_start) / double(sysconf(_SC_CLK_TCK)) / end_at);
  std::printf("host_rss_mb%s: %.1f\n", sfx.c_str(), double(peak_rss) / 1024.0);
  std::printf("events_per_call%s: %.1f\n", sfx.c_str(), originates > 0 ? events / originates : 0);
  std::printf("answer_delay_p99_ms%s: %.0f\n", sfx.c_str(), recorded_p99);
  std::printf("sim_answer_delay_p99_ms%s: %.0f\n", sfx.c_str(),
              last_figure(sim_out, "answer_delay_p99_ms"));
  std::printf("id_collisions%s: %.0f\n", sfx.c_str(), last_figure(sim_out, "id_conflicts"));
  std::fflush(stdout);
}

struct TagShare {
  uint64_t reached = 0;  // calls that reached an agent and ended within the window
  uint64_t tagged = 0;   // of those, the ones with the agent's disposition
};

// The calls after `after_call_id` that reached an agent and ended by now, then, once the agents
// have tagged them all (or 30 s passed), how many carry a disposition. Said
// on stderr: what the agents did, and the calls left untagged with whether a
// prompt waits for them (dialer_pending_dispositions) or none was ever stored.
TagShare tag_share(pd::bench::BenchDatabase& db, const pd::testing::SimulatedAgents& agents,
                   uint64_t after_call_id) {
  auto& conn = db.conn();
  auto check = [&](auto result) {
    if (!result) db.die(result.error().describe());
    return std::move(*result);
  };
  check(conn.execute(
      "CREATE TEMPORARY TABLE bench_reached (call_id VARCHAR(64) NOT NULL PRIMARY KEY) "
      "SELECT call_id FROM dialer_calls WHERE id > ? AND agent IS NOT NULL AND agent <> '' "
      "AND ended_at IS NOT NULL",
      {after_call_id}));
  auto count = [&](const char* sql) { return check(conn.query(sql)).rows[0].u64(0); };
  TagShare share;
  share.reached = count("SELECT COUNT(*) FROM bench_reached");
  const char* untagged_sql =
      "SELECT COUNT(*) FROM bench_reached r JOIN dialer_calls c ON c.call_id = r.call_id "
      "WHERE c.agent_disposition IS NULL OR c.agent_disposition = ''";
  const auto drain_start = std::chrono::steady_clock::now();
  pd::testing::eventually([&] { return count(untagged_sql) == 0; }, 30s);
  const double drain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - drain_start).count();
  const uint64_t untagged = count(untagged_sql);
  share.tagged = share.reached - untagged;
  const uint64_t prompted = count(
      "SELECT COUNT(*) FROM bench_reached r JOIN dialer_pending_dispositions p "
      "ON p.call_id = r.call_id");
  std::fprintf(
      stderr,
      "bench-campaign: %llu calls reached an agent, %llu tagged after %.1f s more; "
      "untagged: %llu with a prompt waiting, %llu without one; agents: %zu of %zu "
      "connected, %zu tags sent, %zu saved, %zu refused\n",
      static_cast<unsigned long long>(share.reached), static_cast<unsigned long long>(share.tagged),
      drain_s, static_cast<unsigned long long>(prompted),
      static_cast<unsigned long long>(untagged - std::min(untagged, prompted)), agents.connected(),
      agents.agents(), agents.tags_sent(), agents.tags_saved(), agents.tags_refused());
  for (const auto& problem : agents.problems()) {
    std::fprintf(stderr, "bench-campaign: agent problem: %s\n", problem.c_str());
  }
  return share;
}

// ---- webhooks (issue 14): bench-campaign --webhooks -------------------------
// Self-contained: three runs of a progressive campaign (scenario_json()'s 500
// agents, 100,000 leads, PD_BENCH_SECONDS each, default 20): without a
// webhook, with a receiver on loopback that answers at once, and with one
// that answers in 2 s. Prints originate_p99_ms_no_webhook,
// originate_p99_ms (the fast receiver), originate_p99_ms_slow_receiver (the
// figure that must not move), webhook_p99_ms (a call's end as the engine
// recorded it -> its call.result POST received; the fast receiver),
// webhook_p99_ms_slow_receiver, and the results delivered in each run.
struct WebhookRun {
  double originate_p99 = 0;
  double webhook_p99 = 0;
  std::size_t delivered = 0;
};

// Milliseconds since the epoch of the body's "ended_at" ("…T14:03:05.120Z"); -1 if none.
double ended_at_ms(const std::string& body) {
  const std::string text = after(body, "\"ended_at\":\"");
  int y, mo, d, h, mi, sec, ms;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &ms) != 7)
    return -1;
  const auto day = std::chrono::sys_days(std::chrono::year(y) / mo / d);
  return double(std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch())
                    .count()) +
         ((h * 60.0 + mi) * 60.0 + sec) * 1000.0 + ms;
}

// delay < 0: no webhook at all.
WebhookRun webhook_run(std::chrono::milliseconds delay, int seconds) {
  pd::bench::BenchDatabase db("bench-campaign");
  auto& conn = db.conn();
  auto check = [&](auto result) {
    if (!result) db.die(result.error().describe());
  };
  std::unique_ptr<pd::testing::HttpReceiver> receiver;
  if (delay.count() >= 0) {
    receiver = std::make_unique<pd::testing::HttpReceiver>();
    receiver->set_delay(delay);
  }
  check(conn.execute(
      "UPDATE dialer_settings SET value = CASE name WHEN 'dial_context' THEN 'sim-customers' "
      "WHEN 'calls_per_second' THEN '0' WHEN 'dial_timeout' THEN '30' ELSE value END"));
  check(conn.execute(
      "INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, "
      "concurrent_calls, start_hour, end_hour, week_days, enabled, webhook_url, webhook_secret) "
      "VALUES ('bench_progressive', 'queue', 'ext-queues,500,1', 'bench', 'progressive', 10, "
      "'00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', 1, ?, 'bench-secret-0123456789')",
      {receiver ? receiver->url() : std::string()}));
  check(conn.execute(
      "INSERT INTO dialer_numbers (campaign_id, name, number) SELECT c.id, 'Lead', "
      "CONCAT('55', LPAD(s.seq, 8, '0')) FROM dialer_campaigns c JOIN seq_0_to_99999 s "
      "WHERE c.name = 'bench_progressive'"));
  BenchRig rig(db, "webhooks", {.scenario = scenario_json(), .instance = "bench"});
  rig.start("webhooks");
  std::fprintf(stderr, "bench-campaign: webhooks run (%s), %d s\n",
               !receiver            ? "no webhook"
               : delay.count() == 0 ? "receiver answers at once"
                                    : "receiver answers in 2 s",
               seconds);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  rig.stop();
  WebhookRun run;
  std::sscanf(after(rig.host().output(), "free agent to Originate: p50 ").c_str(),
              "%*f ms, p99 %lf ms", &run.originate_p99);
  if (receiver) {
    std::vector<double> latencies;
    for (const auto& r : receiver->requests()) {
      if (r.answered != 200 || r.body.find("\"event\":\"call.result\"") == std::string::npos)
        continue;
      const double ended = ended_at_ms(r.body);
      const double at = double(
          std::chrono::duration_cast<std::chrono::milliseconds>(r.wall.time_since_epoch()).count());
      if (ended > 0) latencies.push_back(at - ended);
    }
    std::sort(latencies.begin(), latencies.end());
    run.delivered = latencies.size();
    if (!latencies.empty())
      run.webhook_p99 = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  return run;
}

void run_webhooks(int seconds) {
  const WebhookRun none = webhook_run(std::chrono::milliseconds(-1), seconds);
  const WebhookRun fast = webhook_run(std::chrono::milliseconds(0), seconds);
  const WebhookRun slow = webhook_run(std::chrono::milliseconds(2000), seconds);
  std::printf("originate_p99_ms_no_webhook: %.3f\n", none.originate_p99);
  std::printf("originate_p99_ms: %.3f\n", fast.originate_p99);
  std::printf("originate_p99_ms_slow_receiver: %.3f\n", slow.originate_p99);
  std::printf("webhook_p99_ms: %.1f\n", fast.webhook_p99);
  std::printf("webhook_delivered: %zu\n", fast.delivered);
  std::printf("webhook_p99_ms_slow_receiver: %.1f\n", slow.webhook_p99);
  std::printf("webhook_delivered_slow_receiver: %zu\n", slow.delivered);
  std::fflush(stdout);
}
// ---- end of webhooks --------------------------------------------------------

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--webhooks") {
    run_webhooks(std::getenv("PD_BENCH_SECONDS") ? std::atoi(std::getenv("PD_BENCH_SECONDS")) : 20);
    return 0;
  }
  if (!args.empty() && args[0] == "--load") {
    std::vector<int> ceilings = {400, 1600};
    if (args.size() >= 3 && args[1] == "--ceilings") {
      ceilings.clear();
      std::istringstream list(args[2]);
      for (std::string item; std::getline(list, item, ',');) ceilings.push_back(std::stoi(item));
    }
    const int seconds =
        std::getenv("PD_BENCH_SECONDS") ? std::atoi(std::getenv("PD_BENCH_SECONDS")) : 40;
    for (int ceiling : ceilings) run_load(ceiling, seconds);
    return 0;
  }
  pd::bench::BenchDatabase db("bench-campaign");
  auto& conn = db.conn();
  auto check = [&](auto result) {
    if (!result) db.die(result.error().describe());
  };
  const int seconds =
      std::getenv("PD_BENCH_SECONDS") ? std::atoi(std::getenv("PD_BENCH_SECONDS")) : 30;
  check(conn.execute(
      "UPDATE dialer_settings SET value = CASE name WHEN 'dial_context' THEN 'sim-customers' "
      "WHEN 'calls_per_second' THEN '0' WHEN 'dial_timeout' THEN '30' ELSE value END"));
  check(conn.execute(
      "INSERT INTO dialer_campaigns (name, destination_kind, destination, queue_name, mode, "
      "concurrent_calls, start_hour, end_hour, week_days, enabled) VALUES "
      "('bench_progressive', 'queue', 'ext-queues,500,1', 'bench', 'progressive', 10, "
      "'00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', 1), "
      "('bench_automatic', 'ivr', 'ivr-1,s,1', NULL, 'automatic', ?, "
      "'00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', 1)",
      {kAutomaticConcurrent}));
  std::fprintf(stderr, "bench-campaign: inserting 1,000,000 leads\n");
  for (int chunk = 0; chunk < 10; ++chunk) {
    check(
        conn.execute("INSERT INTO dialer_numbers (campaign_id, name, number) SELECT c.id, 'Lead', "
                     "CONCAT('55', LPAD(? * 100000 + s.seq, 8, '0')) FROM dialer_campaigns c "
                     "JOIN seq_0_to_99999 s WHERE c.name = 'bench_progressive'",
                     {chunk}));
  }
  check(conn.execute(
      "INSERT INTO dialer_numbers (campaign_id, name, number) SELECT c.id, 'Lead', "
      "CONCAT('56', LPAD(s.seq, 8, '0')) FROM dialer_campaigns c JOIN seq_0_to_99999 s "
      "WHERE c.name = 'bench_automatic'"));

  const int panel_port = pd::testing::free_loopback_port();
  BenchRig rig(db, "campaign",
               {.scenario = scenario_json(),
                .instance = "bench",
                .panel_port = panel_port,
                .agents_json = agent_accounts_json()});
  // The figures of a run of `seconds` after a 3 s start-up, which is not measured
  // (migrations, config, first claims; the agents' logins).
  struct Window {
    double cpu_pct = 0, p50 = 0, p99 = 0;
    long peak_rss_kb = 0;
    uint64_t peak_live = 0;
  };
  auto measure = [&](pd::testing::ChildProcess& host, int seconds) {
    Window w;
    const long ticks_start = cpu_ticks(host.pid());
    const auto begin = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - begin < std::chrono::seconds(seconds)) {
      std::this_thread::sleep_for(1s);
      w.peak_rss_kb = std::max(w.peak_rss_kb, rss_kb(host.pid()));
      auto live = conn.query("SELECT COUNT(*) FROM dialer_calls WHERE ended_at IS NULL");
      if (live && !live->rows.empty())
        w.peak_live = std::max<uint64_t>(w.peak_live, live->rows[0].u64(0));
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    w.cpu_pct = 100.0 * double(cpu_ticks(host.pid()) - ticks_start) / double(sysconf(_SC_CLK_TCK)) /
                elapsed;
    return w;
  };
  auto stop = [&](Window& w) {
    rig.stop();
    const std::string latency = after(rig.host().output(), "free agent to Originate: p50 ");
    std::sscanf(latency.c_str(), "%lf ms, p99 %lf ms", &w.p50, &w.p99);
  };

  // 1. The dialer under load, no panel open: the figures as they always were.
  {
    rig.start("dialer");
    std::fprintf(stderr, "bench-campaign: running %d s\n", seconds);
    std::this_thread::sleep_for(3s);
    Window w = measure(rig.host(), seconds);
    stop(w);
    auto completed = conn.query("SELECT COUNT(*) FROM dialer_calls WHERE ended_at IS NOT NULL");
    std::printf("calls_completed: %llu\n",
                static_cast<unsigned long long>(completed ? completed->rows[0].u64(0) : 0));
    std::printf("calls_peak_live: %llu\n", static_cast<unsigned long long>(w.peak_live));
    std::printf("originate_p50_ms: %.3f\n", w.p50);
    std::printf("originate_p99_ms: %.3f\n", w.p99);
    std::printf("host_cpu_pct: %.1f\n", w.cpu_pct);
    std::printf("host_rss_mb: %.1f\n", double(w.peak_rss_kb) / 1024.0);
    std::fflush(stdout);
  }

  // 2. The same load with the agents at their desks: the progressive campaign
  // now offers dispositions (every call an agent takes waits for its tag, in
  // wrap-up until saved) and the 500 agents, simulated on the panel's real
  // login and WebSocket, tag every call listed to them. Only this run's calls count.
  check(conn.execute("INSERT INTO dialer_dispositions (name) VALUES ('Sale'), ('No sale')"));
  check(conn.execute(
      "INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction) "
      "SELECT c.id, d.id, 'outbound' FROM dialer_campaigns c JOIN dialer_dispositions d "
      "WHERE c.name = 'bench_progressive' AND d.name IN ('Sale', 'No sale')"));
  auto last = conn.query("SELECT COALESCE(MAX(id), 0) FROM dialer_calls");
  const uint64_t last_call_before = last && !last->rows.empty() ? last->rows[0].u64(0) : 0;
  const int desk_seconds = std::min(seconds, kDeskSeconds);
  rig.start("desk");
  if (!pd::testing::wait_for_port(panel_port, 30s))
    db.die("the panel did not open:\n" + rig.host().output());
  std::vector<pd::testing::AgentAccount> accounts;
  for (int i = 0; i < kAgents; ++i) accounts.push_back({agent_extension(i), kAgentSecret});
  pd::testing::SimulatedAgents agents(panel_port, std::move(accounts));
  std::this_thread::sleep_for(3s);
  if (!agents.wait_connected(60s)) {
    std::string why;
    for (const auto& problem : agents.problems()) why += "\n  " + problem;
    db.die(std::to_string(agents.connected()) + " of " + std::to_string(kAgents) +
           " agents opened the panel:" + why);
  }
  std::fprintf(stderr, "bench-campaign: running %d s with the agents tagging\n", desk_seconds);
  Window desk = measure(rig.host(), desk_seconds);
  const TagShare share = tag_share(db, agents, last_call_before);
  stop(desk);
  std::fprintf(stderr,
               "bench-campaign: with the agents tagging: originate p50 %.3f ms, p99 %.3f ms, "
               "host CPU %.1f %%, RSS %.1f MB\n",
               desk.p50, desk.p99, desk.cpu_pct, double(desk.peak_rss_kb) / 1024.0);
  std::printf("tagged_call_share_pct: %.1f\n",
              share.reached > 0 ? 100.0 * double(share.tagged) / double(share.reached) : 0.0);
  return 0;
}
