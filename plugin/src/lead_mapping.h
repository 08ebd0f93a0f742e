// The store's rows as the engine's core types and back: the only place a
// pd::store::Lead becomes a pd::core::Lead (on the store's query thread: it
// may read a zone file the first time a zone is seen), and where the core's
// pacing figures and compliance facts become store records (any thread; pure).
#pragma once

#include "lead_store.h"
#include "pd/core/compliance.h"
#include "pd/core/callback.h"
#include "pd/core/lead.h"
#include "pd/core/pacing_figures.h"
#include "pd/core/time_zone.h"
#include "pd/store/records.h"

namespace pd::plugin {

// `zones` loads the lead's own time zone, if it has one; an unknown zone
// leaves Lead::zone null (the dial gate refuses such a lead, naming it).
pd::core::Lead to_core_lead(const pd::store::Lead& row, pd::core::TimeZoneCache& zones);
OpenCall to_open_call(const pd::store::OpenCall& row, pd::core::TimeZoneCache& zones);
// A planned callback (pd::core::plan_callback) as the store writes it.
pd::store::ScheduledCallback to_scheduled(const pd::core::CallbackPlan& plan);

pd::store::CampaignFigures to_store_figures(const pd::core::PacingFigures& figures);
pd::store::ComplianceAudit to_audit_row(const pd::core::ComplianceFacts& facts);

}  // namespace pd::plugin
