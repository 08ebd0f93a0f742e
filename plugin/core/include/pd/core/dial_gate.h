// The dial gate: the one rule every mode (automatic, progressive, preview)
// asks, right before a number is dialed, whether it may be dialed now.
//
//   1. do-not-call: a listed number is never dialed (the store closes it as
//      dnc); when the lookup failed the number waits - it is neither dialed
//      nor closed.
//   2. recall rules: a number whose attempts are used up (the admin lowered
//      dial_attempts after it was queued) is not dialed again; a predictive
//      campaign does not dial a number whose call was abandoned less than
//      abandon_recall_hours ago (kLeadClosed until then: given back, not
//      before that time).
//   3. hours: the campaign's window, in the campaign's zone; and, when the
//      lead has its own time zone, the same window in the lead's zone too -
//      calling hours are the called person's local hours. A lead whose zone
//      cannot be loaded is not dialed (its local time is unknown).
//
// may_offer() is the same gate without the do-not-call rule: a preview card is
// shown only for a lead that passes it (the store already dropped listed
// numbers at the claim; may_dial() checks the list again at Dial).
//
// Threads: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pd/core/campaign.h"
#include "pd/core/clock.h"
#include "pd/core/lead.h"
#include "pd/core/schedule.h"

namespace pd::core {

// What the pre-dial do-not-call lookup said about the lead's number.
enum class DncAnswer {
  kClear,    // not on the list
  kListed,   // on the list
  kUnknown,  // the lookup failed (database away)
};

enum class GateVerdict {
  kDial,            // dial now
  kDoNotCall,       // close the number as dnc
  kDncUnknown,      // keep the lead and ask again later
  kCampaignClosed,  // outside the campaign's window: give the lead back
  kLeadClosed,      // open for the campaign, not in the lead's zone: give it back until `retry_at`
  kLeadNeverOpen,   // the two windows never meet again (dates over, or hours that never
                    // overlap): fail it (reason)
  kBadLeadZone,     // the lead's zone is unknown: fail it (reason)
  kAttemptsUsed,    // no attempt left: fail it (reason)
};
std::string_view to_string(GateVerdict verdict) noexcept;  // "dial", "dnc", ...

struct GateDecision {
  GateVerdict verdict = GateVerdict::kDial;
  EpochS retry_at = 0;  // kLeadClosed: the first second both windows are open
  std::string reason;   // empty for kDial; else a sentence for the log and the admin
  bool dial() const { return verdict == GateVerdict::kDial; }
};

// `schedule` is the campaign's (its own zone); `now` in UTC seconds.
GateDecision may_dial(const Lead& lead, const Campaign& campaign, const Schedule& schedule,
                      DncAnswer dnc, EpochS now);
// The first second at or after `from` when both schedules are open; none
// when they do not meet within about a month of daily windows (64 openings),
// or one of them never opens again.
std::optional<EpochS> first_common_opening(const Schedule& a, const Schedule& b, EpochS from);

GateDecision may_offer(const Lead& lead, const Campaign& campaign, const Schedule& schedule,
                       EpochS now);

// Rule 3 alone (hours): kDial, kCampaignClosed, kLeadClosed, kLeadNeverOpen or
// kBadLeadZone. may_offer() asks it after the attempts; the compliance audit
// (pd/core/compliance.h) records it for every Originate.
GateDecision hours_gate(const Lead& lead, const Schedule& schedule, EpochS now);

}  // namespace pd::core
