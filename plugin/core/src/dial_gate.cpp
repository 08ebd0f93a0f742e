#include "pd/core/dial_gate.h"

namespace pd::core {

std::string_view to_string(GateVerdict verdict) noexcept {
  switch (verdict) {
    case GateVerdict::kDial:
      return "dial";
    case GateVerdict::kDoNotCall:
      return "dnc";
    case GateVerdict::kDncUnknown:
      return "dnc-unknown";
    case GateVerdict::kCampaignClosed:
      return "campaign-closed";
    case GateVerdict::kLeadClosed:
      return "lead-closed";
    case GateVerdict::kLeadNeverOpen:
      return "lead-never-open";
    case GateVerdict::kBadLeadZone:
      return "bad-lead-zone";
    case GateVerdict::kAttemptsUsed:
      return "attempts-used";
  }
  return "?";
}

// Each step moves to the next opening of one of the schedules, so 64 steps
// look at least 32 windows ahead.
std::optional<EpochS> first_common_opening(const Schedule& a, const Schedule& b, EpochS from) {
  EpochS t = from;
  for (int step = 0; step < 64; ++step) {
    const auto a_open = a.next_open(t);
    if (!a_open) return std::nullopt;
    const auto b_open = b.next_open(*a_open);
    if (!b_open) return std::nullopt;
    if (a.is_open(*b_open)) return *b_open;
    t = *b_open;
  }
  return std::nullopt;
}

GateDecision may_offer(const Lead& lead, const Campaign& campaign, const Schedule& schedule,
                       EpochS now) {
  const int allowed = campaign.dial_attempts < 1 ? 1 : campaign.dial_attempts;
  if (lead.attempts >= allowed) {
    return {GateVerdict::kAttemptsUsed, 0,
            "all " + std::to_string(allowed) + " attempts of the campaign are used"};
  }
  // Predictive: a number whose call was abandoned waits out the recall
  // delay (docs/predictive.md, "The recall rule").
  if (campaign.predictive() && lead.abandoned_at_ms > 0) {
    const EpochS until = lead.abandoned_at_ms / 1000 + EpochS{campaign.abandon_recall_hours} * 3600;
    if (now < until) {
      return {GateVerdict::kLeadClosed, until,
              "a call to this number was abandoned less than " +
                  std::to_string(campaign.abandon_recall_hours) + " h ago"};
    }
  }
  return hours_gate(lead, schedule, now);
}

GateDecision hours_gate(const Lead& lead, const Schedule& schedule, EpochS now) {
  if (!schedule.is_open(now)) {
    return {GateVerdict::kCampaignClosed, 0, "the campaign is outside its calling hours"};
  }
  if (lead.time_zone.empty() || lead.time_zone == schedule.zone().name()) return {};
  if (!lead.zone) {
    return {GateVerdict::kBadLeadZone, 0,
            "the number's time zone '" + lead.time_zone + "' is unknown"};
  }
  // The same window, read in the lead's own zone.
  const Schedule local(schedule.spec(), lead.zone);
  if (local.is_open(now)) return {};
  if (auto both = first_common_opening(schedule, local, now)) {
    return {GateVerdict::kLeadClosed, *both,
            "outside the calling hours in the number's time zone (" + lead.time_zone + ")"};
  }
  return {GateVerdict::kLeadNeverOpen, 0,
          "the calling hours in the number's time zone (" + lead.time_zone +
              ") never meet the campaign's"};
}

GateDecision may_dial(const Lead& lead, const Campaign& campaign, const Schedule& schedule,
                      DncAnswer dnc, EpochS now) {
  if (dnc == DncAnswer::kListed) {
    return {GateVerdict::kDoNotCall, 0, "the number is on the do-not-call list"};
  }
  if (dnc == DncAnswer::kUnknown) {
    return {GateVerdict::kDncUnknown, 0, "the do-not-call list could not be read"};
  }
  return may_offer(lead, campaign, schedule, now);
}

}  // namespace pd::core
