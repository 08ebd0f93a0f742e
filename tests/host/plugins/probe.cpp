// A test plugin: at every AMI link-up it originates one call (target from its
// config) and writes what it sees, one line each, to the file named by its
// config's "out": "start", "link 1|0", "response <ActionID-prefix> <Response>",
// "event <Name> [Reason=..]", "tick", "stop", and (ABI 2.2) "written
// <ActionID> <epoch ms>" when the host wrote an action, "pacing queued=N
// queued_all=N rate=N" right after the link-up's actions. The integration
// tests read it.
//
// Built several times (tests/host/CMakeLists.txt), as a plugin of another ABI
// version would be: PROBE_ABI_VERSION is the table's abi_version and
// PROBE_TABLE_SIZE its struct_size (default: this header's). An older minor's
// table ends before the fields added since; a newer minor's has one more.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

#include <json/reader.h>
#include <json/value.h>

#include "paneldialer/pd_plugin.h"

struct pd_plugin_state {
  const pd_host_services_v1* host = nullptr;
  FILE* out = nullptr;
  std::string channel;
  std::string context;
  int calls = 0;
  bool ticked = false;
};

namespace {

void note(pd_plugin_state* state, const std::string& line) {
  std::fprintf(state->out, "%s\n", line.c_str());
  std::fflush(state->out);
}

const char* find(const pd_ami_field* fields, size_t n, const char* key) {
  for (size_t i = 0; i < n; ++i) {
    if (strcasecmp(fields[i].key, key) == 0) return fields[i].value;
  }
  return nullptr;
}

int probe_start(const pd_host_services_v1* host, const char* config_json,
                pd_plugin_state** state_out) {
  Json::Value config;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  if (!reader->parse(config_json, config_json + std::strlen(config_json), &config, &errors) ||
      !config["out"].isString()) {
    host->log(host->host, PD_LOG_ERROR, "probe: config needs \"out\"");
    return PD_EINVAL;
  }
  auto* state = new pd_plugin_state;
  state->host = host;
  state->out = std::fopen(config["out"].asCString(), "a");
  if (state->out == nullptr) {
    delete state;
    return PD_EINTERNAL;
  }
  state->channel = config.get("channel", "Local/5551000@sim-customers").asString();
  state->context = config.get("context", "dialer-test").asString();
  note(state, "start");
  *state_out = state;
  return PD_OK;
}

void probe_event(pd_plugin_state* state, const pd_ami_field* fields, size_t n) {
  if (n == 0) return;
  if (std::strcmp(fields[0].key, "Response") == 0) {
    const char* id = find(fields, n, "ActionID");
    note(state, std::string("response ") + (id ? id : "-") + " " + fields[0].value);
    return;
  }
  const std::string name = fields[0].value;
  if (name == "OriginateResponse") {
    const char* reason = find(fields, n, "Reason");
    note(state, "event OriginateResponse Reason=" + std::string(reason ? reason : "?"));
  } else if (name == "Hangup") {
    note(state, "event Hangup");
  }
}

void probe_link(pd_plugin_state* state, int up) {
  note(state, up ? "link 1" : "link 0");
  if (!up) return;
  const std::string channel_id = "probe-" + std::to_string(++state->calls);
  const pd_ami_field originate[] = {
      {"Action", "Originate"},
      {"Channel", state->channel.c_str()},
      {"Context", state->context.c_str()},
      {"Exten", "s"},
      {"Priority", "1"},
      {"Async", "true"},
      {"Timeout", "30000"},
      {"ChannelId", channel_id.c_str()},
  };
  char action_id[64];
  const int sent =
      state->host->ami_send(state->host->host, originate, sizeof originate / sizeof originate[0],
                            action_id, sizeof action_id);
  note(state, "sent " + std::to_string(sent) + " " + (sent == PD_OK ? action_id : "-"));
  // Two Pings behind it: with a low ami.rate they wait in the host's queue.
  const pd_ami_field ping[] = {{"Action", "Ping"}};
  for (int i = 0; i < 2; ++i) state->host->ami_send(state->host->host, ping, 1, nullptr, 0);
  if (PD_HAS_FIELD(pd_host_services_v1, state->host, ami_pacing) &&
      state->host->ami_pacing != nullptr) {
    pd_ami_pacing pacing{};
    pacing.struct_size = sizeof pacing;
    if (state->host->ami_pacing(state->host->host, &pacing) == PD_OK) {
      note(state, "pacing queued=" + std::to_string(pacing.queued) +
                      " queued_all=" + std::to_string(pacing.queued_all) +
                      " rate=" + std::to_string(int64_t(pacing.rate_per_s)));
    }
  }
  // An injection attempt must be refused and send nothing.
  const pd_ami_field injected[] = {{"Action", "Ping"}, {"Foo", "x\r\nAction: Logoff"}};
  note(state, "inject " + std::to_string(
                              state->host->ami_send(state->host->host, injected, 2, nullptr, 0)));
}

void probe_tick(pd_plugin_state* state, uint64_t) {
  if (state->ticked) return;
  state->ticked = true;
  note(state, "tick");
}

void probe_written(pd_plugin_state* state, const char* action_id, int64_t written_ms) {
  note(state, "written " + std::string(action_id) + " " + std::to_string(written_ms));
}

void probe_stop(pd_plugin_state* state) {
  note(state, "stop");
  std::fclose(state->out);
  delete state;
}

// The table as the build's ABI lays it out: `future` stands for the field a
// newer minor appends (no host of this header's minor knows it).
struct ProbeTable {
  pd_plugin_v1 table;
  const void* future;
};

#ifndef PROBE_ABI_VERSION
#define PROBE_ABI_VERSION PD_ABI_VERSION
#endif
#ifndef PROBE_TABLE_SIZE
#define PROBE_TABLE_SIZE sizeof(pd_plugin_v1)
#endif

// `description` is always filled in memory: a host must still not read it when
// PROBE_TABLE_SIZE ends before it (the older-minor build).
const ProbeTable kProbe = {
    {
        PROBE_TABLE_SIZE,
        PROBE_ABI_VERSION,
        "probe",
        "1.0.0",
        probe_start,
        probe_event,
        probe_link,
        nullptr,
        probe_tick,
        probe_stop,
        "probe: test plugin",
        probe_written,
    },
    nullptr,
};

}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t) noexcept {
  return &kProbe.table;
}
