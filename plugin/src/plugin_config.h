// The plugin's own configuration: the host config's "paneldialer" section
// merged over manifest.json's "settings" (see manifest.json settings_schema).
// Threads: plain data.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pd/result.h"

namespace pd::plugin {

struct PluginConfig {
  std::string mysql_dsn;        // empty: PD_MYSQL_DSN
  std::string instance_id;      // claim owner and heartbeat name; empty: the host name
  std::string templates_dir;    // absolute after parse (relative to the plugin folder)
  std::string migrations_dir;   // absolute after parse
  std::string extensions_conf;  // empty: the database's extensions_conf setting
  bool write_dialplan = true;
  bool apply_migrations = true;
  int hopper_size = 100;
  std::chrono::seconds lease{120};
  // How long compliance audit rows are kept (the abandonment window: 30 days).
  int audit_keep_days = 30;
  // Webhooks (docs/webhooks.md): concurrent POSTs, each one's timeout, the
  // retry schedule (milliseconds after the 1st, 2nd… failed POST; the last
  // repeats) and the POSTs an event gets before it is kept as failed.
  int webhook_concurrency = 8;
  std::chrono::milliseconds webhook_timeout{5000};
  std::vector<std::int64_t> webhook_retry_ms{5'000, 30'000, 120'000, 600'000, 3'600'000};
  int webhook_max_attempts = 8;
};

// Parses the JSON text the host handed to start(); relative folders are taken
// from `plugin_dir`. Errors name the key and say what is expected; a key that
// is not one of PluginConfig's settings is refused (a typo must not pass as a
// default).
pd::Result<PluginConfig> parse_plugin_config(std::string_view json, const std::string& plugin_dir);

// [A-Za-z0-9_.-] only (it becomes part of every call id), at most 40 chars.
std::string sanitize_instance_id(std::string_view text);

}  // namespace pd::plugin
