// What happens to a number after an attempt: done, retry later, or failed.
//
//   success (disposition other than "Failed")  -> done; with group by name,
//       also close the contact's other numbers in the campaign (the store does
//       it; this only says so)
//   customer never dialed (Originate refused, local leg / agent not reached)
//       -> requeue now without using an attempt; after `max_requeues` such
//          requeues in a row the number fails, so a broken setup cannot loop
//   unknown (the call vanished and nothing says whether it was answered)
//       -> unknown: never redialed automatically; the admin decides
//   abandoned (predictive: answered, no agent within the connect limit)
//       -> retry not before now + the recall delay (at least retry_minutes)
//          while attempts remain, else failed: the person was not served
//   answered by a person but not a success (e.g. the destination was
//       missing) -> failed: a call that was answered is never redialed
//   otherwise, attempts (this one included) < dial_attempts
//       -> retry at now + retry_minutes
//   otherwise -> failed
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "pd/core/call_state.h"
#include "pd/core/clock.h"

namespace pd::core {

struct RetryRule {
  int dial_attempts = 3;  // calls per number, the first included (< 1 is taken as 1)
  int retry_minutes = 30;
  bool group_by_name = false;
  int max_requeues = 3;           // "never dialed" outcomes in a row before the number fails
  int abandon_recall_hours = 72;  // an abandoned number waits at least this long
};

struct AttemptOutcome {
  bool success = false;         // disposition != "Failed"
  bool customer_dialed = true;  // false: the attempt does not count
  bool answered = false;        // a person picked up (ANSWER, INVALID_DESTINATION)
  bool unknown = false;         // the call's fate is not known (CallResult::unknown)
  bool abandoned = false;       // CallResult::abandoned
  static AttemptOutcome from(const CallResult& result) {
    return {result.disposition != "Failed" && !result.abandoned, result.customer_dialed,
            result.dial_status == DialStatus::kAnswer ||
                result.dial_status == DialStatus::kInvalidDestination,
            result.unknown, result.abandoned};
  }
};

enum class NextStep {
  kDone,     // final: dialer_numbers.state = done
  kRetry,    // dialer_numbers.state = retry, next_try_at = retry_at_ms
  kFailed,   // final: dialer_numbers.state = failed
  kUnknown,  // final until an admin decides: dialer_numbers.state = unknown
};
std::string_view to_string(NextStep step) noexcept;  // "done", "retry", "failed", "unknown"

struct RetryDecision {
  NextStep step = NextStep::kFailed;
  EpochMs retry_at_ms = 0;           // kRetry only
  int attempts = 0;                  // the number's attempts after this one
  int requeues = 0;                  // consecutive "never dialed" outcomes after this one
  bool close_other_numbers = false;  // group by name: close the contact's other numbers
};

// `attempts_before`: attempts the number had before this call;
// `requeues_before`: consecutive never-dialed outcomes before this call.
RetryDecision decide_retry(const RetryRule& rule, int attempts_before, int requeues_before,
                           const AttemptOutcome& outcome, EpochMs now);

}  // namespace pd::core
