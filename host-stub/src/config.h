// panelhost's configuration: a JSON file (--config) with command-line flags
// over it. Parsing only: nothing here opens a socket or loads a plugin.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <json/value.h>

#include "paneldialer/pd_plugin.h"
#include "pd/result.h"

namespace pd::host {

struct HostConfig {
  std::string ami_host = "127.0.0.1";
  uint16_t ami_port = 5038;
  std::string ami_user;
  std::string ami_secret;
  // Actions per second handed to Asterisk at most, all plugins together: a
  // safety ceiling, not the dialing rate (that is the engine's
  // calls_per_second). The default carries the Settings page's maximum, 1,000
  // calls a second, at 2 actions a call (Originate, DBDelTree), plus 25 %
  // for the rest (docs/rates.md).
  static constexpr double kDefaultAmiRate = 2500;
  double ami_rate = kDefaultAmiRate;
  size_t ami_queue_max = 10000;  // actions waiting for the rate limit
  int ping_interval_s = 20;  // AMI keep-alive period; no answer within min(it, 10 s) drops the link
  std::string plugins_dir = "plugins";
  std::string panel_listen = "127.0.0.1:8088";
  pd_log_level log_level = PD_LOG_INFO;

  Json::Value plugins = Json::Value(Json::objectValue);  // "<plugin id>": {settings}
  Json::Value panel = Json::Value(Json::objectValue);    // panel server section
  Json::Value agents = Json::Value(Json::arrayValue);    // agent accounts for the panel server
  Json::Value api = Json::Value(Json::objectValue);      // HTTP API: tokens and limits
  std::string config_path;                               // empty without --config
};

struct CommandLine {
  bool help = false;  // --help given: print usage() and exit 0
  HostConfig config;
};

// Reads --config FILE first (when given), then applies every other flag over
// it. Flags take "--name value" or "--name=value". Errors (kInvalidArgument,
// kNotFound for a missing config file) name the flag or the JSON key and the
// value that is wrong.
pd::Result<CommandLine> parse_command_line(std::span<const std::string_view> args);

// Parses a config file's text; `base_dir` resolves relative paths in it.
pd::Status apply_config_json(std::string_view text, const std::string& base_dir,
                             HostConfig& config);

// The --help text: every flag, its config-file key and its default.
std::string usage();

}  // namespace pd::host
