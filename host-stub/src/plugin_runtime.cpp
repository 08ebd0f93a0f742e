#include "plugin_runtime.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <exception>
#include <utility>

#include <boost/asio/post.hpp>

#include "log.h"
#include "pd/thread_annotations.h"

// Named, not anonymous: pd_host below (global, the C ABI's handle) holds one,
// and in a unity batch (PD_UNITY_BUILD) a field of an anonymous-namespace type
// draws -Wsubobject-linkage.
namespace pd::host {

// Work one plugin posted, waiting for the host loop. Shared by the pd_host and
// the asio handler that drains it: a drain scheduled before the plugin stopped
// then finds a closed, empty queue instead of a freed pd_host.
struct PostQueue {
  struct Item {
    pd_task_fn fn;
    void* arg;
    pd_drop_fn drop;
  };
  pd::Mutex mutex;
  std::deque<Item> items GUARDED_BY(mutex);  // accepted, neither run nor dropped yet
  // False from the moment the host begins stopping the plugin.
  bool open GUARDED_BY(mutex) = true;
  // A drain handler is queued on the io_context.
  bool drain_scheduled GUARDED_BY(mutex) = false;
};

}  // namespace pd::host

// The opaque handle of the C ABI: one per running plugin.
struct pd_host {
  boost::asio::io_context* io = nullptr;
  pd::host::RuntimeSinks* sinks = nullptr;
  std::string action_prefix;  // "p<index>-"
  uint32_t index = 0;
  uint64_t next_action = 0;
  std::shared_ptr<pd::host::PostQueue> posted = std::make_shared<pd::host::PostQueue>();
  pd::host::LoadedPlugin plugin;
  pd_host_services_v1 services{};
  pd_plugin_state* state = nullptr;
  std::vector<pd::ami::FieldView> field_views;  // reused by ami_send
};

namespace pd::host {

struct PluginRuntime::Instance {
  pd_host host;
};

namespace {

const std::string& id_of(const pd_host* host) {
  return host->plugin.manifest.id;
}

// Every service is a C entry point: an exception inside becomes PD_EINTERNAL
// and a log line, never an unwind into the plugin's C frames.
void log_service_failure(const pd_host* host, const char* service, const char* what) noexcept {
  try {
    log_error(id_of(host), std::string(service) + " failed: " + what);
  } catch (...) {
    // Logging itself failed (out of memory): the error code still says it.
  }
}

int service_ami_send(pd_host* host, const pd_ami_field* fields, size_t n_fields,
                     char* action_id_out, size_t action_id_cap) noexcept try {
  if (host == nullptr || (fields == nullptr && n_fields > 0) || n_fields == 0) return PD_EINVAL;
  host->field_views.clear();
  for (size_t i = 0; i < n_fields; ++i) {
    if (fields[i].key == nullptr || fields[i].value == nullptr) return PD_EINVAL;
    host->field_views.push_back({fields[i].key, fields[i].value});
  }
  std::string action_id = host->action_prefix + std::to_string(++host->next_action);
  std::string why;
  const int result = host->sinks->ami_send(host->field_views, action_id, &why, host->index);
  if (result == PD_EINVAL) {
    log_warn(id_of(host), "ami_send refused: " + why);
  }
  if (result == PD_OK && action_id_out != nullptr && action_id_cap > 0) {
    const size_t n = std::min(action_id.size(), action_id_cap - 1);
    action_id.copy(action_id_out, n);
    action_id_out[n] = '\0';
  }
  return result;
} catch (const std::exception& e) {
  log_service_failure(host, "ami_send", e.what());
  return PD_EINTERNAL;
} catch (...) {
  log_service_failure(host, "ami_send", "unknown exception");
  return PD_EINTERNAL;
}

int service_ami_pacing(pd_host* host, pd_ami_pacing* out) noexcept try {
  if (host == nullptr || out == nullptr || out->struct_size < 8) return PD_EINVAL;
  pd_ami_pacing full{};
  full.struct_size = sizeof full;
  if (host->sinks->ami_pacing) host->sinks->ami_pacing(host->index, full);
  // Only what the caller's table holds: an older caller's is smaller.
  const size_t size = std::min<size_t>(out->struct_size, sizeof full);
  const uint32_t caller_size = out->struct_size;
  std::memcpy(out, &full, size);
  out->struct_size = caller_size;
  return PD_OK;
} catch (const std::exception& e) {
  log_service_failure(host, "ami_pacing", e.what());
  return PD_EINTERNAL;
} catch (...) {
  log_service_failure(host, "ami_pacing", "unknown exception");
  return PD_EINTERNAL;
}

int service_http_reply(pd_host* host, uint64_t request_id, int status, const char* json) noexcept
    try {
  if (host == nullptr || json == nullptr || status < 100 || status > 599) return PD_EINVAL;
  if (!host->sinks->http_reply) return PD_ENOTFOUND;
  return host->sinks->http_reply(request_id, status, json);
} catch (const std::exception& e) {
  log_service_failure(host, "http_reply", e.what());
  return PD_EINTERNAL;
} catch (...) {
  log_service_failure(host, "http_reply", "unknown exception");
  return PD_EINTERNAL;
}

int service_panel_send(pd_host* host, const char* agent, const char* json) noexcept try {
  if (host == nullptr || agent == nullptr || json == nullptr) return PD_EINVAL;
  return host->sinks->panel_send(agent, json);
} catch (const std::exception& e) {
  log_service_failure(host, "panel_send", e.what());
  return PD_EINTERNAL;
} catch (...) {
  log_service_failure(host, "panel_send", "unknown exception");
  return PD_EINTERNAL;
}

// Runs, on the host loop, the items that were queued when it began; one at a
// time, so the queue stays the single owner of what has not run yet. Work
// posted meanwhile gets a fresh handler, letting other handlers (AMI, ticks)
// in between a flood of posts.
void drain(const std::shared_ptr<PostQueue>& queue, boost::asio::io_context& io) {
  size_t budget = 0;
  {
    pd::MutexLock lock(queue->mutex);
    budget = queue->items.size();
  }
  for (; budget > 0; --budget) {
    PostQueue::Item item{};
    {
      pd::MutexLock lock(queue->mutex);
      if (queue->items.empty()) break;  // the plugin was stopped: its items were dropped
      item = queue->items.front();
      queue->items.pop_front();
    }
    item.fn(item.arg);
  }
  {
    pd::MutexLock lock(queue->mutex);
    if (queue->items.empty()) {
      queue->drain_scheduled = false;
      return;
    }
  }
  try {
    boost::asio::post(io, [queue, &io] { drain(queue, io); });
  } catch (...) {
    // Out of memory: the items stay queued; the next post schedules a drain,
    // and a stop drops them.
    pd::MutexLock lock(queue->mutex);
    queue->drain_scheduled = false;
  }
}

// The posted-work rule of pd_plugin.h: once this returns PD_OK exactly one of
// fn/drop runs, once, on the host loop. The check of `open` and the push are
// one critical section with close_and_drop's, so no item slips in after the
// queue was emptied for good.
int service_post(pd_host* host, pd_task_fn fn, void* arg, pd_drop_fn drop) noexcept {
  if (host == nullptr || fn == nullptr) return PD_EINVAL;
  const std::shared_ptr<PostQueue>& queue = host->posted;
  bool schedule = false;
  try {
    pd::MutexLock lock(queue->mutex);
    if (!queue->open) return PD_ESTATE;
    queue->items.push_back({fn, arg, drop});
    schedule = !std::exchange(queue->drain_scheduled, true);
  } catch (...) {
    return PD_EINTERNAL;  // nothing was queued (push_back failed): the caller keeps arg
  }
  if (schedule) {
    try {
      boost::asio::post(*host->io, [queue, io = host->io] { drain(queue, *io); });
    } catch (...) {
      // The item is queued: the next post schedules the drain, stop drops it.
      pd::MutexLock lock(queue->mutex);
      queue->drain_scheduled = false;
    }
  }
  return PD_OK;
}

// Refuses further posts and drops, in post order, every item not run yet.
// Host loop only, before the plugin's stop() or after a failed start().
void close_and_drop(PostQueue& queue) {
  std::deque<PostQueue::Item> pending;
  {
    pd::MutexLock lock(queue.mutex);
    queue.open = false;
    pending.swap(queue.items);
  }
  for (const PostQueue::Item& item : pending) {
    if (item.drop != nullptr) item.drop(item.arg);
  }
}

void service_log(pd_host* host, pd_log_level level, const char* message) noexcept try {
  if (host == nullptr || message == nullptr) return;
  log(level, id_of(host), message);
} catch (...) {
  // Nowhere left to report a failing log; the line is lost, the host lives.
}

}  // namespace

PluginRuntime::PluginRuntime(boost::asio::io_context& io, RuntimeSinks sinks)
    : io_(io), sinks_(std::move(sinks)) {}

PluginRuntime::~PluginRuntime() {
  stop_all();
}

pd::Status PluginRuntime::start(LoadedPlugin plugin, const std::string& config_json) {
  auto instance = std::make_unique<Instance>();
  pd_host& host = instance->host;
  host.io = &io_;
  host.sinks = &sinks_;
  host.action_prefix = "p" + std::to_string(instances_.size()) + "-";
  host.index = uint32_t(instances_.size());
  host.plugin = std::move(plugin);
  host.services.struct_size = sizeof(pd_host_services_v1);
  host.services.abi_version = PD_ABI_VERSION;
  host.services.host = &host;
  host.services.ami_send = service_ami_send;
  host.services.panel_send = service_panel_send;
  host.services.post = service_post;
  host.services.log = service_log;
  host.services.plugin_dir = host.plugin.manifest.dir.c_str();
  host.services.ami_pacing = service_ami_pacing;
  host.services.http_reply = service_http_reply;

  const pd_plugin_v1* table = host.plugin.table;
  pd_plugin_state* state = nullptr;
  const int result = table->start(&host.services, config_json.c_str(), &state);
  if (result != PD_OK || state == nullptr) {
    // Work posted during start() will never run; drop it while the library
    // is still loaded (it goes when `instance` does, at return).
    close_and_drop(*host.posted);
    return pd::fail(pd::Error::unavailable("plugin '" + host.plugin.manifest.id +
                                           "' failed to start (code " + std::to_string(result) +
                                           "); see its log lines above"));
  }
  host.state = state;
  if (!host.plugin.description.empty()) log_info(host.plugin.manifest.id, host.plugin.description);
  instances_.push_back(std::move(instance));
  return {};
}

void PluginRuntime::action_written(uint32_t owner, std::string_view action_id, int64_t epoch_ms) {
  if (owner >= instances_.size() || instances_[owner]->host.state == nullptr ||
      instances_[owner]->host.plugin.on_ami_written == nullptr) {
    return;  // a plugin of 2.1 or before, or one that does not care
  }
  written_.push_back({owner, std::string(action_id), epoch_ms});
  if (written_scheduled_) return;
  written_scheduled_ = true;
  boost::asio::post(io_, [this] { deliver_written(); });
}

void PluginRuntime::deliver_written() {
  written_scheduled_ = false;
  if (written_.empty()) return;
  std::vector<Written> reports;
  reports.swap(written_);
  for (const Written& report : reports) {
    if (report.owner >= instances_.size()) continue;
    pd_host& host = instances_[report.owner]->host;
    if (host.state == nullptr || host.plugin.on_ami_written == nullptr) continue;
    host.plugin.on_ami_written(host.state, report.action_id.c_str(), report.epoch_ms);
  }
}

void PluginRuntime::dispatch_ami(const pd::ami::MessageView& message) {
  if (instances_.empty()) return;
  // A response never overtakes the report that its action was written.
  if (!written_.empty()) deliver_written();
  ++stats_.messages_dispatched;
  // One NUL-terminated copy of the message for the C callers.
  const auto views = message.fields();
  size_t bytes = 0;
  for (const auto& field : views) bytes += field.key.size() + field.value.size() + 2;
  arena_.clear();
  arena_.reserve(bytes);
  std::vector<size_t>& offsets = offsets_;
  offsets.clear();
  for (const auto& field : views) {
    offsets.push_back(arena_.size());
    arena_.append(field.key).push_back('\0');
    offsets.push_back(arena_.size());
    arena_.append(field.value).push_back('\0');
  }
  fields_.resize(views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    fields_[i] = {arena_.data() + offsets[2 * i], arena_.data() + offsets[2 * i + 1]};
  }

  const std::string_view action_id = message.get("ActionID");
  if (!action_id.empty() && action_id.front() == 'p') {
    const size_t dash = action_id.find('-');
    size_t index = 0;
    bool numeric = dash != std::string_view::npos && dash > 1;
    for (size_t i = 1; numeric && i < dash; ++i) {
      if (action_id[i] < '0' || action_id[i] > '9') numeric = false;
      index = index * 10 + size_t(action_id[i] - '0');
    }
    if (numeric) {
      if (index < instances_.size() && instances_[index]->host.state != nullptr) {
        pd_host& host = instances_[index]->host;
        ++stats_.plugin_calls;
        host.plugin.table->on_ami_event(host.state, fields_.data(), fields_.size());
      }
      return;
    }
  }
  for (auto& instance : instances_) {
    pd_host& host = instance->host;
    if (host.state == nullptr) continue;
    ++stats_.plugin_calls;
    host.plugin.table->on_ami_event(host.state, fields_.data(), fields_.size());
  }
}

void PluginRuntime::link_changed(bool up) {
  if (!written_.empty()) deliver_written();
  for (auto& instance : instances_) {
    pd_host& host = instance->host;
    if (host.state != nullptr) host.plugin.table->on_ami_link(host.state, up ? 1 : 0);
  }
}

void PluginRuntime::panel_message(std::string_view agent, std::string_view json) {
  const std::string agent_text(agent);
  const std::string json_text(json);
  for (auto& instance : instances_) {
    pd_host& host = instance->host;
    if (host.state == nullptr || host.plugin.table->on_panel_message == nullptr) continue;
    host.plugin.table->on_panel_message(host.state, agent_text.c_str(), json_text.c_str());
  }
}

void PluginRuntime::tick(uint64_t now_ms) {
  for (auto& instance : instances_) {
    pd_host& host = instance->host;
    if (host.state != nullptr) host.plugin.table->on_tick(host.state, now_ms);
  }
}

void PluginRuntime::stop_all() {
  written_.clear();  // stopped plugins hear nothing more
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    pd_host& host = (*it)->host;
    if (host.state == nullptr) continue;
    // Pending work first, so stop() stays the last call into the plugin; its
    // threads' posts fail with PD_ESTATE from here on, and stop() joins them.
    close_and_drop(*host.posted);
    pd_plugin_state* state = host.state;
    host.state = nullptr;
    host.plugin.table->stop(state);
    log_info(host.plugin.manifest.id, "stopped");
  }
}

size_t PluginRuntime::index_of(std::string_view id) const {
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (instances_[i]->host.plugin.manifest.id == id) return i;
  }
  return instances_.size();
}

int PluginRuntime::http_request(size_t index, const pd::panel::ApiRequest& request) {
  if (index >= instances_.size()) return PD_ESTATE;
  pd_host& host = instances_[index]->host;
  if (host.state == nullptr || host.plugin.on_http_request == nullptr) return PD_ESTATE;
  // NUL-terminated copies for the C side, valid during the call.
  const std::string method(request.method), path(request.path), query(request.query),
      body(request.body), token(request.token_name);
  pd_http_request c_request{};
  c_request.struct_size = sizeof c_request;
  c_request.id = request.id;
  c_request.method = method.c_str();
  c_request.path = path.c_str();
  c_request.query = query.c_str();
  c_request.body = body.c_str();
  c_request.body_size = body.size();
  c_request.token_name = token.c_str();
  c_request.scope = request.write ? PD_HTTP_SCOPE_WRITE : PD_HTTP_SCOPE_READ;
  ++stats_.plugin_calls;
  return host.plugin.on_http_request(host.state, &c_request);
}

size_t PluginRuntime::running() const {
  size_t count = 0;
  for (const auto& instance : instances_) count += instance->host.state != nullptr;
  return count;
}

std::vector<std::string> PluginRuntime::running_ids() const {
  std::vector<std::string> ids;
  for (const auto& instance : instances_) {
    if (instance->host.state != nullptr) ids.push_back(instance->host.plugin.manifest.id);
  }
  return ids;
}

}  // namespace pd::host
