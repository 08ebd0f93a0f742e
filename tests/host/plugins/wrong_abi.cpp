// A test plugin built "for another ABI": its table says version 99, the plain
// integer of the first ABI's numbering, which reads as 0.99 today.
#include "paneldialer/pd_plugin.h"

namespace {
int start(const pd_host_services_v1*, const char*, pd_plugin_state**) {
  return PD_EINTERNAL;
}
void event(pd_plugin_state*, const pd_ami_field*, size_t) {}
void link(pd_plugin_state*, int) {}
void tick(pd_plugin_state*, uint64_t) {}
void stop(pd_plugin_state*) {}
const pd_plugin_v1 kTable = {
    sizeof(pd_plugin_v1), 99, "wrongabi", "1.0.0", start, event, link, nullptr, tick, stop};
}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t) noexcept {
  return &kTable;
}
