// The plugin's side of the host services (pd_host_services_v1), in C++ terms.
//
// Threads: every member but post() must be called on the host loop, as the ABI
// says. post() may be called from any thread (the store's workers use it).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paneldialer/pd_plugin.h"
#include "pd/result.h"

namespace pd::plugin {

using Fields = std::vector<std::pair<std::string, std::string>>;

class HostLink {
 public:
  // `services` is owned by the host and outlives this object.
  explicit HostLink(const pd_host_services_v1* services) : services_(services) {}

  // Queues an AMI action; returns the ActionID the host gave it.
  // kUnavailable: link down; kLimit: send queue full; kInvalidArgument: a
  // field holds a control character (nothing was sent).
  pd::Result<std::string> send_action(const Fields& fields) const;

  // Sends a JSON text to the agent's open panels; false when none is open.
  bool panel_send(std::string_view agent, const std::string& json) const;

  // Runs task on the host loop later. False once the host is stopping (the
  // task is then destroyed without running).
  bool post(std::function<void()> task) const;

  void log(pd_log_level level, const std::string& message) const;

  // The host's AMI queue and cap (ABI 2.2 ami_pacing); nothing from an
  // older host, or when the call fails.
  std::optional<pd_ami_pacing> ami_pacing() const;
  // The host reports when each action is written (on_ami_written): a host
  // of 2.2 or later, known by its services table holding ami_pacing.
  bool reports_writes() const {
    return PD_HAS_FIELD(pd_host_services_v1, services_, ami_pacing) &&
           services_->ami_pacing != nullptr;
  }
  // The host serves the plugin's HTTP API routes (ABI 2.3 http_reply).
  bool serves_http() const {
    return PD_HAS_FIELD(pd_host_services_v1, services_, http_reply) &&
           services_->http_reply != nullptr;
  }
  // Answers API request `id` (on_http_request); false when it waits no more
  // (answered, timed out, client gone) or the host has no API.
  bool http_reply(uint64_t id, int status, const std::string& json) const;

  std::string plugin_dir() const { return services_->plugin_dir ? services_->plugin_dir : "."; }

 private:
  const pd_host_services_v1* services_;
};

}  // namespace pd::plugin
