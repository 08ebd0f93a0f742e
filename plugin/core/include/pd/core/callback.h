// Callbacks: a customer asks to be called again at a time of their choosing
// ("Tuesday at 10"), and the agent schedules it with a callback disposition.
//
// The agent types the time as the customer said it: a local wall-clock time in
// the customer's zone (the number's own time zone, else the campaign's). The
// plan turns it into a UTC instant and checks it is one the campaign may call
// at: at least kCallbackMinAheadS and at most kCallbackMaxAheadS ahead, inside the campaign's hours
// in the campaign's zone and in the number's zone. A refused time comes back with a sentence the
// agent can act on, naming the next time both windows are open.
//
// A personal callback ("for me only") waits for its agent from `due` until
// `personal_until` (due + the campaign's grace period); after that anyone may
// take it, as with a callback for anyone. At its time the number is dialed
// like any other (the dial gate checks do-not-call and the hours again).
//
// Threads: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pd/core/clock.h"
#include "pd/core/lead.h"
#include "pd/core/schedule.h"
#include "pd/result.h"

namespace pd::core {

struct CallbackRequest {
  // "YYYY-MM-DDTHH:MM" (an HTML datetime-local value; a space for the 'T' and
  // ":SS" are accepted), in the customer's zone (callback_zone_name()).
  std::string local_time;
  bool personal = false;  // for the agent who scheduled it only, until the grace ends
};

struct CallbackPlan {
  EpochS due = 0;             // UTC
  std::string agent;          // personal: the agent; empty: anyone
  EpochS personal_until = 0;  // personal: from then on anyone may take it; else 0
};

// The earliest a callback may be: a minute from now (an agent scheduling
// "now" means the next minute, not a time already past).
inline constexpr EpochS kCallbackMinAheadS = 60;
// The latest: a year ahead (a typo in the year is refused, not kept).
inline constexpr EpochS kCallbackMaxAheadS = 366 * 86400;
// The grace a personal callback waits for its agent, in minutes: 0 (anyone at
// once when the agent is not there) up to a day.
inline constexpr int kCallbackMaxGraceMinutes = 1440;

// The zone the customer's local time is read in: the number's own, else the
// campaign's (the schedule's).
std::string_view callback_zone_name(const Lead& lead, const Schedule& campaign_schedule);

// Plans the callback `request` that `agent` asks for `lead`. `campaign_schedule`
// is the campaign's schedule in the campaign's zone; `grace_minutes` the
// campaign's (clamped to 0..kCallbackMaxGraceMinutes). Errors (kInvalidArgument) are
// sentences for the agent: a time that cannot be read, one in the past, too
// far ahead, outside the calling hours (with the next opening in the
// customer's zone), a number whose zone is unknown.
pd::Result<CallbackPlan> plan_callback(const CallbackRequest& request, const std::string& agent,
                                       const Lead& lead, const Schedule& campaign_schedule,
                                       int grace_minutes, EpochS now);

// "2026-12-01 09:00" - `utc` as a wall-clock time in `zone`, to the minute.
std::string format_local_minute(EpochS utc, const TimeZone& zone);

}  // namespace pd::core
