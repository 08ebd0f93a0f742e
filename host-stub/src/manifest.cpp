#include "manifest.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <json/reader.h>

#include "paneldialer/pd_plugin.h"

#ifndef PD_HOST_VERSION
#error "PD_HOST_VERSION must be defined (host-stub/CMakeLists.txt: the project version)"
#endif

namespace pd::host {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxListEntries = 10000;  // "files", "preserve": bounded like any input

pd::Error manifest_error(const std::string& dir, const std::string& what) {
  return pd::Error::invalid("plugin " + dir + ": manifest.json " + what);
}

bool numeric_identifier(std::string_view s, uint64_t& value) {
  if (s.empty() || s.size() > 18) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + uint64_t(c - '0');
  }
  return true;
}

bool valid_identifiers(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view part = s.substr(start, dot == s.npos ? s.npos : dot - start);
    if (part.empty()) return false;
    for (char c : part) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '-')) {
        return false;
      }
    }
    if (dot == s.npos) return true;
    start = dot + 1;
  }
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
  }
  return true;
}

// Reads the string field `key` (absent: "" unless required).
pd::Result<std::string> string_field(const Json::Value& root, const char* key, bool required,
                                     const std::string& dir) {
  if (!root.isMember(key)) {
    if (required) {
      return pd::fail(manifest_error(dir, std::string("lacks the string field \"") + key + "\""));
    }
    return std::string();
  }
  if (!root[key].isString() || root[key].asString().empty()) {
    return pd::fail(manifest_error(dir, std::string("lacks the string field \"") + key +
                                            "\" (it must be a non-empty string)"));
  }
  return root[key].asString();
}

// A relative path inside the package, or "" when absent and optional.
pd::Result<std::string> path_field(const Json::Value& value, const std::string& field,
                                   const std::string& dir) {
  if (!value.isString() || value.asString().empty()) {
    return pd::fail(manifest_error(dir, "field \"" + field + "\" must be a non-empty path"));
  }
  const std::string path = value.asString();
  if (!is_contained_path(path)) {
    return pd::fail(manifest_error(
        dir, "field \"" + field + "\": \"" + path +
                 "\" leaves the plugin folder (paths are relative, without \"..\")"));
  }
  return path;
}

pd::Result<std::vector<std::string>> path_list(const Json::Value& root, const char* key,
                                               const std::string& dir) {
  std::vector<std::string> paths;
  if (!root.isMember(key)) return paths;
  const Json::Value& list = root[key];
  if (!list.isArray() || list.size() > kMaxListEntries) {
    return pd::fail(manifest_error(dir, std::string("field \"") + key +
                                            "\" must be an array of at most " +
                                            std::to_string(kMaxListEntries) + " paths"));
  }
  for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
    auto path = path_field(list[i], std::string(key) + "[" + std::to_string(i) + "]", dir);
    if (!path) return pd::fail(path.error());
    paths.push_back(*path);
  }
  return paths;
}

bool type_matches(const std::string& type, const Json::Value& value) {
  if (type == "string") return value.isString();
  if (type == "integer") return value.isIntegral() && !value.isBool();
  if (type == "number") return value.isNumeric() && !value.isBool();
  if (type == "boolean") return value.isBool();
  if (type == "object") return value.isObject();
  if (type == "array") return value.isArray();
  return false;
}

constexpr const char* kSettingTypes = "string, integer, number, boolean, object, array";

// Checks one settings_schema entry (both layouts); `field` names it.
pd::Status check_setting_schema(const Json::Value& entry, const std::string& field,
                                const std::string& dir) {
  if (!entry.isObject()) {
    return pd::fail(manifest_error(dir, "field \"" + field + "\" must be an object"));
  }
  if (!entry.isMember("type") || !entry["type"].isString()) {
    return pd::fail(manifest_error(
        dir, "field \"" + field + ".type\" is missing (one of " + kSettingTypes + ")"));
  }
  const std::string type = entry["type"].asString();
  if (type != "string" && type != "integer" && type != "number" && type != "boolean" &&
      type != "object" && type != "array") {
    return pd::fail(manifest_error(dir, "field \"" + field + ".type\": unknown setting type \"" +
                                            type + "\" (known: " + kSettingTypes + ")"));
  }
  if (entry.isMember("description") && !entry["description"].isString()) {
    return pd::fail(manifest_error(dir, "field \"" + field + ".description\" must be a string"));
  }
  for (const char* bound : {"minimum", "maximum"}) {
    if (!entry.isMember(bound)) continue;
    if ((type != "integer" && type != "number") || !entry[bound].isNumeric()) {
      return pd::fail(manifest_error(dir, "field \"" + field + "." + bound +
                                              "\" needs a number and an integer or number type"));
    }
  }
  return {};
}

pd::Status check_default(const Json::Value& schema, const Json::Value& value,
                         const std::string& field, const std::string& dir) {
  const std::string type = schema["type"].asString();
  if (!type_matches(type, value)) {
    return pd::fail(manifest_error(dir, "field \"" + field + "\" is not of type " + type));
  }
  if (schema.isMember("minimum") && value.asDouble() < schema["minimum"].asDouble()) {
    return pd::fail(manifest_error(dir, "field \"" + field + "\" is below its minimum"));
  }
  if (schema.isMember("maximum") && value.asDouble() > schema["maximum"].asDouble()) {
    return pd::fail(manifest_error(dir, "field \"" + field + "\" is above its maximum"));
  }
  return {};
}

// Layout 2: "settings": {key: {type, default, description, minimum?, maximum?}}.
pd::Status read_settings_v2(const Json::Value& root, PluginManifest& m) {
  if (!root.isMember("settings")) return {};
  const Json::Value& settings = root["settings"];
  if (!settings.isObject()) {
    return pd::fail(manifest_error(m.dir, "field \"settings\" must be an object"));
  }
  for (const std::string& key : settings.getMemberNames()) {
    const std::string field = "settings." + key;
    const Json::Value& entry = settings[key];
    if (auto ok = check_setting_schema(entry, field, m.dir); !ok) return ok;
    if (!entry.isMember("default")) {
      return pd::fail(manifest_error(m.dir, "field \"" + field + ".default\" is missing"));
    }
    if (auto ok = check_default(entry, entry["default"], field + ".default", m.dir); !ok) return ok;
    if (!entry.isMember("description") || entry["description"].asString().empty()) {
      return pd::fail(manifest_error(m.dir, "field \"" + field + ".description\" is missing"));
    }
    m.settings[key] = entry["default"];
    Json::Value schema = entry;
    schema.removeMember("default");
    m.settings_schema[key] = schema;
  }
  return {};
}

// Layout 1: "settings": {key: default} and an optional "settings_schema".
pd::Status read_settings_v1(const Json::Value& root, PluginManifest& m) {
  if (root.isMember("settings")) {
    if (!root["settings"].isObject()) {
      return pd::fail(manifest_error(m.dir, "field \"settings\" must be an object"));
    }
    m.settings = root["settings"];
  }
  if (!root.isMember("settings_schema")) return {};
  const Json::Value& schema = root["settings_schema"];
  if (!schema.isObject()) {
    return pd::fail(manifest_error(m.dir, "field \"settings_schema\" must be an object"));
  }
  for (const std::string& key : schema.getMemberNames()) {
    const std::string field = "settings_schema." + key;
    if (auto ok = check_setting_schema(schema[key], field, m.dir); !ok) return ok;
    if (m.settings.isMember(key)) {
      if (auto ok = check_default(schema[key], m.settings[key], "settings." + key, m.dir); !ok) {
        return ok;
      }
    }
  }
  m.settings_schema = schema;
  return {};
}

pd::Status read_abi(const Json::Value& root, PluginManifest& m) {
  if (!root.isMember("abi")) {
    return pd::fail(manifest_error(
        m.dir, m.manifest_version >= 2 ? "lacks the field \"abi\" (\"MAJOR.MINOR\", e.g. \"2.1\")"
                                       : "lacks the unsigned integer field \"abi\""));
  }
  const Json::Value& abi = root["abi"];
  if (m.manifest_version == 1) {
    if (!abi.isUInt()) {
      return pd::fail(manifest_error(m.dir, "lacks the unsigned integer field \"abi\""));
    }
    m.abi_major = abi.asUInt();
    return {};
  }
  const std::string text = abi.isString() ? abi.asString() : std::string();
  const size_t dot = text.find('.');
  uint64_t major = 0, minor = 0;
  if (dot == std::string::npos || !numeric_identifier(text.substr(0, dot), major) ||
      !numeric_identifier(text.substr(dot + 1), minor) || major > 0xffff || minor > 0xffff) {
    return pd::fail(manifest_error(
        m.dir,
        "field \"abi\": " + (abi.isString() ? "\"" + text + "\"" : std::string("a non-string")) +
            " is not \"MAJOR.MINOR\" (e.g. \"2.1\", see pd_plugin.h)"));
  }
  m.abi_major = uint32_t(major);
  m.abi_minor = uint32_t(minor);
  return {};
}

}  // namespace

const char* host_version() {
  return PD_HOST_VERSION;
}

std::optional<SemVer> parse_semver(std::string_view text) {
  SemVer v;
  v.text = text;
  std::string_view core = text;
  if (const size_t plus = core.find('+'); plus != core.npos) {
    if (!valid_identifiers(core.substr(plus + 1))) return std::nullopt;
    core = core.substr(0, plus);
  }
  if (const size_t dash = core.find('-'); dash != core.npos) {
    v.prerelease = core.substr(dash + 1);
    if (!valid_identifiers(v.prerelease)) return std::nullopt;
    core = core.substr(0, dash);
  }
  uint64_t* parts[] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    const size_t dot = core.find('.');
    if ((i < 2) == (dot == core.npos)) return std::nullopt;
    if (!numeric_identifier(core.substr(0, dot), *parts[i])) return std::nullopt;
    core = dot == core.npos ? std::string_view() : core.substr(dot + 1);
  }
  return v;
}

int compare_semver(const SemVer& a, const SemVer& b) {
  for (auto [x, y] : {std::pair{a.major, b.major}, {a.minor, b.minor}, {a.patch, b.patch}}) {
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.prerelease == b.prerelease) return 0;
  if (a.prerelease.empty()) return 1;  // a release is above its pre-releases
  if (b.prerelease.empty()) return -1;
  std::string_view pa = a.prerelease, pb = b.prerelease;
  while (!pa.empty() && !pb.empty()) {
    const size_t da = pa.find('.'), db = pb.find('.');
    const std::string_view ia = pa.substr(0, da), ib = pb.substr(0, db);
    uint64_t na = 0, nb = 0;
    const bool num_a = numeric_identifier(ia, na), num_b = numeric_identifier(ib, nb);
    if (num_a && num_b && na != nb) return na < nb ? -1 : 1;
    if (num_a != num_b) return num_a ? -1 : 1;  // numeric identifiers sort first
    if (!num_a && ia != ib) return ia < ib ? -1 : 1;
    pa = da == pa.npos ? std::string_view() : pa.substr(da + 1);
    pb = db == pb.npos ? std::string_view() : pb.substr(db + 1);
  }
  if (pa.empty() && pb.empty()) return 0;
  return pa.empty() ? -1 : 1;
}

bool is_contained_path(std::string_view text) {
  if (text.empty()) return false;
  const fs::path path{std::string(text)};
  if (path.is_absolute() || path.has_root_name() || path.has_root_directory()) return false;
  for (const fs::path& part : path) {
    if (part == "..") return false;
  }
  return true;
}

pd::Result<PluginManifest> parse_manifest(std::string_view json, const std::string& dir) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  if (!reader->parse(json.data(), json.data() + json.size(), &root, &errors)) {
    return pd::fail(manifest_error(dir, "is not valid JSON: " + errors));
  }
  if (!root.isObject()) return pd::fail(manifest_error(dir, "is not a JSON object"));

  PluginManifest m;
  m.dir = dir;
  if (root.isMember("manifest_version")) {
    const Json::Value& v = root["manifest_version"];
    if (!v.isIntegral() || v.asInt64() < 1 || v.asInt64() > 2) {
      return pd::fail(
          manifest_error(dir, "field \"manifest_version\" is " + v.toStyledString().substr(0, 40) +
                                  ": this host reads layouts 1 and 2 (docs/manifest.md)"));
    }
    m.manifest_version = v.asInt();
  }
  const bool v2 = m.manifest_version >= 2;

  auto id = string_field(root, "id", true, dir);
  if (!id) return pd::fail(id.error());
  if (!valid_id(*id)) {
    return pd::fail(manifest_error(dir, "field \"id\": \"" + *id +
                                            "\" is not 1 to 64 of a-z 0-9 _ - starting with a "
                                            "letter or digit"));
  }
  m.id = *id;
  auto name = string_field(root, "name", v2, dir);
  if (!name) return pd::fail(name.error());
  m.name = name->empty() ? m.id : *name;
  auto version = string_field(root, "version", true, dir);
  if (!version) return pd::fail(version.error());
  if (!parse_semver(*version)) {
    return pd::fail(manifest_error(dir, "field \"version\": \"" + *version +
                                            "\" is not a semantic version (MAJOR.MINOR.PATCH)"));
  }
  m.version = *version;
  if (auto ok = read_abi(root, m); !ok) return pd::fail(ok.error());
  auto min_host = string_field(root, "min_host_version", v2, dir);
  if (!min_host) return pd::fail(min_host.error());
  if (!min_host->empty() && !parse_semver(*min_host)) {
    return pd::fail(manifest_error(dir, "field \"min_host_version\": \"" + *min_host +
                                            "\" is not a semantic version (MAJOR.MINOR.PATCH)"));
  }
  m.min_host_version = *min_host;

  if (!root.isMember("library")) {
    return pd::fail(manifest_error(dir, "lacks the string field \"library\""));
  }
  auto library = path_field(root["library"], "library", dir);
  if (!library) return pd::fail(library.error());
  m.library_relative = *library;
  m.library = (fs::path(dir) / *library).string();

  struct Folder {
    const char* key;
    std::string* out;
  };
  for (Folder folder : {Folder{"templates", &m.templates}, Folder{"admin_pages", &m.admin_pages},
                        Folder{"migrations", &m.migrations}}) {
    if (!root.isMember(folder.key)) continue;
    auto path = path_field(root[folder.key], folder.key, dir);
    if (!path) return pd::fail(path.error());
    *folder.out = *path;
  }
  auto files = path_list(root, "files", dir);
  if (!files) return pd::fail(files.error());
  m.files = std::move(*files);
  auto preserve = path_list(root, "preserve", dir);
  if (!preserve) return pd::fail(preserve.error());
  m.preserve = std::move(*preserve);

  if (root.isMember("requires")) {
    const Json::Value& requires_ = root["requires"];
    if (!requires_.isObject() || requires_.size() > 64) {
      return pd::fail(manifest_error(
          dir, "field \"requires\" must be an object {\"<plugin id>\": \"<minimum version>\"}"));
    }
    for (const std::string& other : requires_.getMemberNames()) {
      const Json::Value& min = requires_[other];
      if (!valid_id(other) || !min.isString() || !parse_semver(min.asString())) {
        return pd::fail(manifest_error(
            dir, "field \"requires." + other + "\" must be a plugin id with a semantic version"));
      }
      m.requires_plugins[other] = min.asString();
    }
  }

  if (root.isMember("panel")) {
    const Json::Value& panel = root["panel"];
    if (!panel.isObject() || (panel.isMember("static") && !panel["static"].isString())) {
      return pd::fail(manifest_error(dir, "field \"panel\" must be {\"static\": \"<folder>\"}"));
    }
    if (panel.isMember("static")) {
      auto path = path_field(panel["static"], "panel.static", dir);
      if (!path) return pd::fail(path.error());
      m.panel_static = (fs::path(dir) / *path).string();
    }
  }

  if (auto ok = v2 ? read_settings_v2(root, m) : read_settings_v1(root, m); !ok) {
    return pd::fail(ok.error());
  }
  return m;
}

pd::Result<PluginManifest> read_manifest(const std::string& folder) {
  std::error_code ec;
  const std::string dir = fs::absolute(folder, ec).lexically_normal().string();
  const std::string clean =
      dir.size() > 1 && dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir;
  std::ifstream in(fs::path(clean) / "manifest.json", std::ios::binary);
  if (!in) {
    return pd::fail(pd::Error::not_found("plugin " + clean + ": no readable manifest.json"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), clean);
}

pd::Status check_compatible(const PluginManifest& m) {
  const std::string host_abi =
      std::to_string(PD_ABI_VERSION_MAJOR) + "." + std::to_string(PD_ABI_VERSION_MINOR);
  const std::string accepted = "this host speaks ABI " + host_abi + " and loads plugins of ABI " +
                               std::to_string(PD_ABI_VERSION_MAJOR) + ".0 to " + host_abi;
  const std::string declared = m.manifest_version >= 2
                                   ? std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor)
                                   : std::to_string(m.abi_major) + " (a major version)";
  if (m.abi_major != PD_ABI_VERSION_MAJOR) {
    return pd::fail(pd::Error::conflict(
        "plugin " + m.dir + ": ABI mismatch: manifest.json field \"abi\" declares ABI " + declared +
        "; " + accepted));
  }
  if (m.abi_minor > PD_ABI_VERSION_MINOR) {
    return pd::fail(pd::Error::conflict(
        "plugin " + m.dir + ": ABI mismatch: manifest.json field \"abi\" declares ABI " + declared +
        ", newer than this host's; " + accepted + ": update the host"));
  }
  if (!m.min_host_version.empty()) {
    const auto needed = parse_semver(m.min_host_version);
    const auto have = parse_semver(host_version());
    if (needed && have && compare_semver(*have, *needed) < 0) {
      return pd::fail(pd::Error::conflict(
          "plugin " + m.dir + ": manifest.json field \"min_host_version\" is " +
          m.min_host_version + ", this panelhost is " + host_version() + ": update the host"));
    }
  }
  return {};
}

}  // namespace pd::host
