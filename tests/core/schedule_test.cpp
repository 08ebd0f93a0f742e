// Dialing windows: hours, week days, dates, midnight spans, DST nights.
#include "pd/core/schedule.h"

#include <doctest/doctest.h>

#include "test_time.h"

using namespace pd::core;
using pd::core::testing::utc;
using pd::core::testing::zone;

namespace {

std::chrono::year_month_day ymd(int y, unsigned m, unsigned d) {
  return std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
}

ScheduleSpec hours(int start_h, int start_m, int end_h, int end_m, uint8_t days) {
  ScheduleSpec spec;
  spec.start_s = start_h * 3600 + start_m * 60;
  spec.end_s = end_h * 3600 + end_m * 60;
  spec.week_days = days;
  return spec;
}

}  // namespace

TEST_CASE("office hours in Madrid - before and after the spring change") {
  const Schedule s(hours(9, 0, 18, 0, kWorkDays), zone("Europe/Madrid"));
  // Friday 2024-03-29 is CET (UTC+1).
  CHECK_FALSE(s.is_open(utc(2024, 3, 29, 7, 59, 59)));
  CHECK(s.is_open(utc(2024, 3, 29, 8, 0, 0)));
  CHECK(s.is_open(utc(2024, 3, 29, 16, 59, 59)));
  CHECK_FALSE(s.is_open(utc(2024, 3, 29, 17, 0, 0)));
  CHECK(s.seconds_remaining_today(utc(2024, 3, 29, 16, 0, 0)) == 3600);
  CHECK(s.seconds_remaining_today(utc(2024, 3, 29, 18, 0, 0)) == 0);
  // The weekend is closed; the next opening is Monday 09:00 CEST (UTC+2).
  CHECK_FALSE(s.is_open(utc(2024, 3, 30, 10, 0, 0)));
  CHECK(s.next_open(utc(2024, 3, 29, 17, 0, 0)) == utc(2024, 4, 1, 7, 0, 0));
  CHECK_FALSE(s.is_open(utc(2024, 4, 1, 6, 59, 59)));
  CHECK(s.is_open(utc(2024, 4, 1, 7, 0, 0)));
  CHECK(s.next_open(utc(2024, 4, 1, 8, 0, 0)) == utc(2024, 4, 1, 8, 0, 0));
}

TEST_CASE("a window across the DST change is shorter or longer in real time") {
  const Schedule s(hours(1, 0, 5, 0, kEveryDay), zone("Europe/Madrid"));
  // 2024-03-31: 01:00 CET (00:00 UTC) to 05:00 CEST (03:00 UTC): 3 hours.
  CHECK(s.seconds_remaining_today(utc(2024, 3, 31, 0, 0, 0)) == 3 * 3600);
  CHECK_FALSE(s.is_open(utc(2024, 3, 31, 3, 0, 0)));
  // 2024-10-27: 01:00 CEST (23:00 UTC the day before) to 05:00 CET (04:00 UTC): 5 hours.
  CHECK(s.seconds_remaining_today(utc(2024, 10, 26, 23, 0, 0)) == 5 * 3600);
  CHECK(s.is_open(utc(2024, 10, 27, 3, 59, 59)));
  CHECK_FALSE(s.is_open(utc(2024, 10, 27, 4, 0, 0)));
}

TEST_CASE("a window starting inside the spring gap opens when the clock allows") {
  // 02:30 does not exist in New York on 2024-03-10: it opens at 03:30 EDT.
  const Schedule s(hours(2, 30, 4, 0, kEveryDay), zone("America/New_York"));
  CHECK_FALSE(s.is_open(utc(2024, 3, 10, 7, 29, 59)));
  CHECK(s.is_open(utc(2024, 3, 10, 7, 30, 0)));
  CHECK(s.seconds_remaining_today(utc(2024, 3, 10, 7, 30, 0)) == 30 * 60);
  // The day before it is an ordinary 1.5 hours (EST).
  CHECK(s.seconds_remaining_today(utc(2024, 3, 9, 7, 30, 0)) == 90 * 60);
}

TEST_CASE("night shift across midnight: the opening day's week day counts") {
  const Schedule s(hours(22, 0, 6, 0, kFriday), zone("America/New_York"));
  // Friday 2024-06-07 22:00 EDT = Saturday 02:00 UTC.
  CHECK_FALSE(s.is_open(utc(2024, 6, 8, 1, 59, 59)));
  CHECK(s.is_open(utc(2024, 6, 8, 2, 0, 0)));
  // Saturday 03:00 EDT: still Friday's window, though Saturday is not a dialing day.
  CHECK(s.is_open(utc(2024, 6, 8, 7, 0, 0)));
  CHECK(s.seconds_remaining_today(utc(2024, 6, 8, 7, 0, 0)) == 3 * 3600);
  CHECK_FALSE(s.is_open(utc(2024, 6, 8, 10, 0, 0)));  // Saturday 06:00 EDT
  // Friday 05:00 EDT belongs to Thursday's window, and Thursday is not a dialing day.
  CHECK_FALSE(s.is_open(utc(2024, 6, 7, 9, 0, 0)));
  CHECK(s.next_open(utc(2024, 6, 8, 10, 0, 0)) == utc(2024, 6, 15, 2, 0, 0));
}

TEST_CASE("a midnight span on the spring-forward night") {
  const Schedule s(hours(22, 0, 6, 0, kEveryDay), zone("America/New_York"));
  // Saturday 2024-03-09 22:00 EST (03:00 UTC) to Sunday 06:00 EDT (10:00 UTC): 7 hours.
  CHECK(s.seconds_remaining_today(utc(2024, 3, 10, 3, 0, 0)) == 7 * 3600);
  CHECK_FALSE(s.is_open(utc(2024, 3, 10, 10, 0, 0)));
}

TEST_CASE("start == end is a full day") {
  const Schedule s(hours(0, 0, 0, 0, kMonday), TimeZone::utc());
  // Monday 2024-06-03.
  CHECK(s.is_open(utc(2024, 6, 3, 0, 0, 0)));
  CHECK(s.is_open(utc(2024, 6, 3, 23, 59, 59)));
  CHECK_FALSE(s.is_open(utc(2024, 6, 4, 0, 0, 0)));
  CHECK(s.seconds_remaining_today(utc(2024, 6, 3, 12, 0, 0)) == 12 * 3600);
}

TEST_CASE("start and end dates are inclusive") {
  ScheduleSpec spec = hours(9, 0, 18, 0, kEveryDay);
  spec.start_date = ymd(2024, 6, 10);
  spec.end_date = ymd(2024, 6, 12);
  const Schedule s(spec, TimeZone::utc());
  CHECK_FALSE(s.is_open(utc(2024, 6, 9, 12)));
  CHECK(s.next_open(utc(2024, 6, 1, 12)) == utc(2024, 6, 10, 9));
  CHECK(s.is_open(utc(2024, 6, 10, 9)));
  CHECK(s.is_open(utc(2024, 6, 12, 17, 59, 59)));
  CHECK_FALSE(s.is_open(utc(2024, 6, 12, 18)));
  CHECK_FALSE(s.next_open(utc(2024, 6, 12, 18)).has_value());
  CHECK_FALSE(s.is_open(utc(2024, 6, 13, 12)));

  // A night window opening on the end date runs into the next morning.
  ScheduleSpec night = hours(22, 0, 6, 0, kEveryDay);
  night.end_date = ymd(2024, 6, 12);
  const Schedule n(night, TimeZone::utc());
  CHECK(n.is_open(utc(2024, 6, 13, 5, 59, 59)));
  CHECK_FALSE(n.is_open(utc(2024, 6, 13, 22)));
}

TEST_CASE("weekend-only schedule and next_open across the week") {
  const Schedule s(hours(10, 0, 14, 0, kSaturday | kSunday), zone("Europe/Madrid"));
  // Wednesday 2024-06-05 12:00 UTC -> Saturday 2024-06-08 10:00 CEST = 08:00 UTC.
  CHECK(s.next_open(utc(2024, 6, 5, 12)) == utc(2024, 6, 8, 8));
  CHECK(s.is_open(utc(2024, 6, 9, 11)));  // Sunday 13:00 CEST
  CHECK_FALSE(s.is_open(utc(2024, 6, 10, 9)));
}

TEST_CASE("parsing the schema's text forms") {
  CHECK(parse_time_of_day("09:00") == 9 * 3600);
  CHECK(parse_time_of_day("18:30:15") == 18 * 3600 + 30 * 60 + 15);
  CHECK(parse_time_of_day("00:00:00") == 0);
  for (const char* bad : {"24:00", "9:00", "09:60", "09-00", "", "09:00:00:00", "ab:cd"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_time_of_day(bad).has_value());
  }
  CHECK(parse_week_days("mon,tue,wed,thu,fri") == kWorkDays);
  CHECK(parse_week_days("SUN,sat") == (kSaturday | kSunday));
  CHECK(parse_week_days("") == 0);
  CHECK_FALSE(parse_week_days("mon,funday").has_value());
  CHECK(format_week_days(kSaturday | kMonday) == "mon,sat");
  CHECK(parse_date("2024-02-29") == ymd(2024, 2, 29));
  CHECK_FALSE(parse_date("2023-02-29").has_value());
  CHECK_FALSE(parse_date("2024-2-1").has_value());
}

TEST_CASE("validate_schedule") {
  CHECK(validate_schedule(ScheduleSpec{}).has_value());
  ScheduleSpec spec;
  spec.week_days = 0;
  CHECK_FALSE(validate_schedule(spec).has_value());
  spec = {};
  spec.start_date = ymd(2024, 6, 10);
  spec.end_date = ymd(2024, 6, 9);
  CHECK_FALSE(validate_schedule(spec).has_value());
  spec = {};
  spec.time_zone = "../../etc/passwd";
  CHECK_FALSE(validate_schedule(spec).has_value());
  spec = {};
  spec.end_s = 86400;
  CHECK_FALSE(validate_schedule(spec).has_value());
}

TEST_CASE("time left to call today - before, inside and after the window") {
  const Schedule s(hours(9, 0, 18, 0, kWorkDays), zone("Europe/Madrid"));
  // Friday 2024-03-29, CET (UTC+1): 07:00 local is before the window.
  CHECK(s.seconds_to_call_today(utc(2024, 3, 29, 6, 0, 0)) == 9 * 3600);
  CHECK(s.seconds_to_call_today(utc(2024, 3, 29, 16, 0, 0)) == 3600);
  CHECK(s.seconds_to_call_today(utc(2024, 3, 29, 17, 0, 0)) == 0);
  // Saturday: no window today, although one opens on Monday.
  CHECK(s.seconds_to_call_today(utc(2024, 3, 30, 6, 0, 0)) == 0);
  // "Today" is the local day, not the UTC one.
  const Schedule night(hours(22, 0, 6, 0, kEveryDay), zone("America/New_York"));
  // 2024-01-10 20:00 local (01:00 UTC next day): the window opens at 22:00 and runs 8 h.
  CHECK(night.seconds_to_call_today(utc(2024, 1, 11, 1, 0, 0)) == 8 * 3600);
}
