// Wall-clock instants as the store exchanges them with MySQL.
//
// Every store connection sets time_zone = '+00:00', so DATETIME columns hold
// UTC and a TimePoint is always UTC, with the millisecond precision of the
// schema's DATETIME(3) columns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pd::store {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// "YYYY-MM-DD HH:MM:SS.mmm" (UTC), the form MySQL accepts for DATETIME(3).
std::string format_datetime(TimePoint t);

// Parses "YYYY-MM-DD HH:MM:SS[.f…]" as MySQL prints DATETIME values.
// nullopt when the text is not in that form.
std::optional<TimePoint> parse_datetime(std::string_view text);

// Parses "YYYY-MM-DD" (a DATE column). nullopt when malformed.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// Parses "HH:MM:SS" (a TIME column within a day) into seconds since midnight.
// nullopt when malformed or outside 00:00:00..24:00:00.
std::optional<std::chrono::seconds> parse_time_of_day(std::string_view text);

// The current time, truncated to milliseconds.
inline TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace pd::store
