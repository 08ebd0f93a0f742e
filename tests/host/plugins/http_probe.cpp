// A test plugin serving the HTTP API prefix /api/probe/ (ABI 2.3), to drive
// the host's own limits: /api/probe/echo is answered at once (200),
// /api/probe/never is accepted and never answered (the host's timeout then
// answers 504, and while it waits it holds one of api.max_in_flight).
#include <cstring>

#include "paneldialer/pd_plugin.h"

struct pd_plugin_state {
  const pd_host_services_v1* host = nullptr;
};

namespace {

int http_probe_start(const pd_host_services_v1* host, const char*, pd_plugin_state** state_out) {
  *state_out = new pd_plugin_state{host};
  return PD_OK;
}
void http_probe_event(pd_plugin_state*, const pd_ami_field*, size_t) {}
void http_probe_link(pd_plugin_state*, int) {}
void http_probe_tick(pd_plugin_state*, uint64_t) {}
void http_probe_stop(pd_plugin_state* state) {
  delete state;
}

int http_probe_request(pd_plugin_state* state, const pd_http_request* request) {
  if (std::strcmp(request->path, "/api/probe/never") == 0) return PD_OK;  // no reply, ever
  const int status = std::strcmp(request->path, "/api/probe/echo") == 0 ? 200 : 404;
  return state->host->http_reply(state->host->host, request->id, status,
                                 status == 200 ? R"({"echo":true})" : R"({"error":"no route"})");
}

const pd_plugin_v1 kHttpProbe = {
    sizeof(pd_plugin_v1),
    PD_ABI_VERSION,
    "http_probe",
    "1.0.0",
    http_probe_start,
    http_probe_event,
    http_probe_link,
    nullptr,
    http_probe_tick,
    http_probe_stop,
    "http_probe: answers /api/probe/echo, never /api/probe/never",
    nullptr,
    "/api/probe/",
    http_probe_request,
};

}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t) noexcept {
  return &kHttpProbe;
}
