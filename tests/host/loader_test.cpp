#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "plugin_loader.h"

namespace fs = std::filesystem;
using pd::host::load_plugin;

namespace {

// A plugin folder under /tmp holding `manifest` as manifest.json.
struct PluginDir {
  fs::path path;
  explicit PluginDir(const std::string& manifest) {
    char name[] = "/tmp/pd-plugin-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
    std::ofstream(path / "manifest.json") << manifest;
  }
  ~PluginDir() { fs::remove_all(path); }
};

std::string manifest(const std::string& id, const std::string& library, int abi = 1) {
  return R"({"id": ")" + id + R"(", "version": "1.0.0", "abi": )" + std::to_string(abi) +
         R"(, "library": ")" + library + R"("})";
}

std::string message_of(const pd::Result<pd::host::LoadedPlugin>& result) {
  REQUIRE_FALSE(result);
  return result.error().message;
}

}  // namespace

TEST_CASE("a good plugin loads and its table is checked") {
  PluginDir dir(manifest("probe", PD_PROBE_PLUGIN));
  auto loaded = load_plugin(dir.path.string());
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));
  CHECK(loaded->manifest.id == "probe");
  CHECK(std::string(loaded->table->version) == "1.0.0");
  CHECK(loaded->table->abi_version == PD_ABI_VERSION);
}

TEST_CASE("a library built for another ABI is refused naming both versions") {
  PluginDir dir(manifest("wrongabi", PD_WRONG_ABI_PLUGIN));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("ABI") != std::string::npos);
  CHECK(why.find("99") != std::string::npos);
  CHECK(why.find("ABI " + std::to_string(PD_ABI_VERSION)) != std::string::npos);
  CHECK(why.find(dir.path.string()) != std::string::npos);
}

TEST_CASE("a manifest declaring another ABI is refused before loading") {
  PluginDir dir(manifest("probe", PD_PROBE_PLUGIN, 7));
  const std::string why = message_of(load_plugin(dir.path.string()));
  CHECK(why.find("declares ABI 7") != std::string::npos);
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
    PluginDir dir(R"({"version": "1", "abi": 1, "library": "x.so"})");
    CHECK(message_of(load_plugin(dir.path.string())).find("\"id\"") != std::string::npos);
  }
  SUBCASE("abi not a number") {
    PluginDir dir(R"({"id": "a", "version": "1", "abi": "one", "library": "x.so"})");
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
