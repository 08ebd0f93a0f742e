// The dialer_numbers columns a Lead is read from, and the reader. Private.
#pragma once

#include "pd/store/connection.h"
#include "pd/store/records.h"

namespace pd::store::detail {

#define PD_LEAD_COLUMNS                                                                   \
  "id, campaign_id, contact_id, name, number, caller_id, variables, time_zone, priority," \
  " attempts, state, next_try_at, abandoned_at"
// How many columns PD_LEAD_COLUMNS holds: a query's own columns after them
// start at this index.
inline constexpr unsigned kLeadColumnCount = 13;

inline Lead read_lead(const Row& r) {
  Lead lead;
  lead.id = r.u64(0);
  lead.campaign_id = static_cast<std::uint32_t>(r.u64(1));
  if (!r.is_null(2)) lead.contact_id = r.u64(2);
  lead.name = r.str(3);
  lead.number = r.str(4);
  lead.caller_id = r.str(5);
  lead.variables = r.str(6);
  lead.time_zone = r.opt(7);
  lead.priority = static_cast<std::int16_t>(r.i64(8));
  lead.attempts = static_cast<std::uint16_t>(r.u64(9));
  lead.previous_state = parse_number_state(r.str(10)).value_or(NumberState::kPending);
  lead.next_try_at = r.time(11).value_or(TimePoint{});
  lead.abandoned_at = r.time(12);
  return lead;
}

}  // namespace pd::store::detail
