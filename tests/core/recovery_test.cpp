// Real Asterisk behaviours the call state machine must survive, and what a
// restarted or reconnected engine decides from the milestones the helper
// dialplan recorded (docs/milestones.md):
// - the real single-call transcripts of real-behaviours/ replayed through the
//   call table;
// - every order of OriginateResponse, Newchannel, DialEnd and Hangup that
//   Asterisk allows gives the same result;
// - recovered calls: answered ones are never retried, the real times and
//   agent are kept, a PBX crash is "Abandoned", an unreadable record "Unknown".
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "pd/core/call_table.h"
#include "pd/core/retry_policy.h"
#include "test_events.h"

using namespace pd::core;
using pd::core::testing::msg;
using pd::core::testing::OwnedMessage;
using pd::core::testing::to_event;

namespace {

using pd::core::testing::load_jsonl;

struct Outcome {
  int ended = 0;
  CallResult result;
};

// Feeds the messages through a table holding one call, then lets time pass
// (a failure whose channels never came ends after settle_ms).
Outcome replay(const std::vector<OwnedMessage>& messages, const std::string& call_id,
               const std::string& action_id, CallSettings settings) {
  CallTable table;
  CallInfo info;
  info.campaign_id = 1;
  REQUIRE(table.add(call_id, action_id, info, settings, 0).has_value());
  table.find(call_id)->originate_sent(0);
  Outcome out;
  EpochMs now = 0;
  for (const auto& message : messages) {
    now += 1;
    const auto applied = table.apply(to_event(message), now);
    if (applied.changes & kEnded) {
      ++out.ended;
      out.result = applied.call->result();
    }
  }
  for (const auto& id : table.expire(now + 60000)) {
    (void)id;
    ++out.ended;
    out.result = table.find(call_id)->result();
  }
  return out;
}

// Every order of `events` that keeps each pair (before, after) of `rules`.
template <class Visit>
void each_allowed_order(size_t n, const std::vector<std::pair<size_t, size_t>>& rules,
                        Visit visit) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  do {
    std::vector<size_t> position(n);
    for (size_t i = 0; i < n; ++i) position[order[i]] = i;
    bool allowed = true;
    for (const auto& [before, after] : rules) allowed &= position[before] < position[after];
    if (allowed) visit(order);
  } while (std::next_permutation(order.begin(), order.end()));
}

}  // namespace

TEST_CASE("real: OriginateResponse before Newchannel - the unallocated number is CHANUNAVAIL") {
  const auto messages = load_jsonl("originateresponse-before-newchannel.jsonl");
  REQUIRE(to_event(messages.front()).event == "OriginateResponse");
  const Outcome out = replay(messages, "vm-mwzvm906-82", "p0-84", {});
  CHECK(out.ended == 1);
  CHECK(out.result.dial_status == DialStatus::kChanUnavail);
  CHECK(out.result.hangup_cause == 1);
  CHECK(out.result.disposition == "Failed");
  CHECK_FALSE(out.result.lost);
}

TEST_CASE("real: preview, agent leg first, busy customer with its own Uniqueids - cause 17") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  const Outcome out =
      replay(load_jsonl("preview-local-first-busy.jsonl"), "vm-mwzvm906-74", "", settings);
  CHECK(out.ended == 1);
  CHECK(out.result.dial_status == DialStatus::kBusy);
  CHECK(out.result.hangup_cause == 17);  // the customer's ;2, not its ;1's 0
  CHECK(out.result.customer_dialed);
}

TEST_CASE("real: AMD NOTSURE on a silent customer - still a person, to the agent") {
  CallSettings settings;
  const Outcome out =
      replay(load_jsonl("amd-notsure-silent-human-to-queue.jsonl"), "vm-mwzvm906-6", "", settings);
  CHECK(out.ended == 1);
  CHECK(out.result.dial_status == DialStatus::kAnswer);
  CHECK(out.result.amd_status == "NOTSURE");
  CHECK(out.result.disposition == "Agent");
}

TEST_CASE("real: DTMF then a hang-up during AMD, no AMD event - answered, the digit counts") {
  CallSettings settings;
  settings.valid_dtmf = "1";
  const Outcome out = replay(load_jsonl("dtmf-hangup-during-amd-no-amd-event.jsonl"),
                             "vm-mwzvm906-20", "", settings);
  CHECK(out.ended == 1);
  CHECK(out.result.dial_status == DialStatus::kAnswer);
  CHECK(out.result.amd_status.empty());
  CHECK(out.result.disposition == "DTMF_1");
}

TEST_CASE("every order Asterisk allows gives the same result") {
  const std::string id = "c9";
  SUBCASE("remote first, unallocated: Reason 0, the cause on ;2") {
    const std::vector<OwnedMessage> events = {
        msg({{"Event", "OriginateResponse"},
             {"ActionID", "a9"},
             {"Response", "Failure"},
             {"Reason", "0"},
             {"Uniqueid", "c9"}}),
        msg({{"Event", "Newchannel"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}}),
        msg({{"Event", "Newchannel"}, {"Uniqueid", "c9;2"}, {"Linkedid", "c9"}}),
        msg({{"Event", "DialBegin"}, {"DestUniqueid", "c9"}, {"DestLinkedid", "c9"}}),
        msg({{"Event", "DialEnd"},
             {"DestUniqueid", "c9"},
             {"DestLinkedid", "c9"},
             {"DialStatus", "NOANSWER"}}),
        msg({{"Event", "Hangup"}, {"Uniqueid", "c9;2"}, {"Linkedid", "c9"}, {"Cause", "1"}}),
        msg({{"Event", "Hangup"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}, {"Cause", "1"}}),
    };
    // A Local pair is created whole (both Newchannels before any Hangup); a
    // channel hangs up after it exists; DialBegin precedes its DialEnd.
    const std::vector<std::pair<size_t, size_t>> rules = {{1, 5}, {1, 6}, {2, 5},
                                                          {2, 6}, {3, 4}, {1, 3}};
    int orders = 0;
    each_allowed_order(events.size(), rules, [&](const std::vector<size_t>& order) {
      std::vector<OwnedMessage> ordered;
      for (size_t i : order) ordered.push_back(events[i]);
      const Outcome out = replay(ordered, id, "a9", {});
      ++orders;
      CHECK(out.ended == 1);
      CHECK(out.result.dial_status == DialStatus::kChanUnavail);
      CHECK(out.result.hangup_cause == 1);
      CHECK_FALSE(out.result.lost);
    });
    CHECK(orders > 100);
  }
  SUBCASE("remote first, busy: Reason 5, ;1 says 0, ;2 says 17") {
    const std::vector<OwnedMessage> events = {
        msg({{"Event", "OriginateResponse"},
             {"ActionID", "a9"},
             {"Response", "Failure"},
             {"Reason", "5"},
             {"Uniqueid", "c9"}}),
        msg({{"Event", "Newchannel"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}}),
        msg({{"Event", "Newchannel"}, {"Uniqueid", "c9;2"}, {"Linkedid", "c9"}}),
        msg({{"Event", "DialEnd"},
             {"DestUniqueid", "c9"},
             {"DestLinkedid", "c9"},
             {"DialStatus", "BUSY"}}),
        msg({{"Event", "Hangup"}, {"Uniqueid", "c9;2"}, {"Linkedid", "c9"}, {"Cause", "17"}}),
        msg({{"Event", "Hangup"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}, {"Cause", "0"}}),
    };
    const std::vector<std::pair<size_t, size_t>> rules = {{1, 4}, {1, 5}, {2, 4}, {2, 5}, {1, 3}};
    each_allowed_order(events.size(), rules, [&](const std::vector<size_t>& order) {
      std::vector<OwnedMessage> ordered;
      for (size_t i : order) ordered.push_back(events[i]);
      const Outcome out = replay(ordered, id, "a9", {});
      CHECK(out.ended == 1);
      CHECK(out.result.dial_status == DialStatus::kBusy);
      CHECK(out.result.hangup_cause == 17);
    });
  }
  SUBCASE("local first, busy customer: its ;1 says 0 and ;2 says 17, in any order") {
    const std::vector<OwnedMessage> events = {
        msg({{"Event", "OriginateResponse"},
             {"ActionID", "a9"},
             {"Response", "Success"},
             {"Reason", "4"},
             {"Uniqueid", "c9"}}),
        msg({{"Event", "Newchannel"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}}),
        msg({{"Event", "DialBegin"},
             {"Uniqueid", "c9"},
             {"Linkedid", "c9"},
             {"DestChannel", "Local/5557@out-0000005b;1"},
             {"DestUniqueid", "17.182"},
             {"DestLinkedid", "c9"}}),
        msg({{"Event", "Newchannel"},
             {"Channel", "Local/5557@out-0000005b;1"},
             {"Uniqueid", "17.182"},
             {"Linkedid", "c9"}}),
        msg({{"Event", "Newchannel"},
             {"Channel", "Local/5557@out-0000005b;2"},
             {"Uniqueid", "17.183"},
             {"Linkedid", "c9"}}),
        msg({{"Event", "DialEnd"},
             {"Uniqueid", "c9"},
             {"Linkedid", "c9"},
             {"DestUniqueid", "17.182"},
             {"DestLinkedid", "c9"},
             {"DialStatus", "BUSY"}}),
        msg({{"Event", "Hangup"},
             {"Channel", "Local/5557@out-0000005b;1"},
             {"Uniqueid", "17.182"},
             {"Linkedid", "c9"},
             {"Cause", "0"}}),
        msg({{"Event", "Hangup"},
             {"Channel", "Local/5557@out-0000005b;2"},
             {"Uniqueid", "17.183"},
             {"Linkedid", "c9"},
             {"Cause", "17"}}),
        msg({{"Event", "Hangup"}, {"Uniqueid", "c9"}, {"Linkedid", "c9"}, {"Cause", "16"}}),
    };
    // The call's own channel lives until the customer's are gone (it ran the
    // Dial); the customer pair exists before either hangs up.
    const std::vector<std::pair<size_t, size_t>> rules = {{1, 2}, {2, 3}, {2, 4}, {2, 5}, {3, 6},
                                                          {4, 6}, {3, 7}, {4, 7}, {6, 8}, {7, 8},
                                                          {5, 8}, {0, 8}, {1, 8}};
    CallSettings settings;
    settings.leg = CallLeg::kLocalFirst;
    int orders = 0;
    each_allowed_order(events.size(), rules, [&](const std::vector<size_t>& order) {
      std::vector<OwnedMessage> ordered;
      for (size_t i : order) ordered.push_back(events[i]);
      const Outcome out = replay(ordered, id, "a9", settings);
      ++orders;
      CHECK(out.ended == 1);
      CHECK(out.result.dial_status == DialStatus::kBusy);
      CHECK(out.result.hangup_cause == 17);
    });
    CHECK(orders > 100);
  }
}

TEST_CASE("milestones: keys with or without the family, times in ms or seconds.millis") {
  Milestones m;
  CHECK(m.take("c1", "c1/answered", "1795838232182"));
  CHECK(m.answered_ms == 1795838232182);
  CHECK(m.take("c1", "/paneldialer/c1/ended", "1795838240.5"));
  CHECK(m.ended_ms == 1795838240500);
  CHECK(m.take("c1", "c1/cause", "16"));
  CHECK(m.cause == 16);
  CHECK(m.take("c1", "c1/agent", "Local/101@sim-agents/n"));
  CHECK(m.take("c1", "c1/dest", "invalid"));
  CHECK_FALSE(m.take("c1", "c10/answered", "1"));  // another call's
  CHECK_FALSE(m.take("c1", "c1/unheard-of", "x"));
  CHECK_FALSE(m.take("c1", "c1", "x"));
  CHECK(m.take("c1", "c1/answered", "not a time"));
  CHECK(m.answered_ms == 0);  // a bad time is no time
}

namespace {

// An adopted call: the engine restarted, knows only that it sent the Originate.
struct Adopted {
  explicit Adopted(CallLeg leg = CallLeg::kRemoteFirst) {
    CallSettings settings;
    settings.leg = leg;
    CallInfo info;
    info.campaign_id = 7;
    REQUIRE(table.add("c1", "", info, settings, 100000).has_value());
    table.find("c1")->originate_sent(100000);
    table.begin_reconcile();
    gone = table.finish_reconcile(100500);  // CoreShowChannels listed nothing
  }
  const CallResult& result() { return table.find("c1")->result(); }
  CallTable table;
  std::vector<std::string> gone;
};

RetryDecision decide(const CallResult& result) {
  RetryRule rule;
  rule.dial_attempts = 3;
  rule.retry_minutes = 1;
  return decide_retry(rule, 0, 0, AttemptOutcome::from(result), 200000);
}

}  // namespace

TEST_CASE("recovered: talked to an agent while the engine was away - Agent, real times, done") {
  Adopted call;
  REQUIRE(call.gone == std::vector<std::string>{"c1"});
  Milestones m;
  m.answered_ms = 40000;
  m.agent = "Local/102@sim-agents/n";
  m.dest = "ok";
  m.ended_ms = 90000;
  m.cause = 16;
  const CallChanges changes = call.table.recover("c1", &m, true, 95000);
  CHECK((changes & kAnswered));
  CHECK((changes & kAgentConnected));
  CHECK((changes & kEnded));
  const CallResult& r = call.result();
  CHECK(r.dial_status == DialStatus::kAnswer);
  CHECK(r.disposition == "Agent");
  CHECK(r.agent_interface == "Local/102@sim-agents/n");
  CHECK(r.answered_ms == 40000);  // the real answer time, not the restart's
  CHECK(r.ended_ms == 90000);
  CHECK(r.recovered);
  CHECK(decide(r).step == NextStep::kDone);
  CHECK(call.table.live_calls(7) == 0);
}

TEST_CASE("recovered: answered, then the PBX crashed - Abandoned at the link loss, never Ok") {
  Adopted call;
  Milestones m;
  m.answered_ms = 40000;
  m.dest = "ok";  // waiting in the queue; no end recorded
  call.table.recover("c1", &m, true, 61000);
  const CallResult& r = call.result();
  CHECK(r.dial_status == DialStatus::kAnswer);
  CHECK(r.disposition == "Abandoned");
  CHECK(r.lost);
  CHECK(r.ended_ms == 61000);
  CHECK(r.answered_ms == 40000);
  CHECK(decide(r).step == NextStep::kDone);  // answered: never redialed
}

TEST_CASE("recovered: no record - the customer never answered, retried by the campaign's rule") {
  Adopted call;
  Milestones none;
  call.table.recover("c1", &none, true, 61000);
  const CallResult& r = call.result();
  CHECK(r.answered_ms == 0);
  CHECK(r.disposition == "Failed");
  CHECK(r.customer_dialed);  // it may have rung: the attempt counts
  const RetryDecision d = decide(r);
  CHECK(d.step == NextStep::kRetry);
  CHECK(d.retry_at_ms == 200000 + 60000);
}

TEST_CASE("recovered: records unreadable - Unknown, never redialed, never Ok") {
  Adopted call;
  call.table.recover("c1", nullptr, true, 61000);
  const CallResult& r = call.result();
  CHECK(r.unknown);
  CHECK(r.disposition == "Unknown");
  CHECK(r.dial_status == DialStatus::kNone);
  CHECK(decide(r).step == NextStep::kUnknown);

  // Known to have been answered before the link went: not unknown.
  Adopted answered;
  answered.table.find("c1")->originate_response(true, 4, 100200);
  answered.table.recover("c1", nullptr, true, 61000);
  CHECK_FALSE(answered.result().unknown);
  CHECK(answered.result().disposition == "Abandoned");
}

TEST_CASE("recovered: the destination was missing - INVALID_DESTINATION, failed, not retried") {
  Adopted call;
  Milestones m;
  m.answered_ms = 40000;
  m.dest = "invalid";
  m.ended_ms = 41000;
  m.cause = 16;
  call.table.recover("c1", &m, true, 61000);
  const CallResult& r = call.result();
  CHECK(r.dial_status == DialStatus::kInvalidDestination);
  CHECK(r.disposition == "Failed");
  CHECK(decide(r).step == NextStep::kFailed);
}

TEST_CASE("recovered: local first - the customer's dial status and answer from the records") {
  Adopted busy(CallLeg::kLocalFirst);
  Milestones m;
  m.dial_status = "BUSY";
  m.ended_ms = 41000;
  busy.table.recover("c1", &m, true, 61000);
  CHECK(busy.result().dial_status == DialStatus::kBusy);
  CHECK(busy.result().customer_dialed);
  CHECK(decide(busy.result()).step == NextStep::kRetry);

  Adopted answered(CallLeg::kLocalFirst);
  Milestones a;
  a.answered_ms = 40000;
  a.dial_status = "ANSWER";
  a.ended_ms = 50000;
  answered.table.recover("c1", &a, true, 61000);
  CHECK(answered.result().dial_status == DialStatus::kAnswer);
  CHECK(answered.result().answered_ms == 40000);
  CHECK(decide(answered.result()).step == NextStep::kDone);
}

TEST_CASE("recovered while still live: the records add what was missed, events end the call") {
  CallTable table;
  CallInfo info;
  info.campaign_id = 7;
  REQUIRE(table.add("c1", "", info, {}, 100000).has_value());
  table.find("c1")->originate_sent(100000);
  table.begin_reconcile();
  table.apply(to_event(msg({{"Event", "CoreShowChannel"},
                            {"Uniqueid", "c1"},
                            {"Linkedid", "c1"},
                            {"ChannelStateDesc", "Up"}})),
              100400);
  CHECK(table.finish_reconcile(100500).empty());
  Milestones m;
  m.answered_ms = 40000;
  CHECK(table.recover("c1", &m, false, 0) == kNoChange);  // answered already (Up)
  CHECK(table.find("c1")->answered_ms() == 40000);        // but at its real time
  CHECK(table.awaiting_agent(7) == 1);
  // The agent's AgentComplete names the agent the call reached while away.
  table.apply(to_event(msg({{"Event", "AgentComplete"},
                            {"Uniqueid", "c1"},
                            {"Linkedid", "c1"},
                            {"Interface", "Local/101@sim-agents/n"},
                            {"MemberName", "Agent 101"}})),
              120000);
  CHECK(table.awaiting_agent(7) == 0);
  const auto ended = table.apply(
      to_event(msg({{"Event", "Hangup"}, {"Uniqueid", "c1"}, {"Linkedid", "c1"}, {"Cause", "16"}})),
      120001);
  REQUIRE((ended.changes & kEnded));
  CHECK(ended.call->result().disposition == "Agent");
  CHECK(ended.call->result().agent == "Agent 101");
}

TEST_CASE("retry policy: a call answered by a person is never redialed automatically") {
  RetryRule rule;
  rule.dial_attempts = 5;
  AttemptOutcome answered_failure{false, true, true, false};  // e.g. INVALID_DESTINATION
  CHECK(decide_retry(rule, 0, 0, answered_failure, 0).step == NextStep::kFailed);
  AttemptOutcome machine{false, true, false, false};  // a machine may be tried again
  CHECK(decide_retry(rule, 0, 0, machine, 0).step == NextStep::kRetry);
  AttemptOutcome unknown{false, true, false, true};
  const RetryDecision d = decide_retry(rule, 1, 0, unknown, 0);
  CHECK(d.step == NextStep::kUnknown);
  CHECK(d.attempts == 2);
}
