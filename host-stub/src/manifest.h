// A plugin's manifest.json: reading, validation and the compatibility rule.
// The schema is docs/manifest.md. Two layouts are read:
//   "manifest_version": 2  the documented one: "abi": "MAJOR.MINOR",
//                          "min_host_version", settings with their defaults,
//                          types and descriptions in one object;
//   no "manifest_version"  the first layout (before issue 13): "abi": MAJOR,
//                          "settings" {key: default} beside "settings_schema".
// Both give the same PluginManifest. Every refusal is a kInvalidArgument whose
// message names the plugin folder and the field ("settings.hopper_size.type").
// Paths in a manifest are relative to the plugin folder and may not leave it
// (no absolute path, no ".." component).
// Threads: pure functions (reading the file is the only side effect); any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "pd/result.h"

namespace pd::host {

// This host's version (CMake's project version), e.g. "0.1.0".
const char* host_version();

// Semantic version MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] (semver.org 2.0).
struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // without the '-'; empty for a release
  std::string text;        // as written
};
std::optional<SemVer> parse_semver(std::string_view text);
// <0, 0, >0 by semver precedence (the build part is ignored).
int compare_semver(const SemVer& a, const SemVer& b);

struct PluginManifest {
  std::string dir;                    // absolute, no trailing slash
  int manifest_version = 1;           // 1: the first layout, 2: docs/manifest.md
  std::string id;                     // [a-z0-9][a-z0-9_-]{0,63}: also the folder it installs to
  std::string name;                   // for people; the id when absent (layout 1)
  std::string version;                // semver
  uint32_t abi_major = 0;             // "abi": the ABI the plugin is built for
  uint32_t abi_minor = 0;             // 0 in layout 1
  std::string min_host_version;       // semver; empty: any host (layout 1 only)
  std::string library;                // absolute path (the manifest's "library" under dir)
  std::string library_relative;       // as written
  std::string templates;              // relative folder, empty when none
  std::string admin_pages;            // relative folder of the PHP admin pages, empty when none
  std::string migrations;             // relative folder of NNNN_*.sql, empty when none
  std::vector<std::string> files;     // relative paths the package must hold
  std::vector<std::string> preserve;  // relative paths kept from the old folder on upgrade
  std::map<std::string, std::string> requires_plugins;    // plugin id -> minimum version
  Json::Value settings = Json::Value(Json::objectValue);  // defaults of the plugin's config
  // key -> {"type", "description", "minimum", "maximum"} (the defaults above are the "default"s)
  Json::Value settings_schema = Json::Value(Json::objectValue);
  std::string panel_static;  // absolute folder to serve to panels, empty when none
};

// Parses and validates manifest text; `dir` is the folder it came from.
pd::Result<PluginManifest> parse_manifest(std::string_view json, const std::string& dir);

// Reads and validates <dir>/manifest.json (kNotFound when it is missing).
pd::Result<PluginManifest> read_manifest(const std::string& dir);

// May this host load it? The manifest's ABI major must be the host's and its
// minor at most the host's; min_host_version at most host_version(). kConflict
// naming the field and both versions otherwise.
pd::Status check_compatible(const PluginManifest& manifest);

// True when `path` is relative and has no ".." component (and is not empty).
bool is_contained_path(std::string_view path);

}  // namespace pd::host
