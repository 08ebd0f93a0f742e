#include "host_link.h"

#include <memory>

#include "c_edge.h"

namespace pd::plugin {

pd::Result<std::string> HostLink::send_action(const Fields& fields) const {
  std::vector<pd_ami_field> c_fields;
  c_fields.reserve(fields.size());
  for (const auto& [key, value] : fields) c_fields.push_back({key.c_str(), value.c_str()});
  char action_id[64] = {0};
  int rc = services_->ami_send(services_->host, c_fields.data(), c_fields.size(), action_id,
                               sizeof action_id);
  switch (rc) {
    case PD_OK:
      return std::string(action_id);
    case PD_ENOLINK:
      return pd::fail(pd::Error::unavailable("AMI link is down"));
    case PD_EAGAIN:
      return pd::fail(pd::Error::limit("AMI send queue is full"));
    case PD_EINVAL:
      return pd::fail(pd::Error::invalid("AMI action refused by the host"));
    default:
      return pd::fail(pd::Error::internal("ami_send failed: " + std::to_string(rc)));
  }
}

bool HostLink::panel_send(std::string_view agent, const std::string& json) const {
  std::string agent_z(agent);
  return services_->panel_send(services_->host, agent_z.c_str(), json.c_str()) == PD_OK;
}

namespace {
// The host calls exactly one of these, once, for every accepted post (see
// "Posted work" in pd_plugin.h); both are C entry points, hence noexcept.
struct PostedTask {
  std::function<void()> task;
  const pd_host_services_v1* services;
};

void run_posted(void* arg) noexcept {
  std::unique_ptr<PostedTask> posted(static_cast<PostedTask*>(arg));
  guard_c_edge(posted->services, "posted task", [&] { posted->task(); });
}

void drop_posted(void* arg) noexcept {
  // Never run: the host is stopping the plugin. Destroying the task frees
  // what it captured.
  delete static_cast<PostedTask*>(arg);
}
}  // namespace

bool HostLink::post(std::function<void()> task) const {
  auto* boxed = new PostedTask{std::move(task), services_};
  if (services_->post(services_->host, &run_posted, boxed, &drop_posted) == PD_OK) return true;
  delete boxed;
  return false;
}

std::optional<pd_ami_pacing> HostLink::ami_pacing() const {
  if (!reports_writes()) return std::nullopt;
  pd_ami_pacing out{};
  out.struct_size = sizeof out;
  if (services_->ami_pacing(services_->host, &out) != PD_OK) return std::nullopt;
  return out;
}

bool HostLink::http_reply(uint64_t id, int status, const std::string& json) const {
  if (!serves_http()) return false;
  return services_->http_reply(services_->host, id, status, json.c_str()) == PD_OK;
}

void HostLink::log(pd_log_level level, const std::string& message) const {
  services_->log(services_->host, level, message.c_str());
}

}  // namespace pd::plugin
