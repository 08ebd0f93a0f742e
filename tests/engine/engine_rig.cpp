#include "engine_rig.h"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace pd::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

EngineRig::EngineRig(const std::string& scenario_json) {
  db_ = pd::store::testing::open_scratch_db(true);
  REQUIRE(db_ != nullptr);
  char name[] = "/tmp/pd-engine-rig-XXXXXX";
  REQUIRE(mkdtemp(name) != nullptr);
  dir_ = name;
  std::ofstream(dir_ / "scenario.json") << scenario_json;
  const fs::path plugin = dir_ / "plugins" / "paneldialer";
  fs::create_directories(plugin);
  const fs::path root = source_dir();
  fs::create_symlink(PD_PLUGIN_LIBRARY, plugin / "libpaneldialer.so");
  fs::create_symlink(root / "manifest.json", plugin / "manifest.json");
  fs::create_symlink(root / "templates", plugin / "templates");
  fs::create_symlink(root / "sql", plugin / "sql");
  fs::create_symlink(root / "plugin" / "web", plugin / "web");
  ami_port_ = free_loopback_port();
  auto settings = conn().execute(
      "UPDATE dialer_settings SET value = CASE name WHEN 'dial_context' THEN 'sim-customers' "
      "WHEN 'dial_timeout' THEN '20' WHEN 'calls_per_second' THEN '50' ELSE value END");
  REQUIRE(settings.has_value());
  write_host_config();
}

void EngineRig::write_host_config() {
  std::ofstream(dir_ / "host.json")
      << R"({"ami": {"host": "127.0.0.1", "port": )" << ami_port_
      << R"(, "user": "dialer", "secret": "dialersecret")"
      << (ami_rate_ > 0 ? ", \"rate\": " + std::to_string(ami_rate_) : std::string()) << R"(},
             "plugins_dir": "plugins", "panel": {"listen": "127.0.0.1:0"},
             "plugins": {"paneldialer": {"mysql_dsn": ")"
      << db_->dsn().to_uri() << R"(", "instance_id": "e2e", "lease_seconds": 30,
             "extensions_conf": ")"
      << (dir_ / "extensions_custom.conf").string() << R"(")"
      << (plugin_extra_.empty() ? std::string() : ", " + plugin_extra_) << "}}}";
}

void EngineRig::set_plugin_extra(const std::string& members) {
  plugin_extra_ = members;
  write_host_config();
}

void EngineRig::set_ami_rate(double rate) {
  ami_rate_ = rate;
  write_host_config();
}

EngineRig::~EngineRig() {
  if (host_) host_->stop(SIGKILL, 2s);
  if (sim_) sim_->stop(SIGKILL, 2s);
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

uint32_t EngineRig::add_campaign(const CampaignSpec& s) {
  auto inserted = conn().execute(
      "INSERT INTO dialer_campaigns (name, mode, initial_leg, destination_kind, destination, "
      "queue_name, concurrent_calls, dial_attempts, retry_minutes, valid_dtmf, start_hour, "
      "end_hour, week_days, enabled, abandon_message) VALUES (?,?,?,?,?,?,?,?,?,?,'00:00:00',"
      "'00:00:00','mon,tue,wed,thu,fri,sat,sun',?,?)",
      {s.name, s.mode, s.initial_leg, s.destination_kind, s.destination,
       s.queue_name.empty() ? pd::store::Param(nullptr) : pd::store::Param(s.queue_name),
       s.concurrent_calls, s.dial_attempts, s.retry_minutes, s.valid_dtmf, s.enabled,
       s.abandon_message});
  REQUIRE_MESSAGE(inserted.has_value(), (inserted ? "" : inserted.error().describe()));
  return uint32_t(
      std::stoul(scalar("SELECT id FROM dialer_campaigns WHERE name = '" + s.name + "'")));
}

void EngineRig::add_numbers(uint32_t campaign, const std::vector<std::string>& numbers) {
  for (const auto& number : numbers) {
    auto inserted =
        conn().execute("INSERT INTO dialer_numbers (campaign_id, name, number) VALUES (?,?,?)",
                       {campaign, "Lead " + number, number});
    REQUIRE(inserted.has_value());
  }
}

void EngineRig::start_sim(const std::vector<std::string>& extra) {
  std::vector<std::string> argv{PD_PBX_SIM,
                                "--scenario",
                                (dir_ / "scenario.json").string(),
                                "--port",
                                std::to_string(ami_port_),
                                "--astdb",
                                (dir_ / "astdb.json").string(),
                                "--stats-interval",
                                "0.2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  sim_ = std::make_unique<ChildProcess>(argv, (dir_ / "sim.log").string());
  REQUIRE(wait_for_port(ami_port_, 10s));
}

long EngineRig::sim_stat(const std::string& name) const {
  if (!sim_) return -1;
  const std::string out = sim_->output();
  const std::string key = " " + name + "=";
  const size_t at = out.rfind(key);
  if (at == std::string::npos) return -1;
  return std::strtol(out.c_str() + at + key.size(), nullptr, 10);
}

std::string EngineRig::astdb() const {
  return read_text_file((dir_ / "astdb.json").string());
}

void EngineRig::stop_sim(int signal_number) {
  if (sim_) sim_->stop(signal_number, 5s);
  sim_.reset();
}

void EngineRig::start_host() {
  ++host_runs_;
  host_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{PD_PANELHOST, "--config", (dir_ / "host.json").string(),
                               "--panel-listen", "127.0.0.1:0", "--log-level", "debug"},
      (dir_ / ("host-" + std::to_string(host_runs_) + ".log")).string());
}

int EngineRig::stop_host(int signal_number) {
  if (!host_) return -1;
  const int status = host_->stop(signal_number, 15s);
  return status;
}

bool EngineRig::host_running() {
  return host_ && host_->running();
}
std::string EngineRig::host_output() const {
  return host_ ? host_->output() : "";
}

uint64_t EngineRig::count(const std::string& table, const std::string& where) {
  return db_->count(table, where);
}

std::string EngineRig::scalar(const std::string& sql) {
  auto rows = conn().query(sql);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.error().describe()));
  if (rows->rows.empty() || rows->rows[0].is_null(0)) return "";
  return std::string(rows->rows[0].str(0));
}

}  // namespace pd::testing
