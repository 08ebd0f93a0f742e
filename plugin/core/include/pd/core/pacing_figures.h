// The live pacing figures of one campaign: what the dashboard shows
// (dialer_campaign_status, and a sample a minute for the day's chart) and
// what the compliance audit records beside each Originate.
//
// The engine's pacing fills them (the predictive pacer for a predictive
// campaign; the plain figures of one call per free agent for the others);
// the status writer and the audit only read them.
//
// Threads: a value type; the engine keeps one per campaign on the host loop.
#pragma once

#include <cstdint>

namespace pd::core {

struct PacingFigures {
  double dial_level = 0;            // calls in flight per available agent, after the last decision
  double answer_rate_pct = 0;       // the answer-rate estimate the pacer uses, in %
  double abandon_rate_pct = 0;      // measured over the campaign's window, in %
  int64_t abandoned_in_window = 0;  // answered live calls no agent took within the limit
  int64_t answered_in_window = 0;   // answered live calls (AMD machines excluded)
  double abandon_target_pct = 3;    // the campaign's target, in %
  double occupancy_pct = 0;  // talk time / logged-in time of the campaign's agents today, in %
  bool fallback = false;     // the rate reached the target: one call per free agent
};

}  // namespace pd::core
