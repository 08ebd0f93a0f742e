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

}  // namespace pd::plugin
