// A host for the engine's unit tests: the services table of
// paneldialer/pd_plugin.h backed by vectors. It records the AMI actions the
// engine sends (giving each an ActionID "a<n>"), the panel messages and the
// log lines, and keeps posted work until the test runs it (run_posted()), as
// the host loop would; what is still queued when it goes away is dropped
// (drop(arg)), as the ABI's posted-work rule says.
//
// The host's AMI queue (ABI 2.2), when model_queue() turned it on: every
// action ami_send accepts waits in a queue behind a rate cap until the test
// writes it (write_queued: the host's on_ami_written report, with the time
// the test gives), or drops it with the link (drop_queue); ami_pacing
// reports the queue and the cap. Without it the table has no ami_pacing and
// actions count as written at once, as with a 2.1 host. Test-only code; one
// thread.
#pragma once

#include <cstddef>
#include <cstring>
#include <deque>
#include <functional>
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

  // A 2.2 host with an AMI queue capped at `rate_per_s`. `written` is called
  // for each action write_queued() writes (the test points it at the
  // engine's on_ami_written).
  void model_queue(double rate_per_s,
                   std::function<void(const std::string& action_id, int64_t epoch_ms)> written) {
    services_.ami_pacing = &FakeHost::ami_pacing;
    queue_rate_ = rate_per_s;
    on_written_ = std::move(written);
  }
  // The services table as a 2.1 host lays it out (ends before ami_pacing).
  void shrink_to_2_1() {
    services_.struct_size = uint32_t(offsetof(pd_host_services_v1, ami_pacing));
    services_.abi_version = PD_ABI_MAKE_VERSION(2, 1);
  }
  // Writes the first `n` queued actions (all when n < 0) at `epoch_ms`, in
  // order; returns how many.
  int write_queued(int n, int64_t epoch_ms) {
    int done = 0;
    while (!queue_.empty() && (n < 0 || done < n)) {
      const size_t index = queue_.front();
      queue_.pop_front();
      sent_[index].written_ms = epoch_ms;
      ++done;
      if (on_written_) on_written_(sent_[index].action_id, epoch_ms);
    }
    return done;
  }
  // The link went down: what waits is discarded, never reported.
  void drop_queue() { queue_.clear(); }
  size_t queued() const { return queue_.size(); }

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
    int64_t written_ms = 0;  // model_queue(): when written (0: waiting or dropped)
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
    if (h.services_.ami_pacing != nullptr) h.queue_.push_back(h.sent_.size() - 1);
    return PD_OK;
  }
  static int ami_pacing(pd_host* host, pd_ami_pacing* out) {
    FakeHost& h = self(host);
    if (out == nullptr || out->struct_size < sizeof(pd_ami_pacing)) return PD_EINVAL;
    out->queued = uint32_t(h.queue_.size());
    out->queued_all = uint32_t(h.queue_.size());
    out->queue_max = 10000;
    out->rate_per_s = h.queue_rate_;
    out->oldest_wait_ms = 0;
    ++h.pacing_reads;
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
  std::deque<size_t> queue_;  // indexes into sent_, oldest first
  double queue_rate_ = 0;
  std::function<void(const std::string&, int64_t)> on_written_;

 public:
  int pacing_reads = 0;
};

}  // namespace pd::testing
