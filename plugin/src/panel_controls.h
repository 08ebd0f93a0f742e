// The panel messages of the agent's controls (docs/panel-protocol.md):
// agent.controls (wrap-up, own pause, the reasons offered, the state in each
// queue) and agent.today (the day's figures), built from plain values.
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pd::plugin {

// The agent's state in one queue: "paused" (with the reason), "in call",
// "available" or "unavailable" (the device is not usable: Status not 1/2).
struct QueueMembership {
  std::string queue;
  std::string state;
  std::string reason;  // paused only
};

struct ControlsView {
  std::vector<std::string> reasons;  // what the agent may pause for
  bool paused = false;               // their own pause
  std::string pause_reason;
  int64_t paused_since_ms = 0;
  bool wrapup = false;
  std::string wrapup_call_id;
  std::string wrapup_campaign;
  int64_t wrapup_started_ms = 0;
  int64_t wrapup_ends_ms = 0;  // 0: until the disposition is saved
  std::vector<QueueMembership> queues;
  int64_t now_ms = 0;  // the engine's clock, so the panel's timer does not trust the PC's
};
std::string agent_controls_json(const ControlsView& view);

struct TodayView {
  std::string day;  // YYYY-MM-DD in the zone counted in
  uint64_t calls = 0;
  int64_t talk_seconds = 0;
  uint64_t wrapups = 0;
  int64_t wrapup_seconds = 0;
  uint64_t pauses = 0;
  int64_t pause_seconds = 0;
  std::vector<std::pair<std::string, uint64_t>> dispositions;
};
std::string agent_today_json(const TodayView& view);

}  // namespace pd::plugin
