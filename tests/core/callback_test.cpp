// Callbacks: the agent's local time in the customer's zone becomes a UTC
// instant the campaign may call at, or a sentence saying why not.
#include "pd/core/callback.h"

#include <doctest/doctest.h>

#include "test_time.h"

using namespace pd::core;
using pd::core::testing::utc;
using pd::core::testing::zone;

namespace {

// 09:00-18:00 every day.
ScheduleSpec nine_to_six(const char* time_zone) {
  ScheduleSpec spec;
  spec.start_s = 9 * 3600;
  spec.end_s = 18 * 3600;
  spec.week_days = kEveryDay;
  spec.time_zone = time_zone;
  return spec;
}

Lead lead_in(const char* time_zone) {
  Lead lead;
  lead.id = 1;
  lead.number = "5551000";
  if (time_zone != nullptr) {
    lead.time_zone = time_zone;
    auto z = TimeZone::load(time_zone);
    if (z) lead.zone = *z;
  }
  return lead;
}

CallbackRequest at(const char* local, bool personal = false) {
  return CallbackRequest{local, personal};
}

std::string error_of(const pd::Result<CallbackPlan>& plan) {
  REQUIRE_FALSE(plan.has_value());
  CHECK(plan.error().code == pd::ErrorCode::kInvalidArgument);
  return plan.error().message;
}

}  // namespace

TEST_CASE("a callback for anyone is due at the customer's local time, in UTC") {
  const Schedule schedule(nine_to_six("America/New_York"), zone("America/New_York"));
  const auto now = utc(2026, 12, 1, 12);  // 07:00 in New York
  auto plan = plan_callback(at("2026-12-01T10:30"), "101", lead_in(nullptr), schedule, 15, now);
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
  CHECK(plan->due == utc(2026, 12, 1, 15, 30));
  CHECK(plan->agent.empty());
  CHECK(plan->personal_until == 0);
  CHECK(callback_zone_name(lead_in(nullptr), schedule) == "America/New_York");
  // Seconds and a space for the T are read too.
  auto spaced =
      plan_callback(at("2026-12-01 10:30:00"), "101", lead_in(nullptr), schedule, 15, now);
  REQUIRE(spaced.has_value());
  CHECK(spaced->due == plan->due);
}

TEST_CASE("a personal callback waits for its agent for the campaign's grace period") {
  const Schedule schedule(nine_to_six("America/New_York"), zone("America/New_York"));
  const auto now = utc(2026, 12, 1, 12);
  auto plan =
      plan_callback(at("2026-12-02T09:00", true), "101", lead_in(nullptr), schedule, 15, now);
  REQUIRE(plan.has_value());
  CHECK(plan->agent == "101");
  CHECK(plan->due == utc(2026, 12, 2, 14));
  CHECK(plan->personal_until == plan->due + 15 * 60);
  // The grace is bounded: no negative wait, at most a day.
  CHECK(plan_callback(at("2026-12-02T09:00", true), "101", lead_in(nullptr), schedule, -5, now)
            ->personal_until == plan->due);
  CHECK(plan_callback(at("2026-12-02T09:00", true), "101", lead_in(nullptr), schedule, 99999, now)
            ->personal_until == plan->due + kCallbackMaxGraceMinutes * 60);
}

TEST_CASE("the time is read in the number's own zone and must be open in both zones") {
  // New York 09-18 meets Berlin 09-18 from 15:00 to 18:00 Berlin time.
  const Schedule schedule(nine_to_six("America/New_York"), zone("America/New_York"));
  const auto now = utc(2026, 12, 1, 6);
  const Lead berlin = lead_in("Europe/Berlin");
  CHECK(callback_zone_name(berlin, schedule) == "Europe/Berlin");
  auto plan = plan_callback(at("2026-12-01T16:00"), "101", berlin, schedule, 15, now);
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
  CHECK(plan->due == utc(2026, 12, 1, 15));  // 10:00 in New York
  // 10:00 in Berlin is 04:00 in New York: refused, with the next shared hour in Berlin time.
  const std::string why =
      error_of(plan_callback(at("2026-12-01T10:00"), "101", berlin, schedule, 15, now));
  CHECK(why.find(
            "outside the campaign's calling hours in the customer's time zone (Europe/Berlin)") !=
        std::string::npos);
  CHECK_MESSAGE(why.find("the next opening after it is 2026-12-01 15:00") != std::string::npos,
                why);
}

TEST_CASE("times the campaign may not call at are refused with a reason") {
  const Schedule schedule(nine_to_six("America/New_York"), zone("America/New_York"));
  const auto now = utc(2026, 12, 1, 15);  // 10:00 in New York
  const Lead lead = lead_in(nullptr);
  CHECK(error_of(plan_callback(at("2026-12-01T09:59"), "101", lead, schedule, 15, now))
            .find("That time is past (it is now 2026-12-01 10:00 for the customer, "
                  "America/New_York)") != std::string::npos);
  // Less than a minute ahead counts as past.
  CHECK(error_of(plan_callback(at("2026-12-01T10:00"), "101", lead, schedule, 15, now))
            .find("past") != std::string::npos);
  const std::string evening =
      error_of(plan_callback(at("2026-12-01T20:00"), "101", lead, schedule, 15, now));
  CHECK_MESSAGE(evening.find("the next opening after it is 2026-12-02 09:00") != std::string::npos,
                evening);
  CHECK(error_of(plan_callback(at("2028-01-01T10:00"), "101", lead, schedule, 15, now))
            .find("at most a year ahead") != std::string::npos);
  for (const char* bad :
       {"", "tomorrow", "2026-02-30T10:00", "2026-12-01T24:00", "2026-12-01T10:60", "2026-12-01",
        "2026-12-01T10:30Z", "２０２６-12-01T10:30"}) {
    CAPTURE(bad);
    CHECK(error_of(plan_callback(at(bad), "101", lead, schedule, 15, now))
              .find("Pick a date and a time") != std::string::npos);
  }
}

TEST_CASE("a campaign whose hours end for good names no next opening") {
  ScheduleSpec spec = nine_to_six("America/New_York");
  auto end = parse_date("2026-12-01");
  REQUIRE(end.has_value());
  spec.end_date = *end;
  const Schedule schedule(spec, zone("America/New_York"));
  const std::string why = error_of(plan_callback(at("2026-12-03T10:00"), "101", lead_in(nullptr),
                                                 schedule, 15, utc(2026, 12, 1, 15)));
  CHECK_MESSAGE(why.find("they do not open again after it") != std::string::npos, why);
}

TEST_CASE("a number whose zone is unknown gets no callback time") {
  const Schedule schedule(nine_to_six("America/New_York"), zone("America/New_York"));
  Lead lead = lead_in(nullptr);
  lead.time_zone = "Mars/Olympus_Mons";
  CHECK(error_of(
            plan_callback(at("2026-12-01T10:30"), "101", lead, schedule, 15, utc(2026, 12, 1, 12)))
            .find("'Mars/Olympus_Mons' is unknown") != std::string::npos);
}

TEST_CASE("a local time skipped by the clocks going forward moves later by the gap") {
  ScheduleSpec spec = nine_to_six("America/New_York");
  spec.start_s = 0;
  spec.end_s = 0;  // around the clock
  const Schedule schedule(spec, zone("America/New_York"));
  // 2027-03-14 02:30 does not exist in New York (02:00 -> 03:00): 03:30 EDT.
  auto plan =
      plan_callback(at("2027-03-14T02:30"), "101", lead_in(nullptr), schedule, 15, utc(2027, 3, 1));
  REQUIRE(plan.has_value());
  CHECK(plan->due == utc(2027, 3, 14, 7, 30));
  CHECK(format_local_minute(plan->due, schedule.zone()) == "2027-03-14 03:30");
}
