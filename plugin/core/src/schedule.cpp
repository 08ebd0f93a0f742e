#include "pd/core/schedule.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "pd/core/names.h"

namespace pd::core {
namespace {

constexpr int64_t kDay = 86400;
constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t day_number(const std::chrono::year_month_day& date) {
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

// Monday = 0 ... Sunday = 6; 1970-01-01 was a Thursday.
int weekday_index(int64_t day) {
  return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

bool read_digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace

pd::Result<int32_t> parse_time_of_day(std::string_view text) {
  int hours = 0, minutes = 0, seconds = 0;
  const bool shape_ok = (text.size() == 5 || text.size() == 8) && read_digits(text, 0, 2, hours) &&
                        text[2] == ':' && read_digits(text, 3, 2, minutes) &&
                        (text.size() == 5 || (text[5] == ':' && read_digits(text, 6, 2, seconds)));
  if (!shape_ok || hours > 23 || minutes > 59 || seconds > 59) {
    return pd::fail(pd::Error::invalid("bad time of day " + quoted(text) +
                                       " (expected HH:MM or HH:MM:SS, 00:00 to 23:59:59)"));
  }
  return hours * 3600 + minutes * 60 + seconds;
}

pd::Result<std::chrono::year_month_day> parse_date(std::string_view text) {
  int y = 0, m = 0, d = 0;
  const bool shape_ok = text.size() == 10 && read_digits(text, 0, 4, y) && text[4] == '-' &&
                        read_digits(text, 5, 2, m) && text[7] == '-' && read_digits(text, 8, 2, d);
  const std::chrono::year_month_day date{std::chrono::year{y},
                                         std::chrono::month{static_cast<unsigned>(m)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!shape_ok || !date.ok()) {
    return pd::fail(pd::Error::invalid("bad date " + quoted(text) + " (expected YYYY-MM-DD)"));
  }
  return date;
}

pd::Result<uint8_t> parse_week_days(std::string_view text) {
  uint8_t mask = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string part(text.substr(begin, end - begin));
    std::transform(part.begin(), part.end(), part.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = std::find(kDayNames.begin(), kDayNames.end(), part);
    if (it == kDayNames.end()) {
      return pd::fail(pd::Error::invalid("bad week day " + quoted(part) + " in " + quoted(text) +
                                         " (expected mon,tue,wed,thu,fri,sat,sun)"));
    }
    mask |= static_cast<uint8_t>(1u << (it - kDayNames.begin()));
    begin = end + 1;
  }
  return mask;
}

std::string format_week_days(uint8_t week_days) {
  std::string out;
  for (size_t i = 0; i < kDayNames.size(); ++i) {
    if (!(week_days & (1u << i))) continue;
    if (!out.empty()) out += ',';
    out += kDayNames[i];
  }
  return out;
}

pd::Status validate_schedule(const ScheduleSpec& spec) {
  auto bad = [](std::string m) { return pd::fail(pd::Error::invalid(std::move(m))); };
  if (spec.start_s < 0 || spec.start_s >= kDay) return bad("start hour out of range");
  if (spec.end_s < 0 || spec.end_s >= kDay) return bad("end hour out of range");
  if ((spec.week_days & kEveryDay) == 0)
    return bad("no week day selected: the campaign never dials");
  if (spec.week_days & ~kEveryDay) return bad("unknown week-day bits");
  if (spec.start_date && !spec.start_date->ok()) return bad("start date is not a calendar date");
  if (spec.end_date && !spec.end_date->ok()) return bad("end date is not a calendar date");
  if (spec.start_date && spec.end_date && *spec.end_date < *spec.start_date) {
    return bad("end date is before start date");
  }
  if (!is_time_zone_name(spec.time_zone)) {
    return bad("bad time zone name " + quoted(spec.time_zone) +
               " (expected an IANA name such as Europe/Madrid)");
  }
  return {};
}

Schedule::Schedule(ScheduleSpec spec, std::shared_ptr<const TimeZone> zone)
    : spec_(std::move(spec)), zone_(zone ? std::move(zone) : TimeZone::utc()) {
  if (spec_.start_date && spec_.start_date->ok()) first_day_ = day_number(*spec_.start_date);
  if (spec_.end_date && spec_.end_date->ok()) last_day_ = day_number(*spec_.end_date);
}

bool Schedule::day_allowed(int64_t day) const {
  if (!(spec_.week_days & (1u << weekday_index(day)))) return false;
  if (first_day_ && day < *first_day_) return false;
  if (last_day_ && day > *last_day_) return false;
  return true;
}

std::optional<Schedule::Window> Schedule::window_of_day(int64_t day) const {
  if (!day_allowed(day)) return std::nullopt;
  const int64_t close_day = spec_.end_s > spec_.start_s ? day : day + 1;
  const Window window{zone_->to_utc(day * kDay + spec_.start_s),
                      zone_->to_utc(close_day * kDay + spec_.end_s)};
  if (window.close <= window.open) return std::nullopt;
  return window;
}

std::optional<Schedule::Window> Schedule::window_at(EpochS now) const {
  const int64_t today = floor_div(zone_->to_local(now), kDay);
  // Yesterday's window may span midnight into today.
  for (int64_t day = today - 1; day <= today; ++day) {
    const auto window = window_of_day(day);
    if (window && window->open <= now && now < window->close) return window;
  }
  return std::nullopt;
}

bool Schedule::is_open(EpochS now) const {
  return window_at(now).has_value();
}

int64_t Schedule::seconds_remaining_today(EpochS now) const {
  const auto window = window_at(now);
  return window ? window->close - now : 0;
}

int64_t Schedule::seconds_to_call_today(EpochS now) const {
  if (auto window = window_at(now)) return window->close - now;
  const auto next = next_open(now);
  if (!next) return 0;
  const auto local_day = [&](EpochS t) {
    const EpochS local = zone_->to_local(t);
    return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  };
  if (local_day(*next) != local_day(now)) return 0;
  const auto window = window_at(*next);
  return window ? window->close - *next : 0;
}

std::optional<EpochS> Schedule::next_open(EpochS now) const {
  int64_t first = floor_div(zone_->to_local(now), kDay) - 1;
  if (first_day_) first = std::max(first, *first_day_);
  // Nine days cover every week day once the date range allows it.
  int64_t last = first + 8;
  if (last_day_) last = std::min(last, *last_day_);
  for (int64_t day = first; day <= last; ++day) {
    const auto window = window_of_day(day);
    if (window && now < window->close) return std::max(window->open, now);
  }
  return std::nullopt;
}

}  // namespace pd::core
