#include "plugin_config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <memory>

#include <json/reader.h>
#include <json/value.h>

namespace pd::plugin {

namespace {

std::string absolute_in(const std::string& plugin_dir, const std::string& path) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  return (p.is_absolute() ? p : std::filesystem::path(plugin_dir) / p).lexically_normal().string();
}

pd::Error bad(std::string_view key, std::string_view expected) {
  return pd::Error::invalid("plugin setting '" + std::string(key) + "': expected " +
                            std::string(expected));
}

}  // namespace

std::string sanitize_instance_id(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 40) break;
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "engine" : out;
}

pd::Result<PluginConfig> parse_plugin_config(std::string_view json, const std::string& plugin_dir) {
  Json::Value root;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(json.data(), json.data() + json.size(), &root, &errors);
  } catch (const Json::Exception& e) {
    errors = e.what();  // nesting past jsoncpp's stackLimit throws
  }
  if (!parsed || !root.isObject()) {
    return pd::fail(pd::Error::invalid("plugin configuration is not a JSON object: " + errors));
  }
  // A misspelt key would otherwise leave its setting at the default unnoticed
  // (the host's own config refuses unknown keys the same way).
  static constexpr std::string_view kKnown[] = {
      "mysql_dsn",           "instance_id",         "templates_dir",      "migrations_dir",
      "extensions_conf",     "write_dialplan",      "hopper_size",        "lease_seconds",
      "apply_migrations",    "audit_keep_days",     "webhook_concurrency", "webhook_timeout_ms",
      "webhook_retry_ms",    "webhook_max_attempts"};
  for (const std::string& key : root.getMemberNames()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return pd::fail(pd::Error::invalid(
          "plugin setting '" + key +
          "': unknown (known: mysql_dsn, instance_id, templates_dir, migrations_dir, "
          "extensions_conf, write_dialplan, apply_migrations, hopper_size, lease_seconds, "
          "audit_keep_days, webhook_concurrency, webhook_timeout_ms, webhook_retry_ms, "
          "webhook_max_attempts)"));
    }
  }
  PluginConfig config;
  auto text = [&](const char* key, std::string& out) -> pd::Status {
    if (!root.isMember(key)) return {};
    if (!root[key].isString()) return pd::fail(bad(key, "a string"));
    out = root[key].asString();
    return {};
  };
  auto flag = [&](const char* key, bool& out) -> pd::Status {
    if (!root.isMember(key)) return {};
    if (!root[key].isBool()) return pd::fail(bad(key, "true or false"));
    out = root[key].asBool();
    return {};
  };
  auto number = [&](const char* key, int min, int max, int& out) -> pd::Status {
    if (!root.isMember(key)) return {};
    if (!root[key].isInt() || root[key].asInt() < min || root[key].asInt() > max) {
      return pd::fail(
          bad(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
    }
    out = root[key].asInt();
    return {};
  };
  std::string templates = "templates";
  std::string migrations = "sql/migrations";
  int lease_s = 120;
  int webhook_timeout_ms = 5000;
  std::string webhook_retry = "5000,30000,120000,600000,3600000";
  for (auto status : {text("mysql_dsn", config.mysql_dsn), text("instance_id", config.instance_id),
                      text("templates_dir", templates), text("migrations_dir", migrations),
                      text("extensions_conf", config.extensions_conf),
                      flag("write_dialplan", config.write_dialplan),
                      flag("apply_migrations", config.apply_migrations),
                      number("hopper_size", 1, 10000, config.hopper_size),
                      number("lease_seconds", 30, 3600, lease_s),
                      number("audit_keep_days", 1, 3650, config.audit_keep_days),
                      number("webhook_concurrency", 1, 64, config.webhook_concurrency),
                      number("webhook_timeout_ms", 100, 60000, webhook_timeout_ms),
                      text("webhook_retry_ms", webhook_retry),
                      number("webhook_max_attempts", 1, 100, config.webhook_max_attempts)}) {
    if (!status) return pd::fail(status.error());
  }
  config.lease = std::chrono::seconds(lease_s);
  config.webhook_timeout = std::chrono::milliseconds(webhook_timeout_ms);
  // "5000,30000,…": 1 to 20 delays of 10 ms to 1 day.
  config.webhook_retry_ms.clear();
  for (std::size_t at = 0; at <= webhook_retry.size();) {
    const std::size_t comma = std::min(webhook_retry.find(',', at), webhook_retry.size());
    const std::string item = webhook_retry.substr(at, comma - at);
    std::int64_t ms = -1;
    if (!item.empty() && item.size() <= 8 &&
        item.find_first_not_of("0123456789") == std::string::npos) {
      ms = std::stoll(item);
    }
    if (ms < 10 || ms > 86'400'000 || config.webhook_retry_ms.size() >= 20) {
      return pd::fail(bad("webhook_retry_ms",
                          "1 to 20 delays in milliseconds (10 to 86400000), comma-separated"));
    }
    config.webhook_retry_ms.push_back(ms);
    at = comma + 1;
  }
  config.templates_dir = absolute_in(plugin_dir, templates);
  config.migrations_dir = absolute_in(plugin_dir, migrations);
  config.extensions_conf = absolute_in(plugin_dir, config.extensions_conf);
  if (config.instance_id.empty()) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    config.instance_id = host;
  }
  config.instance_id = sanitize_instance_id(config.instance_id);
  return config;
}

}  // namespace pd::plugin
