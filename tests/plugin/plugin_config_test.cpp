// The plugin's configuration (the host config's "paneldialer" section merged
// over manifest.json's "settings"): defaults, every key, refusals that name
// the key, unknown keys, and the manifest agreeing with the parser.
#include <doctest/doctest.h>

#include <json/json.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plugin_config.h"

using namespace std::chrono_literals;
using pd::plugin::parse_plugin_config;
using pd::plugin::PluginConfig;
using pd::plugin::sanitize_instance_id;

namespace {

const std::string kDir = "/opt/panelhost/plugins/paneldialer";

std::string host_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// The error message of a refused config; fails the test if it was accepted.
std::string refusal(const std::string& json) {
  const auto config = parse_plugin_config(json, kDir);
  INFO(json);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == pd::ErrorCode::kInvalidArgument);
  return config.error().message;
}

PluginConfig accepted(const std::string& json) {
  auto config = parse_plugin_config(json, kDir);
  INFO(json);
  if (!config) INFO(config.error().message);
  REQUIRE(config.has_value());
  return *config;
}

Json::Value manifest() {
  std::ifstream in(PD_MANIFEST_JSON);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  Json::Value root;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream stream(text.str());
  REQUIRE(Json::parseFromStream(builder, stream, &root, &errors));
  return root;
}

std::string compact(const Json::Value& value) {
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  return Json::writeString(writer, value);
}

}  // namespace

TEST_CASE("an empty object gives every default") {
  const auto config = accepted("{}");
  CHECK(config.mysql_dsn.empty());
  CHECK(config.instance_id == sanitize_instance_id(host_name()));
  CHECK(config.templates_dir == kDir + "/templates");
  CHECK(config.migrations_dir == kDir + "/sql/migrations");
  CHECK(config.extensions_conf.empty());
  CHECK(config.write_dialplan);
  CHECK(config.apply_migrations);
  CHECK(config.hopper_size == 100);
  CHECK(config.lease == 120s);
}

TEST_CASE("every key is read") {
  const auto config = accepted(R"({
    "mysql_dsn": "mysql://u:p@db:3306/pd",
    "instance_id": "node-2",
    "templates_dir": "/srv/tpl",
    "migrations_dir": "/srv/migrations",
    "extensions_conf": "/etc/asterisk/extensions_custom.conf",
    "write_dialplan": false,
    "apply_migrations": false,
    "hopper_size": 250,
    "lease_seconds": 600
  })");
  CHECK(config.mysql_dsn == "mysql://u:p@db:3306/pd");
  CHECK(config.instance_id == "node-2");
  CHECK(config.templates_dir == "/srv/tpl");
  CHECK(config.migrations_dir == "/srv/migrations");
  CHECK(config.extensions_conf == "/etc/asterisk/extensions_custom.conf");
  CHECK_FALSE(config.write_dialplan);
  CHECK_FALSE(config.apply_migrations);
  CHECK(config.hopper_size == 250);
  CHECK(config.lease == 600s);
}

TEST_CASE("relative folders and files are taken from the plugin folder and normalised") {
  const auto config = accepted(
      R"({"templates_dir": "custom/../tpl", "migrations_dir": "./db", "extensions_conf": "x.conf"})");
  CHECK(config.templates_dir == kDir + "/tpl");
  CHECK(config.migrations_dir == kDir + "/db");
  CHECK(config.extensions_conf == kDir + "/x.conf");
}

TEST_CASE("absolute paths are only normalised") {
  const auto config = accepted(R"({"templates_dir": "/srv//a/./b/../tpl"})");
  CHECK(config.templates_dir == "/srv/a/tpl");
}

TEST_CASE("a plugin folder with a trailing slash gives the same paths") {
  const auto config = parse_plugin_config("{}", kDir + "/");
  REQUIRE(config);
  CHECK(config->templates_dir == kDir + "/templates");
}

TEST_CASE("an empty extensions_conf stays empty (the database's setting is used)") {
  CHECK(accepted(R"({"extensions_conf": ""})").extensions_conf.empty());
}

TEST_CASE("an empty instance_id falls back to the host name") {
  CHECK(accepted(R"({"instance_id": ""})").instance_id == sanitize_instance_id(host_name()));
}

TEST_CASE("the instance id is sanitised") {
  CHECK(accepted(R"({"instance_id": "node 2/a"})").instance_id == "node_2_a");
  CHECK(
      accepted(R"({"instance_id": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"})").instance_id ==
      "abcdefghijklmnopqrstuvwxyz0123456789ABCD");
}

TEST_CASE("sanitize_instance_id keeps [A-Za-z0-9_.-], replaces the rest and cuts at 40") {
  CHECK(sanitize_instance_id("Node_1.a-b") == "Node_1.a-b");
  CHECK(sanitize_instance_id("a b;c|d") == "a_b_c_d");
  CHECK(sanitize_instance_id("é") == "__");  // each byte of a non-ASCII letter
  CHECK(sanitize_instance_id(std::string(41, 'x')) == std::string(40, 'x'));
  CHECK(sanitize_instance_id(std::string(40, 'x')) == std::string(40, 'x'));
  CHECK(sanitize_instance_id("") == "engine");
  CHECK(sanitize_instance_id(std::string("a\0b", 3)) == "a_b");
}

TEST_CASE("the bounds of hopper_size and lease_seconds are accepted") {
  CHECK(accepted(R"({"hopper_size": 1})").hopper_size == 1);
  CHECK(accepted(R"({"hopper_size": 10000})").hopper_size == 10000);
  CHECK(accepted(R"({"lease_seconds": 30})").lease == 30s);
  CHECK(accepted(R"({"lease_seconds": 3600})").lease == 3600s);
}

TEST_CASE("audit_keep_days defaults to the 30-day abandonment window and takes 1 to 3650") {
  CHECK(accepted("{}").audit_keep_days == 30);
  CHECK(accepted(R"({"audit_keep_days": 1})").audit_keep_days == 1);
  CHECK(accepted(R"({"audit_keep_days": 3650})").audit_keep_days == 3650);
  for (const std::string value : {"0", "3651", "\"30\"", "30.5"}) {
    CAPTURE(value);
    CHECK(refusal(R"({"audit_keep_days": )" + value + "}") ==
          "plugin setting 'audit_keep_days': expected an integer from 1 to 3650");
  }
}

TEST_CASE("numbers out of range or not integers are refused, naming the key and the range") {
  for (const std::string value :
       {"0", "-1", "10001", "100.5", "\"100\"", "true", "null", "[100]", "1e12", "2147483648"}) {
    CAPTURE(value);
    CHECK(refusal(R"({"hopper_size": )" + value + "}") ==
          "plugin setting 'hopper_size': expected an integer from 1 to 10000");
  }
  for (const std::string value : {"29", "3601", "0", "-30", "\"120\"", "120.5", "false"}) {
    CAPTURE(value);
    CHECK(refusal(R"({"lease_seconds": )" + value + "}") ==
          "plugin setting 'lease_seconds': expected an integer from 30 to 3600");
  }
}

TEST_CASE("a string setting that is not a string is refused, naming the key") {
  for (const std::string key :
       {"mysql_dsn", "instance_id", "templates_dir", "migrations_dir", "extensions_conf"}) {
    for (const std::string value : {"1", "true", "null", "[]", "{}"}) {
      CAPTURE(key);
      CAPTURE(value);
      CHECK(refusal("{\"" + key + "\": " + value + "}") ==
            "plugin setting '" + key + "': expected a string");
    }
  }
}

TEST_CASE("a flag that is not true or false is refused, naming the key") {
  for (const std::string key : {"write_dialplan", "apply_migrations"}) {
    for (const std::string value : {"1", "0", "\"true\"", "null", "\"yes\""}) {
      CAPTURE(key);
      CAPTURE(value);
      CHECK(refusal("{\"" + key + "\": " + value + "}") ==
            "plugin setting '" + key + "': expected true or false");
    }
  }
}

TEST_CASE("an unknown key is refused, naming it") {
  const std::string message = refusal(R"({"hoper_size": 50})");
  CHECK(message.starts_with("plugin setting 'hoper_size': unknown"));
  CHECK(message.find("hopper_size") != std::string::npos);  // lists the known keys
  CHECK(refusal(R"({"hopper_size": 50, "Lease_seconds": 60})")
            .starts_with("plugin setting 'Lease_seconds': unknown"));
}

TEST_CASE("a text that is not a JSON object is refused") {
  for (const std::string json : {"", "[]", "42", "\"x\"", "null", "{", R"({"hopper_size": })"}) {
    CAPTURE(json);
    CHECK(refusal(json).starts_with("plugin configuration is not a JSON object"));
  }
}

TEST_CASE("deeply nested JSON is refused with a message, not an exception") {
  std::string deep = R"({"mysql_dsn": )";
  for (int i = 0; i < 2000; ++i) deep += "[";
  for (int i = 0; i < 2000; ++i) deep += "]";
  deep += "}";
  CHECK_NOTHROW(parse_plugin_config(deep, kDir));
  CHECK(refusal(deep).starts_with("plugin configuration is not a JSON object"));
}

// manifest.json (layout 2, docs/manifest.md): "settings": {key: {type,
// default, description, minimum?, maximum?}}. The defaults, as the host hands
// them to start().
Json::Value manifest_defaults() {
  Json::Value defaults(Json::objectValue);
  const Json::Value settings = manifest()["settings"];
  for (const std::string& key : settings.getMemberNames()) {
    defaults[key] = settings[key]["default"];
  }
  return defaults;
}

TEST_CASE("manifest.json's settings are accepted and give the built-in defaults") {
  REQUIRE(manifest()["manifest_version"].asInt() == 2);
  const Json::Value settings = manifest_defaults();
  REQUIRE(settings.size() == manifest()["settings"].size());
  const auto from_manifest = accepted(compact(settings));
  const auto built_in = accepted("{}");
  CHECK(from_manifest.mysql_dsn == built_in.mysql_dsn);
  CHECK(from_manifest.instance_id == built_in.instance_id);
  CHECK(from_manifest.templates_dir == built_in.templates_dir);
  CHECK(from_manifest.migrations_dir == built_in.migrations_dir);
  CHECK(from_manifest.extensions_conf == built_in.extensions_conf);
  CHECK(from_manifest.write_dialplan == built_in.write_dialplan);
  CHECK(from_manifest.apply_migrations == built_in.apply_migrations);
  CHECK(from_manifest.hopper_size == built_in.hopper_size);
  CHECK(from_manifest.lease == built_in.lease);
}

TEST_CASE("manifest.json's setting types match the parser key by key") {
  const Json::Value schema = manifest()["settings"];
  REQUIRE(schema.isObject());
  for (const std::string& key : schema.getMemberNames()) {
    CAPTURE(key);
    const Json::Value& entry = schema[key];
    const std::string type = entry["type"].asString();
    if (type == "string") {
      // Its default is a valid value (a free text would not be for every key:
      // webhook_retry_ms is a list of delays).
      CHECK(parse_plugin_config("{\"" + key + "\": \"" + entry["default"].asString() + "\"}", kDir)
                .has_value());
      CHECK(refusal("{\"" + key + "\": 1}").find("expected a string") != std::string::npos);
    } else if (type == "boolean") {
      CHECK(parse_plugin_config("{\"" + key + "\": false}", kDir).has_value());
      CHECK(refusal("{\"" + key + "\": 1}").find("expected true or false") != std::string::npos);
    } else {
      REQUIRE(type == "integer");
      const int min = entry["minimum"].asInt();
      const int max = entry["maximum"].asInt();
      const auto with = [&](int v) { return "{\"" + key + "\": " + std::to_string(v) + "}"; };
      CHECK(parse_plugin_config(with(min), kDir).has_value());
      CHECK(parse_plugin_config(with(max), kDir).has_value());
      CHECK_FALSE(parse_plugin_config(with(min - 1), kDir).has_value());
      CHECK_FALSE(parse_plugin_config(with(max + 1), kDir).has_value());
    }
  }
}

TEST_CASE("webhook settings - the retry schedule is 1 to 20 delays in milliseconds") {
  const PluginConfig defaults = accepted("{}");
  CHECK(defaults.webhook_retry_ms ==
        std::vector<std::int64_t>{5000, 30000, 120000, 600000, 3600000});
  CHECK(defaults.webhook_max_attempts == 8);
  CHECK(defaults.webhook_concurrency == 8);
  CHECK(defaults.webhook_timeout == 5000ms);
  CHECK(accepted(R"({"webhook_retry_ms": "200,400"})").webhook_retry_ms ==
        std::vector<std::int64_t>{200, 400});
  for (const char* bad : {"", "x", "5000,", "5,1000", "1000,,2000", "-5", "99999999999"}) {
    CAPTURE(bad);
    CHECK(
        refusal(std::string(R"({"webhook_retry_ms": ")") + bad + "\"}").find("webhook_retry_ms") !=
        std::string::npos);
  }
}
