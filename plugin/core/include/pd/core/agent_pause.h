// Wrap-up and the agent's own pauses: when an agent is paused in which queues,
// with which reason, and when the pause ends.
//
//   Wrap-up: a dialer call the agent took ended. The agent is paused in the
//   campaign's queue with the reason "wrap-up" (AMI QueuePause) until the
//   call's disposition is saved or the campaign's wrap-up timeout ends
//   (wrapup_seconds; 0 = until saved). A campaign that offers no disposition
//   (nothing to save) has a wrap-up only with a timeout. At the end the agent
//   is unpaused in that queue - but only where the pause is still the
//   wrap-up one: an agent who paused themselves meanwhile (pause()), or whom
//   someone else paused with another reason, stays paused.
//   From the call's end on, the agent counts as busy for pacing (busy()),
//   whatever the queue view says, so that no call slips through between the
//   hang-up and the QueuePause taking effect.
//
//   Agent's pause: pause(reason) pauses every interface of the agent in all
//   its queues (QueuePause without Queue); unpause() lifts it - except in the
//   wrap-up's queue while a wrap-up runs, where the wrap-up pause comes back.
//
//   After a restart the engine knows no wrap-up, but Asterisk may still show
//   members paused with "wrap-up": resume() adopts such a pause when the
//   agent still has a call to tag (the wrap-up runs again, its timeout
//   counted from the adoption) and lifts it when not.
//
// Pure: no clock read, nothing sent. Each call returns the QueuePause actions
// to send (PauseAction); the engine (plugin/src/engine_wrapup.cpp) sends them
// and records the periods.
// Threads: none; not thread-safe (the host loop only).
// Bounds: one wrap-up and one pause per agent; agents are those of the PBX.
// The engine forgets an agent's entry with forget() when nothing is left.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pd/core/clock.h"
#include "pd/core/queue_view.h"
#include "pd/result.h"

namespace pd::core {

// The QueuePause Reason of a wrap-up pause (reserved: no agent reason may be it).
inline constexpr std::string_view kWrapupReason = "wrap-up";
// Bounds of the campaign setting wrapup_seconds.
inline constexpr int kMaxWrapupSeconds = 3600;

// One QueuePause action.
struct PauseAction {
  std::string interface;
  std::string queue;  // empty: all the interface's queues
  bool paused = false;
  std::string reason;  // with paused only
  bool operator==(const PauseAction&) const = default;
};

// A wrap-up under way.
struct Wrapup {
  std::string call_id;  // the call whose disposition ends it
  int64_t campaign_id = 0;
  std::string queue;  // the campaign's queue it pauses
  EpochMs started_ms = 0;
  EpochMs ends_ms = 0;   // 0: until the disposition is saved
  bool adopted = false;  // resumed after a restart
};

// An agent's own pause.
struct AgentPause {
  std::string reason;
  EpochMs since_ms = 0;
  bool seen = false;  // the queue view has shown a member paused with it
};

// How a wrap-up (or pause) ended, for the records: saved (a pause: the
// agent unpaused), the timeout, replaced by a newer one, or lifted
// elsewhere (kStale: the queues show the agent unpaused, e.g. from the phone).
enum class WrapupEnd { kSaved, kTimeout, kReplaced, kStale };
// "saved", "timeout", "replaced", "stale".
std::string_view to_string(WrapupEnd end) noexcept;

// What a decision did: the actions to send, the period that started and the
// one that ended (for the dialer_agent_events rows), if any.
struct PauseEffects {
  std::vector<PauseAction> actions;
  std::optional<Wrapup> started_wrapup;
  std::optional<AgentPause> started_pause;
  std::optional<Wrapup> ended_wrapup;
  std::optional<AgentPause> ended_pause;
  WrapupEnd how = WrapupEnd::kSaved;  // how ended_wrapup / ended_pause ended
  EpochMs ended_ms = 0;
};

// Checks the global setting pause_reasons: a comma-separated list of 1 to
// kMaxPauseReasons reasons, each (trimmed) 1..kMaxPauseReasonLength
// characters of [A-Za-z0-9 ._'()/&+-], not "wrap-up", no two alike (case
// ignored). Ok: the reasons in order. The same rule as the Settings page
// (tests/data/validation-cases.json, pause_reasons).
inline constexpr size_t kMaxPauseReasons = 20;
inline constexpr size_t kMaxPauseReasonLength = 32;
pd::Result<std::vector<std::string>> parse_pause_reasons(std::string_view text);
// The campaign setting as the form sends it: 1..4 digits, 0..kMaxWrapupSeconds.
bool is_wrapup_seconds(std::string_view text);

class PauseDesk {
 public:
  // A dialer call `call_id` the agent took ended at `now`. `prompted`: the
  // agent has its disposition to save. Starts a wrap-up unless the campaign
  // has none (no queue, or seconds 0 and nothing to save); a wrap-up under
  // way for an older call is replaced (ended as kReplaced). Pauses each of
  // `interfaces` that is a member of `queue` (in `queues`).
  PauseEffects call_ended(const std::string& agent, const std::string& call_id, int64_t campaign_id,
                          const std::string& queue, int wrapup_seconds, bool prompted,
                          const std::vector<std::string>& interfaces, const QueueView& queues,
                          EpochMs now);
  // The disposition of `call_id` was saved: ends the wrap-up it started
  // (nothing when another call's, or none).
  PauseEffects disposition_saved(const std::string& agent, std::string_view call_id,
                                 const std::vector<std::string>& interfaces,
                                 const QueueView& queues, EpochMs now);
  // Wrap-ups whose timeout is reached at `now`: the agents.
  std::vector<std::string> expired(EpochMs now) const;
  // Ends the agent's wrap-up at its timeout (call for each of expired()).
  PauseEffects timeout(const std::string& agent, const std::vector<std::string>& interfaces,
                       const QueueView& queues, EpochMs now);
  // The earliest wrap-up timeout, or 0 when none runs.
  EpochMs next_timeout() const;

  // The agent asked to pause with `reason` (checked against `allowed` by the
  // caller). Pauses every interface in all its queues; a pause under way
  // changes its reason (the old one ends as kReplaced).
  PauseEffects pause(const std::string& agent, const std::string& reason,
                     const std::vector<std::string>& interfaces, EpochMs now);
  // The agent asked to unpause: their pause ends; every interface is
  // unpaused in all its queues, except in the wrap-up's queue while a
  // wrap-up runs, where it is paused with "wrap-up" again. Works when the
  // agent was paused by someone else too (the queues show it).
  PauseEffects unpause(const std::string& agent, const std::vector<std::string>& interfaces,
                       const QueueView& queues, EpochMs now);

  // After a restart: `agent`'s members paused with "wrap-up" and no wrap-up
  // known. With a call to tag (`oldest_call_id` not empty) the wrap-up is
  // adopted for it (timeout `wrapup_seconds` from `now`; no action);
  // without, those members are unpaused. Nothing when the agent has a
  // wrap-up or is not paused for one.
  PauseEffects resume(const std::string& agent, const std::string& oldest_call_id,
                      int64_t campaign_id, int wrapup_seconds,
                      const std::vector<std::string>& interfaces, const QueueView& queues,
                      EpochMs now);
  // A queue event about the agent's members. Once the view has shown the
  // agent's own pause, a view where none of `interfaces` is paused any more
  // (unpaused from the phone or by a supervisor) ends it (kStale, no
  // action): the agent is no longer held back from calls. Before it was
  // seen (the QueuePause on its way), nothing is concluded.
  PauseEffects members_changed(const std::string& agent, const std::vector<std::string>& interfaces,
                               const QueueView& queues, EpochMs now);
  // Whether any of `interfaces` is paused with "wrap-up" in `queues`.
  static bool paused_for_wrapup(const std::vector<std::string>& interfaces,
                                const QueueView& queues);

  const Wrapup* wrapup(const std::string& agent) const;
  // Seconds each wrap-up of `campaign_id` has run at `now`, appended to
  // `out` (the predictive pacer's state). O(agents with a wrap-up or pause).
  void wrapup_elapsed(int64_t campaign_id, EpochMs now, std::vector<double>& out) const;
  const AgentPause* pause_of(const std::string& agent) const;
  // In wrap-up or paused by their own choice: not to be sent a call, even
  // while the queue view still shows a member free.
  bool busy(const std::string& agent) const;
  // Drops whatever the desk holds for the agent (no action).
  void forget(const std::string& agent);

 private:
  struct Entry {
    std::optional<Wrapup> wrapup;
    std::optional<AgentPause> pause;
  };
  PauseEffects end_wrapup(const std::string& agent, WrapupEnd how,
                          const std::vector<std::string>& interfaces, const QueueView& queues,
                          EpochMs now);
  void drop_if_empty(const std::string& agent);
  std::unordered_map<std::string, Entry> agents_;
};

}  // namespace pd::core
