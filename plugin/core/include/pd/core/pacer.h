// How many new calls a campaign may start now.
//
//   automatic:   concurrent_calls - live calls - queued calls of the campaign
//   progressive: free agents of its queue - calls of the campaign not yet
//                connected to an agent (a connected call already made its
//                agent busy in the queue view, so counting it again would
//                starve the campaign)
//   preview:     free agents of its queue that hold no reservation (no card
//                shown and no preview call of theirs in flight)
// never below 0; 0 when the campaign is disabled or outside its schedule
// (the caller says which via PacingInput).
//
// On top, a calls-per-second limit shared by all campaigns: a token bucket
// filled at `rate` tokens a second up to `burst` tokens, driven by the clock
// value passed in (no timers).
//
// Queued calls. A call whose Originate was handed to the host but still waits
// behind the host's AMI rate cap (ABI 2.2: ami_pacing, on_ami_written) is
// "queued", not live: it is not ringing anywhere, its time has not started,
// and the dashboard shows it apart. It still counts against the campaign's
// ceiling (concurrent_calls, the free agents), exactly as a live call does:
// once written it is live at once, so leaving it out would dial past the
// ceiling. What changes for queued calls is the host's room: no more than
// one second of the host's cap (at least kMinHostBacklog actions) is handed
// over ahead of it (host_room), so that leads wait in the hopper - where a
// pause, the schedule or the do-not-call list still reach them - rather
// than in the host's queue, where nothing can take them back. docs/rates.md.
//
// Threads: not thread-safe; one owner thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pd/core/campaign.h"
#include "pd/core/clock.h"
#include "pd/core/queue_view.h"

namespace pd::core {

struct PacingInput {
  DialMode mode = DialMode::kProgressive;
  bool may_dial = true;      // enabled and inside the schedule
  int concurrent_calls = 0;  // automatic's ceiling
  int live_calls = 0;        // calls of the campaign on the wire, not yet ended
  int queued_calls = 0;      // calls handed to the host, not yet written (still count)
  int awaiting_agent = 0;    // live or queued calls not yet connected to an agent
  int free_agents = 0;       // QueueView::free_count(queue)
  int reserved_agents = 0;   // preview: free agents that already hold a card or a call
};

// Calls wanted now, before the calls-per-second limit.
int calls_wanted(const PacingInput& input);

// AMI actions one call costs the host: its Originate, and the DBDelTree of
// its milestones when it ends (docs/milestones.md).
inline constexpr int kAmiActionsPerCall = 2;
// Actions the engine may keep waiting in the host's queue at least, however
// low the host's cap.
inline constexpr int kMinHostBacklog = 2;

// What the host says of its AMI queue (ABI 2.2 ami_pacing).
struct HostQueue {
  bool known = false;     // false: an older host, that neither caps visibly nor reports
  int queued = 0;         // this engine's actions waiting behind the cap
  double rate_per_s = 0;  // the host's cap, actions a second; <= 0: none
};

// How many more Originates may be handed to the host now: its backlog is
// kept to one second of its cap (at least kMinHostBacklog actions), minus
// what already waits there and `starting` (calls granted, not handed yet).
// Unlimited (INT_MAX / 2) when the host does not report or has no cap.
int host_room(const HostQueue& host, int starting);

// Calls a second the host's cap lets through (cap / kAmiActionsPerCall);
// 0 when there is no cap (or it is not known).
double host_calls_per_second(double host_rate_per_s);

// Why the admin's calls-per-second setting cannot be reached, or "" when it
// can: the host's cap carries fewer calls a second than `setting_cps`
// (0 = the engine's own limit is off: any cap is then the limit).
// E.g. "calls_per_second 200 needs about 400 AMI actions a second; panelhost's
// ami.rate is 100, so calls start at about 50 a second and the rest wait
// queued in panelhost".
std::string host_rate_shortfall(double setting_cps, double host_rate_per_s);

// Preview: the free agents of `queue` to reserve a lead for, i.e. those for
// whom `has_reservation(interface)` is false. O(members of the queue).
std::vector<std::string> preview_candidates(
    const QueueView& queues, std::string_view queue,
    const std::function<bool(std::string_view interface)>& has_reservation);

class RateLimiter {
 public:
  // `rate_per_s` <= 0 means unlimited. `burst` < 1 is taken as 1 (a bucket
  // must hold at least one whole call). Starts full.
  explicit RateLimiter(double rate_per_s, double burst = 0, EpochMs now = 0);

  void set_rate(double rate_per_s, double burst, EpochMs now);
  bool unlimited() const { return rate_ <= 0; }

  // Whole tokens available at `now` (INT32_MAX-ish when unlimited).
  int available(EpochMs now);
  // Takes up to `wanted` tokens; returns how many were taken.
  int take(int wanted, EpochMs now);
  // Milliseconds from `now` until one more token is there (0 if there is one).
  EpochMs wait_ms(EpochMs now);
  // Puts back tokens taken but not used, never above the bucket size.
  void refund(int tokens, EpochMs now);

 private:
  void refill(EpochMs now);

  double rate_ = 0;   // tokens per second
  double burst_ = 1;  // bucket size
  double tokens_ = 0;
  EpochMs last_ = 0;
};

// Joins the per-campaign count to the shared limiter.
class Pacer {
 public:
  explicit Pacer(double calls_per_second, EpochMs now = 0)
      : limiter_(calls_per_second, calls_per_second, now) {}

  RateLimiter& limiter() { return limiter_; }

  // min(calls_wanted(input), tokens); the tokens granted are taken.
  int grant(const PacingInput& input, EpochMs now) {
    return limiter_.take(calls_wanted(input), now);
  }
  // Gives back tokens granted but not used (e.g. the hopper had fewer leads).
  void give_back(int unused, EpochMs now);

 private:
  RateLimiter limiter_;
};

}  // namespace pd::core
