// The C ABI entry point: the callback table panelhost calls, each callback a
// thin trampoline into the Engine. No exception crosses the boundary.
#include <exception>
#include <memory>

#include "engine.h"
#include "paneldialer/pd_plugin.h"

struct pd_plugin_state {
  std::unique_ptr<pd::plugin::Engine> engine;
  const pd_host_services_v1* host = nullptr;
};

namespace {

void log_exception(const pd_host_services_v1* host, const char* where, const std::exception& e) {
  const std::string line = std::string("internal error in ") + where + ": " + e.what();
  host->log(host->host, PD_LOG_ERROR, line.c_str());
}

int plugin_start(const pd_host_services_v1* host, const char* config_json,
                 pd_plugin_state** state_out) {
  if (host == nullptr || state_out == nullptr) return PD_EINVAL;
  if (host->abi_version != PD_ABI_VERSION || host->struct_size < sizeof(pd_host_services_v1)) {
    return PD_EINVAL;
  }
  try {
    auto engine = pd::plugin::Engine::start(host, config_json ? config_json : "{}");
    if (!engine) {
      host->log(host->host, PD_LOG_ERROR, engine.error().message.c_str());
      return PD_EINVAL;
    }
    *state_out = new pd_plugin_state{std::move(*engine), host};
    return PD_OK;
  } catch (const std::exception& e) {
    log_exception(host, "start", e);
    return PD_EINTERNAL;
  }
}

void plugin_ami_event(pd_plugin_state* state, const pd_ami_field* fields, size_t n) {
  try {
    state->engine->on_ami_message(fields, n);
  } catch (const std::exception& e) {
    log_exception(state->host, "on_ami_event", e);
  }
}

void plugin_ami_link(pd_plugin_state* state, int up) {
  try {
    state->engine->on_ami_link(up != 0);
  } catch (const std::exception& e) {
    log_exception(state->host, "on_ami_link", e);
  }
}

void plugin_panel_message(pd_plugin_state* state, const char* agent, const char* json) {
  if (agent == nullptr || json == nullptr) return;
  try {
    state->engine->on_panel_message(agent, json);
  } catch (const std::exception& e) {
    log_exception(state->host, "on_panel_message", e);
  }
}

void plugin_tick(pd_plugin_state* state, uint64_t now_ms) {
  try {
    state->engine->on_tick(now_ms);
  } catch (const std::exception& e) {
    log_exception(state->host, "on_tick", e);
  }
}

void plugin_stop(pd_plugin_state* state) {
  try {
    state->engine->stop();
  } catch (const std::exception& e) {
    log_exception(state->host, "stop", e);
  }
  delete state;
}

const pd_plugin_v1 kPlugin = {
    sizeof(pd_plugin_v1), PD_ABI_VERSION,  "paneldialer",        "0.1.0",     plugin_start,
    plugin_ami_event,     plugin_ami_link, plugin_panel_message, plugin_tick, plugin_stop,
};

}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t host_abi) {
  // A host of another ABI gets nothing: it reports the mismatch.
  return host_abi == PD_ABI_VERSION ? &kPlugin : nullptr;
}
