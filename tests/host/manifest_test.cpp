// manifest.json validation (docs/manifest.md): every refusal names the field.
#include <doctest/doctest.h>

#include <string>

#include <json/reader.h>
#include <json/writer.h>

#include "manifest.h"
#include "paneldialer/pd_plugin.h"

using pd::host::check_compatible;
using pd::host::parse_manifest;

namespace {

// A valid layout-2 manifest; `edit` changes it before it is parsed.
Json::Value good() {
  Json::Value m(Json::objectValue);
  m["manifest_version"] = 2;
  m["id"] = "demo";
  m["name"] = "Demo";
  m["version"] = "1.2.3";
  m["abi"] = std::to_string(PD_ABI_VERSION_MAJOR) + "." + std::to_string(PD_ABI_VERSION_MINOR);
  m["min_host_version"] = "0.0.1";
  m["library"] = "libdemo.so";
  m["templates"] = "templates";
  m["admin_pages"] = "admin-php";
  m["migrations"] = "sql/migrations";
  Json::Value size(Json::objectValue);
  size["type"] = "integer";
  size["default"] = 10;
  size["minimum"] = 1;
  size["maximum"] = 100;
  size["description"] = "how many";
  m["settings"]["size"] = size;
  return m;
}

std::string text(const Json::Value& v) {
  Json::StreamWriterBuilder writer;
  return Json::writeString(writer, v);
}

// The refusal's message (the test fails if it was accepted).
std::string refusal(const Json::Value& m) {
  auto parsed = parse_manifest(text(m), "/plugins/demo");
  if (!parsed) return parsed.error().message;
  auto compatible = check_compatible(*parsed);
  REQUIRE_FALSE(compatible);
  return compatible.error().message;
}

bool has(const std::string& haystack, const std::string& needle) {
  INFO(haystack);
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a layout 2 manifest is read whole") {
  auto m = parse_manifest(text(good()), "/plugins/demo");
  REQUIRE_MESSAGE(m, (m ? "" : m.error().message));
  CHECK(m->manifest_version == 2);
  CHECK(m->id == "demo");
  CHECK(m->name == "Demo");
  CHECK(m->abi_major == PD_ABI_VERSION_MAJOR);
  CHECK(m->abi_minor == PD_ABI_VERSION_MINOR);
  CHECK(m->library == "/plugins/demo/libdemo.so");
  CHECK(m->migrations == "sql/migrations");
  CHECK(m->admin_pages == "admin-php");
  CHECK(m->settings["size"].asInt() == 10);
  CHECK(m->settings_schema["size"]["type"].asString() == "integer");
  CHECK_FALSE(m->settings_schema["size"].isMember("default"));
  CHECK(check_compatible(*m));
}

TEST_CASE("the project's manifest.json is valid and loadable by this host") {
  auto m = pd::host::read_manifest(PD_SOURCE_DIR);
  REQUIRE_MESSAGE(m, (m ? "" : m.error().message));
  CHECK(m->id == "paneldialer");
  CHECK(m->manifest_version == 2);
  CHECK(m->version == PD_PROJECT_VERSION);
  CHECK(check_compatible(*m));
  CHECK(m->settings["hopper_size"].asInt() == 100);
  CHECK(m->settings_schema["hopper_size"]["description"].asString().size() > 0);
}

TEST_CASE("a layout 1 manifest (before issue 13) is still read") {
  const std::string old = R"({"id": "paneldialer", "version": "0.1.0", "abi": 2,
    "library": "libpaneldialer.so", "settings": {"hopper_size": 100, "mysql_dsn": ""},
    "settings_schema": {"hopper_size": {"type": "integer", "minimum": 1, "maximum": 10000,
                                        "description": "leads"}}})";
  auto m = parse_manifest(old, "/p");
  REQUIRE_MESSAGE(m, (m ? "" : m.error().message));
  CHECK(m->manifest_version == 1);
  CHECK(m->abi_major == 2);
  CHECK(m->abi_minor == 0);
  CHECK(m->name == "paneldialer");
  CHECK(m->settings["hopper_size"].asInt() == 100);
  CHECK(m->settings_schema["hopper_size"]["minimum"].asInt() == 1);
  CHECK(check_compatible(*m));
}

TEST_CASE("bad manifests are refused naming the field") {
  Json::Value m = good();
  SUBCASE("missing id") {
    m.removeMember("id");
    CHECK(has(refusal(m), "lacks the string field \"id\""));
  }
  SUBCASE("an id that cannot be a folder name") {
    m["id"] = "../etc";
    CHECK(has(refusal(m), "field \"id\""));
  }
  SUBCASE("missing name (layout 2)") {
    m.removeMember("name");
    CHECK(has(refusal(m), "\"name\""));
  }
  SUBCASE("bad version") {
    m["version"] = "1.2";
    CHECK(has(refusal(m), "field \"version\": \"1.2\" is not a semantic version"));
  }
  SUBCASE("version with a leading zero") {
    m["version"] = "1.02.3";
    CHECK(has(refusal(m), "field \"version\""));
  }
  SUBCASE("abi not MAJOR.MINOR") {
    m["abi"] = "2";
    CHECK(has(refusal(m), "field \"abi\": \"2\" is not \"MAJOR.MINOR\""));
  }
  SUBCASE("abi missing") {
    m.removeMember("abi");
    CHECK(has(refusal(m), "\"abi\""));
  }
  SUBCASE("ABI too new: a newer minor") {
    m["abi"] =
        std::to_string(PD_ABI_VERSION_MAJOR) + "." + std::to_string(PD_ABI_VERSION_MINOR + 1);
    const std::string why = refusal(m);
    CHECK(has(why, "field \"abi\" declares ABI " + m["abi"].asString()));
    CHECK(has(why, "newer than this host's"));
  }
  SUBCASE("ABI of another major") {
    m["abi"] = std::to_string(PD_ABI_VERSION_MAJOR + 1) + ".0";
    CHECK(has(refusal(m), "ABI mismatch: manifest.json field \"abi\""));
  }
  SUBCASE("a host too old") {
    m["min_host_version"] = "99.0.0";
    const std::string why = refusal(m);
    CHECK(has(why, "field \"min_host_version\" is 99.0.0"));
    CHECK(has(why, std::string("this panelhost is ") + pd::host::host_version()));
  }
  SUBCASE("min_host_version not a version") {
    m["min_host_version"] = "latest";
    CHECK(has(refusal(m), "field \"min_host_version\""));
  }
  SUBCASE("unknown setting type") {
    m["settings"]["size"]["type"] = "float";
    CHECK(has(refusal(m), "field \"settings.size.type\": unknown setting type \"float\""));
  }
  SUBCASE("a default of the wrong type") {
    m["settings"]["size"]["default"] = "ten";
    CHECK(has(refusal(m), "field \"settings.size.default\" is not of type integer"));
  }
  SUBCASE("a default out of its range") {
    m["settings"]["size"]["default"] = 1000;
    CHECK(has(refusal(m), "field \"settings.size.default\" is above its maximum"));
  }
  SUBCASE("a setting without a description") {
    m["settings"]["size"].removeMember("description");
    CHECK(has(refusal(m), "field \"settings.size.description\" is missing"));
  }
  SUBCASE("a setting without a default") {
    m["settings"]["size"].removeMember("default");
    CHECK(has(refusal(m), "field \"settings.size.default\" is missing"));
  }
  SUBCASE("library escaping the package with ..") {
    m["library"] = "../other/libdemo.so";
    CHECK(has(refusal(m), "field \"library\": \"../other/libdemo.so\" leaves the plugin folder"));
  }
  SUBCASE("library by an absolute path") {
    m["library"] = "/usr/lib/libdemo.so";
    CHECK(has(refusal(m), "field \"library\": \"/usr/lib/libdemo.so\" leaves the plugin folder"));
  }
  SUBCASE("migrations escaping the package") {
    m["migrations"] = "sql/../../x";
    CHECK(has(refusal(m), "field \"migrations\""));
  }
  SUBCASE("templates by an absolute path") {
    m["templates"] = "/etc";
    CHECK(has(refusal(m), "field \"templates\""));
  }
  SUBCASE("admin pages escaping the package") {
    m["admin_pages"] = "..";
    CHECK(has(refusal(m), "field \"admin_pages\""));
  }
  SUBCASE("a files entry escaping the package") {
    m["files"].append("web/");
    m["files"].append("../../etc/passwd");
    CHECK(has(refusal(m), "field \"files[1]\""));
  }
  SUBCASE("panel.static escaping the package") {
    m["panel"]["static"] = "/var/www";
    CHECK(has(refusal(m), "field \"panel.static\""));
  }
  SUBCASE("a manifest_version this host does not know") {
    m["manifest_version"] = 3;
    CHECK(has(refusal(m), "field \"manifest_version\""));
  }
  SUBCASE("requires with a bad version") {
    m["requires"]["other"] = "soon";
    CHECK(has(refusal(m), "field \"requires.other\""));
  }
}

TEST_CASE("layout 1 settings_schema types are checked too") {
  const std::string old = R"({"id": "x", "version": "1.0.0", "abi": 2, "library": "x.so",
    "settings": {"a": 1}, "settings_schema": {"a": {"type": "decimal"}}})";
  auto m = parse_manifest(old, "/p");
  REQUIRE_FALSE(m);
  CHECK(has(m.error().message, "field \"settings_schema.a.type\": unknown setting type"));
}

TEST_CASE("semantic versions compare by precedence") {
  using pd::host::compare_semver;
  using pd::host::parse_semver;
  auto v = [](const char* s) {
    auto parsed = parse_semver(s);
    REQUIRE_MESSAGE(parsed, s);
    return *parsed;
  };
  CHECK(compare_semver(v("1.0.0"), v("1.0.1")) < 0);
  CHECK(compare_semver(v("1.10.0"), v("1.9.9")) > 0);
  CHECK(compare_semver(v("1.0.0-rc.1"), v("1.0.0")) < 0);
  CHECK(compare_semver(v("1.0.0-alpha"), v("1.0.0-alpha.1")) < 0);
  CHECK(compare_semver(v("1.0.0-alpha.2"), v("1.0.0-alpha.10")) < 0);
  CHECK(compare_semver(v("1.0.0+build.5"), v("1.0.0")) == 0);
  CHECK_FALSE(parse_semver("1.0"));
  CHECK_FALSE(parse_semver("v1.0.0"));
  CHECK_FALSE(parse_semver("1.0.0-"));
  CHECK_FALSE(parse_semver("01.0.0"));
}

TEST_CASE("contained paths") {
  using pd::host::is_contained_path;
  CHECK(is_contained_path("web/"));
  CHECK(is_contained_path("sql/migrations"));
  CHECK(is_contained_path("a..b"));
  CHECK_FALSE(is_contained_path(""));
  CHECK_FALSE(is_contained_path("/abs"));
  CHECK_FALSE(is_contained_path("a/../../b"));
  CHECK_FALSE(is_contained_path(".."));
}
