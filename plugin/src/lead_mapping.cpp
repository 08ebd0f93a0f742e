#include "lead_mapping.h"

#include <algorithm>
#include <chrono>

namespace pd::plugin {

pd::core::Lead to_core_lead(const pd::store::Lead& row, pd::core::TimeZoneCache& zones) {
  pd::core::Lead lead;
  lead.id = row.id;
  lead.campaign_id = row.campaign_id;
  lead.name = row.name;
  lead.number = row.number;
  lead.caller_id = row.caller_id;
  lead.variables = row.variables;
  lead.attempts = row.attempts;
  if (row.abandoned_at) {
    lead.abandoned_at_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(row.abandoned_at->time_since_epoch())
            .count();
  }
  if (row.time_zone && !row.time_zone->empty()) {
    lead.time_zone = *row.time_zone;
    if (auto zone = zones.get(lead.time_zone)) lead.zone = *zone;
  }
  return lead;
}

OpenCall to_open_call(const pd::store::OpenCall& row, pd::core::TimeZoneCache& zones) {
  OpenCall call;
  call.call_id = row.call_id;
  call.lead = to_core_lead(row.lead, zones);
  call.campaign_name = row.campaign_name;
  call.started_at = row.started_at;
  call.local_first = row.local_first;
  call.valid_dtmf = row.valid_dtmf;
  return call;
}

pd::store::CampaignFigures to_store_figures(const pd::core::PacingFigures& figures) {
  pd::store::CampaignFigures out;
  out.dial_level = figures.dial_level;
  out.answer_rate_pct = figures.answer_rate_pct;
  out.abandon_rate_pct = figures.abandon_rate_pct;
  out.abandoned_in_window = uint64_t(std::max<int64_t>(0, figures.abandoned_in_window));
  out.answered_in_window = uint64_t(std::max<int64_t>(0, figures.answered_in_window));
  out.abandon_target_pct = figures.abandon_target_pct;
  out.occupancy_pct = figures.occupancy_pct;
  out.fallback = figures.fallback;
  return out;
}

pd::store::ComplianceAudit to_audit_row(const pd::core::ComplianceFacts& facts) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  pd::store::ComplianceAudit row;
  row.call_id = facts.call_id;
  row.campaign_id = uint32_t(facts.campaign_id);
  row.number_id = facts.number_id;
  row.number = facts.number;
  row.originated_at = pd::store::TimePoint(milliseconds(facts.at_ms));
  row.mode = facts.mode;
  row.dnc_checked = facts.dnc_checked;
  row.dnc_listed = facts.dnc_listed;
  row.party_zone = facts.party_zone;
  if (facts.party_local) row.party_local_time = pd::store::TimePoint(seconds(*facts.party_local));
  row.window_start_s = facts.window_start_s;
  row.window_end_s = facts.window_end_s;
  row.window_days = facts.window_days;
  row.window_ok = facts.window_ok;
  row.figures = to_store_figures(facts.figures);
  row.abandon_window = facts.abandon_window;
  return row;
}

pd::store::ScheduledCallback to_scheduled(const pd::core::CallbackPlan& plan) {
  pd::store::ScheduledCallback sc;
  sc.due = pd::store::TimePoint(std::chrono::seconds(plan.due));
  sc.agent = plan.agent;
  if (!plan.agent.empty()) {
    sc.personal_until = pd::store::TimePoint(std::chrono::seconds(plan.personal_until));
  }
  return sc;
}

}  // namespace pd::plugin
