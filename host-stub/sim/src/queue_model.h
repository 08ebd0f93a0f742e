// Queues, their members and the agents (devices) behind the members.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scenario.h"

namespace pd::sim {

// Counts of live entries by ticket, for a caller's position in O(log n).
class PositionIndex {
 public:
  void set(uint64_t ticket, int delta) {
    grow(ticket);
    for (uint64_t i = ticket; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
  }
  // Live entries with ticket <= `ticket`.
  int64_t count_up_to(uint64_t ticket) const {
    int64_t sum = 0;
    for (uint64_t i = std::min<uint64_t>(ticket, tree_.size() - 1); i > 0; i -= i & (~i + 1))
      sum += tree_[i];
    return sum;
  }
  void clear() { tree_.assign(1, 0); }

 private:
  void grow(uint64_t ticket) {
    if (ticket < tree_.size()) return;
    // Rebuild into a doubled tree: O(n) now and then, O(log n) per call.
    std::vector<int64_t> values(tree_.size(), 0);
    for (uint64_t i = 1; i < tree_.size(); ++i) values[i] = count_up_to(i) - count_up_to(i - 1);
    size_t size = std::max<size_t>(tree_.size() * 2, 64);
    while (size <= ticket) size *= 2;
    tree_.assign(size, 0);
    for (uint64_t i = 1; i < values.size(); ++i)
      if (values[i] != 0)
        for (uint64_t j = i; j < tree_.size(); j += j & (~j + 1)) tree_[j] += values[i];
  }
  std::vector<int64_t> tree_ = std::vector<int64_t>(1, 0);
};

struct Member;
struct Queue;

// One device (Local/101@sim-agents) that may sit in several queues.
struct Agent {
  std::string device;
  std::string exten;
  std::string context;
  AgentSpec profile;      // timing from the scenario (or its agent_defaults)
  bool ringable = false;  // a Local channel into an "agents" context
  int busy = 0;           // live channels on this device
  std::vector<Member*> memberships;
};

struct Member {
  Queue* queue = nullptr;
  Agent* agent = nullptr;
  std::string interface;
  std::string name;
  std::string state_interface;
  int penalty = 0;
  bool paused = false;
  std::string paused_reason;
  int64_t login_time = 0;
  int64_t last_pause = 0;
  int64_t last_call = 0;
  int calls_taken = 0;
  bool in_call = false;
  bool dynamic = true;          // QueueAdd; false: a queues.conf (scenario) member
  bool ringing_for_us = false;  // reserved by one of this queue's callers

  // Asterisk's device state numbers: 1 not in use, 2 in use, 4 invalid.
  int status() const {
    if (!agent->ringable) return 4;
    return agent->busy > 0 ? 2 : 1;
  }
  bool available() const { return agent->ringable && !paused && agent->busy == 0; }
};

struct Queue {
  const QueueSpec* spec = nullptr;
  std::vector<std::unique_ptr<Member>> members;  // in join order
  size_t rr_next = 0;
  // Callers ready for an agent now, by ticket (join order).
  std::map<uint64_t, uint64_t> waiting;
  PositionIndex positions;  // every caller in the queue, waiting or ringing
  int64_t callers = 0;
  uint64_t next_ticket = 1;
  // Statistics as app_queue keeps them.
  int completed = 0;
  int abandoned = 0;
  int completed_in_sl = 0;
  int64_t holdtime = 0;
  int64_t talktime = 0;

  Member* find_member(std::string_view interface) const {
    for (const auto& m : members)
      if (m->interface == interface) return m.get();
    return nullptr;
  }
};

}  // namespace pd::sim
