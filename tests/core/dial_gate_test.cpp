// The dial gate: do-not-call, recall rules, the campaign's hours and the
// lead's own time zone, in that order.
#include "pd/core/dial_gate.h"

#include <doctest/doctest.h>

#include "test_time.h"

using namespace pd::core;
using pd::core::testing::utc;
using pd::core::testing::zone;

namespace {

// 09:00-18:00 every day, New York time.
Campaign new_york_campaign() {
  Campaign campaign;
  campaign.id = 7;
  campaign.name = "sales";
  campaign.dial_attempts = 3;
  campaign.schedule.start_s = 9 * 3600;
  campaign.schedule.end_s = 18 * 3600;
  campaign.schedule.week_days = kEveryDay;
  campaign.schedule.time_zone = "America/New_York";
  return campaign;
}

Lead lead_in(const char* time_zone) {
  Lead lead;
  lead.id = 1;
  lead.campaign_id = 7;
  lead.number = "5551000";
  if (time_zone != nullptr) {
    lead.time_zone = time_zone;
    auto z = TimeZone::load(time_zone);
    if (z) lead.zone = *z;
  }
  return lead;
}

}  // namespace

TEST_CASE("dial gate: a clear number inside the hours is dialed") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  // 2025-06-02 15:00 UTC is 11:00 in New York (EDT).
  const auto decision =
      may_dial(lead_in(nullptr), campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 15));
  CHECK(decision.dial());
  CHECK(decision.reason.empty());
}

TEST_CASE("dial gate: do-not-call wins over everything, an unanswered lookup holds the lead") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const int64_t open = utc(2025, 6, 2, 15);
  const int64_t closed = utc(2025, 6, 2, 3);
  CHECK(may_dial(lead_in(nullptr), campaign, schedule, DncAnswer::kListed, open).verdict ==
        GateVerdict::kDoNotCall);
  CHECK(may_dial(lead_in(nullptr), campaign, schedule, DncAnswer::kListed, closed).verdict ==
        GateVerdict::kDoNotCall);
  const auto unknown = may_dial(lead_in(nullptr), campaign, schedule, DncAnswer::kUnknown, open);
  CHECK(unknown.verdict == GateVerdict::kDncUnknown);
  CHECK_FALSE(unknown.dial());
}

TEST_CASE("dial gate: outside the campaign's hours nothing is dialed") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  // 2025-06-02 23:00 UTC is 19:00 in New York.
  const auto decision =
      may_dial(lead_in(nullptr), campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 23));
  CHECK(decision.verdict == GateVerdict::kCampaignClosed);
  CHECK(decision.reason == "the campaign is outside its calling hours");
}

TEST_CASE("dial gate: a lead in another zone is called in its own hours only") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const Lead la = lead_in("America/Los_Angeles");
  // 10:00 in New York is 07:00 in Los Angeles: not yet.
  const int64_t ny_ten = utc(2025, 6, 2, 14);
  const auto early = may_dial(la, campaign, schedule, DncAnswer::kClear, ny_ten);
  CHECK(early.verdict == GateVerdict::kLeadClosed);
  // It opens at 09:00 Los Angeles time = 16:00 UTC (PDT).
  CHECK(early.retry_at == utc(2025, 6, 2, 16));
  CHECK(early.reason.find("America/Los_Angeles") != std::string::npos);
  // 13:00 in New York is 10:00 in Los Angeles: both open.
  CHECK(may_dial(la, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 17)).dial());
  // A lead in the campaign's own zone behaves as one without a zone.
  CHECK(
      may_dial(lead_in("America/New_York"), campaign, schedule, DncAnswer::kClear, ny_ten).dial());
}

TEST_CASE("dial gate: the lead's zone never widens the campaign's own hours") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  // 19:00 in New York (closed) is 16:00 in Los Angeles (open there).
  const auto decision = may_dial(lead_in("America/Los_Angeles"), campaign, schedule,
                                 DncAnswer::kClear, utc(2025, 6, 2, 23));
  CHECK(decision.verdict == GateVerdict::kCampaignClosed);
}

TEST_CASE("dial gate: a lead whose zone cannot be loaded is not dialed") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  Lead lead = lead_in(nullptr);
  lead.time_zone = "Mars/Olympus_Mons";  // no zone loaded
  const auto decision = may_dial(lead, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 15));
  CHECK(decision.verdict == GateVerdict::kBadLeadZone);
  CHECK(decision.reason == "the number's time zone 'Mars/Olympus_Mons' is unknown");
}

TEST_CASE("dial gate: the campaign's last date is over in the lead's zone") {
  Campaign campaign = new_york_campaign();
  campaign.schedule.end_date = std::chrono::year{2025} / 6 / 2;
  campaign.schedule.start_s = 0;
  campaign.schedule.end_s = 23 * 3600;  // 00:00-23:00
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  // 2025-06-03 02:30 UTC: 22:30 on June 2 in New York (open), already
  // June 3 in Tokyo (past the end date).
  const auto decision = may_dial(lead_in("Asia/Tokyo"), campaign, schedule, DncAnswer::kClear,
                                 utc(2025, 6, 3, 2, 30));
  CHECK(decision.verdict == GateVerdict::kLeadNeverOpen);
}

TEST_CASE("dial gate: a number whose attempts are used up is not dialed again") {
  Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  Lead lead = lead_in(nullptr);
  lead.attempts = 2;
  CHECK(may_dial(lead, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 15)).dial());
  campaign.dial_attempts = 2;  // lowered by the admin after the lead was queued
  const auto decision = may_dial(lead, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 15));
  CHECK(decision.verdict == GateVerdict::kAttemptsUsed);
  CHECK(decision.reason == "all 2 attempts of the campaign are used");
}

TEST_CASE("dial gate: may_offer is the gate without the do-not-call answer") {
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  CHECK(may_offer(lead_in(nullptr), campaign, schedule, utc(2025, 6, 2, 15)).dial());
  CHECK(
      may_offer(lead_in("America/Los_Angeles"), campaign, schedule, utc(2025, 6, 2, 14)).verdict ==
      GateVerdict::kLeadClosed);
  CHECK(to_string(GateVerdict::kLeadClosed) == "lead-closed");
}

TEST_CASE("dial gate: a lead waits for the first hour both windows share") {
  // 09:00-18:00 in New York and in Berlin meet only 09:00-12:00 New York
  // time (15:00-18:00 Berlin, both on summer time).
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const Lead berlin = lead_in("Europe/Berlin");
  // 2025-06-02 17:00 UTC: 13:00 New York (open), 19:00 Berlin (closed).
  const auto decision =
      may_dial(berlin, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 17));
  CHECK(decision.verdict == GateVerdict::kLeadClosed);
  // Next day: Berlin opens 07:00 UTC (New York still closed), New York
  // opens 13:00 UTC while Berlin is open.
  CHECK(decision.retry_at == utc(2025, 6, 3, 13));
}

TEST_CASE("dial gate: hours that never meet fail the lead with the reason") {
  // 09:00-18:00 in New York never meets 09:00-18:00 in Tokyo (13 hours ahead).
  const Campaign campaign = new_york_campaign();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const auto decision =
      may_dial(lead_in("Asia/Tokyo"), campaign, schedule, DncAnswer::kClear, utc(2025, 6, 2, 15));
  CHECK(decision.verdict == GateVerdict::kLeadNeverOpen);
  CHECK(decision.reason ==
        "the calling hours in the number's time zone (Asia/Tokyo) never meet the campaign's");
}

TEST_CASE("dial gate: predictive - an abandoned number waits out the recall delay") {
  Campaign campaign = new_york_campaign();
  campaign.mode = DialMode::kPredictive;
  campaign.abandon_recall_hours = 72;
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const EpochS now = utc(2025, 6, 2, 15);
  Lead lead = lead_in(nullptr);
  lead.abandoned_at_ms = (now - 71 * 3600) * 1000;  // 71 h ago
  auto decision = may_dial(lead, campaign, schedule, DncAnswer::kClear, now);
  CHECK(decision.verdict == GateVerdict::kLeadClosed);
  CHECK(decision.retry_at == now + 3600);
  CHECK(decision.reason.find("abandoned") != std::string::npos);
  lead.abandoned_at_ms = (now - 72 * 3600) * 1000;  // 72 h ago: dialed
  CHECK(may_dial(lead, campaign, schedule, DncAnswer::kClear, now).dial());
  // Progressive: an agent is guaranteed, the rule does not apply.
  lead.abandoned_at_ms = (now - 3600) * 1000;
  campaign.mode = DialMode::kProgressive;
  CHECK(may_dial(lead, campaign, schedule, DncAnswer::kClear, now).dial());
}
