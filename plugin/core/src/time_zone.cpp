#include "pd/core/time_zone.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "pd/core/names.h"

namespace pd::core {
namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kMaxTzifBytes = 1 << 20;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t days_from_civil(int year, int month, int day) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                  std::chrono::day{static_cast<unsigned>(day)}}
      .time_since_epoch()
      .count();
}

int year_of_day(int64_t day) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day}}};
  return static_cast<int>(ymd.year());
}

bool is_leap(int year) {
  return std::chrono::year{year}.is_leap();
}

// ---- POSIX TZ string -------------------------------------------------------

class TzStringReader {
 public:
  explicit TzStringReader(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // "<+0330>" or "CET": at least one character; the text itself is not needed.
  bool name() {
    if (accept('<')) {
      const size_t close = text_.find('>', pos_);
      if (close == std::string_view::npos || close == pos_) return false;
      pos_ = close + 1;
      return true;
    }
    const size_t start = pos_;
    while (!done() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))) {
      ++pos_;
    }
    return pos_ > start;
  }

  // [+-]hh[:mm[:ss]] with hours up to `max_hours`; the sign is returned applied.
  bool hms(int max_hours, int32_t& out) {
    int sign = 1;
    if (accept('-')) {
      sign = -1;
    } else {
      accept('+');
    }
    int hours = 0, minutes = 0, seconds = 0;
    if (!number(0, max_hours, hours)) return false;
    if (accept(':')) {
      if (!number(0, 59, minutes)) return false;
      if (accept(':') && !number(0, 59, seconds)) return false;
    }
    out = sign * (hours * 3600 + minutes * 60 + seconds);
    return true;
  }

  bool number(int min, int max, int& out) {
    const size_t start = pos_;
    int64_t value = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      value = value * 10 + (peek() - '0');
      if (value > max) return false;
      ++pos_;
    }
    if (pos_ == start || value < min) return false;
    out = static_cast<int>(value);
    return true;
  }

  bool date(PosixTzRule::Date& out) {
    using Kind = PosixTzRule::Date::Kind;
    if (accept('J')) {
      out.kind = Kind::kJulianNoLeap;
      if (!number(1, 365, out.day)) return false;
    } else if (accept('M')) {
      out.kind = Kind::kMonthWeekDay;
      if (!number(1, 12, out.month) || !accept('.') || !number(1, 5, out.week) || !accept('.') ||
          !number(0, 6, out.day)) {
        return false;
      }
    } else {
      out.kind = Kind::kZeroBasedDay;
      if (!number(0, 365, out.day)) return false;
    }
    out.time_s = 7200;
    // RFC 8536 extends the POSIX time of day to -167..167 hours.
    if (accept('/') && !hms(167, out.time_s)) return false;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// The local day (days since the epoch) a rule date falls on in `year`.
int64_t rule_day(const PosixTzRule::Date& date, int year) {
  using Kind = PosixTzRule::Date::Kind;
  const int64_t jan1 = days_from_civil(year, 1, 1);
  switch (date.kind) {
    case Kind::kJulianNoLeap:
      // Jn counts 1..365 and never Feb 29.
      return jan1 + date.day - 1 + ((is_leap(year) && date.day >= 60) ? 1 : 0);
    case Kind::kZeroBasedDay:
      return jan1 + date.day;
    case Kind::kMonthWeekDay: {
      const int64_t first = days_from_civil(year, date.month, 1);
      // 1970-01-01 was a Thursday (4).
      const int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);
      int64_t day = first + (date.day - first_weekday + 7) % 7 + 7 * (date.week - 1);
      const int next_month = date.month == 12 ? 1 : date.month + 1;
      const int64_t month_end = days_from_civil(date.month == 12 ? year + 1 : year, next_month, 1);
      while (day >= month_end) day -= 7;  // week 5 = the last one
      return day;
    }
  }
  return jan1;
}

// ---- TZif ------------------------------------------------------------------

struct ByteReader {
  std::string_view bytes;
  size_t pos = 0;

  bool has(size_t n) const { return pos <= bytes.size() && bytes.size() - pos >= n; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[pos++]);
    return v;
  }
  int64_t i64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[pos++]);
    return static_cast<int64_t>(v);
  }
  uint8_t u8() { return static_cast<unsigned char>(bytes[pos++]); }
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  size_t data_size(size_t time_size) const {
    return size_t{timecnt} * time_size + timecnt + size_t{typecnt} * 6 + charcnt +
           size_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

pd::Result<TzifHeader> read_header(ByteReader& in) {
  if (!in.has(44) || in.bytes.substr(in.pos, 4) != "TZif") {
    return pd::fail(pd::Error::invalid("not a TZif file (no TZif magic)"));
  }
  in.pos += 4;
  TzifHeader header;
  header.version = static_cast<char>(in.u8());
  in.pos += 15;
  header.isutcnt = in.u32();
  header.isstdcnt = in.u32();
  header.leapcnt = in.u32();
  header.timecnt = in.u32();
  header.typecnt = in.u32();
  header.charcnt = in.u32();
  if (header.typecnt == 0 || header.typecnt > 256 || header.timecnt > 100000 ||
      header.charcnt > 100000 || header.leapcnt > 100000 ||
      (header.isutcnt != 0 && header.isutcnt != header.typecnt) ||
      (header.isstdcnt != 0 && header.isstdcnt != header.typecnt)) {
    return pd::fail(pd::Error::invalid("TZif header counts out of range"));
  }
  return header;
}

}  // namespace

pd::Result<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return pd::fail(
        pd::Error::invalid("bad POSIX TZ rule '" + std::string(text) + "': " + std::string(why)));
  };
  TzStringReader in(text);
  PosixTzRule rule;
  int32_t west = 0;
  if (!in.name()) return bad("no standard time name");
  if (!in.hms(24, west)) return bad("no standard offset");
  rule.std_offset_s = -west;
  if (in.done()) return rule;

  if (!in.name()) return bad("bad daylight time name");
  rule.has_dst = true;
  rule.dst_offset_s = rule.std_offset_s + 3600;
  if (in.peek() != ',' && !in.done()) {
    if (!in.hms(24, west)) return bad("bad daylight offset");
    rule.dst_offset_s = -west;
  }
  if (in.done()) {
    // No dates: the POSIX default most implementations use (US rules).
    rule.dst_start = {Date::Kind::kMonthWeekDay, 0, 3, 2, 7200};
    rule.dst_end = {Date::Kind::kMonthWeekDay, 0, 11, 1, 7200};
    return rule;
  }
  if (!in.accept(',') || !in.date(rule.dst_start)) return bad("bad start date");
  if (!in.accept(',') || !in.date(rule.dst_end)) return bad("bad end date");
  if (!in.done()) return bad("trailing characters");
  return rule;
}

int32_t PosixTzRule::offset_at(EpochS utc) const {
  if (!has_dst) return std_offset_s;
  const int year = year_of_day(floor_div(utc + std_offset_s, kDay));
  const int64_t start = rule_day(dst_start, year) * kDay + dst_start.time_s - std_offset_s;
  const int64_t end = rule_day(dst_end, year) * kDay + dst_end.time_s - dst_offset_s;
  const bool in_dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return in_dst ? dst_offset_s : std_offset_s;
}

pd::Result<TimeZone> TimeZone::from_tzif(std::string_view name, std::string_view bytes) {
  auto bad = [&](const pd::Error& e) {
    return pd::fail(pd::Error{e.code, "time zone '" + std::string(name) + "': " + e.message});
  };
  ByteReader in{bytes};
  auto v1 = read_header(in);
  if (!v1) return bad(v1.error());
  TzifHeader header = *v1;
  size_t time_size = 4;
  if (header.version >= '2') {
    // Skip the 32-bit block: the 64-bit one that follows covers every year.
    const size_t skip = header.data_size(4);
    if (!in.has(skip)) return bad(pd::Error::invalid("truncated TZif v1 block"));
    in.pos += skip;
    auto v2 = read_header(in);
    if (!v2) return bad(v2.error());
    header = *v2;
    time_size = 8;
  }
  if (!in.has(header.data_size(time_size))) {
    return bad(pd::Error::invalid("truncated TZif data block"));
  }

  TimeZone zone;
  zone.name_ = std::string(name);
  zone.transitions_.reserve(header.timecnt);
  for (uint32_t i = 0; i < header.timecnt; ++i) {
    const int64_t at = time_size == 8 ? in.i64() : static_cast<int32_t>(in.u32());
    if (!zone.transitions_.empty() && at <= zone.transitions_.back()) {
      return bad(pd::Error::invalid("TZif transitions not in ascending order"));
    }
    zone.transitions_.push_back(at);
  }
  std::vector<uint8_t> type_index(header.timecnt);
  for (auto& index : type_index) {
    index = in.u8();
    if (index >= header.typecnt) return bad(pd::Error::invalid("TZif type index out of range"));
  }
  std::vector<int32_t> type_offsets(header.typecnt);
  for (auto& offset : type_offsets) {
    offset = static_cast<int32_t>(in.u32());
    in.pos += 2;  // isdst, desigidx: not needed to tell the time
    if (offset < -25 * 3600 || offset > 26 * 3600) {
      return bad(pd::Error::invalid("TZif offset out of range"));
    }
  }
  in.pos +=
      header.charcnt + size_t{header.leapcnt} * (time_size + 4) + header.isstdcnt + header.isutcnt;
  zone.offsets_after_.reserve(header.timecnt);
  for (uint8_t index : type_index) zone.offsets_after_.push_back(type_offsets[index]);
  zone.offset_before_first_ = type_offsets[0];

  if (header.version >= '2' && in.has(1) && in.bytes[in.pos] == '\n') {
    const size_t end = bytes.find('\n', in.pos + 1);
    if (end == std::string_view::npos) return bad(pd::Error::invalid("unterminated TZif footer"));
    const std::string_view footer = bytes.substr(in.pos + 1, end - in.pos - 1);
    if (!footer.empty()) {
      auto rule = PosixTzRule::parse(footer);
      if (!rule) return bad(rule.error());
      zone.footer_ = *rule;
      zone.has_footer_ = true;
    }
  }
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const std::shared_ptr<const TimeZone> zone = [] {
    auto z = std::shared_ptr<TimeZone>(new TimeZone());
    z->name_ = "UTC";
    return std::shared_ptr<const TimeZone>(std::move(z));
  }();
  return zone;
}

pd::Result<std::shared_ptr<const TimeZone>> TimeZone::load(std::string_view name,
                                                           std::string_view root) {
  if (!is_time_zone_name(name)) {
    return pd::fail(pd::Error::invalid("bad time zone name '" + std::string(name) +
                                       "' (expected an IANA name such as Europe/Madrid)"));
  }
  if (name == "UTC") return utc();
  std::string path(root);
  path += '/';
  path += name;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return pd::fail(pd::Error::not_found("time zone '" + std::string(name) +
                                         "' is not installed (no " + path + ")"));
  }
  std::string bytes;
  bytes.resize(kMaxTzifBytes + 1);
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (file.bad()) return pd::fail(pd::Error::io("cannot read " + path));
  bytes.resize(static_cast<size_t>(file.gcount()));
  if (bytes.size() > kMaxTzifBytes) {
    return pd::fail(pd::Error::invalid(path + " is too large for a TZif file"));
  }
  auto zone = from_tzif(name, bytes);
  if (!zone) return pd::fail(std::move(zone.error()));
  return std::make_shared<const TimeZone>(std::move(*zone));
}

int32_t TimeZone::offset_at(EpochS utc) const {
  if (transitions_.empty()) return has_footer_ ? footer_.offset_at(utc) : offset_before_first_;
  if (utc < transitions_.front()) return offset_before_first_;
  if (has_footer_ && utc > transitions_.back()) return footer_.offset_at(utc);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_after_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

EpochS TimeZone::to_utc(EpochS local) const {
  // Offsets a day either side: any transition near `local` lies between them
  // (zones never change twice within two days).
  const int32_t before = offset_at(local - kDay);
  const int32_t after = offset_at(local + kDay);
  const EpochS with_before = local - before;
  const EpochS with_after = local - after;
  const bool before_fits = offset_at(with_before) == before;
  const bool after_fits = offset_at(with_after) == after;
  if (before_fits && after_fits) return std::min(with_before, with_after);
  if (before_fits) return with_before;
  if (after_fits) return with_after;
  return with_before;  // a gap: later by its length
}

pd::Result<std::shared_ptr<const TimeZone>> TimeZoneCache::get(std::string_view name) {
  if (auto it = zones_.find(name); it != zones_.end()) return it->second;
  auto zone = TimeZone::load(name, root_);
  if (!zone) return zone;
  zones_.emplace(std::string(name), *zone);
  return zone;
}

}  // namespace pd::core
