// The plugin manager on real files (no database: the migrations go through a
// recording runner here; tests/host/plugin_install_test.cpp runs the real
// ones). Packages are made of the probe test plugin.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <json/writer.h>

#include "paneldialer/pd_plugin.h"
#include "plugin_manager.h"
#include "plugin_registry.h"

namespace fs = std::filesystem;
using namespace pd::host;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every path under `root` with its size and contents: "the folder is as it was".
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

int run(const std::string& command) {
  INFO(command);
  return std::system(command.c_str());
}

struct Scratch {
  fs::path root;
  Scratch() {
    char name[] = "/tmp/pd-plugman-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
  }
  ~Scratch() { fs::remove_all(root); }
};

struct PackageSpec {
  std::string id = "probe";
  std::string version = "1.0.0";
  std::string abi =
      std::to_string(PD_ABI_VERSION_MAJOR) + "." + std::to_string(PD_ABI_VERSION_MINOR);
  std::string library_file = PD_PROBE_PLUGIN;  // empty: no library in the package
  bool migrations = false;
  Json::Value extra = Json::Value(Json::objectValue);  // more manifest fields
};

// A package folder at `dir` (probe.so, manifest.json, maybe sql/migrations).
fs::path make_package(const fs::path& dir, const PackageSpec& spec) {
  fs::create_directories(dir);
  Json::Value m(Json::objectValue);
  m["manifest_version"] = 2;
  m["id"] = spec.id;
  m["name"] = "Probe";
  m["version"] = spec.version;
  m["abi"] = spec.abi;
  m["min_host_version"] = "0.0.1";
  m["library"] = "probe.so";
  m["preserve"].append("config/local.json");
  m["settings"]["out"]["type"] = "string";
  m["settings"]["out"]["default"] = "unset";
  m["settings"]["out"]["description"] = "where the probe writes";
  if (spec.migrations) {
    m["migrations"] = "sql/migrations";
    fs::create_directories(dir / "sql" / "migrations");
    std::ofstream(dir / "sql" / "migrations" / "0001_a.sql") << "SELECT 1;\n";
  }
  for (const std::string& key : spec.extra.getMemberNames()) m[key] = spec.extra[key];
  Json::StreamWriterBuilder writer;
  std::ofstream(dir / "manifest.json") << Json::writeString(writer, m);
  if (!spec.library_file.empty()) fs::copy_file(spec.library_file, dir / "probe.so");
  return dir;
}

// A .tar.gz of `folder` holding "<name>/..." as a release does.
fs::path make_tarball(const fs::path& folder, const fs::path& archive) {
  REQUIRE(run("tar -czf '" + archive.string() + "' -C '" + folder.parent_path().string() + "' '" +
              folder.filename().string() + "'") == 0);
  return archive;
}

struct Recorded {
  std::vector<std::pair<std::string, std::string>> calls;  // dsn, dir
  bool fail = false;
};

ManagerOptions options_for(const fs::path& plugins, Recorded& recorded) {
  ManagerOptions options;
  options.plugins_dir = plugins.string();
  options.dsn = "mysql://u:p@127.0.0.1/db";
  options.run_migrations = [&recorded](
                               const std::string& dsn,
                               const fs::path& dir) -> pd::Result<std::vector<std::string>> {
    recorded.calls.emplace_back(dsn, dir.string());
    if (recorded.fail) {
      return pd::fail(pd::Error::io("migration 0001_a.sql failed: You have an error in your SQL"));
    }
    return std::vector<std::string>{"0001_a.sql"};
  };
  return options;
}

bool has(const std::string& haystack, const std::string& needle) {
  INFO(haystack);
  return haystack.find(needle) != std::string::npos;
}

template <class T>
ManagerError refused(const ManagerResult<T>& result) {
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

template <class T>
void accepted(const ManagerResult<T>& result) {
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
}

}  // namespace

TEST_CASE("install from a folder, then list, disable, enable and remove") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  const auto options = options_for(plugins, recorded);
  const fs::path package = make_package(s.root / "pkg", {});

  auto installed = install_plugin(package.string(), options);
  accepted(installed);
  CHECK(has(*installed, "installed probe 1.0.0"));
  CHECK(fs::is_regular_file(plugins / "probe" / "probe.so"));
  CHECK(fs::is_regular_file(plugins / "probe" / "manifest.json"));
  auto registry = read_registry(plugins.string());
  REQUIRE(registry);
  REQUIRE(registry->find("probe") != nullptr);
  CHECK(registry->find("probe")->enabled);
  CHECK(registry->find("probe")->version == "1.0.0");
  CHECK_FALSE(registry->find("probe")->installed_at.empty());
  for (const auto& entry : fs::directory_iterator(plugins)) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".staging"));
  }

  auto rows = list_plugins(options);
  accepted(rows);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].status == "enabled");

  accepted(set_plugin_enabled("probe", false, options));
  CHECK_FALSE(read_registry(plugins.string())->find("probe")->enabled);
  CHECK((*list_plugins(options))[0].status == "disabled");
  accepted(set_plugin_enabled("probe", true, options));
  CHECK(read_registry(plugins.string())->find("probe")->enabled);

  auto again = refused(install_plugin(package.string(), options));
  CHECK(again.exit_code == kExitState);
  CHECK(has(again.message, "already installed (1.0.0)"));

  accepted(remove_plugin("probe", options));
  CHECK_FALSE(fs::exists(plugins / "probe"));
  CHECK(read_registry(plugins.string())->plugins.empty());
  CHECK(refused(remove_plugin("probe", options)).exit_code == kExitState);
}

TEST_CASE("install from a release tarball runs the migrations against the resolved database") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  auto options = options_for(plugins, recorded);
  PackageSpec spec;
  spec.migrations = true;
  const fs::path archive =
      make_tarball(make_package(s.root / "probe-1.0.0", spec), s.root / "probe-1.0.0.tar.gz");
  accepted(install_plugin(archive.string(), options));
  REQUIRE(recorded.calls.size() == 1);
  CHECK(recorded.calls[0].first == "mysql://u:p@127.0.0.1/db");
  CHECK(has(recorded.calls[0].second, "sql/migrations"));
  CHECK(fs::is_regular_file(plugins / "probe" / "sql" / "migrations" / "0001_a.sql"));
}

TEST_CASE("the migrations' database: --dsn, then the host config, the manifest, PD_MYSQL_DSN") {
  ManagerOptions options;
  Json::Value defaults(Json::objectValue);
  defaults["mysql_dsn"] = "mysql://manifest/db";
  options.plugin_settings["probe"]["mysql_dsn"] = "mysql://config/db";
  options.dsn = "mysql://flag/db";
  CHECK(resolve_dsn(options, "probe", defaults) == "mysql://flag/db");
  options.dsn.clear();
  CHECK(resolve_dsn(options, "probe", defaults) == "mysql://config/db");
  options.plugin_settings = Json::Value(Json::objectValue);
  CHECK(resolve_dsn(options, "probe", defaults) == "mysql://manifest/db");
  ::setenv("PD_MYSQL_DSN", "mysql://env/db", 1);
  CHECK(resolve_dsn(options, "probe", Json::Value(Json::objectValue)) == "mysql://env/db");
  ::unsetenv("PD_MYSQL_DSN");
  CHECK(resolve_dsn(options, "probe", Json::Value(Json::objectValue)).empty());
}

TEST_CASE("failed installs leave the plugins folder as it was and the old version in place") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  auto options = options_for(plugins, recorded);
  accepted(install_plugin(make_package(s.root / "v1", {}).string(), options));
  fs::create_directories(plugins / "probe" / "config");
  std::ofstream(plugins / "probe" / "config" / "local.json") << "{\"mine\": 1}";
  const auto before = snapshot(plugins);
  REQUIRE(before.count("probe/probe.so") == 1);

  ManagerError why;
  SUBCASE("a corrupt tarball") {
    const fs::path bad = s.root / "bad.tar.gz";
    std::ofstream(bad) << "\x1f\x8b this is not gzip at all";
    why = refused(upgrade_plugin(bad.string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "is not a readable tar archive"));
  }
  SUBCASE("a truncated tarball") {
    PackageSpec spec;
    spec.version = "1.1.0";
    const fs::path good =
        make_tarball(make_package(s.root / "probe-1.1.0", spec), s.root / "probe-1.1.0.tar.gz");
    const std::string bytes = read_text(good);
    const fs::path cut = s.root / "cut.tar.gz";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    why = refused(upgrade_plugin(cut.string(), options));
    CHECK(why.exit_code == kExitBadPackage);
  }
  SUBCASE("wrong ABI in the manifest") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.abi =
        std::to_string(PD_ABI_VERSION_MAJOR) + "." + std::to_string(PD_ABI_VERSION_MINOR + 1);
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitIncompatible);
    CHECK(has(why.message, "field \"abi\" declares ABI " + spec.abi));
  }
  SUBCASE("wrong ABI in the library") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.library_file = PD_PROBE_MAJOR_NEWER_PLUGIN;
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitIncompatible);
    CHECK(has(why.message, "another major"));
  }
  SUBCASE("a missing library") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.library_file.clear();
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "the library probe.so (manifest.json field \"library\") is missing"));
  }
  SUBCASE("a missing file the manifest lists") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.extra["files"].append("templates/");
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "names templates/"));
  }
  SUBCASE("a missing dependency") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.extra["requires"]["queue-stats"] = "2.0.0";
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitDependency);
    CHECK(has(why.message, "requires plugin queue-stats 2.0.0 or later"));
  }
  SUBCASE("a shared library the plugin needs is missing") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.library_file = PD_PROBE_NEEDS_GONE_PLUGIN;
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitDependency);
    CHECK(has(why.message, "dlopen failed"));
    CHECK(has(why.message, "libpd_test_gone.so"));
  }
  SUBCASE("a migration error") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.migrations = true;
    recorded.fail = true;
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitMigration);
    CHECK(has(why.message, "migration failed"));
    CHECK(has(why.message, "0001_a.sql"));
  }
  SUBCASE("no database known for the migrations") {
    PackageSpec spec;
    spec.version = "1.1.0";
    spec.migrations = true;
    options.dsn.clear();
    ::unsetenv("PD_MYSQL_DSN");
    why = refused(upgrade_plugin(make_package(s.root / "v2", spec).string(), options));
    CHECK(why.exit_code == kExitMigration);
    CHECK(has(why.message, "no database is known"));
  }
  SUBCASE("a downgrade without --force") {
    PackageSpec spec;
    spec.version = "0.9.0";
    why = refused(upgrade_plugin(make_package(s.root / "v0", spec).string(), options));
    CHECK(why.exit_code == kExitIncompatible);
    CHECK(has(why.message, "downgrade refused"));
  }
  SUBCASE("a tarball entry with ..") {
    fs::create_directories(s.root / "evil" / "inner");
    std::ofstream(s.root / "evil" / "x") << "x";
    const fs::path archive = s.root / "dots.tar.gz";
    REQUIRE(run("cd '" + (s.root / "evil" / "inner").string() + "' && tar -P -czf '" +
                archive.string() + "' ../x 2>/dev/null") == 0);
    why = refused(install_plugin(archive.string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "entry \"../x\" leaves the package"));
  }
  SUBCASE("a tarball entry by an absolute path") {
    const fs::path file = s.root / "abs.txt";
    std::ofstream(file) << "x";
    const fs::path archive = s.root / "abs.tar.gz";
    REQUIRE(run("tar -P -czf '" + archive.string() + "' '" + file.string() + "' 2>/dev/null") == 0);
    why = refused(install_plugin(archive.string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "leaves the package"));
  }
  SUBCASE("a symbolic link escaping the package") {
    PackageSpec spec;
    spec.version = "1.1.0";
    const fs::path folder = make_package(s.root / "probe-1.1.0", spec);
    fs::create_symlink("/etc/passwd", folder / "passwd");
    const fs::path archive = make_tarball(folder, s.root / "link.tar.gz");
    why = refused(upgrade_plugin(archive.string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "symbolic link"));
  }
  SUBCASE("no manifest") {
    fs::create_directories(s.root / "empty" / "x");
    why = refused(upgrade_plugin((s.root / "empty").string(), options));
    CHECK(why.exit_code == kExitBadPackage);
    CHECK(has(why.message, "holds no manifest.json"));
  }
  CAPTURE(why.message);
  CHECK(snapshot(plugins) == before);
}

TEST_CASE("upgrade: migrations forward, preserved files kept, downgrade only with --force") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  auto options = options_for(plugins, recorded);
  accepted(install_plugin(make_package(s.root / "v1", {}).string(), options));
  accepted(set_plugin_enabled("probe", false, options));
  fs::create_directories(plugins / "probe" / "config");
  std::ofstream(plugins / "probe" / "config" / "local.json") << "{\"mine\": 1}";

  PackageSpec spec;
  spec.version = "1.1.0";
  spec.migrations = true;
  auto upgraded = upgrade_plugin(make_package(s.root / "v2", spec).string(), options);
  accepted(upgraded);
  CHECK(has(*upgraded, "upgraded probe 1.0.0 -> 1.1.0"));
  CHECK(recorded.calls.size() == 1);
  CHECK(read_text(plugins / "probe" / "config" / "local.json") == "{\"mine\": 1}");
  CHECK(has(read_text(plugins / "probe" / "manifest.json"), "1.1.0"));
  auto registry = read_registry(plugins.string());
  REQUIRE(registry);
  CHECK(registry->find("probe")->version == "1.1.0");
  CHECK_FALSE(registry->find("probe")->enabled);  // the state is kept too
  for (const auto& entry : fs::directory_iterator(plugins)) {
    const std::string name = entry.path().filename().string();
    CHECK_FALSE(name.starts_with(".old"));
    CHECK_FALSE(name.starts_with(".staging"));
  }

  spec.version = "1.0.5";
  spec.migrations = false;
  CHECK(refused(upgrade_plugin(make_package(s.root / "v3", spec).string(), options)).exit_code ==
        kExitIncompatible);
  options.force = true;
  accepted(upgrade_plugin(make_package(s.root / "v4", spec).string(), options));
  CHECK(read_registry(plugins.string())->find("probe")->version == "1.0.5");
}

TEST_CASE("a damaged registry is refused with its name") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  fs::create_directories(plugins);
  std::ofstream(plugins / "plugins.json") << "{\"plugins\": 3}";
  auto why = refused(list_plugins(options_for(plugins, recorded)));
  CHECK(has(why.message, "plugins.json is damaged"));
}

TEST_CASE("what a killed command left behind is cleaned up or restored") {
  Scratch s;
  Recorded recorded;
  const fs::path plugins = s.root / "plugins";
  const auto options = options_for(plugins, recorded);
  accepted(install_plugin(make_package(s.root / "v1", {}).string(), options));
  // Killed between "move the installed aside" and "move the new one in":
  fs::rename(plugins / "probe", plugins / ".old-probe-Ab12Cd");
  fs::create_directories(plugins / ".staging-Xy34Zw" / "package");
  const auto done = recover_interrupted(options);
  CHECK(done.size() == 2);
  CHECK(fs::is_regular_file(plugins / "probe" / "probe.so"));
  CHECK_FALSE(fs::exists(plugins / ".old-probe-Ab12Cd"));
  CHECK_FALSE(fs::exists(plugins / ".staging-Xy34Zw"));
  // An old copy beside an installed plugin is only deleted.
  fs::create_directories(plugins / ".old-probe-Qq11Rr");
  CHECK(recover_interrupted(options).size() == 1);
  CHECK_FALSE(fs::exists(plugins / ".old-probe-Qq11Rr"));
  CHECK(fs::is_regular_file(plugins / "probe" / "probe.so"));
}
