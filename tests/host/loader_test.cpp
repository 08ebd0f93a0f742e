#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plugin_loader.h"
#include "plugin_runtime.h"

namespace fs = std::filesystem;
using pd::host::load_plugin;

namespace {

// A plugin folder under /tmp holding `manifest` as manifest.json. A library
// named by an absolute path (a test plugin in the build) is linked into the
// folder as plugin.so: a manifest's paths stay inside its folder.
struct PluginDir {
  fs::path path;
  explicit PluginDir(std::string manifest) {
    char name[] = "/tmp/pd-plugin-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
    const std::string key = R"("library": ")";
    if (const size_t at = manifest.find(key + "/"); at != std::string::npos) {
      const size_t start = at + key.size();
      const size_t end = manifest.find('"', start);
      fs::create_symlink(manifest.substr(start, end - start), path / "plugin.so");
      manifest.replace(start, end - start, "plugin.so");
    }
    std::ofstream(path / "manifest.json") << manifest;
  }
  ~PluginDir() { fs::remove_all(path); }
};

std::string manifest(const std::string& id, const std::string& library,
                     int abi = PD_ABI_VERSION_MAJOR) {
  return R"({"id": ")" + id + R"(", "version": "1.0.0", "abi": )" + std::to_string(abi) +
         R"(, "library": ")" + library + R"("})";
}

std::string message_of(const pd::Result<pd::host::LoadedPlugin>& result) {
  REQUIRE_FALSE(result);
  return result.error().message;
}

// "2.1" for a MAJOR.MINOR version, as the loader's messages write it.
std::string text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

const std::string kHostAbi = text(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR);

}  // namespace

TEST_CASE("a good plugin loads and its table is checked") {
  PluginDir dir(manifest("probe", PD_PROBE_PLUGIN));
  auto loaded = load_plugin(dir.path.string());
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));
  CHECK(loaded->manifest.id == "probe");
  CHECK(std::string(loaded->table->version) == "1.0.0");
  CHECK(loaded->table->abi_version == PD_ABI_VERSION);
  CHECK(loaded->abi_version == PD_ABI_VERSION);
  CHECK(loaded->description == "probe: test plugin");
}

TEST_CASE("versions pack as (MAJOR << 16) | MINOR") {
  CHECK(PD_ABI_VERSION == ((PD_ABI_VERSION_MAJOR << 16) | PD_ABI_VERSION_MINOR));
  CHECK(PD_ABI_MAJOR_OF(PD_ABI_MAKE_VERSION(3, 7)) == 3);
  CHECK(PD_ABI_MINOR_OF(PD_ABI_MAKE_VERSION(3, 7)) == 7);
  // The first ABI's plain "1" is major 0: refused by every host of this numbering.
  CHECK(PD_ABI_MAJOR_OF(1u) == 0);
}

TEST_CASE("a plugin of a newer minor is refused naming both versions") {
  PluginDir dir(manifest("probe", PD_PROBE_MINOR_NEWER_PLUGIN));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("plugin built for ABI " + text(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR + 1)) !=
        std::string::npos);
  CHECK(why.find("newer minor") != std::string::npos);
  CHECK(why.find("this host speaks ABI " + kHostAbi) != std::string::npos);
  CHECK(why.find(dir.path.string()) != std::string::npos);
}

TEST_CASE("a plugin of an older minor loads - the fields it lacks are absent, and it runs") {
  PluginDir dir(manifest("probe", PD_PROBE_MINOR_OLDER_PLUGIN));
  auto loaded = load_plugin(dir.path.string());
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));
  CHECK(loaded->abi_version == PD_ABI_MAKE_VERSION(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR - 1));
  CHECK(loaded->table->struct_size == offsetof(pd_plugin_v1, description));
  // The probe's table has a description in memory, past its struct_size:
  // not the plugin's to mean, so not read.
  CHECK_FALSE(PD_HAS_FIELD(pd_plugin_v1, loaded->table, description));
  CHECK(loaded->description.empty());

  // And it starts and stops through the runtime like any plugin.
  const fs::path out = dir.path / "probe.out";
  boost::asio::io_context io;
  pd::host::RuntimeSinks sinks;
  sinks.ami_send = [](auto, auto, std::string*) { return PD_ENOLINK; };
  sinks.panel_send = [](auto, auto) { return PD_ENOTFOUND; };
  pd::host::PluginRuntime runtime(io, std::move(sinks));
  REQUIRE(runtime.start(std::move(*loaded), R"({"out": ")" + out.string() + R"("})"));
  runtime.tick(1);
  runtime.stop_all();
  std::ifstream in(out);
  std::stringstream lines;
  lines << in.rdbuf();
  CHECK(lines.str() == "start\ntick\nstop\n");
}

TEST_CASE("a plugin of another major is refused naming both versions") {
  PluginDir dir(manifest("probe", PD_PROBE_MAJOR_NEWER_PLUGIN));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("plugin built for ABI " + text(PD_ABI_VERSION_MAJOR + 1, 0)) != std::string::npos);
  CHECK(why.find("another major") != std::string::npos);
  CHECK(why.find("this host speaks ABI " + kHostAbi) != std::string::npos);
}

TEST_CASE("a library built for the first ABI (plain 99) is refused naming both versions") {
  PluginDir dir(manifest("wrongabi", PD_WRONG_ABI_PLUGIN));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("plugin built for ABI 0.99") != std::string::npos);
  CHECK(why.find("this host speaks ABI " + kHostAbi) != std::string::npos);
  CHECK(why.find(dir.path.string()) != std::string::npos);
}

TEST_CASE("a manifest declaring another ABI major is refused before loading") {
  PluginDir dir(manifest("probe", PD_PROBE_PLUGIN, 7));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("declares ABI 7") != std::string::npos);
  CHECK(why.find("this host speaks ABI " + kHostAbi) != std::string::npos);
}

TEST_CASE("a library without the entry symbol is refused") {
  PluginDir dir(manifest("noentry", PD_NO_ENTRY_PLUGIN));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("does not export pd_plugin_entry") != std::string::npos);
}

TEST_CASE("a missing library file is refused") {
  PluginDir dir(manifest("probe", "libnothere.so"));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("library file not found") != std::string::npos);
  CHECK(why.find("libnothere.so") != std::string::npos);
}

TEST_CASE("bad manifests are refused with the reason") {
  SUBCASE("not JSON") {
    PluginDir dir("{ id: ");
    CHECK(message_of(load_plugin(dir.path.string())).find("not valid JSON") != std::string::npos);
  }
  SUBCASE("no id") {
    PluginDir dir(R"({"version": "1", "abi": 2, "library": "x.so"})");
    CHECK(message_of(load_plugin(dir.path.string())).find("\"id\"") != std::string::npos);
  }
  SUBCASE("abi not a number") {
    PluginDir dir(R"({"id": "a", "version": "1.0.0", "abi": "one", "library": "x.so"})");
    CHECK(message_of(load_plugin(dir.path.string())).find("abi") != std::string::npos);
  }
  SUBCASE("no manifest at all") {
    CHECK(message_of(load_plugin("/nonexistent-plugin-dir")).find("manifest.json") !=
          std::string::npos);
  }
  SUBCASE("id differs from the library's") {
    PluginDir dir(manifest("other", PD_PROBE_PLUGIN));
    CHECK(message_of(load_plugin(dir.path.string())).find("id mismatch") != std::string::npos);
  }
}

TEST_CASE("plugin settings merge over the manifest defaults") {
  Json::Value defaults;
  defaults["a"] = 1;
  defaults["nested"]["x"] = "d";
  defaults["nested"]["y"] = "d";
  Json::Value overrides;
  overrides["nested"]["y"] = "o";
  overrides["b"] = true;
  const std::string merged = pd::host::merge_settings(defaults, overrides);
  CHECK(merged == R"({"a":1,"b":true,"nested":{"x":"d","y":"o"}})");
}
