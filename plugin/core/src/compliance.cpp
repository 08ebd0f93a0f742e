#include "pd/core/compliance.h"

namespace pd::core {

ComplianceFacts make_facts(const ComplianceInput& in) {
  ComplianceFacts facts;
  facts.call_id = std::string(in.call_id);
  facts.campaign_id = in.campaign.id;
  facts.number_id = in.lead.id;
  facts.number = in.lead.number;
  facts.at_ms = in.now_ms;
  facts.mode = std::string(to_string(in.campaign.mode));
  facts.dnc_checked = in.dnc != DncAnswer::kUnknown;
  facts.dnc_listed = in.dnc == DncAnswer::kListed;

  const EpochS now_s = to_seconds(in.now_ms);
  const bool own_zone =
      !in.lead.time_zone.empty() && in.lead.time_zone != in.schedule.zone().name();
  if (!own_zone) {
    facts.party_zone = in.schedule.zone().name();
    facts.party_local = in.schedule.zone().to_local(now_s);
  } else {
    facts.party_zone = in.lead.time_zone;
    if (in.lead.zone) facts.party_local = in.lead.zone->to_local(now_s);
  }
  const ScheduleSpec& spec = in.schedule.spec();
  facts.window_start_s = spec.start_s;
  facts.window_end_s = spec.end_s;
  facts.window_days = format_week_days(spec.week_days);
  const GateDecision hours = hours_gate(in.lead, in.schedule, now_s);
  facts.window_ok = hours.dial();
  facts.window_verdict = std::string(to_string(hours.verdict));

  facts.figures = in.figures;
  facts.abandon_window = std::string(in.abandon_window);
  return facts;
}

}  // namespace pd::core
