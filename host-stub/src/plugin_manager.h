// The plugin manager behind `panelhost plugin ...` (docs/plugins.md):
// install, upgrade, remove, enable, disable and list the plugins of one
// plugins folder, keeping <plugins_dir>/plugins.json (plugin_registry.h).
//
// Install and upgrade are atomic for the plugins folder: the package is
// unpacked into <plugins_dir>/.staging-XXXXXX (same file system), its manifest,
// files, ABI, host version, dependencies and library (dlopen and the callback
// table, as the host does at start) are checked there, the migrations run, and
// only then is the folder renamed into place (an upgrade keeps the old folder
// as .old-<id>-XXXXXX until the new one is in place, and renames it back if
// anything fails). Any failure removes the staging folder: the plugins folder
// is as it was. A running panelhost keeps the library it loaded; the new
// version runs from its next start. Migrations are the one part that cannot
// be undone (MySQL DDL commits by itself): a migration error stops the install
// before the rename, with the migrator's message naming the file.
//
// Threads: one call at a time per plugins folder; the CLI takes an exclusive
// lock (<plugins_dir>/.plugins.lock) around each command.
#pragma once

#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <json/value.h>

#include "pd/result.h"

namespace pd::host {

// The exit codes of `panelhost plugin` (also in its --help and docs/plugins.md).
enum PluginExit : int {
  kExitOk = 0,
  kExitFailed = 1,        // I/O or another unexpected failure (the message says)
  kExitUsage = 2,         // bad command line or config file
  kExitBadPackage = 3,    // corrupt archive, bad manifest, a path leaving the package,
                          // a file or the library missing
  kExitIncompatible = 4,  // ABI, minimum host version, or a downgrade without --force
  kExitDependency = 5,    // a required plugin, or a shared library the plugin needs, is missing
  kExitMigration = 6,     // no database to migrate, or a migration failed
  kExitState = 7,         // already installed (install), not installed (upgrade, remove, ...)
};

struct ManagerError {
  int exit_code = kExitFailed;
  std::string message;
};

template <class T>
using ManagerResult = std::expected<T, ManagerError>;

// Runs the migrations of `dir` against `dsn`; returns the file names applied.
using MigrationRunner = std::function<pd::Result<std::vector<std::string>>(
    const std::string& dsn, const std::filesystem::path& dir)>;

struct ManagerOptions {
  std::string plugins_dir;
  std::string dsn;  // --dsn; empty: see resolve_dsn
  // The host config's "plugins" section: {"<id>": {settings}} (never written).
  Json::Value plugin_settings = Json::Value(Json::objectValue);
  bool force = false;            // upgrade: allow a downgrade
  bool skip_migrations = false;  // leave them to the plugin's start (apply_migrations)
  MigrationRunner run_migrations;
  // One line per step ("checked manifest ...", "applied 0012_x.sql"); may be empty.
  std::function<void(const std::string&)> progress;
};

// The database a plugin's migrations run against, first found: --dsn, the host
// config's plugins.<id>.mysql_dsn, the manifest's default mysql_dsn, the
// environment's PD_MYSQL_DSN. Empty when none.
std::string resolve_dsn(const ManagerOptions& options, const std::string& id,
                        const Json::Value& manifest_settings);

// `package`: a .tar.gz/.tgz/.tar release archive or a folder. Returns a
// one-line summary ("installed paneldialer 0.1.0 into ...").
ManagerResult<std::string> install_plugin(const std::string& package,
                                          const ManagerOptions& options);
ManagerResult<std::string> upgrade_plugin(const std::string& package,
                                          const ManagerOptions& options);
// Removes the folder and the registry entry; the plugin's database tables stay.
ManagerResult<std::string> remove_plugin(const std::string& id, const ManagerOptions& options);
ManagerResult<std::string> set_plugin_enabled(const std::string& id, bool enabled,
                                              const ManagerOptions& options);

// Cleans up after a `panelhost plugin` that was killed half-way (call with
// the lock held, before any command): a ".staging-*" folder is deleted; an
// ".old-<id>-XXXXXX" folder is renamed back to <id> when <id> is missing (an
// upgrade or remove stopped between its renames), else deleted. Returns one
// line per action.
std::vector<std::string> recover_interrupted(const ManagerOptions& options);

struct PluginRow {
  std::string id, version, installed_at,
      status;  // status: enabled|disabled|unregistered|missing|damaged
  std::string folder;
};
ManagerResult<std::vector<PluginRow>> list_plugins(const ManagerOptions& options);

}  // namespace pd::host
