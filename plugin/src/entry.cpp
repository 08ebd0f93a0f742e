// The C ABI entry point: the callback table panelhost calls, each callback a
// thin trampoline into the Engine. Every function here is noexcept and runs
// the engine inside guard_c_edge: no exception crosses the boundary (the
// static_asserts at the end keep it so).
#include <memory>
#include <string>

#include "c_edge.h"
#include "engine.h"
#include "paneldialer/pd_plugin.h"

struct pd_plugin_state {
  std::unique_ptr<pd::plugin::Engine> engine;
  const pd_host_services_v1* host = nullptr;
};

namespace {

using pd::plugin::guard_c_edge;

// The host's services table is usable when it is of our MAJOR and holds at
// least the 2.0 fields, the only ones HostLink reads. Its MINOR may be older
// or newer: struct_size, not the minor, says which fields are there.
bool usable_host(const pd_host_services_v1* host) noexcept {
  if (host->struct_size < offsetof(pd_host_services_v1, abi_version) + sizeof(uint32_t)) {
    return false;
  }
  return PD_ABI_MAJOR_OF(host->abi_version) == PD_ABI_VERSION_MAJOR &&
         host->struct_size >= PD_HOST_SERVICES_V1_MIN_SIZE;
}

int plugin_start(const pd_host_services_v1* host, const char* config_json,
                 pd_plugin_state** state_out) noexcept {
  if (host == nullptr || state_out == nullptr) return PD_EINVAL;
  if (!usable_host(host)) {
    // Only log() when the table is big enough to hold it; the host reports
    // the failed start either way.
    pd::plugin::report_c_edge_exception(host, "start",
                                        "host services table of another ABI major or too small");
    return PD_EINVAL;
  }
  return guard_c_edge(host, "start", int{PD_EINTERNAL}, [&]() -> int {
    auto engine = pd::plugin::Engine::start(host, config_json ? config_json : "{}");
    if (!engine) {
      host->log(host->host, PD_LOG_ERROR, engine.error().message.c_str());
      return PD_EINVAL;
    }
    *state_out = new pd_plugin_state{std::move(*engine), host};
    return PD_OK;
  });
}

void plugin_ami_event(pd_plugin_state* state, const pd_ami_field* fields, size_t n) noexcept {
  guard_c_edge(state->host, "on_ami_event", [&] { state->engine->on_ami_message(fields, n); });
}

void plugin_ami_link(pd_plugin_state* state, int up) noexcept {
  guard_c_edge(state->host, "on_ami_link", [&] { state->engine->on_ami_link(up != 0); });
}

void plugin_panel_message(pd_plugin_state* state, const char* agent, const char* json) noexcept {
  if (agent == nullptr || json == nullptr) return;
  guard_c_edge(state->host, "on_panel_message",
               [&] { state->engine->on_panel_message(agent, json); });
}

void plugin_tick(pd_plugin_state* state, uint64_t now_ms) noexcept {
  guard_c_edge(state->host, "on_tick", [&] { state->engine->on_tick(now_ms); });
}

void plugin_ami_written(pd_plugin_state* state, const char* action_id,
                        int64_t written_epoch_ms) noexcept {
  if (action_id == nullptr) return;
  guard_c_edge(state->host, "on_ami_written",
               [&] { state->engine->on_ami_written(action_id, written_epoch_ms); });
}

int plugin_http_request(pd_plugin_state* state, const pd_http_request* request) noexcept {
  if (request == nullptr || request->method == nullptr || request->path == nullptr ||
      request->body == nullptr) {
    return PD_EINVAL;
  }
  return guard_c_edge(state->host, "on_http_request", int{PD_EINTERNAL},
                      [&]() -> int { return state->engine->on_http_request(*request); });
}

void plugin_stop(pd_plugin_state* state) noexcept {
  guard_c_edge(state->host, "stop", [&] { state->engine->stop(); });
  // Freed even when stop() threw: the host never calls this instance again.
  delete state;
}

const pd_plugin_v1 kPlugin = {
    sizeof(pd_plugin_v1),
    PD_ABI_VERSION,
    "paneldialer",
    "0.1.0",
    plugin_start,
    plugin_ami_event,
    plugin_ami_link,
    plugin_panel_message,
    plugin_tick,
    plugin_stop,
    "PanelDialer: outbound dialing engine",
    plugin_ami_written,
    pd::plugin::kApiPrefix,
    plugin_http_request,
};

// An exception escaping any of these would reach the host's C frames.
static_assert(noexcept(plugin_start(nullptr, nullptr, nullptr)));
static_assert(noexcept(plugin_ami_event(nullptr, nullptr, 0)));
static_assert(noexcept(plugin_ami_link(nullptr, 0)));
static_assert(noexcept(plugin_panel_message(nullptr, nullptr, nullptr)));
static_assert(noexcept(plugin_tick(nullptr, 0)));
static_assert(noexcept(plugin_stop(nullptr)));
static_assert(noexcept(plugin_ami_written(nullptr, nullptr, 0)));
static_assert(noexcept(plugin_http_request(nullptr, nullptr)));

}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t host_abi) noexcept {
  // A host of another MAJOR gets nothing: it reports the mismatch. Minors are
  // the host's to judge (it refuses a plugin newer than itself).
  return PD_ABI_MAJOR_OF(host_abi) == PD_ABI_VERSION_MAJOR ? &kPlugin : nullptr;
}
static_assert(noexcept(pd_plugin_entry(0)));
