#include "plugin_runtime.h"

#include <boost/asio/post.hpp>

#include "log.h"

// The opaque handle of the C ABI: one per running plugin.
struct pd_host {
  boost::asio::io_context* io = nullptr;
  pd::host::RuntimeSinks* sinks = nullptr;
  std::string action_prefix;  // "p<index>-"
  uint64_t next_action = 0;
  std::shared_ptr<std::atomic<bool>> accepting_posts;
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

int service_ami_send(pd_host* host, const pd_ami_field* fields, size_t n_fields,
                     char* action_id_out, size_t action_id_cap) {
  if (host == nullptr || (fields == nullptr && n_fields > 0) || n_fields == 0) return PD_EINVAL;
  host->field_views.clear();
  for (size_t i = 0; i < n_fields; ++i) {
    if (fields[i].key == nullptr || fields[i].value == nullptr) return PD_EINVAL;
    host->field_views.push_back({fields[i].key, fields[i].value});
  }
  std::string action_id = host->action_prefix + std::to_string(++host->next_action);
  std::string why;
  const int result = host->sinks->ami_send(host->field_views, action_id, &why);
  if (result == PD_EINVAL) {
    log_warn(id_of(host), "ami_send refused: " + why);
  }
  if (result == PD_OK && action_id_out != nullptr && action_id_cap > 0) {
    const size_t n = std::min(action_id.size(), action_id_cap - 1);
    action_id.copy(action_id_out, n);
    action_id_out[n] = '\0';
  }
  return result;
}

int service_panel_send(pd_host* host, const char* agent, const char* json) {
  if (host == nullptr || agent == nullptr || json == nullptr) return PD_EINVAL;
  return host->sinks->panel_send(agent, json);
}

int service_post(pd_host* host, pd_task_fn fn, void* arg) {
  if (host == nullptr || fn == nullptr) return PD_EINVAL;
  std::shared_ptr<std::atomic<bool>> accepting = host->accepting_posts;
  if (!accepting->load()) return PD_ESTATE;
  boost::asio::post(*host->io, [accepting, fn, arg] {
    if (accepting->load()) fn(arg);
  });
  return PD_OK;
}

void service_log(pd_host* host, pd_log_level level, const char* message) {
  if (host == nullptr || message == nullptr) return;
  log(level, id_of(host), message);
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
  host.accepting_posts = std::make_shared<std::atomic<bool>>(true);
  host.plugin = std::move(plugin);
  host.services.struct_size = sizeof(pd_host_services_v1);
  host.services.abi_version = PD_ABI_VERSION;
  host.services.host = &host;
  host.services.ami_send = service_ami_send;
  host.services.panel_send = service_panel_send;
  host.services.post = service_post;
  host.services.log = service_log;
  host.services.plugin_dir = host.plugin.manifest.dir.c_str();

  const pd_plugin_v1* table = host.plugin.table;
  pd_plugin_state* state = nullptr;
  const int result = table->start(&host.services, config_json.c_str(), &state);
  if (result != PD_OK || state == nullptr) {
    host.accepting_posts->store(false);
    return pd::fail(pd::Error::unavailable("plugin '" + host.plugin.manifest.id +
                                           "' failed to start (code " + std::to_string(result) +
                                           "); see its log lines above"));
  }
  host.state = state;
  instances_.push_back(std::move(instance));
  return {};
}

void PluginRuntime::dispatch_ami(const pd::ami::MessageView& message) {
  if (instances_.empty()) return;
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
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    pd_host& host = (*it)->host;
    if (host.state == nullptr) continue;
    host.accepting_posts->store(false);
    pd_plugin_state* state = host.state;
    host.state = nullptr;
    host.plugin.table->stop(state);
    log_info(host.plugin.manifest.id, "stopped");
  }
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
