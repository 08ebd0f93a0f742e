#include "pd/store/time.h"

#include <charconv>
#include <cstdio>

namespace pd::store {
namespace {

// Reads exactly `digits` decimal digits at text[pos].
bool read_digits(std::string_view text, std::size_t pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string format_datetime(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  using namespace std::chrono;
  int y, m, d;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!read_digits(text, 0, 4, y) || !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d))
    return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(m)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<TimePoint> parse_datetime(std::string_view text) {
  using namespace std::chrono;
  auto date = parse_date(text);
  if (!date || text.size() < 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  int hh, mm, ss;
  if (!read_digits(text, 11, 2, hh) || !read_digits(text, 14, 2, mm) ||
      !read_digits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  int ms = 0;
  if (text.size() > 19) {
    if (text[19] != '.') return std::nullopt;
    // Up to 6 fractional digits; keep the first 3.
    std::size_t frac = text.size() - 20;
    if (frac == 0 || frac > 6) return std::nullopt;
    int scale = 100;
    for (std::size_t i = 20; i < text.size(); ++i) {
      char c = text[i];
      if (c < '0' || c > '9') return std::nullopt;
      ms += (c - '0') * scale;
      scale /= 10;
    }
  }
  return TimePoint{sys_days{*date}} + hours{hh} + minutes{mm} + seconds{ss} + milliseconds{ms};
}

std::optional<std::chrono::seconds> parse_time_of_day(std::string_view text) {
  int hh, mm, ss;
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
  if (!read_digits(text, 0, 2, hh) || !read_digits(text, 3, 2, mm) ||
      !read_digits(text, 6, 2, ss) || mm > 59 || ss > 59)
    return std::nullopt;
  long total = hh * 3600L + mm * 60L + ss;
  if (total > 24 * 3600L) return std::nullopt;
  return std::chrono::seconds{total};
}

}  // namespace pd::store
