#include "pd/core/callback.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

#include "pd/core/dial_gate.h"

namespace pd::core {
namespace {

pd::Error refused(std::string message) {
  return pd::Error{pd::ErrorCode::kInvalidArgument, std::move(message)};
}

// Digits of `text` at [at, at+n) as a number; none when any is not a digit.
std::optional<int> digits(std::string_view text, size_t at, size_t n) {
  if (at + n > text.size()) return std::nullopt;
  int value = 0;
  const char* first = text.data() + at;
  auto [end, ec] = std::from_chars(first, first + n, value);
  if (ec != std::errc{} || end != first + n) return std::nullopt;
  return value;
}

// "YYYY-MM-DDTHH:MM[:SS]" (or a space for the T) as local seconds since the
// epoch (the wall-clock time read as if it were UTC); none when malformed or
// not a real date.
std::optional<EpochS> parse_local_minute(std::string_view text) {
  if (text.size() != 16 && text.size() != 19) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
    return std::nullopt;
  if (text.size() == 19 && text[16] != ':') return std::nullopt;
  const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2), mi = digits(text, 14, 2);
  const auto s = text.size() == 19 ? digits(text, 17, 2) : std::optional<int>{0};
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  using namespace std::chrono;
  const year_month_day day{year{*y}, month{unsigned(*mo)}, std::chrono::day{unsigned(*d)}};
  if (!day.ok()) return std::nullopt;
  return EpochS{sys_days{day}.time_since_epoch().count()} * 86400 + *h * 3600 + *mi * 60;
}

}  // namespace

std::string format_local_minute(EpochS utc, const TimeZone& zone) {
  using namespace std::chrono;
  const EpochS local = zone.to_local(utc);
  const EpochS days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const EpochS second_of_day = local - days * 86400;
  const year_month_day day{sys_days{std::chrono::days{days}}};
  const int hour = int(second_of_day / 3600), minute = int(second_of_day % 3600 / 60);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d", int(day.year()),
                unsigned(day.month()), unsigned(day.day()), hour, minute);
  return text;
}

std::string_view callback_zone_name(const Lead& lead, const Schedule& campaign_schedule) {
  return lead.time_zone.empty() ? std::string_view(campaign_schedule.zone().name())
                                : std::string_view(lead.time_zone);
}

pd::Result<CallbackPlan> plan_callback(const CallbackRequest& request, const std::string& agent,
                                       const Lead& lead, const Schedule& campaign_schedule,
                                       int grace_minutes, EpochS now) {
  const bool own_zone =
      !lead.time_zone.empty() && lead.time_zone != campaign_schedule.zone().name();
  if (own_zone && !lead.zone) {
    return pd::fail(refused("The number's time zone '" + lead.time_zone +
                            "' is unknown, so no time can be agreed for it."));
  }
  const TimeZone& zone = own_zone ? *lead.zone : campaign_schedule.zone();
  const auto local = parse_local_minute(request.local_time);
  if (!local) {
    return pd::fail(refused("Pick a date and a time for the callback (e.g. 2026-12-01 10:30)."));
  }
  const EpochS due = zone.to_utc(*local);
  if (due < now + kCallbackMinAheadS) {
    return pd::fail(refused("That time is past (it is now " + format_local_minute(now, zone) +
                            " for the customer, " + zone.name() + ")."));
  }
  if (due > now + kCallbackMaxAheadS) {
    return pd::fail(refused("A callback can be at most a year ahead."));
  }
  // Calling hours: the campaign's, and the same hours in the number's zone.
  std::optional<Schedule> customer;
  if (own_zone) customer.emplace(campaign_schedule.spec(), lead.zone);
  const bool open = campaign_schedule.is_open(due) && (!customer || customer->is_open(due));
  if (!open) {
    const auto next = customer ? first_common_opening(campaign_schedule, *customer, due)
                               : campaign_schedule.next_open(due);
    std::string message = "That time is outside the campaign's calling hours";
    if (own_zone) message += " in the customer's time zone (" + zone.name() + ")";
    message += next ? "; the next opening after it is " + format_local_minute(*next, zone) + "."
                    : "; they do not open again after it.";
    return pd::fail(refused(std::move(message)));
  }
  CallbackPlan plan;
  plan.due = due;
  if (request.personal) {
    plan.agent = agent;
    plan.personal_until = due + EpochS{std::clamp(grace_minutes, 0, kCallbackMaxGraceMinutes)} * 60;
  }
  return plan;
}

}  // namespace pd::core
