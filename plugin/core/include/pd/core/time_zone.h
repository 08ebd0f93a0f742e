// IANA time zones read from the system tz database (TZif files).
//
// Why our own reader: libstdc++ 12 has no std::chrono::locate_zone, and
// tzset()/localtime_r() work on one process-wide zone (not per campaign, not
// thread-safe to switch). This is a small TZif v1/v2/v3 reader (RFC 8536):
// 64-bit transitions, and the POSIX TZ footer for times after the last
// transition (so 2040 still gets its DST).
//
// Ownership: a TimeZone is an immutable value; share it freely as
// std::shared_ptr<const TimeZone>.
// Threads: const methods are safe from any thread. TimeZoneCache is not
// thread-safe (one owner thread).
// Errors: load()/from_tzif() return invalid-argument for a bad name or a
// malformed file, not-found for a zone that is not installed, I/O for a read error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pd/core/clock.h"
#include "pd/core/string_map.h"
#include "pd/result.h"

namespace pd::core {

// A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), as found in a TZif footer.
// Offsets are seconds east of UTC (the POSIX string counts west; this does not).
struct PosixTzRule {
  struct Date {
    enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;            // Jn: 1..365; n: 0..365; Mm.w.d: d (0 = Sunday)
    int month = 0;          // Mm.w.d only: 1..12
    int week = 0;           // Mm.w.d only: 1..5 (5 = last)
    int32_t time_s = 7200;  // local time of day of the change, may be < 0 or > 24h
  };
  int32_t std_offset_s = 0;
  bool has_dst = false;
  int32_t dst_offset_s = 0;
  Date dst_start;  // in local standard time
  Date dst_end;    // in local daylight time

  static pd::Result<PosixTzRule> parse(std::string_view text);
  int32_t offset_at(EpochS utc) const;
};

class TimeZone {
 public:
  // Reads <root>/<name>. `name` must pass is_time_zone_name().
  static pd::Result<std::shared_ptr<const TimeZone>> load(
      std::string_view name, std::string_view root = "/usr/share/zoneinfo");
  // Parses TZif bytes (for tests and for a caller that read the file itself).
  static pd::Result<TimeZone> from_tzif(std::string_view name, std::string_view bytes);
  // UTC, without touching the file system.
  static std::shared_ptr<const TimeZone> utc();

  const std::string& name() const { return name_; }

  // Offset from UTC, in seconds east, in force at `utc`.
  int32_t offset_at(EpochS utc) const;
  EpochS to_local(EpochS utc) const { return utc + offset_at(utc); }

  // The UTC instant of a local wall-clock time (seconds since the epoch as if
  // the local time were UTC). The same choice java.time makes:
  //  - a time that happens twice (clocks going back) gives the earlier instant;
  //  - a time that never happens (clocks going forward) is moved later by the
  //    length of the gap (02:30 on a 02:00->03:00 night is 03:30 local).
  EpochS to_utc(EpochS local) const;

 private:
  TimeZone() = default;

  std::string name_;
  std::vector<int64_t> transitions_;    // UTC seconds, ascending
  std::vector<int32_t> offsets_after_;  // offset in force from transitions_[i] on
  int32_t offset_before_first_ = 0;     // RFC 8536: type 0 before the first transition
  bool has_footer_ = false;
  PosixTzRule footer_;  // after the last transition, when present
};

// Loads each zone once. Misses (bad or unknown names) are not cached, so a
// zone installed later is found on the next ask.
class TimeZoneCache {
 public:
  explicit TimeZoneCache(std::string root = "/usr/share/zoneinfo") : root_(std::move(root)) {}
  pd::Result<std::shared_ptr<const TimeZone>> get(std::string_view name);

 private:
  std::string root_;
  StringMap<std::shared_ptr<const TimeZone>> zones_;
};

}  // namespace pd::core
