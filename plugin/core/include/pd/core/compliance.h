// The compliance audit's facts: for each Originate, every check the dialer
// made and the value it saw at that moment (issue 12). The engine builds them
// in Engine::originate() right before the call goes out and the store writes
// them as one dialer_compliance_audit row (migration 0018).
//
// What is recorded, each independently of the others (a failed check does
// not hide the next one):
//   - do-not-call: whether the pre-dial lookup answered, and whether it listed
//     the number (an Originate happens only on "answered, not listed": the
//     row proves it);
//   - the called party's zone (the number's own, else the campaign's) and
//     local wall-clock time, the campaign's window (hours, week days) and
//     whether the window was open in both zones (pd::core::hours_gate);
//   - the campaign's mode, and its pacing figures (pd/core/pacing_figures.h):
//     abandonment rate, target, counts over the window, dial level, fallback;
//     the window's name ("30d", "day") as the campaign sets it.
//
// Threads: pure functions of their arguments; the values are plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pd/core/campaign.h"
#include "pd/core/clock.h"
#include "pd/core/dial_gate.h"
#include "pd/core/lead.h"
#include "pd/core/pacing_figures.h"
#include "pd/core/schedule.h"

namespace pd::core {

struct ComplianceFacts {
  std::string call_id;
  int64_t campaign_id = 0;
  uint64_t number_id = 0;
  std::string number;
  EpochMs at_ms = 0;  // the Originate, UTC
  std::string mode;   // to_string(DialMode)
  // Do-not-call.
  bool dnc_checked = false;  // the lookup answered (kClear or kListed)
  bool dnc_listed = false;
  // The called party's local time against the campaign's window.
  std::string party_zone;             // IANA name: the number's own zone, else the campaign's
  std::optional<EpochS> party_local;  // its wall clock, as seconds "as if UTC"; none: zone unknown
  int32_t window_start_s = 0;         // the campaign's hours, seconds after local midnight
  int32_t window_end_s = 0;
  std::string window_days;     // "mon,tue,..." (format_week_days)
  bool window_ok = false;      // open now in the campaign's zone and in the number's
  std::string window_verdict;  // to_string(hours_gate(...).verdict): "dial" when ok
  // The campaign's abandonment and pacing at that moment.
  PacingFigures figures;
  std::string abandon_window;  // "30d", "day"; empty: the campaign sets none
};

struct ComplianceInput {
  std::string_view call_id;
  const Lead& lead;
  const Campaign& campaign;
  const Schedule& schedule;  // the campaign's, in its own zone
  DncAnswer dnc = DncAnswer::kUnknown;
  EpochMs now_ms = 0;
  const PacingFigures& figures;
  std::string_view abandon_window;
};

// The facts of one Originate. O(1) when the window is open (the Originate's
// case); a closed window in the number's zone also looks for the next common
// opening (hours_gate), at most 64 window steps.
ComplianceFacts make_facts(const ComplianceInput& in);

}  // namespace pd::core
