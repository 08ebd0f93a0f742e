// An Originate Asterisk refused before any channel existed (its ChannelId
// "already in use" by prefix): retried under a new id, never an attempt.
// Event sequences as AMI shows them (see pd/core/originate_refusal.h).
#include "pd/core/originate_refusal.h"

#include <doctest/doctest.h>

#include "pd/core/retry_policy.h"
#include "test_events.h"

using namespace pd::core;
using pd::core::testing::msg;
using pd::core::testing::to_event;

namespace {

constexpr const char* kId = "pd1-x-0000000009";

// What a call ends with when only these events arrive (then settle_ms passes).
CallResult run(CallLeg leg, std::initializer_list<pd::core::testing::OwnedMessage> events) {
  CallSettings settings;
  settings.leg = leg;
  settings.settle_ms = 2000;
  CallState call(kId, settings, 1000);
  call.originate_sent(1000);
  const CallEventNames names;
  EpochMs t = 1000;
  for (const auto& m : events) call.apply(to_event(m), t += 10, names);
  call.expire(t + 2001);
  REQUIRE(call.ended());
  return call.result();
}

pd::core::testing::OwnedMessage failure(const char* reason) {
  return msg({{"Event", "OriginateResponse"},
              {"ActionID", "a1"},
              {"Response", "Failure"},
              {"Channel", "Local/5551000@pd-c-customer"},
              {"Reason", reason},
              {"Uniqueid", kId}});
}

}  // namespace

TEST_CASE("an id in use: Failure Reason 0 and no channel ever - retried under a new id") {
  for (CallLeg leg : {CallLeg::kRemoteFirst, CallLeg::kLocalFirst}) {
    const CallResult r = run(leg, {failure("0")});
    CHECK(refused_before_any_channel(r));
    auto d = decide_refusal(r, 0);
    CHECK(d.step == RefusalStep::kRetryNewId);
    CHECK(d.retries == 1);
    d = decide_refusal(r, 2);
    CHECK(d.step == RefusalStep::kRetryNewId);
    CHECK(d.retries == 3);
    // Bounded: the fourth refusal of the same lead gives it back.
    d = decide_refusal(r, kMaxIdRetries);
    CHECK(d.step == RefusalStep::kGiveBack);
    CHECK(d.retries == kMaxIdRetries);
    CHECK(decide_refusal(r, 0, 0).step == RefusalStep::kGiveBack);
  }
}

TEST_CASE("what is not an id refusal is left to the retry policy") {
  // The Newchannel came after the failure (real-behaviours
  // originateresponse-before-newchannel): the number was dialed.
  const CallResult unallocated =
      run(CallLeg::kRemoteFirst,
          {failure("0"), msg({{"Event", "Newchannel"}, {"Uniqueid", kId}, {"Linkedid", kId}}),
           msg({{"Event", "Hangup"}, {"Uniqueid", kId}, {"Linkedid", kId}, {"Cause", "1"}})});
  CHECK_FALSE(refused_before_any_channel(unallocated));
  CHECK(decide_refusal(unallocated, 0).step == RefusalStep::kNone);

  // Busy (Reason 5), even without channel events.
  CHECK(decide_refusal(run(CallLeg::kRemoteFirst, {failure("5")}), 0).step == RefusalStep::kNone);

  // Response: Error to the Originate (trace 13): the retry policy's "never
  // dialed" requeue, not this.
  CallState rejected(kId, {}, 1000);
  rejected.originate_sent(1000);
  rejected.apply(
      to_event(msg(
          {{"Response", "Error"}, {"ActionID", "a1"}, {"Message", "Extension does not exist."}})),
      1010, {});
  REQUIRE(rejected.ended());
  CHECK(decide_refusal(rejected.result(), 0).step == RefusalStep::kNone);

  // No OriginateResponse at all (the link went): lost, not refused.
  CallState lost(kId, {}, 1000);
  lost.originate_sent(1000);
  lost.end_lost("AMI link lost", 5000);
  CHECK(decide_refusal(lost.result(), 0).step == RefusalStep::kNone);
}

TEST_CASE("left alone, such a refusal would have used an attempt - hence the interception") {
  // Remote first it ends FAILED as a dialed call: the engine asks
  // decide_refusal() before decide_retry().
  const CallResult r = run(CallLeg::kRemoteFirst, {failure("0")});
  CHECK(r.dial_status == DialStatus::kFailed);
  const auto retry = decide_retry({}, 0, 0, AttemptOutcome::from(r), 0);
  CHECK(retry.attempts == 1);
  CHECK(decide_refusal(r, 0).step == RefusalStep::kRetryNewId);
}
