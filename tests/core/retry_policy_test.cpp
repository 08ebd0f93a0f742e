// What happens to a number after each outcome.
#include "pd/core/retry_policy.h"

#include <doctest/doctest.h>

using namespace pd::core;

namespace {
constexpr EpochMs kNow = 1'700'000'000'000;
const AttemptOutcome kSuccess{true, true};
const AttemptOutcome kFailure{false, true};
const AttemptOutcome kNeverDialed{false, false};
}  // namespace

TEST_CASE("a failure is retried after retry_minutes until the attempts run out") {
  const RetryRule rule{3, 30, false};
  RetryDecision d = decide_retry(rule, 0, 0, kFailure, kNow);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.attempts == 1);
  CHECK(d.retry_at_ms == kNow + 30 * 60'000);
  d = decide_retry(rule, 1, 0, kFailure, kNow);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.attempts == 2);
  d = decide_retry(rule, 2, 0, kFailure, kNow);
  CHECK(d.step == NextStep::kFailed);
  CHECK(d.attempts == 3);
  CHECK(to_string(d.step) == "failed");
}

TEST_CASE("a single attempt fails at once - zero retry minutes retries at once") {
  CHECK(decide_retry({1, 30, false}, 0, 0, kFailure, kNow).step == NextStep::kFailed);
  CHECK(decide_retry({0, 30, false}, 0, 0, kFailure, kNow).step == NextStep::kFailed);
  const RetryDecision d = decide_retry({2, 0, false}, 0, 0, kFailure, kNow);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.retry_at_ms == kNow);
}

TEST_CASE("success is done - with group by name it closes the contact's other numbers") {
  RetryDecision d = decide_retry({3, 30, false}, 1, 0, kSuccess, kNow);
  CHECK(d.step == NextStep::kDone);
  CHECK(d.attempts == 2);
  CHECK_FALSE(d.close_other_numbers);
  d = decide_retry({3, 30, true}, 0, 0, kSuccess, kNow);
  CHECK(d.step == NextStep::kDone);
  CHECK(d.close_other_numbers);
  // A failure never closes the others.
  CHECK_FALSE(decide_retry({3, 30, true}, 0, 0, kFailure, kNow).close_other_numbers);
}

TEST_CASE("never dialed: requeued without using an attempt - but not forever") {
  const RetryRule rule{3, 30, false, 2};
  RetryDecision d = decide_retry(rule, 1, 0, kNeverDialed, kNow);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.attempts == 1);
  CHECK(d.requeues == 1);
  CHECK(d.retry_at_ms == kNow);
  d = decide_retry(rule, 1, 1, kNeverDialed, kNow);
  CHECK(d.step == NextStep::kRetry);
  d = decide_retry(rule, 1, 2, kNeverDialed, kNow);
  CHECK(d.step == NextStep::kFailed);
  // A real attempt resets the run.
  CHECK(decide_retry(rule, 1, 2, kFailure, kNow).requeues == 0);
}

TEST_CASE("the outcome of a call result") {
  CallResult r;
  r.disposition = "Agent";
  r.customer_dialed = true;
  CHECK(AttemptOutcome::from(r).success);
  r.disposition = "Failed";
  r.customer_dialed = false;
  const AttemptOutcome o = AttemptOutcome::from(r);
  CHECK_FALSE(o.success);
  CHECK_FALSE(o.customer_dialed);
}

TEST_CASE("abandoned (predictive) - retried after the recall delay while attempts remain") {
  CallResult result;
  result.dial_status = DialStatus::kAnswer;
  result.disposition = "Abandoned";
  result.customer_dialed = true;
  result.abandoned = true;
  const AttemptOutcome outcome = AttemptOutcome::from(result);
  CHECK_FALSE(outcome.success);
  CHECK(outcome.abandoned);
  RetryRule rule{3, 30, false};
  rule.abandon_recall_hours = 72;
  RetryDecision d = decide_retry(rule, 0, 0, outcome, kNow);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.attempts == 1);
  CHECK(d.retry_at_ms == kNow + 72 * 3'600'000);
  // The longer of the recall delay and the retry minutes.
  rule.abandon_recall_hours = 0;
  CHECK(decide_retry(rule, 0, 0, outcome, kNow).retry_at_ms == kNow + 30 * 60'000);
  // The last attempt: failed, never done (the person was not served).
  CHECK(decide_retry(rule, 2, 0, outcome, kNow).step == NextStep::kFailed);
}
