#include "pd/core/retry_policy.h"

#include <algorithm>

namespace pd::core {

std::string_view to_string(NextStep step) noexcept {
  switch (step) {
    case NextStep::kDone:
      return "done";
    case NextStep::kRetry:
      return "retry";
    case NextStep::kFailed:
      return "failed";
    case NextStep::kUnknown:
      return "unknown";
  }
  return "?";
}

RetryDecision decide_retry(const RetryRule& rule, int attempts_before, int requeues_before,
                           const AttemptOutcome& outcome, EpochMs now) {
  RetryDecision d;
  attempts_before = std::max(0, attempts_before);
  if (!outcome.customer_dialed && !outcome.success) {
    d.attempts = attempts_before;
    d.requeues = std::max(0, requeues_before) + 1;
    if (d.requeues > std::max(0, rule.max_requeues)) {
      d.step = NextStep::kFailed;
    } else {
      d.step = NextStep::kRetry;
      d.retry_at_ms = now;
    }
    return d;
  }
  d.attempts = attempts_before + 1;
  d.requeues = 0;
  if (outcome.unknown) {
    d.step = NextStep::kUnknown;
    return d;
  }
  if (outcome.abandoned) {
    if (d.attempts < std::max(1, rule.dial_attempts)) {
      d.step = NextStep::kRetry;
      const EpochMs recall =
          static_cast<EpochMs>(std::max(0, rule.abandon_recall_hours)) * 3'600'000;
      const EpochMs retry = static_cast<EpochMs>(std::max(0, rule.retry_minutes)) * 60'000;
      d.retry_at_ms = now + std::max(recall, retry);
    } else {
      d.step = NextStep::kFailed;
    }
    return d;
  }
  if (outcome.success) {
    d.step = NextStep::kDone;
    d.close_other_numbers = rule.group_by_name;
    return d;
  }
  if (!outcome.answered && d.attempts < std::max(1, rule.dial_attempts)) {
    d.step = NextStep::kRetry;
    d.retry_at_ms = now + static_cast<EpochMs>(std::max(0, rule.retry_minutes)) * 60'000;
    return d;
  }
  d.step = NextStep::kFailed;
  return d;
}

}  // namespace pd::core
