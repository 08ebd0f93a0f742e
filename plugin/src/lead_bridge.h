// The one crossing between the store's lead (pd::store::Lead, what the
// hoppers and live calls still hold) and the core's (pd::core::Lead, what the
// agent desk's preview cards hold). Temporary: when the hoppers hold core
// leads, the store maps its rows itself and this file goes.
//
// Threads: pure functions.
#pragma once

#include "pd/core/lead.h"
#include "pd/store/records.h"

namespace pd::plugin {

// A hopper lead becoming a preview card. `zone` stays null: nothing above
// the store loads a lead's own zone yet.
inline pd::core::Lead to_core_lead(const pd::store::Lead& lead) {
  pd::core::Lead out;
  out.id = lead.id;
  out.campaign_id = lead.campaign_id;
  out.name = lead.name;
  out.number = lead.number;
  out.caller_id = lead.caller_id;
  out.variables = lead.variables;
  out.attempts = lead.attempts;
  out.time_zone = lead.time_zone.value_or("");
  return out;
}

// A card's lead handed to originate(), which takes the store's type while the
// live calls hold it. Only what the engine reads after a claim survives (id,
// campaign, name, number, caller id, variables, attempts, zone name); the
// claim bookkeeping (priority, previous state, lease end) is the store's and
// is never read back by the engine.
inline pd::store::Lead to_store_lead(const pd::core::Lead& lead) {
  pd::store::Lead out;
  out.id = lead.id;
  out.campaign_id = uint32_t(lead.campaign_id);
  out.name = lead.name;
  out.number = lead.number;
  out.caller_id = lead.caller_id;
  out.variables = lead.variables;
  out.attempts = uint16_t(lead.attempts);
  if (!lead.time_zone.empty()) out.time_zone = lead.time_zone;
  return out;
}

}  // namespace pd::plugin
