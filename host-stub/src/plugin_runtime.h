// The running plugins: each one's pd_host (the services table the C ABI hands
// it), start/stop, and the fan-out of AMI messages, link changes, panel
// messages and ticks.
//
// Routing: the host gives each plugin's actions ActionIDs "p<index>-<n>", so
// a response or list item goes to its sender alone with no lookup table;
// messages without such an ActionID (events) go to every plugin.
//
// Threads: every method on the host loop. The services' post() is the only
// entry point other threads use. Posted work follows the rule in pd_plugin.h:
// each accepted item is run (on the host loop, in order) or, when the plugin is
// stopped or fails to start, dropped (drop(arg), on the host loop, before stop()
// / before the library is unloaded) — exactly one of the two, exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "paneldialer/pd_plugin.h"
#include "pd/ami/message.h"
#include "pd/panel/panel_server.h"
#include "plugin_loader.h"

namespace pd::host {

struct RuntimeSinks {
  // Queue an AMI action (fields[0] Action) with this ActionID for plugin
  // number `owner`; PD_* code.
  std::function<int(std::span<const pd::ami::FieldView> fields, std::string_view action_id,
                    std::string* why, uint32_t owner)>
      ami_send;
  // The AMI queue's figures for plugin number `owner` (ami_pacing); every
  // field of `out` but struct_size. May be empty: then zeros.
  std::function<void(uint32_t owner, pd_ami_pacing& out)> ami_pacing;
  // Deliver a JSON text to an agent's panels; PD_* code.
  std::function<int(std::string_view agent, std::string_view json)> panel_send;
  // Answer an HTTP API request (PanelServer::api_reply); PD_* code.
  std::function<int(uint64_t id, int status, std::string_view json)> http_reply;
};

struct RuntimeStats {
  uint64_t messages_dispatched = 0;
  uint64_t plugin_calls = 0;
};

class PluginRuntime {
 public:
  PluginRuntime(boost::asio::io_context& io, RuntimeSinks sinks);
  ~PluginRuntime();  // stops what still runs
  PluginRuntime(const PluginRuntime&) = delete;
  PluginRuntime& operator=(const PluginRuntime&) = delete;

  // Calls the plugin's start() with `config_json`. On failure the plugin is
  // unloaded again and the error says why; the other plugins are unaffected.
  pd::Status start(LoadedPlugin plugin, const std::string& config_json);

  void dispatch_ami(const pd::ami::MessageView& message);
  // Plugin number `owner`'s action `action_id` was written to the AMI
  // socket at `epoch_ms`. May be called from inside that plugin's ami_send:
  // kept, and passed to its on_ami_written from a handler of its own, or
  // before the next AMI message or link change, whichever comes first.
  void action_written(uint32_t owner, std::string_view action_id, int64_t epoch_ms);
  void link_changed(bool up);
  void panel_message(std::string_view agent, std::string_view json);
  void tick(uint64_t now_ms);
  // The index of the running plugin `id` (for http_request).
  size_t index_of(std::string_view id) const;
  // Hands an API request to plugin number `index`'s on_http_request; its
  // code (PD_ESTATE when that plugin is not running or serves no API).
  int http_request(size_t index, const pd::panel::ApiRequest& request);
  // Stops every plugin, last started first.
  void stop_all();

  size_t running() const;
  const RuntimeStats& stats() const { return stats_; }
  std::vector<std::string> running_ids() const;

  struct Instance;  // internal; public for the C trampolines

 private:
  // Passes the kept write reports to their plugins, in order.
  void deliver_written();
  struct Written {
    uint32_t owner;
    std::string action_id;
    int64_t epoch_ms;
  };
  // Reports not passed on yet: at most one per action written since the last
  // delivery, which follows at once (a posted handler), so bounded by the AMI
  // queue's bound (ami.queue_max) plus what one handler writes.
  std::vector<Written> written_;
  bool written_scheduled_ = false;

  boost::asio::io_context& io_;
  RuntimeSinks sinks_;
  std::vector<std::unique_ptr<Instance>> instances_;
  RuntimeStats stats_;
  // Reused for every message: NUL-terminated copies of keys and values.
  std::string arena_;
  std::vector<pd_ami_field> fields_;
  std::vector<size_t> offsets_;
};

}  // namespace pd::host
