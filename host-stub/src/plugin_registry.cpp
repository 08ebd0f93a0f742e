#include "plugin_registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <json/reader.h>
#include <json/writer.h>

namespace pd::host {

namespace {
namespace fs = std::filesystem;
}

RegistryEntry* Registry::find(const std::string& id) {
  for (RegistryEntry& entry : plugins) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

const RegistryEntry* Registry::find(const std::string& id) const {
  return const_cast<Registry*>(this)->find(id);
}

pd::Result<Registry> read_registry(const std::string& plugins_dir) {
  const fs::path path = fs::path(plugins_dir) / kRegistryFile;
  Registry registry;
  std::error_code ec;
  if (!fs::exists(path, ec)) return registry;
  std::ifstream in(path, std::ios::binary);
  if (!in) return pd::fail(pd::Error::io("plugin registry " + path.string() + " is not readable"));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  auto damaged = [&](const std::string& what) {
    return pd::fail(pd::Error::invalid("plugin registry " + path.string() + " is damaged: " + what +
                                       " (fix or delete it; `panelhost plugin list` shows it)"));
  };
  if (!reader->parse(json.data(), json.data() + json.size(), &root, &errors)) {
    return damaged("not valid JSON: " + errors);
  }
  if (!root.isObject() || !root["plugins"].isArray()) return damaged("no \"plugins\" array");
  if (root["plugins"].size() > kMaxPlugins) {
    return damaged("more than " + std::to_string(kMaxPlugins) + " plugins");
  }
  for (const Json::Value& item : root["plugins"]) {
    if (!item.isObject() || !item["id"].isString() || !item["version"].isString() ||
        !item["enabled"].isBool()) {
      return damaged("each entry needs string \"id\", \"version\" and boolean \"enabled\"");
    }
    RegistryEntry entry;
    entry.id = item["id"].asString();
    entry.version = item["version"].asString();
    entry.enabled = item["enabled"].asBool();
    entry.installed_at = item.get("installed_at", "").asString();
    entry.updated_at = item.get("updated_at", "").asString();
    if (registry.find(entry.id) != nullptr) return damaged("\"" + entry.id + "\" appears twice");
    registry.plugins.push_back(std::move(entry));
  }
  return registry;
}

pd::Status write_registry(const std::string& plugins_dir, const Registry& registry) {
  std::vector<RegistryEntry> sorted = registry.plugins;
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.id < b.id; });
  Json::Value root(Json::objectValue);
  root["format"] = 1;
  root["plugins"] = Json::Value(Json::arrayValue);
  for (const RegistryEntry& entry : sorted) {
    Json::Value item(Json::objectValue);
    item["id"] = entry.id;
    item["version"] = entry.version;
    item["enabled"] = entry.enabled;
    item["installed_at"] = entry.installed_at;
    item["updated_at"] = entry.updated_at;
    root["plugins"].append(item);
  }
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "  ";
  const std::string text = Json::writeString(writer, root) + "\n";
  const fs::path path = fs::path(plugins_dir) / kRegistryFile;
  const fs::path temp =
      fs::path(plugins_dir) / (std::string(".") + kRegistryFile + "." + std::to_string(getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      return pd::fail(pd::Error::io("cannot write the plugin registry " + temp.string()));
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return pd::fail(
        pd::Error::io("cannot replace the plugin registry " + path.string() + ": " + ec.message()));
  }
  return {};
}

std::string utc_now_iso() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace pd::host
