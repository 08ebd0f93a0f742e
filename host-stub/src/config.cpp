#include "config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <json/reader.h>

namespace pd::host {

namespace {

namespace fs = std::filesystem;

pd::Error bad_value(std::string_view where, std::string_view value, std::string_view expected) {
  return pd::Error::invalid(std::string(where) + ": '" + std::string(value) + "' is not " +
                            std::string(expected));
}

template <class Integer>
pd::Result<Integer> parse_integer(std::string_view where, std::string_view text, Integer min,
                                  Integer max) {
  Integer value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return pd::fail(bad_value(
        where, text, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  return value;
}

pd::Result<double> parse_rate(std::string_view where, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0) || value > 1e6) {
    return pd::fail(bad_value(where, text, "a positive number of actions per second"));
  }
  return value;
}

pd::Result<pd_log_level> parse_log_level(std::string_view where, std::string_view text) {
  if (text == "debug") return PD_LOG_DEBUG;
  if (text == "info") return PD_LOG_INFO;
  if (text == "warn") return PD_LOG_WARN;
  if (text == "error") return PD_LOG_ERROR;
  return pd::fail(bad_value(where, text, "one of debug|info|warn|error"));
}

pd::Status check_listen(std::string_view where, std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return pd::fail(bad_value(where, text, "host:port"));
  }
  if (auto port = parse_integer<int>(where, text.substr(colon + 1), 0, 65535); !port) {
    return pd::fail(bad_value(where, text, "host:port with a port from 0 to 65535"));
  }
  return {};
}

// One setting, reachable both as a flag and as a config-file key.
struct Setting {
  std::string_view flag;
  std::string_view json_path;  // "ami.port"
  std::string_view default_text;
  std::string_view meaning;
  pd::Status (*apply)(std::string_view where, std::string_view value, HostConfig& config);
};

const Setting kSettings[] = {
    {"--ami-host", "ami.host", "127.0.0.1", "Asterisk Manager Interface host",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       if (v.empty()) return pd::fail(bad_value(where, v, "a host name or address"));
       c.ami_host = v;
       return {};
     }},
    {"--ami-port", "ami.port", "5038", "AMI TCP port",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       auto port = parse_integer<int>(where, v, 1, 65535);
       if (!port) return pd::fail(port.error());
       c.ami_port = static_cast<uint16_t>(*port);
       return {};
     }},
    {"--ami-user", "ami.user", "(none: required)", "AMI user (manager.conf section)",
     [](std::string_view, std::string_view v, HostConfig& c) -> pd::Status {
       c.ami_user = v;
       return {};
     }},
    {"--ami-secret", "ami.secret", "(empty)", "AMI secret",
     [](std::string_view, std::string_view v, HostConfig& c) -> pd::Status {
       c.ami_secret = v;
       return {};
     }},
    {"--ami-rate", "ami.rate", "2500",
     "AMI actions per second at most, all plugins together (token bucket): a safety ceiling "
     "above the dialer's calls_per_second (2 actions a call); see docs/rates.md",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       auto rate = parse_rate(where, v);
       if (!rate) return pd::fail(rate.error());
       c.ami_rate = *rate;
       return {};
     }},
    {"--ami-queue-max", "ami.queue_max", "10000",
     "AMI actions waiting for the rate limit at most; beyond, ami_send gives PD_EAGAIN",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       auto max = parse_integer<size_t>(where, v, 1, 10'000'000);
       if (!max) return pd::fail(max.error());
       c.ami_queue_max = *max;
       return {};
     }},
    {"--ping-interval", "ami.ping_interval", "20",
     "seconds between AMI Pings; no answer within min(interval, 10 s) reconnects",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       auto seconds = parse_integer<int>(where, v, 1, 3600);
       if (!seconds) return pd::fail(seconds.error());
       c.ping_interval_s = *seconds;
       return {};
     }},
    {"--plugins-dir", "plugins_dir", "plugins",
     "folder whose subfolders hold a plugin each (manifest.json); those plugins.json marks "
     "disabled are skipped (panelhost plugin --help)",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       if (v.empty()) return pd::fail(bad_value(where, v, "a folder"));
       c.plugins_dir = v;
       return {};
     }},
    {"--panel-listen", "panel.listen", "127.0.0.1:8088", "agent panel server address (host:port)",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       if (auto ok = check_listen(where, v); !ok) return ok;
       c.panel_listen = v;
       return {};
     }},
    {"--log-level", "log_level", "info", "debug|info|warn|error",
     [](std::string_view where, std::string_view v, HostConfig& c) -> pd::Status {
       auto level = parse_log_level(where, v);
       if (!level) return pd::fail(level.error());
       c.log_level = *level;
       return {};
     }},
};

const Setting* find_flag(std::string_view flag) {
  for (const Setting& setting : kSettings) {
    if (setting.flag == flag) return &setting;
  }
  return nullptr;
}

// The JSON value at "a.b" as text for Setting::apply; numbers and strings only.
pd::Result<std::string> json_scalar(const Json::Value& value, std::string_view path) {
  if (value.isString()) return value.asString();
  if (value.isIntegral()) return value.asString();
  if (value.isDouble()) {
    std::ostringstream text;
    text << value.asDouble();
    return text.str();
  }
  return pd::fail(
      pd::Error::invalid("config key '" + std::string(path) + "': expected a string or a number"));
}

const Json::Value* lookup(const Json::Value& root, std::string_view path) {
  const Json::Value* node = &root;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string name(path.substr(0, dot));
    if (!node->isObject() || !node->isMember(name)) return nullptr;
    node = &(*node)[name];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

pd::Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return pd::fail(pd::Error::not_found("config file not found: " + path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return pd::fail(pd::Error::io("cannot read config file " + path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

pd::Status apply_config_json(std::string_view text, const std::string& base_dir,
                             HostConfig& config) {
  Json::CharReaderBuilder builder;
  builder["collectComments"] = false;
  builder["allowComments"] = false;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &root, &errors)) {
    return pd::fail(pd::Error::invalid("config is not valid JSON: " + errors));
  }
  if (!root.isObject()) return pd::fail(pd::Error::invalid("config must be a JSON object"));
  for (const std::string& key : root.getMemberNames()) {
    if (key != "ami" && key != "plugins_dir" && key != "log_level" && key != "panel" &&
        key != "agents" && key != "plugins" && key != "api") {
      return pd::fail(pd::Error::invalid(
          "config: unknown key '" + key +
          "' (known: ami, plugins_dir, log_level, panel, agents, plugins, api)"));
    }
  }
  for (const std::string_view section : {"ami", "panel", "plugins", "api"}) {
    if (root.isMember(std::string(section)) && !root[std::string(section)].isObject()) {
      return pd::fail(
          pd::Error::invalid("config key '" + std::string(section) + "': expected an object"));
    }
  }
  if (root.isMember("agents") && !root["agents"].isArray()) {
    return pd::fail(pd::Error::invalid("config key 'agents': expected an array"));
  }
  for (const Setting& setting : kSettings) {
    const Json::Value* value = lookup(root, setting.json_path);
    if (value == nullptr) continue;
    auto scalar = json_scalar(*value, setting.json_path);
    if (!scalar) return pd::fail(scalar.error());
    const std::string where = "config key '" + std::string(setting.json_path) + "'";
    if (auto ok = setting.apply(where, *scalar, config); !ok) return ok;
  }
  if (root.isMember("plugins_dir") && fs::path(config.plugins_dir).is_relative()) {
    config.plugins_dir = (fs::path(base_dir) / config.plugins_dir).lexically_normal().string();
  }
  if (root.isMember("plugins")) config.plugins = root["plugins"];
  if (root.isMember("panel")) config.panel = root["panel"];
  if (root.isMember("agents")) config.agents = root["agents"];
  if (root.isMember("api")) config.api = root["api"];
  return {};
}

pd::Result<CommandLine> parse_command_line(std::span<const std::string_view> args) {
  CommandLine command_line;
  std::vector<std::pair<const Setting*, std::string_view>> flags;
  std::string_view config_path;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    std::string_view value;
    bool has_value = false;
    if (name == "--help" || name == "-h") {
      command_line.help = true;
      return command_line;
    }
    if (const size_t equals = name.find('='); name.starts_with("--") && equals != name.npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      has_value = true;
    }
    const Setting* setting = find_flag(name);
    if (setting == nullptr && name != "--config") {
      return pd::fail(
          pd::Error::invalid("unknown option '" + std::string(name) + "' (see --help)"));
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return pd::fail(pd::Error::invalid("option " + std::string(name) + " needs a value"));
      }
      value = args[++i];
    }
    if (setting == nullptr) {
      config_path = value;
    } else {
      flags.emplace_back(setting, value);
    }
  }
  HostConfig& config = command_line.config;
  if (!config_path.empty()) {
    auto text = read_file(std::string(config_path));
    if (!text) return pd::fail(text.error());
    const std::string base_dir = fs::absolute(config_path).parent_path().string();
    if (auto ok = apply_config_json(*text, base_dir, config); !ok) {
      return pd::fail(
          pd::Error{ok.error().code, std::string(config_path) + ": " + ok.error().message});
    }
    config.config_path = config_path;
  }
  for (const auto& [setting, value] : flags) {
    if (auto ok = setting->apply("option " + std::string(setting->flag), value, config); !ok) {
      return pd::fail(ok.error());
    }
  }
  if (config.ami_user.empty()) {
    return pd::fail(pd::Error::invalid("no AMI user: give --ami-user or the config key ami.user"));
  }
  return command_line;
}

std::string usage() {
  std::string text =
      "usage: panelhost [--config FILE] [options]\n"
      "\n"
      "Loads the plugins of --plugins-dir, keeps one AMI connection to Asterisk for them\n"
      "and serves the agents' panels. Options override the config file; each can also be\n"
      "given as --name=value. SIGTERM or SIGINT stops the plugins, logs off and exits 0;\n"
      "a summary (name: value lines) is printed on stdout at exit.\n"
      "\n"
      "  --config FILE          JSON config file (default: none); keys shown in [ ]\n"
      "  --help                 this text\n";
  for (const Setting& setting : kSettings) {
    std::string line = "  " + std::string(setting.flag) + " VALUE";
    line.resize(std::max<size_t>(line.size() + 1, 25), ' ');
    line += std::string(setting.meaning) + "\n";
    line += std::string(25, ' ') + "default: " + std::string(setting.default_text) + "  [" +
            std::string(setting.json_path) + "]\n";
    text += line;
  }
  text +=
      "\n"
      "Config file sections besides the keys above:\n"
      "  \"plugins\": {\"<plugin id>\": {...}}   handed to that plugin's start(), merged over\n"
      "                                        its manifest's \"settings\"\n"
      "  \"panel\": {\"listen\", \"shell_dir\", ...}  the agent panel server\n"
      "  \"agents\": [{\"extension\", \"secret_hash\", \"name\"}]  accounts that may open a panel\n"
      "                                        (make hashes with panelhost-hash-secret)\n"
      "  \"api\": {\"tokens\": [{\"name\", \"secret\", \"scope\": \"read\"|\"write\"}],\n"
      "          \"max_in_flight\": 64, \"timeout_s\": 30, \"max_body\": 1048576}\n"
      "                                        the HTTP API's bearer tokens (docs/API.md)\n";
  return text;
}

}  // namespace pd::host
