// The call state machine on hand-written event sequences and typed inputs,
// with a fake clock. The real transcripts are replayed in trace_replay_test.
#include "pd/core/call_state.h"

#include <doctest/doctest.h>

#include "test_events.h"

using namespace pd::core;
using pd::core::testing::msg;
using pd::core::testing::OwnedMessage;
using pd::core::testing::to_event;

namespace {

constexpr const char* kId = "call-1";

struct Harness {
  // `with_channel`: the call id's own channel exists (a Newchannel was seen),
  // so the call cannot end before it hangs up.
  explicit Harness(CallSettings settings = {}, bool with_channel = true)
      : call(kId, std::move(settings), 1000) {
    call.originate_sent(1000);
    if (with_channel) call.channel_alive(kId, false, 1000);
  }
  CallChanges feed(const OwnedMessage& m, EpochMs at) { return call.apply(to_event(m), at, names); }

  CallEventNames names;
  CallState call;
};

OwnedMessage newchannel(const char* uid) {
  return msg({{"Event", "Newchannel"}, {"Uniqueid", uid}, {"Linkedid", kId}});
}
OwnedMessage hangup(const char* uid, const char* cause) {
  return msg({{"Event", "Hangup"}, {"Uniqueid", uid}, {"Linkedid", kId}, {"Cause", cause}});
}
OwnedMessage originate_response(const char* response, const char* reason) {
  return msg({{"Event", "OriginateResponse"},
              {"ActionID", "a1"},
              {"Response", response},
              {"Reason", reason},
              {"Uniqueid", kId}});
}
OwnedMessage own_dial(const char* event, const char* status) {
  return msg(
      {{"Event", event}, {"DestUniqueid", kId}, {"DestLinkedid", kId}, {"DialStatus", status}});
}
OwnedMessage customer_dial(const char* event, const char* status) {
  return msg({{"Event", event},
              {"Uniqueid", kId},
              {"Linkedid", kId},
              {"DestUniqueid", "trunk-7"},
              {"DestLinkedid", kId},
              {"DialStatus", status}});
}
OwnedMessage user_event(const char* name, const char* status) {
  return msg({{"Event", "UserEvent"},
              {"Uniqueid", kId},
              {"Linkedid", kId},
              {"UserEvent", name},
              {"Status", status}});
}
OwnedMessage dtmf(const char* uid, const char* digit, const char* direction = "Received") {
  return msg({{"Event", "DTMFEnd"},
              {"Uniqueid", uid},
              {"Linkedid", kId},
              {"Digit", digit},
              {"Direction", direction}});
}
OwnedMessage agent_connect() {
  return msg({{"Event", "AgentConnect"},
              {"Uniqueid", kId},
              {"Linkedid", kId},
              {"Interface", "PJSIP/101"},
              {"MemberName", "Ann"},
              {"Queue", "sales"}});
}

}  // namespace

TEST_CASE("remote first - answered and delivered to an agent") {
  Harness h;
  CHECK(h.call.phase() == CallPhase::kOriginating);
  h.feed(newchannel(kId), 1100);
  h.feed(newchannel("call-1;2"), 1100);
  CHECK(h.feed(own_dial("DialState", "RINGING"), 1200) == kRinging);
  CHECK(h.call.phase() == CallPhase::kRinging);
  CHECK(h.feed(originate_response("Success", "4"), 3000) == kAnswered);
  CHECK(h.feed(own_dial("DialEnd", "ANSWER"), 3001) == kNoChange);  // answered already
  h.feed(newchannel("agent-a"), 3100);
  CHECK(h.feed(agent_connect(), 4000) == kAgentConnected);
  CHECK(h.call.phase() == CallPhase::kAgentConnected);
  CHECK(h.feed(msg({{"Event", "AgentComplete"}, {"Linkedid", kId}}), 9000) == kAgentCompleted);
  h.feed(hangup("call-1;2", "16"), 9001);
  h.feed(hangup(kId, "16"), 9002);
  CHECK_FALSE(h.call.ended());  // the agent's channel is still up
  CHECK(h.feed(hangup("agent-a", "16"), 9003) == kEnded);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kAnswer);
  CHECK(r.disposition == "Agent");
  CHECK(r.agent == "Ann");
  CHECK(r.agent_interface == "PJSIP/101");
  CHECK(r.customer_dialed);
  CHECK(r.answered_ms == 3000);
  CHECK(r.ended_ms == 9003);
  CHECK(r.created_ms == 1000);
  CHECK(r.hangup_cause == 16);
  // Ended is final.
  CHECK(h.feed(agent_connect(), 9500) == kNoChange);
}

TEST_CASE("the call waits for the OriginateResponse even when every channel is gone") {
  Harness h;
  h.feed(newchannel(kId), 1100);
  h.feed(newchannel("call-1;2"), 1100);
  h.feed(own_dial("DialEnd", "BUSY"), 2000);
  h.feed(hangup("call-1;2", "17"), 2001);
  h.feed(hangup(kId, "0"), 2002);
  CHECK_FALSE(h.call.ended());
  CHECK(h.feed(originate_response("Failure", "5"), 2003) == kEnded);
  CHECK(h.call.result().dial_status == DialStatus::kBusy);
  CHECK(h.call.result().disposition == "Failed");
  CHECK(h.call.result().hangup_cause == 17);  // the ;2 half's, not the ;1 half's 0
  CHECK(h.call.result().answered_ms == 0);
}

TEST_CASE("Reason 0: the specific DialEnd - else the  second half cause - else FAILED") {
  SUBCASE("unallocated: DialEnd NOANSWER but cause 1 -> CHANUNAVAIL") {
    Harness h({}, false);
    h.feed(newchannel("call-1;2"), 1100);
    h.feed(hangup("call-1;2", "1"), 1200);
    h.feed(originate_response("Failure", "0"), 1201);
    h.feed(own_dial("DialEnd", "NOANSWER"), 1202);
    CHECK(h.call.ended());
    CHECK(h.call.result().dial_status == DialStatus::kChanUnavail);
  }
  SUBCASE("DialEnd CHANUNAVAIL wins over an uninformative cause") {
    Harness h({}, false);
    h.feed(own_dial("DialEnd", "CHANUNAVAIL"), 1100);
    h.feed(originate_response("Failure", "0"), 1201);
    CHECK(h.call.expire(1201 + 2000) == kEnded);
    CHECK(h.call.result().dial_status == DialStatus::kChanUnavail);
  }
  SUBCASE("nothing else known -> FAILED; Reason 1 -> NOANSWER") {
    Harness h({}, false);
    h.feed(originate_response("Failure", "0"), 1201);
    // No channel was seen (trace 14): it may still come; after settle_ms the
    // call ends, at the time of the OriginateResponse.
    CHECK(h.call.expire(1201 + 1999) == kNoChange);
    CHECK(h.call.expire(1201 + 2000) == kEnded);
    CHECK(h.call.result().dial_status == DialStatus::kFailed);
    CHECK(h.call.result().ended_ms == 1201);
    CHECK_FALSE(h.call.result().lost);
    Harness h1({}, false);
    h1.feed(originate_response("Failure", "1"), 1201);
    h1.call.expire(5000);
    CHECK(h1.call.result().dial_status == DialStatus::kNoAnswer);
  }
  SUBCASE("congestion cause on ;2") {
    Harness h({}, false);
    h.feed(newchannel("call-1;2"), 1100);
    h.feed(hangup("call-1;2", "34"), 1200);
    h.feed(originate_response("Failure", "0"), 1201);
    CHECK(h.call.result().dial_status == DialStatus::kCongestion);
  }
}

TEST_CASE("an Originate refused at once ends the call - customer not dialed") {
  Harness h({}, false);
  auto error =
      msg({{"Response", "Error"}, {"ActionID", "a1"}, {"Message", "Extension does not exist."}});
  CHECK(h.feed(error, 1001) == kEnded);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kFailed);
  CHECK(r.disposition == "Failed");
  CHECK_FALSE(r.customer_dialed);
  CHECK(r.error == "Originate refused: Extension does not exist.");
  auto queued = msg({{"Response", "Success"}, {"ActionID", "a1"}});
  Harness ok;
  CHECK(ok.feed(queued, 1001) == kNoChange);
}

TEST_CASE("DTMF: valid digits on the customer's channel - first one is the disposition") {
  CallSettings settings;
  settings.valid_dtmf = "12";
  Harness h(settings);
  h.feed(originate_response("Success", "4"), 2000);
  CHECK(h.feed(dtmf(kId, "3"), 2100) == kNoChange);          // not valid
  CHECK(h.feed(dtmf(kId, "2", "Sent"), 2150) == kNoChange);  // not from the customer
  CHECK(h.feed(dtmf("agent-a", "1"), 2160) == kNoChange);    // another channel
  CHECK(h.feed(dtmf(kId, "2"), 2200) == kDtmfReceived);
  CHECK(h.feed(dtmf(kId, "1"), 2300) == kDtmfReceived);
  h.call.end_lost("test end", 3000);
  CHECK(h.call.result().dtmf == "21");
  CHECK(h.call.result().disposition == "DTMF_2");
}

TEST_CASE("Agent wins over DTMF - Ok follows the Ok disposition setting") {
  CallSettings settings;
  settings.valid_dtmf = "1";
  Harness h(settings);
  h.feed(originate_response("Success", "4"), 2000);
  h.feed(dtmf(kId, "1"), 2100);
  h.feed(agent_connect(), 2200);
  h.call.end_lost("test end", 3000);
  CHECK(h.call.result().disposition == "Agent");
  CHECK(h.call.result().dtmf == "1");

  Harness plain;
  plain.feed(originate_response("Success", "4"), 2000);
  plain.feed(originate_response("Failure", "5"), 2001);  // a second one is ignored
  CHECK(plain.feed(msg({{"Event", "Hangup"}, {"Uniqueid", "unknown"}}), 2400) == kNoChange);
  CHECK(plain.feed(hangup(kId, "16"), 2500) == kEnded);
  CHECK(plain.call.result().disposition == "Ok");

  CallSettings busy_is_ok;
  busy_is_ok.ok_disposition = "busy";
  Harness odd(busy_is_ok, false);
  odd.feed(originate_response("Failure", "5"), 2000);
  odd.call.expire(2000 + busy_is_ok.settle_ms);
  CHECK(odd.call.result().disposition == "Ok");
}

TEST_CASE("AMD: MACHINE turns ANSWER into MACHINE") {
  Harness h;
  h.feed(newchannel(kId), 1100);
  h.feed(originate_response("Success", "4"), 2000);
  h.feed(user_event("PanelDialerAMD", "MACHINE"), 2500);
  h.feed(hangup(kId, "16"), 3000);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kMachine);
  CHECK(r.disposition == "Failed");
  CHECK(r.amd_status == "MACHINE");
  CHECK(r.answered_ms == 2000);

  Harness human;
  human.feed(originate_response("Success", "4"), 2000);
  human.feed(user_event("PanelDialerAMD", "HUMAN"), 2500);
  human.call.end_lost("test end", 3000);
  CHECK(human.call.result().dial_status == DialStatus::kAnswer);

  Harness other_name;  // another UserEvent name is not ours
  other_name.feed(originate_response("Success", "4"), 2000);
  other_name.feed(user_event("SomethingElse", "MACHINE"), 2500);
  other_name.call.end_lost("test end", 3000);
  CHECK(other_name.call.result().dial_status == DialStatus::kAnswer);
}

TEST_CASE("PanelDialerDial's status is the customer's - whatever the leg") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  Harness h(settings);
  h.feed(newchannel(kId), 1100);
  h.feed(originate_response("Success", "4"), 2000);
  h.feed(agent_connect(), 2001);
  h.feed(user_event("PanelDialerDial", "CANCEL"), 5000);
  h.feed(hangup(kId, "16"), 5001);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kNoAnswer);
  CHECK(r.disposition == "Failed");  // the agent was there, the customer never answered
  CHECK(r.agent == "Ann");
  CHECK(r.customer_dialed);
}

TEST_CASE("local first: the customer dial on the call id's channel decides") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  settings.valid_dtmf = "5";
  Harness h(settings);
  h.feed(newchannel(kId), 1100);
  h.feed(newchannel("call-1;2"), 1100);
  h.feed(own_dial("DialEnd", "ANSWER"), 2000);  // the queue leg, not the customer
  h.feed(originate_response("Success", "4"), 2000);
  CHECK(h.call.phase() == CallPhase::kOriginating);
  h.feed(agent_connect(), 2001);
  CHECK(h.feed(customer_dial("DialBegin", ""), 2100) == kNoChange);
  h.feed(newchannel("trunk-7"), 2100);
  CHECK(h.feed(customer_dial("DialState", "RINGING"), 2200) == kRinging);
  CHECK(h.feed(customer_dial("DialEnd", "ANSWER"), 4000) == kAnswered);
  CHECK(h.feed(dtmf("trunk-7", "5"), 4500) == kDtmfReceived);
  CHECK(h.feed(dtmf(kId, "5"), 4600) == kNoChange);  // the customer is trunk-7
  h.feed(hangup("trunk-7", "16"), 8000);
  h.feed(hangup("call-1;2", "16"), 8001);
  CHECK(h.feed(hangup(kId, "16"), 8002) == kEnded);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kAnswer);
  CHECK(r.disposition == "Agent");
  CHECK(r.answered_ms == 4000);
  CHECK(r.dtmf == "5");
  CHECK(r.hangup_cause == 16);
}

TEST_CASE("local first: a busy customer after the agent answered") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  Harness h(settings);
  h.feed(originate_response("Success", "4"), 2000);
  h.feed(agent_connect(), 2001);
  h.feed(customer_dial("DialBegin", ""), 2100);
  h.feed(newchannel("trunk-7"), 2100);
  h.feed(customer_dial("DialEnd", "BUSY"), 2500);
  h.feed(hangup("trunk-7", "17"), 2501);
  CHECK(h.feed(hangup(kId, "16"), 2502) == kEnded);
  CHECK(h.call.result().dial_status == DialStatus::kBusy);
  CHECK(h.call.result().disposition == "Failed");
  CHECK(h.call.result().hangup_cause == 17);
}

TEST_CASE("local first: the local leg failed - the customer was never dialed") {
  CallSettings settings;
  settings.leg = CallLeg::kLocalFirst;
  Harness h(settings, false);
  h.feed(originate_response("Failure", "3"), 30000);
  CHECK(h.call.expire(30000 + settings.settle_ms) == kEnded);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kFailed);
  CHECK_FALSE(r.customer_dialed);
  CHECK(r.originate_reason == 3);
}

TEST_CASE("expire: only calls still waiting for the Originate's outcome - past the deadline") {
  CallSettings settings;
  settings.originate_deadline_ms = 40000;
  Harness h(settings);
  CHECK(h.call.expire(39999) == kNoChange);
  CHECK(h.call.expire(40000) == kEnded);
  CHECK(h.call.result().lost);
  CHECK(h.call.result().dial_status == DialStatus::kFailed);
  CHECK(h.call.result().customer_dialed);  // it may have rung: the attempt counts

  Harness answered(settings);
  answered.feed(newchannel(kId), 1000);
  answered.feed(originate_response("Success", "4"), 2000);
  CHECK(answered.call.expire(90000) == kNoChange);
}

TEST_CASE(
    "reconcile: channels gone -> recovery decides - channel Up without a response -> answered") {
  Harness gone;
  gone.feed(newchannel(kId), 1100);
  gone.feed(originate_response("Success", "4"), 2000);
  gone.call.begin_reconcile();
  CHECK(gone.call.finish_reconcile(60000) == kNoChange);
  CHECK(gone.call.gone());
  // No end recorded: the PBX lost it (a crash). Answered, never reached an
  // agent: abandoned by the system, ended when the link was lost - never Ok.
  CHECK(gone.call.apply_milestones(Milestones{}) == kNoChange);
  CHECK(gone.call.finish_recovery(3000) == kEnded);
  CHECK(gone.call.result().lost);
  CHECK(gone.call.result().dial_status == DialStatus::kAnswer);  // what was known stands
  CHECK(gone.call.result().disposition == "Abandoned");
  CHECK(gone.call.result().ended_ms == 3000);

  Harness alive;
  alive.feed(newchannel(kId), 1100);
  alive.call.begin_reconcile();
  alive.feed(msg({{"Event", "CoreShowChannel"},
                  {"Uniqueid", kId},
                  {"Linkedid", kId},
                  {"ChannelStateDesc", "Up"}}),
             60000);
  CHECK(alive.call.finish_reconcile(60001) == kAnswered);
  CHECK_FALSE(alive.call.ended());
  CHECK(alive.feed(hangup(kId, "16"), 70000) == kEnded);
  CHECK(alive.call.result().dial_status == DialStatus::kAnswer);
}

TEST_CASE("dial status words - reasons and causes") {
  CHECK(dial_status_from_word("ANSWER") == DialStatus::kAnswer);
  CHECK(dial_status_from_word("CANCEL") == DialStatus::kNoAnswer);
  CHECK(dial_status_from_word("DONTCALL") == DialStatus::kFailed);
  CHECK(dial_status_from_word("") == DialStatus::kNone);
  CHECK(dial_status_from_reason(8) == DialStatus::kCongestion);
  CHECK(dial_status_from_reason(0) == DialStatus::kFailed);
  CHECK(dial_status_from_cause(16) == DialStatus::kNone);
  CHECK(dial_status_from_cause(17) == DialStatus::kBusy);
  CHECK(to_string(DialStatus::kChanUnavail) == "CHANUNAVAIL");
  CHECK(to_string(CallPhase::kAgentConnected) == "agent_connected");
}

// Issue 15, item 4: at 1,600 live calls a few answered calls were recorded
// with cause 0. A Local half that is hung up by its partner can report Cause
// 0 ("not defined") when the partner's cause was not set yet; the recorded
// cause is the first real one, whichever half and in whatever order.
TEST_CASE("hangup cause: a 0 on one half never hides the 16 of the other, in either order") {
  const std::string second = std::string(kId) + ";2";
  for (bool customer_half_first : {true, false}) {
    CAPTURE(customer_half_first);
    Harness h;
    h.feed(newchannel((std::string(kId) + ";2").c_str()), 1000);
    h.feed(originate_response("Success", "4"), 1100);
    if (customer_half_first) {
      h.feed(hangup(second.c_str(), "0"), 2000);
      h.feed(hangup(kId, "16"), 2001);
    } else {
      h.feed(hangup(kId, "16"), 2000);
      h.feed(hangup(second.c_str(), "0"), 2001);
    }
    REQUIRE(h.call.ended());
    CHECK(h.call.result().dial_status == DialStatus::kAnswer);
    CHECK(h.call.result().hangup_cause == 16);
  }
  // Trace 03 stays as it was: ;1 says 0, ;2 the real 17.
  Harness busy;
  busy.feed(newchannel(second.c_str()), 1000);
  busy.feed(originate_response("Failure", "5"), 1100);
  busy.feed(hangup(kId, "0"), 1200);
  busy.feed(hangup(second.c_str(), "17"), 1201);
  REQUIRE(busy.call.ended());
  CHECK(busy.call.result().hangup_cause == 17);
  // Both halves say 0: 0 is what is known.
  Harness none;
  none.feed(newchannel(second.c_str()), 1000);
  none.feed(originate_response("Success", "4"), 1100);
  none.feed(hangup(second.c_str(), "0"), 1200);
  none.feed(hangup(kId, "0"), 1201);
  REQUIRE(none.call.ended());
  CHECK(none.call.result().hangup_cause == 0);
}

TEST_CASE("predictive - PanelDialerAbandon: answered, no agent within the limit, Abandoned") {
  Harness h;
  h.feed(newchannel(kId), 1100);
  h.feed(newchannel("call-1;2"), 1100);
  CHECK(h.feed(originate_response("Success", "4"), 3000) == kAnswered);
  CHECK(h.feed(user_event("PanelDialerAbandon", "TIMEOUT"), 5000) == kAbandoned);
  CHECK(h.feed(user_event("PanelDialerAbandon", "TIMEOUT"), 5001) == kNoChange);  // once
  h.feed(hangup("call-1;2", "16"), 8000);
  CHECK(h.feed(hangup(kId, "16"), 8001) == kEnded);
  const CallResult& r = h.call.result();
  CHECK(r.dial_status == DialStatus::kAnswer);
  CHECK(r.disposition == "Abandoned");
  CHECK(r.abandoned);
  CHECK_FALSE(r.lost);
}

TEST_CASE("predictive - an agent took the call: a late PanelDialerAbandon changes nothing") {
  Harness h;
  h.feed(newchannel(kId), 1100);
  CHECK(h.feed(originate_response("Success", "4"), 3000) == kAnswered);
  CHECK(h.feed(agent_connect(), 4000) == kAgentConnected);
  CHECK(h.call.agent_connected_ms() == 4000);
  CHECK(h.feed(user_event("PanelDialerAbandon", "TIMEOUT"), 5000) == kNoChange);
  CHECK(h.feed(hangup(kId, "16"), 9000) == kEnded);
  CHECK(h.call.result().disposition == "Agent");
  CHECK_FALSE(h.call.result().abandoned);
}
