// The customer dial of PanelDialer's pd-*-customer helper (local first and
// preview): after the first leg answered, ;1 runs
//   Dial(Local/<exten>@<dial_context>,<timeout>)
//   UserEvent(PanelDialerDial,Status: ${DIALSTATUS},CallID: ${PD_CALLID})
//   Hangup()
// The customer gets a Local pair of its own (C legs) with its own Uniqueids;
// only Linkedid is the call id. DialBegin/DialEnd name ;1 of the Originate as
// the caller (real-behaviours preview-local-first-busy.jsonl). An answered
// Dial bridges the two and, without Dial's g option, the helper stops when
// the customer hangs up: no PanelDialerDial for ANSWER.
#include "pbx.h"

namespace pd::sim {
namespace {

std::string seconds(SimMs ms) {
  return std::to_string((ms + 999) / 1000);
}

}  // namespace

void Pbx::start_customer_dial(Call& call, const ContextSpec& helper) {
  Channel& a1 = chan(call, kA1);
  const ContextSpec& target = *scenario_.find_context(helper.dial_context);  // validated
  const NumberRule& rule = customer_rule(call, target, a1.exten);
  call.dial_spec = &helper;
  call.dest_rule = &rule;
  const std::string exten = a1.exten;
  a1.app = "Dial";
  a1.app_data = "Local/" + exten + "@" + helper.dial_context + "," + seconds(helper.dial_timeout);
  ev_newexten(a1, a1.app, a1.app_data);
  auto [c1, c2] = new_local_pair(call, kC1, exten, helper.dial_context, "", "");
  c1->linkedid = a1.linkedid;
  c2->linkedid = a1.linkedid;
  ev_newchannel(*c1);
  ev_newchannel(*c2);
  // The dialed half shows the number it dials, the dialing half the caller.
  c1->cid_num = exten;
  c1->conn_num = call.cid.num;
  c2->cid_num = call.cid.num;
  c2->cid_name = call.cid.name;
  c2->conn_num = exten;
  ev_dial("DialBegin", &chan(call, kA1), *c1, "DialString", exten + "@" + helper.dial_context);
  ev_newexten(*c2, "NoOp", "");
  switch (rule.outcome) {
    case Outcome::kAnswer:
    case Outcome::kDtmf:
    case Outcome::kMachine:
    case Outcome::kSilent: {
      const SimMs answer = rule.answer_after.draw(call.rng);
      at(call, kRingSlot, std::min(scenario_.ringing_after, answer), &Pbx::customer_ringing);
      if (answer < helper.dial_timeout) at(call, kDestSlot, answer, &Pbx::customer_answer);
      at(call, kTimeoutSlot, helper.dial_timeout, &Pbx::customer_dial_timeout);
      break;
    }
    case Outcome::kNoAnswer:
      at(call, kRingSlot, scenario_.ringing_after, &Pbx::customer_ringing);
      at(call, kTimeoutSlot, helper.dial_timeout, &Pbx::customer_dial_timeout);
      break;
    case Outcome::kBusy:
      at(call, kDestSlot, rule.after.draw(call.rng), &Pbx::customer_busy);
      break;
    case Outcome::kCongestion:
      at(call, kDestSlot, rule.after.draw(call.rng), &Pbx::customer_congestion);
      break;
    case Outcome::kUnallocated:
      at(call, kDestSlot, rule.after.draw(call.rng), &Pbx::customer_unallocated);
      break;
  }
}

void Pbx::customer_ringing(Call& call) {
  Channel& c1 = chan(call, kC1);
  ev_newstate(c1, ChannelState::kRinging);
  ev_dial("DialState", &chan(call, kA1), c1, "DialStatus", "RINGING");
}

void Pbx::customer_answer(Call& call) {
  cancel(call, kRingSlot);
  cancel(call, kTimeoutSlot);
  const NumberRule& rule = *call.dest_rule;
  Channel& a1 = chan(call, kA1);
  Channel& c1 = chan(call, kC1);
  Channel& c2 = chan(call, kC2);
  const SimMs talk = rule.draw_talk(call.rng);
  c2.priority = 10;
  c2.app = "Wait";
  c2.app_data = seconds(talk);
  ev_newstate(c2, ChannelState::kUp);
  ev_newstate(c1, ChannelState::kUp);
  ev_dial("DialEnd", &a1, c1, "DialStatus", "ANSWER");
  call.customer_answered = true;
  milestone_now(call, "answered");
  milestone(call, "dialstatus", "ANSWER");
  call.dial_bridge_id = uuid(call.rng);
  ev_bridge("BridgeCreate", call.dial_bridge_id, 0, nullptr);
  c1.bridge_id = call.dial_bridge_id;
  a1.bridge_id = call.dial_bridge_id;
  ev_bridge("BridgeEnter", call.dial_bridge_id, 1, &c1);
  ev_bridge("BridgeEnter", call.dial_bridge_id, 2, &a1);
  if (rule.outcome == Outcome::kDtmf) {
    call.dtmf_digit = rule.digit;
    call.dtmf_leg = kC1;
    at(call, kDtmfSlot, rule.dtmf_after.draw(call.rng), &Pbx::dtmf_step);
  }
  at(call, kDestSlot, talk, &Pbx::customer_done);
}

// The customer hangs up: its pair goes, the bridge empties and the helper,
// whose Dial() had no g option, hangs up ;1.
void Pbx::customer_done(Call& call) {
  customer_released(call, 16);
}

void Pbx::customer_released(Call& call, int cause) {
  cancel(call, kRingSlot);
  cancel(call, kTimeoutSlot);
  cancel(call, kDtmfSlot);
  Channel& a1 = chan(call, kA1);
  Channel& c1 = chan(call, kC1);
  Channel& c2 = chan(call, kC2);
  if (!call.customer_answered) {
    // Gone before answering: Dial() sees the hang-up cause.
    ev_hangup_request(c2, 16, true);
    ev_hangup_request(c1, cause, false);
    ev_hangup(c2, cause);
    ev_dial("DialEnd", &a1, c1, "DialStatus", "NOANSWER");
    ev_hangup(c1, cause);
    drop_channel(call, kC1);
    drop_channel(call, kC2);
    dial_result(call, cause == 1 ? "CHANUNAVAIL" : "NOANSWER");
    return;
  }
  c2.priority = 12;
  ev_hangup_request(c2, 16, true);
  ev_hangup_request(c1, cause, false);
  ev_hangup(c2, cause);
  ev_bridge("BridgeLeave", call.dial_bridge_id, 1, &c1);
  ev_hangup(c1, cause);
  drop_channel(call, kC1);
  drop_channel(call, kC2);
  ev_bridge("BridgeLeave", call.dial_bridge_id, 0, &a1);
  ev_bridge("BridgeDestroy", call.dial_bridge_id, 0, nullptr);
  a1.bridge_id.clear();
  call.dial_bridge_id.clear();
  end_call(call, Party::kDest, 16);
}

// Real-behaviours preview-local-first-busy.jsonl.
void Pbx::customer_busy(Call& call) {
  cancel(call, kTimeoutSlot);
  Channel& a1 = chan(call, kA1);
  Channel& c1 = chan(call, kC1);
  Channel& c2 = chan(call, kC2);
  c2.priority = 20;
  c2.app = "Busy";
  ev_newstate(c2, ChannelState::kBusy);
  ev_dial("DialEnd", &a1, c1, "DialStatus", "BUSY");
  ev_hangup_request(c2, 0, false);
  ev_hangup(c1, 0);
  ev_hangup_request(c2, 16, true);
  ev_hangup(c2, 17);
  drop_channel(call, kC1);
  drop_channel(call, kC2);
  dial_result(call, "BUSY");
}

// As busy (the busy trace's shape), with the congestion cause on ;2.
void Pbx::customer_congestion(Call& call) {
  cancel(call, kTimeoutSlot);
  Channel& a1 = chan(call, kA1);
  Channel& c1 = chan(call, kC1);
  Channel& c2 = chan(call, kC2);
  c2.priority = 25;
  c2.app = "Congestion";
  ev_newstate(c2, ChannelState::kBusy);
  ev_dial("DialEnd", &a1, c1, "DialStatus", "CONGESTION");
  ev_hangup_request(c2, 0, false);
  ev_hangup(c1, 0);
  ev_hangup_request(c2, 16, true);
  ev_hangup(c2, 34);
  drop_channel(call, kC1);
  drop_channel(call, kC2);
  dial_result(call, "CONGESTION");
}

// Trace 06's shape: ;2 runs Hangup(1). app_dial turns cause 1 into DialEnd
// NOANSWER (ast_hangup_cause_to_dial_status) but DIALSTATUS CHANUNAVAIL
// (handle_cause counts it as "no channel").
void Pbx::customer_unallocated(Call& call) {
  cancel(call, kTimeoutSlot);
  chan(call, kC2).priority = 33;
  customer_released(call, 1);
}

// Dial()'s own timeout: the customer rang for dial_timeout_s.
void Pbx::customer_dial_timeout(Call& call) {
  cancel(call, kRingSlot);
  cancel(call, kDestSlot);
  Channel& a1 = chan(call, kA1);
  Channel& c1 = chan(call, kC1);
  Channel& c2 = chan(call, kC2);
  c2.priority = 23;
  ev_dial("DialEnd", &a1, c1, "DialStatus", "NOANSWER");
  ev_hangup_request(c2, 16, false);
  ev_hangup(c1, 16);
  ev_hangup_request(c2, 16, true);
  ev_hangup(c2, 16);
  drop_channel(call, kC1);
  drop_channel(call, kC2);
  dial_result(call, "NOANSWER");
}

// The helper goes on after an unanswered Dial(): UserEvent, then Hangup().
void Pbx::dial_result(Call& call, std::string_view dial_status) {
  milestone(call, "dialstatus", dial_status);
  Channel& a1 = chan(call, kA1);
  a1.priority = 3;
  a1.app = "UserEvent";
  a1.app_data = "PanelDialerDial,Status: " + std::string(dial_status) +
                ",CallID: " + (call.pd_callid.empty() ? a1.uniqueid : call.pd_callid);
  ev_newexten(a1, a1.app, a1.app_data);
  FieldList f = channel_event("UserEvent", a1, "user,all");
  f.add("UserEvent", "PanelDialerDial")
      .add("Status", dial_status)
      .add("CallID", call.pd_callid.empty() ? a1.uniqueid : call.pd_callid);
  emit(event_class::kUser, f);
  a1.priority = 4;
  a1.app = "Hangup";
  a1.app_data = "";
  ev_newexten(a1, a1.app, a1.app_data);
  end_call(call, Party::kDest, 16);
}

// The other side ends the call while the customer is still being dialed or
// talks: Dial() cancels the dial or the bridge breaks up first.
void Pbx::abort_customer_dial(Call& call) {
  Channel* c1 = chan_if(call, kC1);
  Channel* c2 = chan_if(call, kC2);
  if (!c1 || !c2) return;
  Channel& a1 = chan(call, kA1);
  if (call.customer_answered) {
    ev_bridge("BridgeLeave", call.dial_bridge_id, 1, &a1);
    a1.bridge_id.clear();
  } else {
    ev_dial("DialEnd", &a1, *c1, "DialStatus", "CANCEL");
  }
  ev_hangup_request(*c2, 16, false);
  ev_hangup(*c1, 16);
  if (call.customer_answered) {
    ev_bridge("BridgeLeave", call.dial_bridge_id, 0, c1);
    ev_bridge("BridgeDestroy", call.dial_bridge_id, 0, nullptr);
  }
  ev_hangup_request(*c2, 16, true);
  ev_hangup(*c2, 16);
  drop_channel(call, kC1);
  drop_channel(call, kC2);
}

}  // namespace pd::sim
