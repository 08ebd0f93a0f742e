// The compliance audit's facts builder: each check recorded with its value,
// independently of the others (pd/core/compliance.h).
#include "pd/core/compliance.h"

#include <doctest/doctest.h>

#include "test_time.h"

using namespace pd::core;
using pd::core::testing::utc;
using pd::core::testing::zone;

namespace {

// 09:00-21:00 Monday to Friday, New York time, predictive-looking figures.
Campaign campaign_ny() {
  Campaign campaign;
  campaign.id = 12;
  campaign.name = "audit";
  campaign.mode = DialMode::kProgressive;
  campaign.schedule.start_s = 9 * 3600;
  campaign.schedule.end_s = 21 * 3600;
  campaign.schedule.week_days = kWorkDays;
  campaign.schedule.time_zone = "America/New_York";
  return campaign;
}

Lead lead(const char* time_zone) {
  Lead l;
  l.id = 4242;
  l.campaign_id = 12;
  l.number = "5550100";
  if (time_zone != nullptr) {
    l.time_zone = time_zone;
    if (auto z = TimeZone::load(time_zone)) l.zone = *z;
  }
  return l;
}

PacingFigures figures() {
  PacingFigures f;
  f.dial_level = 1.75;
  f.answer_rate_pct = 28.5;
  f.abandon_rate_pct = 2.4;
  f.abandoned_in_window = 12;
  f.answered_in_window = 500;
  f.abandon_target_pct = 3;
  f.occupancy_pct = 81;
  f.fallback = false;
  return f;
}

}  // namespace

TEST_CASE("compliance facts: an Originate in the campaign's zone records every check and value") {
  const Campaign campaign = campaign_ny();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const Lead l = lead(nullptr);
  const PacingFigures f = figures();
  // Tuesday 2025-06-03 15:30:05 UTC = 11:30:05 EDT.
  const EpochMs now = utc(2025, 6, 3, 15, 30, 5) * 1000 + 250;
  const ComplianceFacts facts =
      make_facts({"pd-1-7", l, campaign, schedule, DncAnswer::kClear, now, f, "30d"});
  CHECK(facts.call_id == "pd-1-7");
  CHECK(facts.campaign_id == 12);
  CHECK(facts.number_id == 4242);
  CHECK(facts.number == "5550100");
  CHECK(facts.at_ms == now);
  CHECK(facts.mode == "progressive");
  CHECK(facts.dnc_checked);
  CHECK_FALSE(facts.dnc_listed);
  CHECK(facts.party_zone == "America/New_York");
  REQUIRE(facts.party_local.has_value());
  CHECK(*facts.party_local == utc(2025, 6, 3, 11, 30, 5));
  CHECK(facts.window_start_s == 9 * 3600);
  CHECK(facts.window_end_s == 21 * 3600);
  CHECK(facts.window_days == "mon,tue,wed,thu,fri");
  CHECK(facts.window_ok);
  CHECK(facts.window_verdict == "dial");
  CHECK(facts.figures.dial_level == doctest::Approx(1.75));
  CHECK(facts.figures.abandon_rate_pct == doctest::Approx(2.4));
  CHECK(facts.figures.abandon_target_pct == doctest::Approx(3));
  CHECK(facts.figures.abandoned_in_window == 12);
  CHECK(facts.figures.answered_in_window == 500);
  CHECK_FALSE(facts.figures.fallback);
  CHECK(facts.abandon_window == "30d");
}

TEST_CASE("compliance facts: the called party's own zone gives its local time and its window") {
  const Campaign campaign = campaign_ny();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  // 2025-06-03 13:30 UTC: 09:30 in New York (open), 06:30 in Los Angeles (closed).
  const EpochMs now = utc(2025, 6, 3, 13, 30) * 1000;
  const PacingFigures f = figures();
  const ComplianceFacts la = make_facts(
      {"c-la", lead("America/Los_Angeles"), campaign, schedule, DncAnswer::kClear, now, f, ""});
  CHECK(la.party_zone == "America/Los_Angeles");
  REQUIRE(la.party_local.has_value());
  CHECK(*la.party_local == utc(2025, 6, 3, 6, 30));
  CHECK_FALSE(la.window_ok);
  CHECK(la.window_verdict == "lead-closed");
  CHECK(la.abandon_window.empty());
  // Three hours later both are open (12:30 and 09:30).
  const ComplianceFacts later =
      make_facts({"c-la2", lead("America/Los_Angeles"), campaign, schedule, DncAnswer::kClear,
                  now + 3 * 3600 * 1000, f, "day"});
  CHECK(later.window_ok);
  CHECK(later.abandon_window == "day");
}

TEST_CASE("compliance facts: each check stands alone - listed, unanswered lookup, unknown zone") {
  const Campaign campaign = campaign_ny();
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  const EpochMs saturday = utc(2025, 6, 7, 15) * 1000;  // 11:00 EDT, not a dialing day
  const PacingFigures f = figures();
  const ComplianceFacts listed =
      make_facts({"c1", lead(nullptr), campaign, schedule, DncAnswer::kListed, saturday, f, ""});
  CHECK(listed.dnc_checked);
  CHECK(listed.dnc_listed);
  CHECK_FALSE(listed.window_ok);  // the hours are still checked
  CHECK(listed.window_verdict == "campaign-closed");
  const ComplianceFacts unknown =
      make_facts({"c2", lead(nullptr), campaign, schedule, DncAnswer::kUnknown, saturday, f, ""});
  CHECK_FALSE(unknown.dnc_checked);
  CHECK_FALSE(unknown.dnc_listed);
  Lead bad = lead(nullptr);
  bad.time_zone = "Mars/Olympus";  // set, never loaded
  const ComplianceFacts no_zone = make_facts(
      {"c3", bad, campaign, schedule, DncAnswer::kClear, utc(2025, 6, 3, 15) * 1000, f, ""});
  CHECK(no_zone.party_zone == "Mars/Olympus");
  CHECK_FALSE(no_zone.party_local.has_value());
  CHECK_FALSE(no_zone.window_ok);
  CHECK(no_zone.window_verdict == "bad-lead-zone");
}

TEST_CASE("compliance facts: fallback and mode come from the campaign's figures at that moment") {
  Campaign campaign = campaign_ny();
  campaign.mode = DialMode::kAutomatic;
  const Schedule schedule(campaign.schedule, zone("America/New_York"));
  PacingFigures f = figures();
  f.fallback = true;
  f.abandon_rate_pct = 3.1;
  const ComplianceFacts facts = make_facts({"c", lead(nullptr), campaign, schedule,
                                            DncAnswer::kClear, utc(2025, 6, 3, 15) * 1000, f, ""});
  CHECK(facts.mode == "automatic");
  CHECK(facts.figures.fallback);
  CHECK(facts.figures.abandon_rate_pct == doctest::Approx(3.1));
}
