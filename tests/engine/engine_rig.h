// End-to-end rig of the engine: a scratch database (tests/store's fixture),
// pbx-sim with a scenario written for the test, and panelhost loading the
// real libpaneldialer.so from a plugin folder made for the test.
// Test-only code.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db_fixture.h"
#include "pd/testing/process.h"

namespace pd::testing {

struct CampaignSpec {
  std::string name;
  std::string mode = "automatic";        // automatic|progressive|preview|predictive
  std::string initial_leg = "remote";    // remote|local
  std::string destination_kind = "ivr";  // queue|ivr|custom
  std::string destination = "ivr-1,s,1";
  std::string queue_name;  // queue destinations
  int concurrent_calls = 5;
  int dial_attempts = 1;
  int retry_minutes = 1;
  std::string valid_dtmf;
  bool enabled = true;
  std::string abandon_message;  // predictive: required
};

class EngineRig {
 public:
  // `scenario_json`: the pbx-sim scenario (its "speed" is used as given).
  explicit EngineRig(const std::string& scenario_json);
  ~EngineRig();

  pd::store::testing::ScratchDb& db() { return *db_; }
  pd::store::Connection& conn() { return db_->conn(); }

  uint32_t add_campaign(const CampaignSpec& spec);
  // Numbers "<prefix><suffix>" for each suffix; returns nothing (read back by SQL).
  void add_numbers(uint32_t campaign, const std::vector<std::string>& numbers);

  // `extra`: more pbx-sim flags (e.g. "--restarted"). Its Asterisk database
  // lives in dir()/astdb.json, so a pbx-sim restarted by the test keeps it.
  void start_sim(const std::vector<std::string>& extra = {});
  void stop_sim(int signal_number);
  // The AstDB file's text ("" before the first write).
  std::string astdb() const;
  // A figure of pbx-sim's latest stats line (printed every 0.2 s), e.g.
  // "calls" (up now) or "agent_connects"; -1 before the first line.
  long sim_stat(const std::string& name) const;
  long sim_calls() const { return sim_stat("calls"); }
  // panelhost's ami.rate from the next start_host() on (default 200);
  // 0: leave it out (panelhost's default).
  void set_ami_rate(double rate);
  // More keys of the plugin's config from the next start_host() on, as JSON
  // members (e.g. "\"webhook_retry_ms\": \"200\""); "" : none.
  void set_plugin_extra(const std::string& members);
  void start_host();
  // SIGTERM (0 exit expected) or SIGKILL.
  int stop_host(int signal_number);
  bool host_running();
  std::string host_output() const;

  uint64_t count(const std::string& table, const std::string& where);
  // First column of the first row, as text ("" when none).
  std::string scalar(const std::string& sql);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::unique_ptr<pd::store::testing::ScratchDb> db_;
  std::filesystem::path dir_;
  int ami_port_ = 0;
  std::unique_ptr<ChildProcess> sim_;
  std::unique_ptr<ChildProcess> host_;
  int host_runs_ = 0;
  double ami_rate_ = 200;
  std::string plugin_extra_;
  void write_host_config();
};

}  // namespace pd::testing
