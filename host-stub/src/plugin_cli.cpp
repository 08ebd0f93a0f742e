#include "plugin_cli.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <json/writer.h>

#include "config.h"
#include "manifest.h"
#include "pd/store/connection.h"
#include "pd/store/dsn.h"
#include "pd/store/migrator.h"
#include "plugin_manager.h"

namespace pd::host {

namespace {

namespace fs = std::filesystem;

pd::Result<std::vector<std::string>> run_store_migrations(const std::string& dsn_text,
                                                          const fs::path& dir) {
  auto dsn = pd::store::parse_dsn(dsn_text);
  if (!dsn) return pd::fail(dsn.error());
  auto conn = pd::store::Connection::open(*dsn);
  if (!conn) return pd::fail(conn.error());
  return pd::store::migrate(*conn, dir);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "panelhost plugin: %s (see panelhost plugin --help)\n", message.c_str());
  return kExitUsage;
}

// Holds an exclusive lock on <plugins_dir>/.plugins.lock while alive.
class FolderLock {
 public:
  explicit FolderLock(const std::string& plugins_dir) {
    std::error_code ec;
    fs::create_directories(plugins_dir, ec);
    fd_ = ::open((fs::path(plugins_dir) / ".plugins.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC,
                 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

int print_list(const std::vector<PluginRow>& rows, bool json) {
  if (json) {
    Json::Value list(Json::arrayValue);
    for (const PluginRow& row : rows) {
      Json::Value item(Json::objectValue);
      item["id"] = row.id;
      item["version"] = row.version;
      item["status"] = row.status;
      item["enabled"] = row.status == "enabled" || row.status == "unregistered";
      item["installed_at"] = row.installed_at;
      item["folder"] = row.folder;
      list.append(item);
    }
    Json::StreamWriterBuilder writer;
    writer["indentation"] = "  ";
    std::cout << Json::writeString(writer, list) << "\n";
    return kExitOk;
  }
  if (rows.empty()) {
    std::cout << "no plugins installed\n";
    return kExitOk;
  }
  std::cout << pad("ID", 20) << pad("VERSION", 14) << pad("STATUS", 14) << pad("INSTALLED", 22)
            << "FOLDER\n";
  for (const PluginRow& row : rows) {
    std::cout << pad(row.id, 20) << pad(row.version, 14) << pad(row.status, 14)
              << pad(row.installed_at.empty() ? "-" : row.installed_at, 22) << row.folder << "\n";
  }
  return kExitOk;
}

}  // namespace

std::string plugin_usage() {
  return std::string(
             "usage: panelhost plugin COMMAND [ARG] [options]\n"
             "\n"
             "Manages the plugins of the plugins folder (plugins_dir of --config, or\n"
             "--plugins-dir). A running panelhost is not touched: changes take effect at its\n"
             "next start.\n"
             "\n"
             "commands:\n"
             "  install PACKAGE   install a release archive (.tar.gz) or a plugin folder: checks\n"
             "                    manifest.json, the ABI, the minimum host version, required\n"
             "                    plugins and the library, runs the SQL migrations, then moves\n"
             "                    the plugin into <plugins_dir>/<id> and registers it\n"
             "  upgrade PACKAGE   the same over an installed plugin: migrations forward, the\n"
             "                    host config's settings untouched, the manifest's \"preserve\"\n"
             "                    files kept; refuses an older version unless --force\n"
             "  remove ID         delete the plugin's folder and registry entry (its database\n"
             "                    tables stay)\n"
             "  enable ID         load it at start (the default)\n"
             "  disable ID        do not load it at start\n"
             "  list              the plugins, their versions and states (--json: as JSON)\n"
             "\n"
             "options:\n"
             "  --config FILE       panelhost's config: plugins_dir and plugins.<id> settings\n"
             "  --plugins-dir DIR   the plugins folder (over the config's; default: plugins)\n"
             "  --dsn DSN           database for the migrations; else the config's\n"
             "                      plugins.<id>.mysql_dsn, the manifest's default, PD_MYSQL_DSN\n"
             "  --skip-migrations   do not migrate (the plugin applies them at start when its\n"
             "                      apply_migrations setting is on)\n"
             "  --force             upgrade: allow a downgrade\n"
             "  --json              list: JSON output\n"
             "  -h, --help          this text\n"
             "\n"
             "Install and upgrade are atomic: everything is checked in a staging folder next\n"
             "to the target and renamed into place last; a failure leaves the plugins folder\n"
             "as it was (a migration already applied to the database stays applied).\n"
             "\n"
             "exit status:\n"
             "  0  done\n"
             "  1  failed: I/O or another unexpected error (the message says)\n"
             "  2  bad command line or config file\n"
             "  3  bad package: not a readable archive, bad manifest.json, a path leaving the\n"
             "     package, a file or the library missing\n"
             "  4  incompatible: ABI, minimum host version (this host: ") +
         host_version() +
         "), or a downgrade\n"
         "  5  missing dependency: a required plugin, or a shared library the plugin needs\n"
         "  6  migrations: no database known, or a migration failed\n"
         "  7  state: already installed (install), not installed (upgrade, remove, enable)\n";
}

int run_plugin_command(std::span<const std::string_view> args) {
  std::vector<std::string> words;
  std::string config_path, plugins_dir, dsn;
  bool json = false, force = false, skip_migrations = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(plugin_usage().c_str(), stdout);
      return kExitOk;
    }
    auto value = [&](std::string_view flag, std::string& out) -> int {
      if (a.starts_with(std::string(flag) + "=")) {
        out = a.substr(flag.size() + 1);
        return 1;
      }
      if (a != flag) return 0;
      if (i + 1 >= args.size()) return -1;
      out = args[++i];
      return 1;
    };
    int taken = value("--config", config_path);
    if (taken == 0) taken = value("--plugins-dir", plugins_dir);
    if (taken == 0) taken = value("--dsn", dsn);
    if (taken < 0) return usage_error("option " + std::string(a) + " needs a value");
    if (taken > 0) continue;
    if (a == "--json") {
      json = true;
    } else if (a == "--force") {
      force = true;
    } else if (a == "--skip-migrations") {
      skip_migrations = true;
    } else if (a.starts_with("-")) {
      return usage_error("unknown option '" + std::string(a) + "'");
    } else {
      words.emplace_back(a);
    }
  }
  if (words.empty()) return usage_error("no command");
  const std::string command = words[0];
  const bool needs_arg = command == "install" || command == "upgrade" || command == "remove" ||
                         command == "enable" || command == "disable";
  if (!needs_arg && command != "list") return usage_error("unknown command '" + command + "'");
  if (needs_arg && words.size() != 2) {
    return usage_error(command + " takes one argument (" +
                       (command == "install" || command == "upgrade" ? "PACKAGE" : "ID") + ")");
  }
  if (!needs_arg && words.size() != 1) return usage_error("list takes no argument");

  HostConfig config;
  if (!config_path.empty()) {
    std::ifstream in(config_path, std::ios::binary);
    if (!in) return usage_error("config file not found: " + config_path);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string base = fs::absolute(config_path).parent_path().string();
    if (auto ok = apply_config_json(text.str(), base, config); !ok) {
      return usage_error(config_path + ": " + ok.error().message);
    }
  }
  ManagerOptions options;
  options.plugins_dir = plugins_dir.empty() ? config.plugins_dir : plugins_dir;
  options.plugin_settings = config.plugins;
  options.dsn = dsn;
  options.force = force;
  options.skip_migrations = skip_migrations;
  options.run_migrations = run_store_migrations;
  options.progress = [](const std::string& line) { std::cout << "  " << line << "\n"; };

  FolderLock lock(options.plugins_dir);
  if (!lock.held()) {
    std::fprintf(stderr, "panelhost plugin: cannot lock %s/.plugins.lock\n",
                 options.plugins_dir.c_str());
    return kExitFailed;
  }
  for (const std::string& line : recover_interrupted(options)) std::cerr << line << "\n";
  auto report = [](const ManagerResult<std::string>& result) {
    if (!result) {
      std::fprintf(stderr, "panelhost plugin: %s\n", result.error().message.c_str());
      return result.error().exit_code;
    }
    std::cout << *result << "\n";
    return int(kExitOk);
  };
  if (command == "list") {
    auto rows = list_plugins(options);
    if (!rows) {
      std::fprintf(stderr, "panelhost plugin: %s\n", rows.error().message.c_str());
      return rows.error().exit_code;
    }
    return print_list(*rows, json);
  }
  const std::string& arg = words[1];
  if (command == "install") return report(install_plugin(arg, options));
  if (command == "upgrade") return report(upgrade_plugin(arg, options));
  if (command == "remove") return report(remove_plugin(arg, options));
  return report(set_plugin_enabled(arg, command == "enable", options));
}

}  // namespace pd::host
