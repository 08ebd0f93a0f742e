// The store's rows as the engine's leads: every field the engine uses, and
// the lead's own time zone loaded (or left null, named, when unknown).
#include "lead_mapping.h"

#include <doctest/doctest.h>

TEST_CASE("lead mapping: a row becomes the engine's lead with its own zone loaded") {
  pd::core::TimeZoneCache zones;
  pd::store::Lead row;
  row.id = 42;
  row.campaign_id = 7;
  row.name = "Ada";
  row.number = "5551042";
  row.caller_id = "5550000";
  row.variables = "plan=gold|lang=en";
  row.attempts = 2;
  row.time_zone = "America/Chicago";
  const pd::core::Lead lead = pd::plugin::to_core_lead(row, zones);
  CHECK(lead.id == 42);
  CHECK(lead.campaign_id == 7);
  CHECK(lead.name == "Ada");
  CHECK(lead.number == "5551042");
  CHECK(lead.caller_id == "5550000");
  CHECK(lead.variables == "plan=gold|lang=en");
  CHECK(lead.attempts == 2);
  CHECK(lead.time_zone == "America/Chicago");
  REQUIRE(lead.zone != nullptr);
  CHECK(lead.zone->name() == "America/Chicago");
}

TEST_CASE("lead mapping: no zone, an empty zone and an unknown zone") {
  pd::core::TimeZoneCache zones;
  pd::store::Lead row;
  row.id = 1;
  CHECK(pd::plugin::to_core_lead(row, zones).time_zone.empty());
  row.time_zone = "";
  CHECK(pd::plugin::to_core_lead(row, zones).time_zone.empty());
  row.time_zone = "Mars/Olympus";
  const pd::core::Lead lead = pd::plugin::to_core_lead(row, zones);
  CHECK(lead.time_zone == "Mars/Olympus");  // kept, so the gate can name it
  CHECK(lead.zone == nullptr);
}

TEST_CASE("lead mapping: an open call keeps its lead, campaign and leg") {
  pd::core::TimeZoneCache zones;
  pd::store::OpenCall row;
  row.call_id = "t-9";
  row.lead.id = 9;
  row.lead.number = "5550009";
  row.campaign_name = "sales";
  row.local_first = true;
  row.valid_dtmf = "12";
  row.started_at = pd::store::TimePoint(std::chrono::milliseconds(1000));
  const pd::plugin::OpenCall call = pd::plugin::to_open_call(row, zones);
  CHECK(call.call_id == "t-9");
  CHECK(call.lead.id == 9);
  CHECK(call.lead.number == "5550009");
  CHECK(call.campaign_name == "sales");
  CHECK(call.local_first);
  CHECK(call.valid_dtmf == "12");
  CHECK(call.started_at == row.started_at);
}
