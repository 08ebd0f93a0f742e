#include "plugin_loader.h"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <json/reader.h>
#include <json/writer.h>

namespace pd::host {

namespace {

namespace fs = std::filesystem;

pd::Error plugin_error(pd::ErrorCode code, const std::string& dir, const std::string& what) {
  return pd::Error{code, "plugin " + dir + ": " + what};
}

void merge_into(Json::Value& target, const Json::Value& overrides) {
  for (const std::string& key : overrides.getMemberNames()) {
    const Json::Value& value = overrides[key];
    if (value.isObject() && target.isMember(key) && target[key].isObject()) {
      merge_into(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

// Names the required callbacks the table lacks, "" when none.
std::string missing_callbacks(const pd_plugin_v1& table) {
  std::string missing;
  auto require = [&](const void* callback, const char* name) {
    if (callback != nullptr) return;
    if (!missing.empty()) missing += ", ";
    missing += name;
  };
  require(reinterpret_cast<const void*>(table.start), "start");
  require(reinterpret_cast<const void*>(table.on_ami_event), "on_ami_event");
  require(reinterpret_cast<const void*>(table.on_ami_link), "on_ami_link");
  require(reinterpret_cast<const void*>(table.on_tick), "on_tick");
  require(reinterpret_cast<const void*>(table.stop), "stop");
  return missing;
}

}  // namespace

LibraryHandle::~LibraryHandle() {
  if (handle_ != nullptr) dlclose(handle_);
}

namespace {
// "2.1": how every message writes a version.
std::string abi_text(uint32_t version) {
  return std::to_string(PD_ABI_MAJOR_OF(version)) + "." + std::to_string(PD_ABI_MINOR_OF(version));
}
}  // namespace

pd::Result<LoadedPlugin> load_plugin(const std::string& folder) {
  auto manifest = read_manifest(folder);
  if (!manifest) return pd::fail(manifest.error());
  const std::string& dir = manifest->dir;
  const std::string host_abi = abi_text(PD_ABI_VERSION);
  // Which plugins this host loads, for the refusals below.
  const std::string accepted = "this host speaks ABI " + host_abi + " and loads plugins of ABI " +
                               std::to_string(PD_ABI_VERSION_MAJOR) + ".0 to " + host_abi;
  if (auto compatible = check_compatible(*manifest); !compatible) {
    return pd::fail(compatible.error());
  }
  std::error_code ec;
  if (!fs::is_regular_file(manifest->library, ec)) {
    return pd::fail(plugin_error(pd::ErrorCode::kNotFound, dir,
                                 "library file not found: " + manifest->library));
  }
  dlerror();
  void* handle = dlopen(manifest->library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return pd::fail(plugin_error(pd::ErrorCode::kIOError, dir,
                                 "dlopen failed: " + std::string(why ? why : "unknown reason")));
  }
  auto library = std::make_unique<LibraryHandle>(handle);
  dlerror();
  void* symbol = dlsym(handle, PD_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    return pd::fail(plugin_error(
        pd::ErrorCode::kNotFound, dir,
        "library " + manifest->library + " does not export " + PD_PLUGIN_ENTRY_SYMBOL));
  }
  const auto entry = reinterpret_cast<pd_plugin_entry_fn>(symbol);
  const pd_plugin_v1* table = entry(PD_ABI_VERSION);
  if (table == nullptr) {
    return pd::fail(plugin_error(pd::ErrorCode::kConflict, dir,
                                 "ABI mismatch: pd_plugin_entry returned no table for host ABI " +
                                     host_abi + " (the plugin supports another ABI major)"));
  }
  // struct_size and abi_version are the two fields every table of every
  // version begins with; nothing else is read before the version is known.
  const uint32_t plugin_abi = table->abi_version;
  const std::string plugin_text = "plugin built for ABI " + abi_text(plugin_abi);
  if (PD_ABI_MAJOR_OF(plugin_abi) != PD_ABI_VERSION_MAJOR) {
    return pd::fail(plugin_error(pd::ErrorCode::kConflict, dir,
                                 "ABI mismatch: " + plugin_text + ", another major; " + accepted));
  }
  if (PD_ABI_MINOR_OF(plugin_abi) > PD_ABI_VERSION_MINOR) {
    return pd::fail(plugin_error(pd::ErrorCode::kConflict, dir,
                                 "ABI mismatch: " + plugin_text +
                                     ", a newer minor than this host's (it may rely on services "
                                     "this host lacks); " +
                                     accepted + ": update the host"));
  }
  if (table->struct_size < PD_PLUGIN_V1_MIN_SIZE) {
    return pd::fail(plugin_error(
        pd::ErrorCode::kConflict, dir,
        "callback table too small: struct_size " + std::to_string(table->struct_size) + ", ABI " +
            abi_text(plugin_abi) + " needs at least " + std::to_string(PD_PLUGIN_V1_MIN_SIZE)));
  }
  if (const std::string missing = missing_callbacks(*table); !missing.empty()) {
    return pd::fail(plugin_error(pd::ErrorCode::kInvalidArgument, dir,
                                 "missing required callback(s): " + missing));
  }
  if (table->id == nullptr || manifest->id != table->id) {
    return pd::fail(plugin_error(pd::ErrorCode::kInvalidArgument, dir,
                                 "id mismatch: manifest.json says \"" + manifest->id +
                                     "\", the library says \"" +
                                     std::string(table->id ? table->id : "(null)") + "\""));
  }
  LoadedPlugin loaded{std::move(*manifest), std::move(library), table};
  loaded.abi_version = plugin_abi;
  // Added in 2.1: a 2.0 table ends before it, and whatever lies past its
  // struct_size is not the plugin's to mean anything.
  if (PD_HAS_FIELD(pd_plugin_v1, table, description) && table->description != nullptr) {
    loaded.description = table->description;
  }
  // Added in 2.2, the same way.
  if (PD_HAS_FIELD(pd_plugin_v1, table, on_ami_written)) {
    loaded.on_ami_written = table->on_ami_written;
  }
  // Added in 2.3: an HTTP route prefix and its handler, both or neither.
  if (PD_HAS_FIELD(pd_plugin_v1, table, on_http_request) &&
      (table->http_prefix != nullptr) != (table->on_http_request != nullptr)) {
    return pd::fail(plugin_error(pd::ErrorCode::kInvalidArgument, dir,
                                 "http_prefix and on_http_request must be given together"));
  }
  if (PD_HAS_FIELD(pd_plugin_v1, table, on_http_request) && table->on_http_request != nullptr) {
    loaded.http_prefix = table->http_prefix;
    loaded.on_http_request = table->on_http_request;
  }
  return loaded;
}

std::string merge_settings(const Json::Value& defaults, const Json::Value& overrides) {
  Json::Value merged = defaults.isObject() ? defaults : Json::Value(Json::objectValue);
  if (overrides.isObject()) merge_into(merged, overrides);
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  return Json::writeString(writer, merged);
}

}  // namespace pd::host
