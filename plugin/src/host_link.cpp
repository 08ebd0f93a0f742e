#include "host_link.h"

#include <memory>

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
void run_posted(void* arg) {
  std::unique_ptr<std::function<void()>> task(static_cast<std::function<void()>*>(arg));
  (*task)();
}
}  // namespace

bool HostLink::post(std::function<void()> task) const {
  auto* boxed = new std::function<void()>(std::move(task));
  if (services_->post(services_->host, &run_posted, boxed) == PD_OK) return true;
  delete boxed;
  return false;
}

void HostLink::log(pd_log_level level, const std::string& message) const {
  services_->log(services_->host, level, message.c_str());
}

}  // namespace pd::plugin
