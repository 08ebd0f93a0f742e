// Replays of the real Asterisk 22 transcripts through CallTable + CallState:
// each scenario's call must end once, with the dial status and disposition
// the engine records for it.
#include "pd/core/call_table.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "pd/core/queue_view.h"
#include "trace_support.h"

using namespace pd::core;
using pd::core::testing::load_raw;
using pd::core::testing::load_sent_originate;
using pd::core::testing::to_event;

namespace {

struct Scenario {
  const char* prefix;
  CallLeg leg;
  DialStatus status;
  const char* disposition;
};

// Remote first unless said; 07 counts 1 as a valid digit; 16's dialplan names
// its AMD UserEvent "AMDResult" (ours will say PanelDialerAMD).
const Scenario kScenarios[] = {
    {"02", CallLeg::kRemoteFirst, DialStatus::kAnswer, "Agent"},
    {"03", CallLeg::kRemoteFirst, DialStatus::kBusy, "Failed"},
    {"04", CallLeg::kRemoteFirst, DialStatus::kNoAnswer, "Failed"},
    {"05", CallLeg::kRemoteFirst, DialStatus::kCongestion, "Failed"},
    {"06", CallLeg::kRemoteFirst, DialStatus::kChanUnavail, "Failed"},
    {"07", CallLeg::kRemoteFirst, DialStatus::kAnswer, "DTMF_1"},
    {"09", CallLeg::kRemoteFirst, DialStatus::kAnswer, "Agent"},
    {"13", CallLeg::kRemoteFirst, DialStatus::kFailed, "Failed"},
    {"14", CallLeg::kRemoteFirst, DialStatus::kFailed, "Failed"},
    {"15", CallLeg::kLocalFirst, DialStatus::kAnswer, "Agent"},
    {"16", CallLeg::kRemoteFirst, DialStatus::kMachine, "Failed"},
};

CallEventNames trace_names() {
  CallEventNames names;
  names.amd = "AMDResult";
  return names;
}

CallSettings settings_for(const Scenario& s) {
  CallSettings settings;
  settings.leg = s.leg;
  settings.valid_dtmf = "1";
  return settings;
}

struct Replay {
  CallResult result;
  int ended_count = 0;
  std::vector<CallChanges> changes;  // every non-empty change, in order
  QueueView queues;
};

Replay replay(const Scenario& s) {
  const auto sent = load_sent_originate(s.prefix);
  REQUIRE_MESSAGE(!sent.channel_id.empty(), s.prefix << ".sent has no ChannelId");
  CallTable table(trace_names());
  CallInfo info;
  info.campaign_id = 1;
  REQUIRE(table.add(sent.channel_id, sent.action_id, info, settings_for(s), 0).has_value());
  table.find(sent.channel_id)->originate_sent(0);
  Replay out;
  EpochMs now = 0;
  for (const auto& message : load_raw(s.prefix)) {
    now += 10;
    const AmiEvent event = to_event(message);
    out.queues.apply(event);
    const auto applied = table.apply(event, now);
    if (applied.changes == kNoChange) continue;
    out.changes.push_back(applied.changes);
    if (applied.changes & kEnded) {
      ++out.ended_count;
      out.result = applied.call->result();
    }
  }
  CHECK_MESSAGE(table.live_calls(1) == 0, s.prefix << ": the call did not end");
  return out;
}

bool has(const std::vector<CallChanges>& changes, CallChanges bit) {
  for (CallChanges c : changes) {
    if (c & bit) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every transcript's call ends once with the expected outcome") {
  for (const Scenario& s : kScenarios) {
    CAPTURE(s.prefix);
    const Replay r = replay(s);
    CHECK(r.ended_count == 1);
    CHECK(to_string(r.result.dial_status) == to_string(s.status));
    CHECK(r.result.disposition == s.disposition);
    CHECK(r.result.ended_ms > 0);
    CHECK_FALSE(r.result.lost);
  }
}

TEST_CASE("02: answered - queued - bridged to Agent 101 - hung up by the caller") {
  const Replay r = replay(kScenarios[0]);
  CHECK(r.result.agent == "Agent 101");
  CHECK(r.result.agent_interface == "Local/101@sim-agents/n");
  CHECK(r.result.customer_dialed);
  CHECK(r.result.originate_reason == 4);
  CHECK(r.result.hangup_cause == 16);
  CHECK(r.result.answered_ms > 0);
  CHECK(r.result.ended_ms > r.result.answered_ms);
  // Ringing, answered, agent, agent complete, end: in that order.
  std::vector<CallChanges> firsts;
  for (CallChanges c : r.changes) {
    for (CallChanges bit : {kRinging, kAnswered, kAgentConnected, kAgentCompleted, kEnded}) {
      if ((c & bit) && std::find(firsts.begin(), firsts.end(), bit) == firsts.end()) {
        firsts.push_back(bit);
      }
    }
  }
  CHECK(firsts ==
        std::vector<CallChanges>{kRinging, kAnswered, kAgentConnected, kAgentCompleted, kEnded});
  // The agent is free again in the queue view once the call is over.
  CHECK(r.queues.free_count("sales") == 1);
}

TEST_CASE("03-06: the real cause comes from the  second half half") {
  CHECK(replay(kScenarios[1]).result.hangup_cause == 17);  // busy
  CHECK(replay(kScenarios[2]).result.hangup_cause == 19);  // no answer
  CHECK(replay(kScenarios[3]).result.hangup_cause == 34);  // congestion
  const Replay unallocated = replay(kScenarios[4]);
  CHECK(unallocated.result.hangup_cause == 1);
  CHECK(unallocated.result.originate_reason == 0);
  CHECK(unallocated.result.answered_ms == 0);
  // A ring timeout (04) has no DialEnd and no ringing answer; it did ring.
  CHECK(has(replay(kScenarios[2]).changes, kRinging));
}

TEST_CASE("07: the digit 1 pressed by the customer") {
  const Replay r = replay(kScenarios[5]);
  CHECK(r.result.dtmf == "1");
  CHECK(has(r.changes, kDtmfReceived));
}

TEST_CASE("13: an Originate into a missing context is refused at once") {
  const Replay r = replay(kScenarios[7]);
  CHECK_FALSE(r.result.customer_dialed);
  CHECK(r.result.error.find("Extension does not exist.") != std::string::npos);
  CHECK(r.result.originate_reason == -1);
}

TEST_CASE("15: local first - the agent answers before the customer leg") {
  const Replay r = replay(kScenarios[9]);
  CHECK(r.result.agent == "Agent 101");
  CHECK(r.result.customer_dialed);
  CHECK(r.result.answered_ms > 0);
}

TEST_CASE("16: answering machine") {
  const Replay r = replay(kScenarios[10]);
  CHECK(r.result.amd_status == "MACHINE");
  CHECK(r.result.answered_ms > 0);
}

TEST_CASE("all transcripts interleaved through one table keep their calls apart") {
  CallTable table(trace_names());
  std::vector<std::vector<pd::core::testing::OwnedMessage>> streams;
  std::map<std::string, const Scenario*> by_id;
  for (const Scenario& s : kScenarios) {
    const auto sent = load_sent_originate(s.prefix);
    CallInfo info;
    info.campaign_id = s.leg == CallLeg::kLocalFirst ? 2 : 1;
    // The transcripts reuse ActionIDs (login-1...), the Originates' are distinct.
    REQUIRE(table.add(sent.channel_id, sent.action_id, info, settings_for(s), 0).has_value());
    by_id[sent.channel_id] = &s;
    streams.push_back(load_raw(s.prefix));
  }
  CHECK(table.live_calls(1) == 10);
  CHECK(table.live_calls(2) == 1);
  std::map<std::string, CallResult> results;
  EpochMs now = 0;
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (const auto& stream : streams) {
      if (i >= stream.size()) continue;
      any = true;
      const auto applied = table.apply(to_event(stream[i]), ++now);
      if (applied.changes & kEnded) {
        CHECK(results.emplace(applied.call->call_id(), applied.call->result()).second);
      }
    }
    if (!any) break;
  }
  CHECK(results.size() == by_id.size());
  for (const auto& [id, result] : results) {
    const Scenario& s = *by_id.at(id);
    CAPTURE(s.prefix);
    CHECK(to_string(result.dial_status) == to_string(s.status));
    CHECK(result.disposition == s.disposition);
  }
  CHECK(table.live_calls(1) == 0);
  CHECK(table.live_calls(2) == 0);
}
