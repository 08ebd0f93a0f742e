// A campaign's dialing window: dates, hours, week days, in its time zone.
//
// Rules (all in the zone's local time):
//  - A window belongs to the local day it opens on. It opens at start and
//    closes at end the same day, or the next day when end <= start (a window
//    that spans midnight; end == start is a full 24 hours).
//  - The week days and the start/end dates (both inclusive) are those of the
//    day the window opens on: a Friday 22:00-06:00 window still runs at
//    Saturday 03:00 even when Saturday is not a dialing day, and a window
//    opening on the end date runs to its end the next morning.
//  - Open and close times go through TimeZone::to_utc, so on a DST night a
//    time that happens twice means its first occurrence and a time that never
//    happens is moved later by the gap; a 09:00-18:00 window is then 8 or 10
//    real hours long.
//  - A window is half-open: open at `open`, closed at `close`.
//
// Threads: a Schedule is immutable after construction; const methods are safe
// from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pd/core/clock.h"
#include "pd/core/time_zone.h"
#include "pd/result.h"

namespace pd::core {

// Week-day bits, Monday first (the order of the dialer_campaigns.week_days SET).
enum WeekDayBit : uint8_t {
  kMonday = 1 << 0,
  kTuesday = 1 << 1,
  kWednesday = 1 << 2,
  kThursday = 1 << 3,
  kFriday = 1 << 4,
  kSaturday = 1 << 5,
  kSunday = 1 << 6,
  kWorkDays = kMonday | kTuesday | kWednesday | kThursday | kFriday,
  kEveryDay = kWorkDays | kSaturday | kSunday,
};

struct ScheduleSpec {
  std::optional<std::chrono::year_month_day> start_date;  // inclusive; none: no lower bound
  std::optional<std::chrono::year_month_day> end_date;    // inclusive; none: no upper bound
  int32_t start_s = 9 * 3600;                             // seconds after local midnight, 0..86399
  int32_t end_s = 18 * 3600;  // ditto; <= start_s: the window spans midnight
  uint8_t week_days = kWorkDays;
  std::string time_zone = "UTC";  // IANA name
};

// "HH:MM" or "HH:MM:SS" (MySQL TIME as text), 00:00:00..23:59:59 -> seconds.
pd::Result<int32_t> parse_time_of_day(std::string_view text);
// "YYYY-MM-DD" -> a valid calendar date.
pd::Result<std::chrono::year_month_day> parse_date(std::string_view text);
// "mon,tue,fri" (MySQL SET as text, any order, case-insensitive; empty -> 0).
pd::Result<uint8_t> parse_week_days(std::string_view text);
// The inverse of parse_week_days, Monday first: "mon,tue,fri".
std::string format_week_days(uint8_t week_days);

// Invalid-argument Error naming the first bad part (hours out of range, end
// date before start date, no week day, bad time zone name). Does not load the zone.
pd::Status validate_schedule(const ScheduleSpec& spec);

class Schedule {
 public:
  struct Window {
    EpochS open;   // first second inside
    EpochS close;  // first second outside
  };

  // `spec` should have passed validate_schedule(); `zone` is the zone to use
  // (the campaign's, or a lead's own), spec.time_zone is not consulted.
  Schedule(ScheduleSpec spec, std::shared_ptr<const TimeZone> zone);

  const ScheduleSpec& spec() const { return spec_; }
  const TimeZone& zone() const { return *zone_; }

  bool is_open(EpochS now) const;
  // The window `now` is in, if any.
  std::optional<Window> window_at(EpochS now) const;
  // Seconds until the current window closes; 0 when closed (the dashboard's
  // "time remaining today").
  int64_t seconds_remaining_today(EpochS now) const;
  // Calling time still ahead today (the dashboard's "time left today"): the
  // rest of the current window, else the whole of a window that opens later
  // this local day, else 0.
  int64_t seconds_to_call_today(EpochS now) const;
  // `now` when open; else the next opening; none when the schedule never
  // opens again (past the end date, or no week day set).
  std::optional<EpochS> next_open(EpochS now) const;

 private:
  // The window opening on local day `day` (days since 1970-01-01), if that
  // day is a dialing day.
  std::optional<Window> window_of_day(int64_t day) const;
  bool day_allowed(int64_t day) const;

  ScheduleSpec spec_;
  std::shared_ptr<const TimeZone> zone_;
  std::optional<int64_t> first_day_;  // start_date as a day number
  std::optional<int64_t> last_day_;   // end_date as a day number
};

}  // namespace pd::core
