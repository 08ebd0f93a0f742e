// Finds a plugin's manifest, loads its library and checks the callback table it
// returns against the ABI this host speaks. Every refusal is an Error whose
// message names the plugin folder and the one reason (bad manifest, library
// missing, dlopen failed, entry symbol missing, ABI mismatch, callback missing).
// The version rule is the one in pd_plugin.h ("Versions").
// Threads: call from the host loop (dlopen runs the library's constructors).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <json/value.h>

#include "manifest.h"
#include "paneldialer/pd_plugin.h"
#include "pd/result.h"

namespace pd::host {

// dlclose on destruction.
class LibraryHandle {
 public:
  explicit LibraryHandle(void* handle) : handle_(handle) {}
  ~LibraryHandle();
  LibraryHandle(const LibraryHandle&) = delete;
  LibraryHandle& operator=(const LibraryHandle&) = delete;
  void* get() const { return handle_; }

 private:
  void* handle_;
};

struct LoadedPlugin {
  PluginManifest manifest;
  std::unique_ptr<LibraryHandle> library;
  // Static inside the library; valid while it is loaded. Only the fields of the
  // 2.0 layout are read through it; later ones are copied out below, when
  // the table's struct_size covers them.
  const pd_plugin_v1* table = nullptr;
  uint32_t abi_version = 0;  // the table's, MAJOR.MINOR (PD_ABI_MAKE_VERSION)
  std::string description;   // since 2.1; empty when absent
  // Since 2.2; null when absent (an older table) or not given.
  void (*on_ami_written)(pd_plugin_state* state, const char* action_id,
                         int64_t written_epoch_ms) = nullptr;
  // Since 2.3; empty / null when absent or not given (both or neither).
  std::string http_prefix;
  int (*on_http_request)(pd_plugin_state* state, const pd_http_request* request) = nullptr;
};

// read_manifest (manifest.h), check_compatible, then dlopen,
// pd_plugin_entry(PD_ABI_VERSION) and the checks on the table: the table's
// abi_version this MAJOR with a MINOR at most this host's; its struct_size at
// least the 2.0 layout. Refusals name both versions as M.m. The library is
// unloaded again on failure.
pd::Result<LoadedPlugin> load_plugin(const std::string& dir);

// `overrides` merged over `defaults`: objects merge key by key, recursively;
// anything else in `overrides` replaces. Returns compact JSON text.
std::string merge_settings(const Json::Value& defaults, const Json::Value& overrides);

}  // namespace pd::host
