// A host for the engine's unit tests: the services table of
// paneldialer/pd_plugin.h backed by vectors. It records the AMI actions the
// engine sends (giving each an ActionID "a<n>"), the panel messages and the
// log lines, and keeps posted work until the test runs it (run_posted()), as
// the host loop would; what is still queued when it goes away is dropped
// (drop(arg)), as the ABI's posted-work rule says. Test-only code; one thread.
#pragma once

#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "paneldialer/pd_plugin.h"

namespace pd::testing {

using Action = std::vector<std::pair<std::string, std::string>>;

class FakeHost {
 public:
  FakeHost() {
    services_.struct_size = sizeof services_;
    services_.abi_version = PD_ABI_VERSION;
    services_.host = reinterpret_cast<pd_host*>(this);
    services_.ami_send = &FakeHost::ami_send;
    services_.panel_send = &FakeHost::panel_send;
    services_.post = &FakeHost::post;
    services_.log = &FakeHost::log;
    services_.plugin_dir = "/nonexistent-plugin-dir";
  }
  ~FakeHost() { drop_posted(); }

  // What the host does before a plugin's stop(): queued work is dropped.
  void drop_posted() {
    while (!posted_.empty()) {
      Posted item = posted_.front();
      posted_.pop_front();
      item.drop(item.arg);
    }
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const pd_host_services_v1* services() const { return &services_; }

  // Runs posted work until none is left (work may post more).
  void run_posted() {
    while (!posted_.empty()) {
      Posted item = posted_.front();
      posted_.pop_front();
      item.fn(item.arg);
    }
  }

  // ami_send answers PD_ENOLINK while false (as while the link is down).
  bool link_up = true;

  struct Sent {
    std::string action_id;
    Action fields;
    std::string get(const std::string& key) const {
      for (const auto& [k, v] : fields) {
        if (k == key) return v;
      }
      return "";
    }
  };
  const std::vector<Sent>& sent() const { return sent_; }
  std::vector<Sent> sent_named(const std::string& action) const {
    std::vector<Sent> out;
    for (const auto& s : sent_) {
      if (s.get("Action") == action) out.push_back(s);
    }
    return out;
  }
  // The panel messages sent to `agent`, oldest first.
  std::vector<std::string> panel(const std::string& agent) const {
    auto it = panel_.find(agent);
    return it == panel_.end() ? std::vector<std::string>{} : it->second;
  }
  // How many of them contain `needle`.
  size_t panel_count(const std::string& agent, const std::string& needle) const {
    size_t n = 0;
    for (const auto& json : panel(agent)) n += json.find(needle) != std::string::npos;
    return n;
  }
  const std::vector<std::string>& logs() const { return logs_; }
  bool logged(const std::string& needle) const {
    for (const auto& line : logs_) {
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }

 private:
  static FakeHost& self(pd_host* host) { return *reinterpret_cast<FakeHost*>(host); }

  static int ami_send(pd_host* host, const pd_ami_field* fields, size_t n, char* action_id_out,
                      size_t cap) {
    FakeHost& h = self(host);
    if (!h.link_up) return PD_ENOLINK;
    Sent sent;
    sent.action_id = "a" + std::to_string(++h.next_id_);
    for (size_t i = 0; i < n; ++i) sent.fields.emplace_back(fields[i].key, fields[i].value);
    if (action_id_out != nullptr && cap > sent.action_id.size()) {
      std::memcpy(action_id_out, sent.action_id.c_str(), sent.action_id.size() + 1);
    }
    h.sent_.push_back(std::move(sent));
    return PD_OK;
  }
  static int panel_send(pd_host* host, const char* agent, const char* json) {
    self(host).panel_[agent].push_back(json);
    return PD_OK;
  }
  static int post(pd_host* host, pd_task_fn fn, void* arg, pd_drop_fn drop) {
    self(host).posted_.push_back({fn, arg, drop});
    return PD_OK;
  }
  static void log(pd_host* host, pd_log_level, const char* message) {
    self(host).logs_.emplace_back(message);
  }

  pd_host_services_v1 services_{};
  std::vector<Sent> sent_;
  struct Posted {
    pd_task_fn fn;
    void* arg;
    pd_drop_fn drop;
  };
  std::deque<Posted> posted_;
  std::vector<std::string> logs_;
  std::map<std::string, std::vector<std::string>> panel_;
  int next_id_ = 0;
};

}  // namespace pd::testing
