// Small builders for SQL text with a variable number of placeholders.
// Private to pd_store. Only '?' lists are built this way, never values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The state of a reserved lead given back unused (release, defer, a restart,
// an Originate refused before any channel): a personal callback whose grace
// is not over waits for its agent again; else retry when it was tried before,
// pending when not. One rule for every give-back.
#define PD_GIVEN_BACK_STATE                                                          \
  "CASE WHEN callback_agent IS NOT NULL AND callback_until > NOW(3) THEN 'callback'" \
  " WHEN attempts > 0 THEN 'retry' ELSE 'pending' END"

// The pacing figures' columns (migration 0018), in the order of
// PD_FIGURE_VALUES' placeholders, in dialer_campaign_status,
// dialer_pacing_samples and (with more) dialer_compliance_audit.
#define PD_FIGURE_COLUMNS                                               \
  "dial_level, answer_rate_pct, abandon_rate_pct, abandoned_in_window," \
  " answered_in_window, abandon_target_pct, occupancy_pct, predictive_fallback"
#define PD_FIGURE_VALUES "?,?,?,?,?,?,?,?"
#define PD_FIGURE_UPDATES                                                                    \
  "dial_level = VALUES(dial_level), answer_rate_pct = VALUES(answer_rate_pct),"              \
  " abandon_rate_pct = VALUES(abandon_rate_pct),"                                            \
  " abandoned_in_window = VALUES(abandoned_in_window),"                                      \
  " answered_in_window = VALUES(answered_in_window),"                                        \
  " abandon_target_pct = VALUES(abandon_target_pct), occupancy_pct = VALUES(occupancy_pct)," \
  " predictive_fallback = VALUES(predictive_fallback)"

namespace pd::store::detail {

// A figure for a DECIMAL column: clamped to 0..max (a percentage by default)
// so that a wild value (NaN, a negative) is written as a bound, not refused by
// STRICT_ALL_TABLES with the rest of the batch.
inline double figure_param(double value, double max = 100.0) {
  if (!(value > 0)) return 0;  // also NaN
  return value < max ? value : max;
}

// Ids in one "id IN (...)" statement: few round trips, far below the
// protocol's 65,535 placeholders.
inline constexpr std::size_t kIdChunk = 1000;

// "?,?,?" (n >= 1).
inline std::string placeholders(std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

// "(?,?),(?,?)": `rows` groups of `group` (e.g. "(?,?)").
inline std::string repeated_groups(std::string_view group, std::size_t rows) {
  std::string out;
  out.reserve(rows * (group.size() + 1));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i) out += ',';
    out += group;
  }
  return out;
}

}  // namespace pd::store::detail
