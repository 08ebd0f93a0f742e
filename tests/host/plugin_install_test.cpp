// `panelhost plugin ...` end to end: the release archive the package-plugin
// target builds, installed into a scratch plugins folder with the real
// migrations against a scratch MariaDB database (PD_MYSQL_DSN), then
// panelhost started on that folder against pbx-sim.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <json/reader.h>
#include <json/writer.h>

#include "db_fixture.h"
#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pd::testing::ChildProcess;

namespace {

std::string read_text(const fs::path& path) {
  return pd::testing::read_text_file(path.string());
}

std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> all;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).string();
    if (rel == ".plugins.lock") continue;
    all[rel] = it->is_regular_file() ? read_text(it->path()) : std::string("<dir>");
  }
  return all;
}

int shell(const std::string& command) {
  INFO(command);
  return std::system(command.c_str());
}

size_t migration_files() {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(PD_SOURCE_DIR) / "sql" / "migrations")) {
    if (entry.path().extension() == ".sql") ++count;
  }
  return count;
}

struct CliRun {
  int status = -1;
  std::string output;
};

// A scratch root: plugins/, host.json (AMI to pbx-sim, the plugin's database),
// a scratch database (not migrated: the install does it).
struct InstallRig {
  fs::path root;
  int ami_port = pd::testing::free_loopback_port();
  std::unique_ptr<pd::store::testing::ScratchDb> db;
  int runs = 0;

  InstallRig() {
    db = pd::store::testing::open_scratch_db(false);
    REQUIRE(db != nullptr);
    char name[] = "/tmp/pd-plugin-install-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
    std::ofstream(root / "host.json")
        << R"({"ami": {"host": "127.0.0.1", "port": )" << ami_port
        << R"(, "user": "dialer", "secret": "dialersecret"}, "plugins_dir": "plugins",
              "panel": {"listen": "127.0.0.1:0"},
              "plugins": {"paneldialer": {"mysql_dsn": ")"
        << db->dsn().to_uri() << R"(", "instance_id": "plugman", "extensions_conf": ")"
        << (root / "extensions_custom.conf").string() << R"("}}})";
  }
  ~InstallRig() { fs::remove_all(root); }

  fs::path plugins() const { return root / "plugins"; }
  std::string config() const { return (root / "host.json").string(); }

  // `panelhost plugin <args> --config host.json`, to its exit.
  CliRun cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {PD_PANELHOST, "plugin"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--config", config()});
    const std::string log = (root / ("cli-" + std::to_string(++runs) + ".log")).string();
    ChildProcess child(argv, log);
    CliRun run;
    run.status = child.stop(0, 120s);  // signal 0: only waits for the exit
    run.output = child.output();
    return run;
  }

  // Starts pbx-sim and panelhost on this folder; returns panelhost's output
  // once it said whether the plugin started, after a clean stop.
  std::string run_host(const std::string& wait_for) {
    ChildProcess sim({PD_PBX_SIM, "--port", std::to_string(ami_port), "--speed", "20"},
                     (root / "sim.log").string());
    REQUIRE(pd::testing::wait_for_port(ami_port, 10s));
    ChildProcess host({PD_PANELHOST, "--config", config()}, (root / "host.log").string());
    CHECK(host.wait_for_output(wait_for, 30s));
    CHECK(host.stop(SIGTERM, 30s) == 0);
    sim.stop(SIGTERM);
    const std::string output = host.output();
    fs::remove(root / "host.log");
    return output;
  }

  // The release archive unpacked, changed by `edit`, packed again.
  fs::path repack(const std::string& name,
                  const std::function<void(const fs::path& folder, Json::Value& manifest)>& edit) {
    const fs::path work = root / ("work-" + name);
    fs::create_directories(work);
    REQUIRE(shell("tar -xzf '" PD_PLUGIN_PACKAGE "' -C '" + work.string() + "'") == 0);
    fs::path folder;
    for (const auto& entry : fs::directory_iterator(work)) folder = entry.path();
    Json::Value manifest;
    {
      std::ifstream in(folder / "manifest.json");
      Json::CharReaderBuilder builder;
      std::string errors;
      REQUIRE(Json::parseFromStream(builder, in, &manifest, &errors));
    }
    edit(folder, manifest);
    Json::StreamWriterBuilder writer;
    std::ofstream(folder / "manifest.json") << Json::writeString(writer, manifest);
    const fs::path archive = root / (name + ".tar.gz");
    REQUIRE(shell("tar -czf '" + archive.string() + "' -C '" + work.string() + "' '" +
                  folder.filename().string() + "'") == 0);
    return archive;
  }

  void install_release() {
    const CliRun run = cli({"install", PD_PLUGIN_PACKAGE});
    INFO(run.output);
    REQUIRE(run.status == 0);
  }
};

bool has(const std::string& haystack, const std::string& needle) {
  INFO(haystack);
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("the release archive installs with its migrations and panelhost runs the plugin") {
  InstallRig rig;
  const CliRun run = rig.cli({"install", PD_PLUGIN_PACKAGE});
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(has(run.output, "applied 0001_initial.sql"));
  CHECK(has(run.output, "installed paneldialer"));
  CHECK(rig.db->count("dialer_schema_version") == migration_files());
  const fs::path installed = rig.plugins() / "paneldialer";
  for (const char* file : {"manifest.json", "libpaneldialer.so", "web/panel.js",
                           "templates/dialplan.tpl", "admin-php/index.php"}) {
    CAPTURE(file);
    CHECK(fs::is_regular_file(installed / file));
  }
  const CliRun list = rig.cli({"list", "--json"});
  REQUIRE(list.status == 0);
  CHECK(has(list.output, "\"status\" : \"enabled\""));

  const std::string host = rig.run_host("plugin 'paneldialer' started");
  CHECK(has(host, "plugin 'paneldialer' started from " + installed.string()));
  CHECK(has(host, "plugins_loaded: 1"));
}

TEST_CASE("a corrupt, wrong-ABI or library-less package is refused and the plugin still runs") {
  InstallRig rig;
  rig.install_release();
  const auto before = snapshot(rig.plugins());

  SUBCASE("corrupt archive") {
    const fs::path corrupt = rig.root / "corrupt.tar.gz";
    const std::string bytes = read_text(PD_PLUGIN_PACKAGE);
    std::ofstream(corrupt, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
    const CliRun run = rig.cli({"upgrade", corrupt.string()});
    CHECK(run.status == 3);
    CHECK(has(run.output, "corrupt.tar.gz"));
  }
  SUBCASE("wrong ABI") {
    const fs::path archive = rig.repack("abi", [](const fs::path&, Json::Value& m) {
      m["abi"] = "2.99";
      m["version"] = "0.2.0";
    });
    const CliRun run = rig.cli({"upgrade", archive.string()});
    CHECK(run.status == 4);
    CHECK(has(run.output, "ABI mismatch: manifest.json field \"abi\" declares ABI 2.99"));
  }
  SUBCASE("missing library") {
    const fs::path archive = rig.repack("nolib", [](const fs::path& folder, Json::Value& m) {
      fs::remove(folder / "libpaneldialer.so");
      m["version"] = "0.2.0";
    });
    const CliRun run = rig.cli({"upgrade", archive.string()});
    CHECK(run.status == 3);
    CHECK(has(run.output,
              "the library libpaneldialer.so (manifest.json field \"library\") is missing"));
  }
  SUBCASE("install over an installed plugin") {
    const CliRun run = rig.cli({"install", PD_PLUGIN_PACKAGE});
    CHECK(run.status == 7);
    CHECK(has(run.output, "already installed"));
  }
  CHECK(snapshot(rig.plugins()) == before);
  CHECK(has(rig.run_host("plugin 'paneldialer' started"), "plugins_loaded: 1"));
}

TEST_CASE("upgrade runs the new migration and keeps the settings - a downgrade needs --force") {
  InstallRig rig;
  rig.install_release();
  const fs::path installed = rig.plugins() / "paneldialer";
  // What an operator set: the admin pages' database file and the host config.
  std::ofstream(installed / "admin-php" / "config" / "database.php") << "<?php // kept\n";
  const std::string config_before = read_text(rig.config());

  const fs::path archive = rig.repack("next", [](const fs::path& folder, Json::Value& m) {
    m["version"] = "0.99.0";
    std::ofstream(folder / "sql" / "migrations" / "0900_plugman_upgrade_test.sql")
        << "CREATE TABLE plugman_upgrade_probe (id INT PRIMARY KEY);\n";
  });
  const CliRun run = rig.cli({"upgrade", archive.string()});
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(has(run.output, "applied 0900_plugman_upgrade_test.sql"));
  CHECK(has(run.output, "-> 0.99.0"));
  CHECK(has(run.output, "kept admin-php/config/database.php"));
  CHECK(rig.db->count("dialer_schema_version", "version = 900") == 1);
  CHECK(rig.db->count("plugman_upgrade_probe") == 0);  // the table exists
  CHECK(read_text(installed / "admin-php" / "config" / "database.php") == "<?php // kept\n");
  CHECK(read_text(rig.config()) == config_before);
  CHECK(has(read_text(rig.plugins() / "plugins.json"), "\"version\" : \"0.99.0\""));
  CHECK(has(rig.run_host("plugin 'paneldialer' started"), "plugins_loaded: 1"));

  const CliRun downgrade = rig.cli({"upgrade", PD_PLUGIN_PACKAGE});
  CHECK(downgrade.status == 4);
  CHECK(has(downgrade.output, "downgrade refused"));
}

TEST_CASE("a disabled plugin is not loaded - enabled it is - removed it is gone") {
  InstallRig rig;
  rig.install_release();
  CliRun run = rig.cli({"disable", "paneldialer"});
  REQUIRE(run.status == 0);
  CHECK(has(rig.cli({"list"}).output, "disabled"));
  std::string host = rig.run_host("is disabled (plugins.json): not loaded");
  CHECK(has(host, "plugins_loaded: 0"));
  CHECK_FALSE(has(host, "plugin 'paneldialer' started"));

  REQUIRE(rig.cli({"enable", "paneldialer"}).status == 0);
  host = rig.run_host("plugin 'paneldialer' started");
  CHECK(has(host, "plugins_loaded: 1"));

  run = rig.cli({"remove", "paneldialer"});
  REQUIRE(run.status == 0);
  CHECK_FALSE(fs::exists(rig.plugins() / "paneldialer"));
  CHECK(has(rig.cli({"list"}).output, "no plugins installed"));
  CHECK(rig.cli({"remove", "paneldialer"}).status == 7);
}
