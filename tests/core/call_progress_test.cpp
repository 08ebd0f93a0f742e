// What the agent's panel shows of a call (pd/core/call_progress.h): only the
// steps events reported - a busy preview call of the real PBX never rings or
// connects - and the outcome in words from the dial status, the hangup cause
// and the AMD status.
#include "pd/core/call_progress.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pd/core/call_table.h"
#include "test_events.h"

using namespace pd::core;
using pd::core::testing::load_jsonl;
using pd::core::testing::msg;
using pd::core::testing::to_event;

namespace {

CallResult result(DialStatus status, int cause = -1, const char* amd = "") {
  CallResult r;
  r.dial_status = status;
  r.hangup_cause = cause;
  r.amd_status = amd;
  r.customer_dialed = true;
  return r;
}

std::string words(const CallResult& r) {
  return std::string(describe_outcome(r).words);
}

// The steps shown after each message of a real transcript, in order, each
// time they changed: "dialing", "dialing+ringing", ...
std::vector<std::string> shown_steps(const std::string& file, const std::string& call_id,
                                     CallSettings settings) {
  CallTable table;
  CallInfo info;
  info.campaign_id = 1;
  REQUIRE(table.add(call_id, "", info, settings, 0).has_value());
  table.find(call_id)->originate_sent(0);
  std::vector<std::string> shown;
  auto note = [&](const CallState& call) {
    const CallProgress p = progress_of(call);
    std::string text = "dialing";
    if (p.ringing) text += "+ringing";
    if (p.connected) text += "+connected";
    if (p.ended) text += "+ended:" + std::string(p.outcome->code);
    if (shown.empty() || shown.back() != text) shown.push_back(text);
  };
  note(*table.find(call_id));
  EpochMs now = 0;
  for (const auto& message : load_jsonl(file)) {
    const auto applied = table.apply(to_event(message), ++now);
    if (applied.call != nullptr) note(*applied.call);
  }
  return shown;
}

}  // namespace

TEST_CASE("outcome words: every dial status in a person's words") {
  CHECK(words(result(DialStatus::kAnswer)) == "Answered");
  CHECK(words(result(DialStatus::kBusy, 17)) == "Busy");
  CHECK(words(result(DialStatus::kNoAnswer, 19)) == "No answer");
  CHECK(words(result(DialStatus::kMachine)) == "Answered by a machine");
  CHECK(words(result(DialStatus::kChanUnavail, 20)) == "Number unavailable");
  CHECK(words(result(DialStatus::kCongestion, 34)) == "Network busy");
  CHECK(words(result(DialStatus::kFailed)) == "Failed");
  CHECK(words(result(DialStatus::kInvalidDestination)) ==
        "Answered, but the campaign's destination is missing");
  CHECK(describe_outcome(result(DialStatus::kBusy)).code == "busy");
  CHECK(describe_outcome(result(DialStatus::kNoAnswer)).code == "no_answer");
}

TEST_CASE("outcome words: the hangup cause and the AMD status refine the dial status") {
  CHECK(words(result(DialStatus::kBusy, 21)) == "Rejected");
  CHECK(words(result(DialStatus::kChanUnavail, 1)) == "Number does not exist");
  CHECK(words(result(DialStatus::kChanUnavail, 28)) == "Number does not exist");
  CHECK(words(result(DialStatus::kAnswer, 16, "MACHINE")) == "Answered by a machine");
  CHECK(words(result(DialStatus::kAnswer, 16, "NOTSURE")) == "Answered");
  CHECK(words(result(DialStatus::kAnswer, 16, "HUMAN")) == "Answered");
}

TEST_CASE("outcome words: never dialed, cut off, unknown") {
  CallResult never = result(DialStatus::kFailed);
  never.customer_dialed = false;
  CHECK(words(never) == "Not dialed");
  CallResult cut = result(DialStatus::kAnswer);
  cut.lost = true;
  CHECK(words(cut) == "Answered, then cut off");
  CallResult unknown = result(DialStatus::kNone);
  unknown.unknown = true;
  CHECK(words(unknown) == "Outcome unknown");
  CHECK(describe_outcome(result(DialStatus::kNone)).code == "failed");
  // Never the raw Asterisk word.
  for (auto status : {DialStatus::kAnswer, DialStatus::kBusy, DialStatus::kNoAnswer,
                      DialStatus::kCongestion, DialStatus::kChanUnavail, DialStatus::kFailed}) {
    CHECK(words(result(status)) != to_string(status));
  }
}

TEST_CASE("real: a busy preview call never rings or connects - dialing, then Busy") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  // The agent's own phone rang and answered (DialState RINGING / DialEnd
  // ANSWER of the Originate's own dial): not the customer.
  const auto shown = shown_steps("preview-local-first-busy.jsonl", "vm-mwzvm906-74", settings);
  CHECK(shown == std::vector<std::string>{"dialing", "dialing+ended:busy"});
}

TEST_CASE("real: a silent customer through AMD to the queue - rang, connected at AgentConnect") {
  const auto shown =
      shown_steps("amd-notsure-silent-human-to-queue.jsonl", "vm-mwzvm906-6", CallSettings{});
  REQUIRE(shown.size() >= 3);
  CHECK(shown[0] == "dialing");
  CHECK(shown[1] == "dialing+ringing");
  CHECK(shown[2] == "dialing+ringing+connected");
  CHECK(shown.back() == "dialing+ringing+connected+ended:answered");
}

TEST_CASE("remote first: answered is not connected until the queue hands it to an agent") {
  CallState call("c1", CallSettings{}, 0);
  call.originate_sent(0);
  call.channel_alive("c1", false, 1);
  call.own_dial_ringing(2);
  CHECK(progress_of(call).step() == ProgressStep::kRinging);
  call.originate_response(true, 4, 3);  // answered, in AMD / the queue
  CHECK(progress_of(call).step() == ProgressStep::kRinging);
  CHECK(shown_phase(progress_of(call)) == CallPhase::kRinging);
  call.agent_connect("Agent 101", "Local/101@agents/n", 4);
  CHECK(progress_of(call).step() == ProgressStep::kConnected);
  CHECK(shown_phase(progress_of(call)) == CallPhase::kAnswered);
}

TEST_CASE("local first: the agent on the line first is dialing until the customer answers") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  CallState call("c2", settings, 0);
  call.originate_sent(0);
  call.channel_alive("c2", false, 1);
  call.originate_response(true, 4, 1);                       // the agent's leg answered
  call.agent_connect("Agent 101", "Local/101@agents/n", 2);  // trace 15: the queue leg first
  CHECK(progress_of(call).step() == ProgressStep::kDialing);
  CHECK(!progress_of(call).reached(ProgressStep::kRinging));
  call.customer_dial_begin("cust-1", 3);
  call.customer_dial_ringing(4);
  CHECK(progress_of(call).step() == ProgressStep::kRinging);
  call.customer_dial_end(DialStatus::kAnswer, 5);
  const CallProgress p = progress_of(call);
  CHECK(p.step() == ProgressStep::kConnected);
  CHECK(p.reached(ProgressStep::kRinging));
  CHECK(!p.reached(ProgressStep::kEnded));
  CHECK(!p.outcome);
  call.channel_hangup("c2", 16, 6);
  const CallProgress ended = progress_of(call);
  CHECK(ended.step() == ProgressStep::kEnded);
  CHECK(ended.connected);
  REQUIRE(ended.outcome);
  CHECK(ended.outcome->words == "Answered");
  CHECK(!shown_phase(ended));
}
