// The plugin registry: <plugins_dir>/plugins.json, written by `panelhost
// plugin ...` (plugin_manager.h) and read by the host at start.
//   {"format": 1, "plugins": [{"id", "version", "enabled", "installed_at",
//                              "updated_at"}]}
// A plugin folder the registry does not name is loaded (a hand-made or
// development folder); one it names with "enabled": false is not. The
// registry holds at most kMaxPlugins entries.
// Threads: plain functions on files; any thread. Writers replace the file
// atomically (temporary file + rename); `panelhost plugin` serialises them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "pd/result.h"

namespace pd::host {

inline constexpr size_t kMaxPlugins = 256;
inline constexpr const char* kRegistryFile = "plugins.json";

struct RegistryEntry {
  std::string id;
  std::string version;
  bool enabled = true;
  std::string installed_at;  // UTC, ISO 8601
  std::string updated_at;    // UTC, ISO 8601; the last upgrade/enable/disable
};

struct Registry {
  std::vector<RegistryEntry> plugins;  // in id order
  RegistryEntry* find(const std::string& id);
  const RegistryEntry* find(const std::string& id) const;
};

// Reads <plugins_dir>/plugins.json; an absent file is an empty registry.
// kInvalidArgument (naming the file and what is wrong) for a damaged one.
pd::Result<Registry> read_registry(const std::string& plugins_dir);

// Writes it atomically; kIOError naming the file when it cannot.
pd::Status write_registry(const std::string& plugins_dir, const Registry& registry);

// "2026-11-28T11:40:00Z".
std::string utc_now_iso();

}  // namespace pd::host
