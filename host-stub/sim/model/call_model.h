// pbx-sim's call model: what a dialed number does - answers after how long
// and talks for how long, or is busy, never answers, fails - as the scenario's
// number rules say. Shared by pbx-sim (which turns a draw into AMI events) and
// bench-predictive (which runs the engine core's pacer against it in virtual
// time), so both see one model.
//
// Pure: no I/O, no clock, no randomness of its own. The caller passes the
// moment of the dial (simulated time since start and the dial's ordinal) and
// the call's own generator; the same rule, moment and generator state give
// the same draw. The rules are read-only once built (pbx-sim parses them from
// the scenario JSON, ../src/scenario.cpp); their sizes are bounded there
// (AnswerRate::kMaxPoints, NumberRule::kMaxUnanswered).
//
// Threads: the functions are reentrant; a Rng is not thread-safe (one per
// call).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dial_pattern.h"
#include "rng.h"
#include "sim_time.h"

namespace pd::sim {

// A duration drawn uniformly from [min, max].
struct Range {
  SimMs min = 0;
  SimMs max = 0;
  SimMs draw(Rng& rng) const { return rng.between(min, max); }
  static Range fixed(SimMs ms) { return {ms, ms}; }
};

// A log-normal duration with the given mean (not median) and shape sigma
// (the standard deviation of its logarithm). Two draws (Box-Muller).
struct LogNormal {
  double mean_s = 120;
  double sigma = 0.8;
  SimMs draw(Rng& rng) const;
};

// When a dial happens: the simulated time since start and its ordinal (0 for
// the first number the model decides, 1 for the next...).
struct DialMoment {
  SimMs since_start = 0;
  uint64_t ordinal = 0;
};

// The share of dials a rule answers, varying over the run: piecewise linear
// between points, flat before the first and after the last. The points are
// on one axis: simulated time (`at` in ms since start) or the dial's ordinal.
struct AnswerRate {
  static constexpr size_t kMaxPoints = 1000;
  enum class Axis { kTime, kDials };
  struct Point {
    int64_t at = 0;   // ms since start, or a dial ordinal
    double rate = 0;  // in [0, 1]
  };
  Axis axis = Axis::kTime;
  std::vector<Point> points;  // at least one, strictly increasing `at`

  static AnswerRate constant(double rate) { return {Axis::kTime, {{0, rate}}}; }
  double at(const DialMoment& moment) const;
};

// kSilent: answers and says nothing (AMD cannot decide: NOTSURE).
enum class Outcome {
  kAnswer,
  kBusy,
  kNoAnswer,
  kCongestion,
  kUnallocated,
  kMachine,
  kDtmf,
  kSilent
};
std::string_view to_string(Outcome outcome);
// A party picks up: answer, machine, dtmf, silent.
bool answers(Outcome outcome);

struct NumberRule {
  static constexpr size_t kMaxUnanswered = 16;
  std::optional<DialPattern> pattern;  // none: the default rule
  Outcome outcome = Outcome::kAnswer;
  Range answer_after = {1000, 2000};        // answer, machine, dtmf
  Range talk = {6000, 10000};               // answer, dtmf; machine: greeting length
  std::optional<LogNormal> talk_lognormal;  // instead of `talk` when set
  Range after = {0, 0};             // busy, congestion, unallocated: delay before the signal
  Range tone = {3000, 3000};        // busy, congestion when the call is already up (local first)
  Range ring = {60000, 60000};      // noanswer when the call is already up (local first)
  Range dtmf_after = {1000, 1000};  // dtmf: after the answer
  std::string digit = "1";
  std::string amd_cause;  // empty: MACHINE/HUMAN default cause
  // unallocated: how often the OriginateResponse comes before the channels
  // exist (real-behaviours/originateresponse-before-newchannel.jsonl).
  double originate_response_first = 0;
  // Answering outcomes only. When set, a dial gets this rule with the
  // probability answer_rate.at(moment), otherwise one of `unanswered` (picked
  // by share; never empty when answer_rate is set).
  std::optional<AnswerRate> answer_rate;
  std::vector<NumberRule> unanswered;  // no pattern, no answer_rate of their own
  double share = 1;                    // weight among its siblings in `unanswered`

  // The talk time (machine: the greeting): one draw from `talk` (uniform)
  // or `talk_lognormal`.
  SimMs draw_talk(Rng& rng) const;
};

// The first rule whose pattern matches `number`, else `fallback`.
const NumberRule& match_rule(std::span<const NumberRule> rules, const NumberRule& fallback,
                             std::string_view number);

// The rule that decides one dial: `rule` itself, or - when it has an
// answer_rate - itself with probability answer_rate.at(moment), else one of
// its `unanswered` rules by share. Takes one draw from `rng` only when the
// rule has an answer_rate (so scenarios without one draw as before). The
// reference points into `rule`.
const NumberRule& pick_rule(const NumberRule& rule, const DialMoment& moment, Rng& rng);

// One dial decided at once, for a caller that does not stage its events
// (bench-predictive). pbx-sim draws the same things in the same order as the
// call goes: pick_rule, then answer_after (answering) or after (busy,
// congestion, unallocated), then the talk time at the answer.
struct CallDraw {
  const NumberRule* rule = nullptr;      // the picked rule
  Outcome outcome = Outcome::kNoAnswer;  // kNoAnswer too when the answer came too late
  bool answered = false;                 // a party picked up before the ring timeout
  SimMs after = 0;                       // dial to answer, or dial to the failure
  SimMs talk = 0;                        // answered: how long the party stays
};
CallDraw draw_call(const NumberRule& rule, const DialMoment& moment, SimMs ring_timeout, Rng& rng);

}  // namespace pd::sim
