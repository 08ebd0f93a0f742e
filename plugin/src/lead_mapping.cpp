#include "lead_mapping.h"

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
