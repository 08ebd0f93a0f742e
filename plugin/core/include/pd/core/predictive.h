// Predictive pacing: how many calls a predictive campaign places now so that
// agents wait as little as possible while the abandonment rate (answered calls
// no agent took within the limit) stays under the campaign's target.
//
// Two parts, both pure (no clock of their own, no I/O):
//  - PredictiveEstimates: what the campaign has learnt from its calls - the
//    answer rate, the time to answer, the talk time and the wrap-up time -
//    from a prior (a cold start dials like a careful progressive campaign)
//    updated as calls end, forgetting old calls at a fixed half-life so a
//    drifting list is followed. O(1) per update, fixed size.
//  - predict_calls(): from the live state (free agents, agents talking and for
//    how long, agents in wrap-up, calls ringing) and the estimates, the largest
//    number of new calls whose expected abandonment stays within what the
//    campaign's abandonment budget allows now. O(agents + ringing calls).
//
// The method and its equations are in docs/predictive.md.
//
// Threads: not thread-safe; the engine keeps one PredictiveEstimates per
// campaign on the host loop.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace pd::core {

struct PredictivePrior {
  double answer_rate = 0.3;      // share of dials answered by a person (AMD machines count as not)
  double answer_weight = 20;     // the prior counts as this many dials
  double answer_delay_s = 10;    // mean time from dial to answer, of answered calls
  double ring_timeout_s = 25;    // unanswered dials end evenly up to this (the prior)
  double talk_mean_s = 120;      // mean talk time
  double talk_sigma = 0.8;       // log-normal shape (sd of ln talk time)
  double wrapup_mean_s = 10;     // mean wrap-up time
  double half_life_calls = 500;  // a dial's weight halves after this many newer dials
};

// How long dials last before they end one way: a histogram of whole seconds
// (the last bucket holds everything longer), whose weights all fade by the
// same factor at each new observation. Fixed size.
class DelayHistogram {
 public:
  static constexpr int kBuckets = 128;
  // Starts with `weight` observations spread evenly over [from_s, to_s].
  DelayHistogram(double from_s, double to_s, double weight);
  void add(double seconds, double decay);
  // P(delay > seconds).
  double survival(double seconds) const;
  double mean_s() const;

 private:
  double weights_[kBuckets] = {};
  double total_ = 0;
};

class PredictiveEstimates {
 public:
  explicit PredictiveEstimates(const PredictivePrior& prior = {});

  // A dial ended: answered by a person after `delay_s`, or not (busy, no
  // answer, failed, a machine) after `delay_s`. Record dials in the order
  // they were placed, each once all earlier ones ended: failures end sooner
  // than answers, so recording them as they end would read the answer rate
  // low whenever the dialing speeds up (and dial more, and abandon more).
  void record_dial(bool answered, double delay_s);
  // A call an agent took lasted `talk_s` from connect to hang-up.
  void record_talk(double talk_s);
  // An agent's wrap-up after a call lasted `wrapup_s`.
  void record_wrapup(double wrapup_s);

  double answer_rate() const;
  // Mean time from dial to answer, of answered calls.
  double answer_delay_s() const { return answer_delays_.mean_s(); }
  // P(a call ringing for `rung_s` is answered by a person): from the answer
  // rate and how long answered and unanswered dials last.
  double answer_chance_while_ringing(double rung_s) const;
  double talk_mean_s() const;
  double wrapup_mean_s() const { return wrapup_mean_s_; }
  // P(talk > t): log-normal survival.
  double talk_survival(double t_s) const;
  // P(a call talking for `elapsed_s` ends within `horizon_s`).
  double talk_ends_within(double elapsed_s, double horizon_s) const;
  // Dials seen (all of them, not weighted).
  uint64_t dials() const { return dials_; }

 private:
  PredictivePrior prior_;
  double decay_;  // per dial
  double answered_weight_;
  double unanswered_weight_;
  DelayHistogram answer_delays_;   // dial to answer, answered dials
  DelayHistogram failure_delays_;  // dial to end, unanswered dials
  double log_talk_mean_;
  double log_talk_var_;
  double wrapup_mean_s_;
  uint64_t dials_ = 0;
};

// The spans point at the caller's data, read during predict_calls() only.
struct PredictiveState {
  int free_agents = 0;                // logged in, not paused, not in wrap-up, no call
  std::span<const double> talking_s;  // each agent on a call: seconds talked so far
  std::span<const double> wrapup_s;   // each agent in wrap-up: seconds so far
  std::span<const double>
      ringing_s;               // each call placed, not yet answered or failed: seconds since dial
  double ring_timeout_s = 25;  // a call rings at most this long
  int max_new_calls = 0;       // the concurrent ceiling less live calls, and the rate cap
  // The compliance window so far (rolling 30 days or the calendar day).
  uint64_t window_answered = 0;
  uint64_t window_abandoned = 0;
  double target = 0.03;       // abandonment target, e.g. 0.03
  double max_dial_level = 4;  // at most this many calls in flight per available agent
  // A decision that risks any abandon leaves the window room for this many
  // more at once (abandons come in bursts when agents free up late): a young
  // window, under burst_abandons / (0.9 * target) answered calls, gets one
  // call per free agent. 0: no such room (a test that wants abandons early).
  double burst_abandons = 8;
};

struct PredictiveDecision {
  int calls = 0;                // place this many now
  bool fallback = false;        // the window is at the target: one call per free agent
  double agents_expected = 0;   // agents free within the horizon (expected)
  double answers_expected = 0;  // answers expected from the calls in flight and the new ones
  double abandon_expected = 0;  // expected share of those answers no agent takes
  double allowed = 0;           // the share allowed for this decision
  double dial_level = 0;        // calls in flight (after this decision) per expected agent
  std::string why;              // one line for the log and the dashboard
};

PredictiveDecision predict_calls(const PredictiveState& state,
                                 const PredictiveEstimates& estimates);

}  // namespace pd::core
