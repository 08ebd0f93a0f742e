// The release packages cpack built into PD_RELEASE_DIR (the ctest fixture
// "release packages: cpack builds ..."): the plugin archive holds what
// package-plugin packs; the panelhost .deb, unpacked into a scratch root
// (dpkg-deb -x), installs the archive with its own `panelhost plugin install`
// and runs a short campaign from there against its pbx-sim and a scratch
// MariaDB; systemd-analyze verify accepts its unit.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <json/reader.h>
#include <json/writer.h>

#include "db_fixture.h"
#include "pd/testing/process.h"
#include "scenario.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pd::testing::ChildProcess;

namespace {

const std::string kVersion = PD_PROJECT_VERSION;

fs::path release_archive() {
  return fs::path(PD_RELEASE_DIR) / ("paneldialer-" + kVersion + "-linux-x86_64.tar.gz");
}
fs::path release_deb() {
  return fs::path(PD_RELEASE_DIR) / ("panelhost_" + kVersion + "-1_amd64.deb");
}

struct Shell {
  int status = -1;
  std::string output;
};

// `command` through sh, stdout and stderr captured.
Shell run(const std::string& command) {
  Shell result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t got = 0;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool have_program(const std::string& name) {
  return run("command -v " + name).status == 0;
}

std::set<std::string> archive_listing(const fs::path& archive) {
  const Shell listing = run("tar -tzf '" + archive.string() + "'");
  INFO(listing.output);
  REQUIRE(listing.status == 0);
  std::set<std::string> names;
  std::istringstream lines(listing.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("./")) line.erase(0, 2);
    while (!line.empty() && line.back() == '/') line.pop_back();
    if (!line.empty() && line != ".") names.insert(line);
  }
  return names;
}

Json::Value read_json(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), path.string());
  Json::CharReaderBuilder builder;
  Json::Value value;
  std::string errors;
  REQUIRE_MESSAGE(Json::parseFromStream(builder, in, &value, &errors), errors);
  return value;
}

// A scratch folder, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/pd-release-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// The .deb unpacked into dir/root; false (with a message) without dpkg-deb.
bool unpack_deb(const fs::path& dir) {
  if (!have_program("dpkg-deb")) {
    MESSAGE("skipped: dpkg-deb is not installed (apt-get install dpkg)");
    return false;
  }
  REQUIRE_MESSAGE(fs::is_regular_file(release_deb()), release_deb().string());
  const Shell unpacked =
      run("dpkg-deb -x '" + release_deb().string() + "' '" + (dir / "root").string() + "'");
  INFO(unpacked.output);
  REQUIRE(unpacked.status == 0);
  return true;
}

}  // namespace

TEST_CASE("the plugin archive holds exactly what package-plugin packs") {
  REQUIRE_MESSAGE(fs::is_regular_file(release_archive()), release_archive().string());
  const auto release = archive_listing(release_archive());
  const auto development = archive_listing(PD_PLUGIN_PACKAGE);
  CHECK(release == development);
  const std::string top = "paneldialer-" + kVersion;
  for (const std::string file :
       {"manifest.json", "libpaneldialer.so", "web/panel.js", "templates/dialplan.tpl",
        "sql/migrations/0001_initial.sql", "admin-php/index.php", "admin-php/lib/.htaccess"}) {
    CAPTURE(file);
    CHECK(release.contains(top + "/" + file));
  }
  for (const auto& name : release) {
    CAPTURE(name);
    CHECK((name == top || name.starts_with(top + "/")));
    CHECK(name.find("config/database.php") == std::string::npos);
  }
}

TEST_CASE("the deb holds panelhost, the tools, the unit and the sample, with linked dependencies") {
  TempDir dir;
  if (!unpack_deb(dir.path)) return;
  const fs::path root = dir.path / "root";
  for (const char* file :
       {"usr/bin/panelhost", "usr/bin/panelhost-hash-secret", "usr/bin/paneldialer-db",
        "usr/bin/pdctl", "usr/bin/pbx-sim", "lib/systemd/system/panelhost.service",
        "etc/panelhost/panelhost.json.sample", "usr/share/panelhost/web/index.html",
        "usr/share/doc/panelhost/INSTALL.md", "usr/share/doc/panelhost/README.md"}) {
    CAPTURE(file);
    CHECK(fs::is_regular_file(root / file));
  }
  const Shell control = run("dpkg-deb -f '" + release_deb().string() + "' Package Version Depends");
  INFO(control.output);
  REQUIRE(control.status == 0);
  CHECK(control.output.find("Package: panelhost") != std::string::npos);
  CHECK(control.output.find("Version: " + kVersion + "-1") != std::string::npos);
  CHECK(control.output.find("adduser") != std::string::npos);
  if (have_program("dpkg-shlibdeps")) {
    // From the libraries the programs link (CPACK_DEBIAN_PACKAGE_SHLIBDEPS).
    for (const char* library : {"libc6", "libjsoncpp", "libmariadb3", "libssl3", "libstdc++6"}) {
      CAPTURE(library);
      CHECK(control.output.find(library) != std::string::npos);
    }
  }
  const Shell scripts = run("dpkg-deb -I '" + release_deb().string() + "' postinst conffiles");
  INFO(scripts.output);
  CHECK(scripts.output.find("adduser --system") != std::string::npos);
  CHECK(scripts.output.find("/etc/panelhost/panelhost.json.sample") != std::string::npos);
}

TEST_CASE("the deb's panelhost installs the plugin archive and runs a short campaign") {
  TempDir dir;
  if (!unpack_deb(dir.path)) return;
  const fs::path root = dir.path / "root";
  auto db = pd::store::testing::open_scratch_db(false);  // the install migrates it
  REQUIRE(db != nullptr);
  const int ami_port = pd::testing::free_loopback_port();

  // The config: the shipped sample with this rig's places and secrets.
  Json::Value config = read_json(root / "etc/panelhost/panelhost.json.sample");
  config["ami"]["port"] = ami_port;
  config["ami"]["user"] = "dialer";
  config["ami"]["secret"] = "dialersecret";
  config["plugins_dir"] = (root / "var/lib/panelhost/plugins").string();
  config["panel"]["listen"] = "127.0.0.1:0";
  config["panel"]["shell_dir"] = (root / "usr/share/panelhost/web").string();
  Json::Value& plugin = config["plugins"]["paneldialer"];
  plugin["mysql_dsn"] = db->dsn().to_uri();
  plugin["instance_id"] = "release";
  plugin["extensions_conf"] = (dir.path / "extensions_custom.conf").string();
  const fs::path config_file = root / "etc/panelhost/panelhost.json";
  std::ofstream(config_file) << Json::writeString(Json::StreamWriterBuilder(), config);

  const std::string panelhost = (root / "usr/bin/panelhost").string();
  {
    ChildProcess install({panelhost, "plugin", "install", release_archive().string(), "--config",
                          config_file.string()},
                         (dir.path / "install.log").string());
    const int status = install.stop(0, 120s);  // signal 0: waits for the exit
    INFO(install.output());
    REQUIRE(status == 0);
    CHECK(install.output().find("installed paneldialer") != std::string::npos);
  }
  const fs::path installed = root / "var/lib/panelhost/plugins/paneldialer";
  CHECK(fs::is_regular_file(installed / "libpaneldialer.so"));
  CHECK(fs::is_regular_file(installed / "admin-php/index.php"));

  // A campaign of 6 numbers: answered, DTMF and busy (tests/engine/scenario.h).
  auto& conn = db->conn();
  REQUIRE(conn.execute("UPDATE dialer_settings SET value = CASE name WHEN 'dial_context' THEN "
                       "'sim-customers' WHEN 'dial_timeout' THEN '20' WHEN 'calls_per_second' "
                       "THEN '50' ELSE value END")
              .has_value());
  REQUIRE(conn.execute("INSERT INTO dialer_campaigns (name, mode, initial_leg, destination_kind, "
                       "destination, concurrent_calls, dial_attempts, retry_minutes, valid_dtmf, "
                       "start_hour, end_hour, week_days, enabled) VALUES ('release', 'automatic', "
                       "'remote', 'ivr', 'ivr-1,s,1', 3, 1, 1, '1', '00:00:00', '00:00:00', "
                       "'mon,tue,wed,thu,fri,sat,sun', 1)")
              .has_value());
  const std::string campaign = std::to_string(db->count("dialer_campaigns", "name = 'release'"));
  REQUIRE(campaign == "1");
  for (const char* number : {"5550000", "5550001", "5550002", "5550003", "5550004", "5550005"}) {
    REQUIRE(conn.execute("INSERT INTO dialer_numbers (campaign_id, name, number) SELECT id, ?, ? "
                         "FROM dialer_campaigns WHERE name = 'release'",
                         {std::string("Lead ") + number, std::string(number)})
                .has_value());
  }

  std::ofstream(dir.path / "scenario.json") << pd::testing::engine_scenario(20);
  ChildProcess sim(
      {(root / "usr/bin/pbx-sim").string(), "--scenario", (dir.path / "scenario.json").string(),
       "--port", std::to_string(ami_port), "--astdb", (dir.path / "astdb.json").string()},
      (dir.path / "sim.log").string());
  REQUIRE(pd::testing::wait_for_port(ami_port, 10s));
  ChildProcess host({panelhost, "--config", config_file.string()},
                    (dir.path / "host.log").string());
  CHECK(host.wait_for_output("plugin 'paneldialer' started from " + installed.string(), 30s));
  const std::string unsettled = "state NOT IN ('done','failed','closed','dnc','unknown')";
  CHECK_MESSAGE(
      pd::testing::eventually([&] { return db->count("dialer_numbers", unsettled) == 0; }, 90s),
      host.output());
  CHECK(db->count("dialer_numbers", "state = 'done'") == 5);
  CHECK(db->count("dialer_numbers", "state = 'failed'") == 1);
  CHECK(db->count("dialer_calls", "ended_at IS NOT NULL") == 6);
  CHECK(db->count("dialer_calls", "dtmf = '1'") == 1);
  CHECK(host.stop(SIGTERM, 30s) == 0);
  sim.stop(SIGTERM);
}

TEST_CASE("systemd-analyze verify accepts the deb's unit") {
  TempDir dir;
  if (!unpack_deb(dir.path)) return;
  if (!have_program("systemd-analyze")) {
    MESSAGE("skipped: systemd-analyze is not installed (apt-get install systemd)");
    return;
  }
  const fs::path root = dir.path / "root";
  const fs::path shipped = root / "lib/systemd/system/panelhost.service";
  const std::string unit = pd::testing::read_text_file(shipped.string());
  CHECK(unit.find("User=panelhost") != std::string::npos);
  CHECK(unit.find("Restart=on-failure") != std::string::npos);
  CHECK(unit.find("StandardError=journal") != std::string::npos);
  CHECK(unit.find("ExecStart=/usr/bin/panelhost --config /etc/panelhost/panelhost.json") !=
        std::string::npos);
  // verify checks that ExecStart's program exists: the unit with the
  // unpacked root's panelhost in its place (nothing else changed).
  std::string local = unit;
  const std::string from = "ExecStart=/usr/bin/panelhost";
  local.replace(local.find(from), from.size(),
                "ExecStart=" + (root / "usr/bin/panelhost").string());
  const fs::path checked = dir.path / "panelhost.service";
  std::ofstream(checked) << local;
  const Shell verify =
      run("SYSTEMD_LOG_LEVEL=notice systemd-analyze verify '" + checked.string() + "'");
  INFO(verify.output);
  CHECK(verify.status == 0);
  CHECK(verify.output.find("panelhost.service") == std::string::npos);  // no finding about it
}
