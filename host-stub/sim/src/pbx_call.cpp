// The life of an originated call: the first leg (;2 of the Originate's Local
// channel) rings and answers or fails, then ;1 runs the destination. Event
// sequences follow ../../shared/ami-traces (trace numbers in comments).
#include <cstdlib>

#include "pbx.h"

namespace pd::sim {
namespace {

std::string seconds_text(SimMs ms) {
  return std::to_string((ms + 999) / 1000);
}

// Wait(N) in the Originate's Application/Data: how long it holds the call.
SimMs application_hold(std::string_view app, std::string_view data) {
  if (!pd::ami::iequals(app, "Wait")) return 1000;
  const double seconds = std::atof(std::string(data).c_str());
  return seconds > 0 ? static_cast<SimMs>(seconds * 1000.0) : 0;
}

// Cosmetic dialplan priorities, as the rig's [sim-customers] runs them (see
// the traces): where a failing number stops, and for a number that answers the
// priority of its Answer(), of the Wait() it talks in, and of its Hangup().
int customer_priority(Outcome outcome) {
  switch (outcome) {
    case Outcome::kBusy:
      return 20;
    case Outcome::kNoAnswer:
      return 23;
    case Outcome::kCongestion:
      return 25;
    case Outcome::kUnallocated:
      return 33;
    default:
      return 1;
  }
}

struct AnswerSteps {
  int answer;
  int talk;
  int hangup;
};

AnswerSteps answer_steps(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDtmf:
      return {15, 16, 19};
    case Outcome::kMachine:
      return {29, 30, 32};  // talks in Playback(), not Wait()
    default:
      return {10, 11, 12};
  }
}

// [sim-agents]: Answer() at 4, Wait() at 5, Hangup() at 6.
constexpr AnswerSteps kAgentSteps{4, 5, 6};

}  // namespace

Pbx::Party Pbx::party_of(const Call& call, Leg leg) const {
  (void)call;
  switch (leg) {
    case kA1:
      return Party::kDest;
    case kA2:
      return Party::kFirst;
    default:
      return Party::kAgent;
  }
}

Pbx::Leg Pbx::leg_of(const Call& call, Party party) const {
  (void)call;
  switch (party) {
    case Party::kDest:
      return kA1;
    case Party::kFirst:
      return kA2;
    case Party::kAgent:
      return kB1;
  }
  return kA1;
}

void Pbx::report_originate(Call& call, bool success, int reason) {
  switch (reason) {
    case 4:
      ++stats_.answered;
      break;
    case 5:
      ++stats_.busy;
      break;
    case 3:
      ++stats_.noanswer;
      break;
    case 8:
      ++stats_.congestion;
      break;
    default:
      ++stats_.failed;
      break;
  }
  if (call.async) {
    ev_originate_response(call, success, reason);
    return;
  }
  FieldList f;
  f.add("Response", success ? "Success" : "Error");
  if (!call.action_id.empty()) f.add("ActionID", call.action_id);
  f.add("Message", success ? "Originate successfully queued" : "Originate failed");
  std::string text;
  if (render(text, f)) output_.complete_deferred(call.session, text);
}

// ------------------------------------------------------------ first leg

void Pbx::start_first_party(Call& call) {
  const ContextSpec& spec = *call.first;
  at(call, kTimeoutSlot, call.timeout, &Pbx::originate_timeout);
  switch (spec.type) {
    case ContextType::kCustomers: {
      // An async Originate's rule was decided when it came (pbx_actions.cpp).
      const NumberRule& rule =
          call.first_rule ? *call.first_rule : customer_rule(call, spec, call.first_exten);
      call.first_rule = &rule;
      if (verbose_) {  // the rig's [sim-customers]: Set(SIM_OUTCOME=...), Goto(d<N>)
        Channel& a2 = chan(call, kA2);
        ev_steps(a2, {"Set"});
        ev_varset(a2, "SIM_OUTCOME", call.first_exten.substr(call.first_exten.size() - 1));
        ev_steps(a2, {"Goto"});
        if (rule.outcome == Outcome::kAnswer) ev_steps(a2, {"Goto"});
      }
      switch (rule.outcome) {
        case Outcome::kAnswer:
        case Outcome::kDtmf:
        case Outcome::kMachine:
        case Outcome::kSilent: {
          const SimMs answer = rule.answer_after.draw(call.rng);
          at(call, kRingSlot, std::min(scenario_.ringing_after, answer), &Pbx::first_ringing);
          if (answer < call.timeout) at(call, kFirstSlot, answer, &Pbx::first_answer);
          break;
        }
        case Outcome::kNoAnswer:
          at(call, kRingSlot, scenario_.ringing_after, &Pbx::first_ringing);
          break;
        case Outcome::kBusy:
          at(call, kFirstSlot, rule.after.draw(call.rng), &Pbx::first_busy);
          break;
        case Outcome::kCongestion:
          at(call, kFirstSlot, rule.after.draw(call.rng), &Pbx::first_congestion);
          break;
        case Outcome::kUnallocated:
          at(call, kFirstSlot, rule.after.draw(call.rng), &Pbx::first_unallocated);
          break;
      }
      break;
    }
    case ContextType::kAgents: {
      Agent& agent = agent_for_device("Local/" + call.first_exten + "@" + call.first_context);
      call.first_agent = &agent;
      agent_busy(agent);
      const SimMs answer = agent.profile.answer_delay.draw(call.rng);
      at(call, kRingSlot, std::min(scenario_.ringing_after, answer), &Pbx::first_ringing);
      if (answer < call.timeout) at(call, kFirstSlot, answer, &Pbx::first_answer);
      break;
    }
    case ContextType::kIvr: {
      // Local first: the -local helper went on to the destination.
      milestone(call, "dest", "ok");
      const SimMs answer = spec.answer_after.draw(call.rng);
      if (answer < call.timeout) at(call, kFirstSlot, answer, &Pbx::first_answer);
      break;
    }
    case ContextType::kQueue: {
      milestone(call, "dest", "ok");
      Queue* queue = find_queue(spec.queue);
      join_queue(call, kA2, *queue, spec.queue_wait.value_or(queue->spec->wait_timeout));
      break;
    }
    case ContextType::kInvalidDestination:
      break;  // never a first leg: refused as unmapped in originate()
  }
}

void Pbx::first_ringing(Call& call) {
  Channel& a1 = chan(call, kA1);
  if (call.first->type == ContextType::kCustomers) ev_steps(chan(call, kA2), {"Ringing", "Wait"});
  ev_newstate(a1, ChannelState::kRinging);
  ev_dial("DialState", nullptr, a1, "DialStatus", "RINGING");
}

// Trace 02/07: ;2 and ;1 go Up, OriginateResponse, DialEnd ANSWER.
void Pbx::first_answer(Call& call) {
  cancel(call, kTimeoutSlot);
  cancel(call, kRingSlot);
  Channel& a2 = chan(call, kA2);
  Channel& a1 = chan(call, kA1);
  SimMs talk = 0;
  AnswerSteps steps{1, 2, 3};  // ivr: Answer(), Wait(), Hangup()
  switch (call.first->type) {
    case ContextType::kCustomers: {
      const NumberRule& rule = *call.first_rule;
      steps = answer_steps(rule.outcome);
      talk = rule.draw_talk(call.rng);
      if (rule.outcome == Outcome::kDtmf) {
        call.dtmf_digit = rule.digit;
        at(call, kDtmfSlot, rule.dtmf_after.draw(call.rng), &Pbx::dtmf_step);
      }
      break;
    }
    case ContextType::kAgents:
      steps = kAgentSteps;
      talk = call.first_agent->profile.talk.draw(call.rng);
      break;
    default:
      talk = call.first->hold.draw(call.rng);
      break;
  }
  a2.priority = steps.answer;
  if (call.first->type == ContextType::kCustomers) {
    ev_steps(a2, {"Answer"});
    switch (call.first_rule->outcome) {
      case Outcome::kDtmf:
        ev_steps(a2, {"Wait", "SendDTMF", "Wait"});
        break;
      case Outcome::kMachine:
        ev_steps(a2, {"Playback"});
        break;
      default:
        ev_steps(a2, {"Wait"});
        break;
    }
  }
  a2.app = "Wait";
  a2.app_data = seconds_text(talk);
  ev_newstate(a2, ChannelState::kUp);
  ev_newstate(a1, ChannelState::kUp);
  a2.priority = steps.talk;
  call.first_hangup_priority = steps.hangup;
  call.answered = true;
  if (answer_delays_.size() < kMaxAnswerSamples)
    answer_delays_.push_back(timers_.base_time() - call.received_at);
  // Remote first: the customer answered and ;1 enters the -dest helper. In
  // local first and preview the customer is the destination's own dial.
  if (!call.use_app && call.dest && call.dest->type != ContextType::kCustomers)
    milestone_now(call, "answered");
  // Asterisk does not fix this order; the traces show OriginateResponse first
  // when ;1 goes straight into Queue() (02, 09) and DialEnd first otherwise
  // (07, 10, 16), so the simulator does the same.
  const bool into_queue =
      !call.use_app && call.dest && call.dest->type == ContextType::kQueue && !call.dest->amd;
  if (into_queue) report_originate(call, true, 4);
  ev_dial("DialEnd", nullptr, a1, "DialStatus", "ANSWER");
  if (!into_queue) report_originate(call, true, 4);
  if (call.first->type == ContextType::kIvr && !call.first->user_event.empty()) {
    a2.priority = 2;  // Answer(), UserEvent(), Wait(), Hangup()
    ev_context_user_event(*call.first, a2);
    a2.priority = 3;
    call.first_hangup_priority = 4;
  }
  call.first_end_cause = 16;
  at(call, kFirstSlot, talk, &Pbx::first_done);
  enter_destination(call);
}

void Pbx::first_done(Call& call) {
  // The first party hangs up itself: its dialplan reached Hangup().
  if (Channel* a2 = chan_if(call, kA2)) {
    a2->priority = call.first_hangup_priority;
    if (call.first->type == ContextType::kCustomers) ev_steps(*a2, {"Hangup"});
  }
  end_call(call, Party::kFirst, call.first_end_cause);
}

// Trace 03.
void Pbx::first_busy(Call& call) {
  cancel(call, kTimeoutSlot);
  Channel& a2 = chan(call, kA2);
  Channel& a1 = chan(call, kA1);
  a2.priority = customer_priority(Outcome::kBusy);
  ev_steps(a2, {"Busy"});
  report_originate(call, false, 5);
  ev_newstate(a2, ChannelState::kBusy);
  ev_dial("DialEnd", nullptr, a1, "DialStatus", "BUSY");
  ev_hangup_request(a2, 0, false);
  ev_hangup(a1, 0);
  ev_hangup_request(a2, 16, true);
  ev_hangup(a2, 17);
  finish_call(call);
}

// Trace 05.
void Pbx::first_congestion(Call& call) {
  cancel(call, kTimeoutSlot);
  Channel& a2 = chan(call, kA2);
  Channel& a1 = chan(call, kA1);
  a2.priority = customer_priority(Outcome::kCongestion);
  ev_steps(a2, {"Congestion"});
  ev_newstate(a2, ChannelState::kBusy);
  ev_dial("DialEnd", nullptr, a1, "DialStatus", "CONGESTION");
  ev_hangup_request(a2, 0, false);
  ev_hangup_request(a2, 16, true);
  ev_hangup(a2, 34);
  report_originate(call, false, 8);
  ev_hangup(a1, 0);
  finish_call(call);
}

// Trace 06.
void Pbx::first_unallocated(Call& call) {
  cancel(call, kTimeoutSlot);
  Channel& a2 = chan(call, kA2);
  Channel& a1 = chan(call, kA1);
  a2.priority = customer_priority(Outcome::kUnallocated);
  ev_steps(a2, {"Hangup"});
  ev_hangup_request(a2, 16, true);
  ev_hangup_request(a1, 1, false);
  ev_hangup(a2, 1);
  report_originate(call, false, 0);
  ev_dial("DialEnd", nullptr, a1, "DialStatus", "NOANSWER");
  ev_hangup(a1, 1);
  finish_call(call);
}

// Real-behaviours originateresponse-before-newchannel.jsonl: the failure is
// reported first, then the channels appear and go at once.
void Pbx::unallocated_response_first(Call& call) {
  cancel(call, kTimeoutSlot);
  report_originate(call, false, 0);
  auto [a1, a2] = open_first_pair(call, std::move(call.pending_uid1), std::move(call.pending_uid2));
  call.pending_uid1.clear();
  call.pending_uid2.clear();
  ev_newexten(*a2, "NoOp", "");
  a2->priority = customer_priority(Outcome::kUnallocated);
  ev_hangup_request(*a2, 16, true);
  ev_hangup_request(*a1, 1, false);
  ev_hangup(*a2, 1);
  const std::string dial_string = call.first_exten + "@" + call.first_context;
  ev_dial("DialBegin", nullptr, *a1, "DialString", dial_string);
  ev_dial("DialEnd", nullptr, *a1, "DialStatus", "NOANSWER");
  ev_hangup(*a1, 1);
  finish_call(call);
}

// Trace 04: the Originate's Timeout passed before ;2 answered. Reason 3 only
// when the far end was ringing.
void Pbx::originate_timeout(Call& call) {
  cancel(call, kRingSlot);
  cancel(call, kFirstSlot);
  Channel& a2 = chan(call, kA2);
  Channel& a1 = chan(call, kA1);
  if (call.first_rule) a2.priority = customer_priority(Outcome::kNoAnswer);
  const int reason = a1.state == ChannelState::kRinging ? 3 : 0;
  ev_hangup_request(a2, 19, false);
  report_originate(call, false, reason);
  if (call.seat.state != SeatState::kNone) {
    if (call.seat.state == SeatState::kRinging) cancel_agent_ring(call, "CANCEL");
    leave_queue(call, true);
  }
  ev_hangup_request(a2, 16, true);
  ev_hangup(a2, 19);
  ev_hangup(a1, 19);
  call.ended = true;
  finish_call(call);
}

// ------------------------------------------------------------ destination

void Pbx::enter_destination(Call& call) {
  Channel& a1 = chan(call, kA1);
  if (call.use_app) {
    a1.app = call.app;
    a1.app_data = call.app_data;
    ev_newexten(a1, call.app, call.app_data);
    call.dest_end_cause = 16;
    at(call, kDestSlot, application_hold(call.app, call.app_data), &Pbx::dest_done);
    return;
  }
  a1.context = call.dest_context;
  a1.exten = call.dest_exten;
  a1.priority = call.dest_priority + 1;
  const ContextSpec& spec = *call.dest;
  if (spec.amd && spec.type != ContextType::kCustomers) {
    // The party that answered is the first leg; only a customer can be a machine.
    const bool machine = call.first_rule && call.first_rule->outcome == Outcome::kMachine;
    begin_amd(call, spec, machine, call.first_rule);
    return;
  }
  start_dest_behaviour(call, spec);
}

void Pbx::start_dest_behaviour(Call& call, const ContextSpec& spec) {
  Channel& a1 = chan(call, kA1);
  // The helper's own destination (not the AMD one for machines).
  if (&spec == call.dest && spec.type != ContextType::kCustomers &&
      spec.type != ContextType::kInvalidDestination)
    milestone(call, "dest", "ok");
  call.dest = &spec;
  call.dest_end_cause = 16;
  switch (spec.type) {
    case ContextType::kInvalidDestination:
      at(call, kDestSlot, 0, &Pbx::invalid_destination);
      break;
    case ContextType::kQueue: {
      if (call.seat.state == SeatState::kNone) {
        Queue* queue = find_queue(spec.queue);
        join_queue(call, kA1, *queue, spec.queue_wait.value_or(queue->spec->wait_timeout));
        break;
      }
      // A queue on both legs: ;1 just holds (one queue seat per call).
      [[fallthrough]];
    }
    case ContextType::kIvr: {
      const SimMs hold = spec.hold.draw(call.rng);
      ev_context_user_event(spec, a1);
      a1.app = "Wait";
      a1.app_data = seconds_text(hold);
      ev_newexten(a1, a1.app, a1.app_data);
      at(call, kDestSlot, hold, &Pbx::dest_done);
      break;
    }
    case ContextType::kAgents: {
      Agent& agent = agent_for_device("Local/" + a1.exten + "@" + a1.context);
      call.dest_agent = &agent;
      agent_busy(agent);
      const SimMs answer = agent.profile.answer_delay.draw(call.rng);
      const SimMs talk = agent.profile.talk.draw(call.rng);
      a1.priority = 4;
      a1.app = "Wait";
      a1.app_data = seconds_text(talk);
      ev_newexten(a1, a1.app, a1.app_data);
      at(call, kDestSlot, answer + talk, &Pbx::dest_done);
      break;
    }
    case ContextType::kCustomers: {
      if (!spec.dial_context.empty()) {
        start_customer_dial(call, spec);
        break;
      }
      // Local first (trace 15): the customer's dialplan runs on ;1 itself,
      // so its outcome shows only in how and when ;1 hangs up.
      const NumberRule& rule = customer_rule(call, spec, a1.exten);
      call.dest_rule = &rule;
      a1.priority = 11;
      a1.app = "Wait";
      switch (rule.outcome) {
        case Outcome::kAnswer:
        case Outcome::kDtmf:
        case Outcome::kMachine:
        case Outcome::kSilent:
          at(call, kDestSlot, rule.answer_after.draw(call.rng), &Pbx::dest_customer_answered);
          break;
        case Outcome::kBusy:
          call.dest_end_cause = 17;
          at(call, kDestSlot, rule.after.draw(call.rng) + rule.tone.draw(call.rng),
             &Pbx::dest_done);
          break;
        case Outcome::kCongestion:
          call.dest_end_cause = 34;
          at(call, kDestSlot, rule.after.draw(call.rng) + rule.tone.draw(call.rng),
             &Pbx::dest_done);
          break;
        case Outcome::kUnallocated:
          call.dest_end_cause = 1;
          at(call, kDestSlot, rule.after.draw(call.rng), &Pbx::dest_done);
          break;
        case Outcome::kNoAnswer:
          call.dest_end_cause = 19;
          at(call, kDestSlot, rule.ring.draw(call.rng), &Pbx::dest_done);
          break;
      }
      a1.app_data = "1";
      ev_steps(a1, {"NoOp", "Set", "Goto"});
      if (rule.outcome == Outcome::kAnswer) ev_steps(a1, {"Goto"});
      ev_steps(a1, {"Ringing"});
      ev_newexten(a1, a1.app, a1.app_data);
      break;
    }
  }
}

void Pbx::dest_customer_answered(Call& call) {
  const NumberRule& rule = *call.dest_rule;
  ev_steps(chan(call, kA1), {"Answer", "Wait"});
  milestone_now(call, "answered");
  const SimMs talk = rule.draw_talk(call.rng);
  chan(call, kA1).app_data = seconds_text(talk);
  if (rule.outcome == Outcome::kDtmf) {
    call.dtmf_digit = rule.digit;
    at(call, kDtmfSlot, rule.dtmf_after.draw(call.rng), &Pbx::dtmf_step);
  }
  if (call.dest->amd) {
    call.dest_talk_left = talk;
    begin_amd(call, *call.dest, rule.outcome == Outcome::kMachine, &rule);
    return;
  }
  at(call, kDestSlot, talk, &Pbx::dest_done);
}

void Pbx::dest_done(Call& call) {
  if (call.dest_rule) ev_steps(chan(call, kA1), {"Hangup"});
  end_call(call, Party::kDest, call.dest_end_cause);
}

void Pbx::begin_amd(Call& call, const ContextSpec& spec, bool machine, const NumberRule* rule) {
  Channel& a1 = chan(call, kA1);
  ev_steps(a1, {"Answer"});
  a1.app = "AMD";
  a1.app_data = "";
  ev_newexten(a1, a1.app, a1.app_data);
  call.amd_spec = &spec;
  call.amd_machine = machine;
  // A party that says nothing (a silent human, or one that only presses a
  // key) keeps AMD listening for its whole totalAnalysisTime: NOTSURE,
  // TOOLONG-<ms> (real-behaviours amd-notsure-silent-human-to-queue.jsonl).
  // Whoever hangs up before that gets no AMD event at all.
  const bool silent =
      rule && (rule->outcome == Outcome::kSilent || rule->outcome == Outcome::kDtmf);
  SimMs duration = spec.amd_time.draw(call.rng);
  if (machine) {
    call.amd_status = "MACHINE";
    call.amd_cause = "LONGGREETING-1500-1500";
  } else if (silent) {
    duration = spec.amd_total.draw(call.rng);
    call.amd_status = "NOTSURE";
    // The last 100 ms frame is still being analysed when the total runs out.
    call.amd_cause = "TOOLONG-" + std::to_string(std::max<SimMs>(duration - 100, 0));
  } else {
    call.amd_status = "HUMAN";
    call.amd_cause = "HUMAN-1-800";
  }
  if (rule && !rule->amd_cause.empty()) call.amd_cause = rule->amd_cause;
  at(call, kDestSlot, duration, &Pbx::amd_done);
}

// Trace 16: the AMD verdict as a UserEvent on ;1.
void Pbx::amd_done(Call& call) {
  const ContextSpec& spec = *call.amd_spec;
  Channel& a1 = chan(call, kA1);
  ev_varset(a1, "AMDSTATUS", call.amd_status);
  ev_varset(a1, "AMDCAUSE", call.amd_cause);
  ev_steps(a1, {"UserEvent"});
  a1.priority += 1;
  FieldList f = channel_event("UserEvent", a1, "user,all");
  f.add("UserEvent", spec.amd_event).add("Status", call.amd_status).add("Cause", call.amd_cause);
  // PanelDialer's helper: UserEvent(PanelDialerAMD,...,CallID: ${PD_CALLID}).
  if (!call.pd_callid.empty()) f.add("CallID", call.pd_callid);
  emit(event_class::kUser, f);
  milestone(call, "amd", call.amd_status);
  if (call.amd_machine) {
    ++stats_.machines;
    if (spec.amd_destination.empty()) {
      a1.priority += 2;  // past the GotoIf() to the Hangup() of [dialer-amd]
      ev_steps(a1, {"GotoIf", "Hangup"});
      if (Channel* a2 = chan_if(call, kA2)) ev_varset(*a2, "PLAYBACKSTATUS", "SUCCESS");
      end_call(call, Party::kDest, 16);
      return;
    }
    const ContextSpec* target = scenario_.find_context(spec.amd_destination);
    a1.context = spec.amd_destination;
    a1.exten = "s";
    a1.priority = 1;
    start_dest_behaviour(call, *target);
    return;
  }
  if (spec.type == ContextType::kCustomers) {
    at(call, kDestSlot, call.dest_talk_left, &Pbx::dest_done);
    return;
  }
  start_dest_behaviour(call, spec);
}

// PanelDialer's helper when the campaign's destination is not in the
// dialplan: it says so and hangs up.
void Pbx::invalid_destination(Call& call) {
  Channel& a1 = chan(call, kA1);
  a1.app = "UserEvent";
  FieldList f = channel_event("UserEvent", a1, "user,all");
  f.add("UserEvent", "PanelDialerDest")
      .add("Status", "INVALID")
      .add("CallID", call.pd_callid.empty() ? a1.uniqueid : call.pd_callid);
  emit(event_class::kUser, f);
  milestone(call, "dest", "invalid");
  a1.priority += 1;
  a1.app = "Hangup";
  end_call(call, Party::kDest, 16);
}

// Trace 07: the customer presses a key; ;1 (or, dialed by a helper, the
// customer's own ;1) receives it.
void Pbx::dtmf_step(Call& call) {
  Channel* leg = chan_if(call, call.dtmf_leg);
  if (!leg) return;
  Channel& a1 = *leg;
  FieldList begin = channel_event("DTMFBegin", a1, "dtmf,all");
  begin.add("Digit", call.dtmf_digit).add("Direction", "Received");
  emit(event_class::kDtmf, begin);
  FieldList end = channel_event("DTMFEnd", a1, "dtmf,all");
  end.add("Digit", call.dtmf_digit).add("DurationMs", "100").add("Direction", "Received");
  emit(event_class::kDtmf, end);
}

// ------------------------------------------------------------ hang-up

void Pbx::end_call(Call& call, Party who, int cause, EndHow how) {
  if (call.ended) return;
  call.ended = true;
  abort_customer_dial(call);  // the customer's own pair goes first
  if (!call.answered) {
    end_before_answer(call, who, cause, how);
  } else if (call.seat.state == SeatState::kBridged) {
    end_bridged(call, who, cause);
  } else if (call.seat.state != SeatState::kNone) {
    end_in_queue(call, who, cause, how);
  } else {
    end_plain(call, who, cause);
  }
  finish_call(call);
}

// Trace 14 shape: one half goes, the Originate fails (Reason 1 when a Hangup
// action cut it, else 0), the other half goes.
void Pbx::end_before_answer(Call& call, Party who, int cause, EndHow how) {
  const Leg e = who == Party::kDest ? kA1 : kA2;
  const Leg o = e == kA1 ? kA2 : kA1;
  if (call.seat.state != SeatState::kNone) {
    if (call.seat.state == SeatState::kRinging) cancel_agent_ring(call, "CANCEL");
    leave_queue(call, how != EndHow::kQueueTimeout);
  }
  Channel& ender = chan(call, e);
  Channel& other = chan(call, o);
  ev_hangup_request(ender, 16, true);
  ev_hangup_request(other, cause, false);
  ev_hangup(ender, cause);
  report_originate(call, false, how == EndHow::kHangupAction ? 1 : 0);
  ev_dial("DialEnd", nullptr, chan(call, kA1), "DialStatus", e == kA1 ? "CANCEL" : "NOANSWER");
  ev_hangup(other, cause);
}

// Traces 02 (caller side hangs up), 09 and 15 (agent hangs up).
void Pbx::end_bridged(Call& call, Party who, int cause) {
  Seat& seat = call.seat;
  const Leg q = seat.caller;
  const Leg qo = q == kA1 ? kA2 : kA1;
  Channel& Q = chan(call, q);
  Channel& QO = chan(call, qo);
  Channel& B1 = chan(call, kB1);
  Channel& B2 = chan(call, kB2);
  Member& member = *seat.member;
  const SimMs now = timers_.base_time();
  FieldList complete;
  complete.add_int("HoldTime", (seat.connected_at - seat.joined_at + 500) / 1000)
      .add_int("TalkTime", (now - seat.connected_at + 500) / 1000)
      .add("Reason", who == Party::kAgent ? "agent" : "caller");
  auto release_member = [&] {
    Queue& queue = *seat.queue;
    const int64_t talk = (now - seat.connected_at + 500) / 1000;
    queue.talktime = (((queue.talktime << 2) - queue.talktime) + talk) >> 2;
    ++queue.completed;
    member.in_call = false;
    ++member.calls_taken;
    member.last_call = epoch_now();
    agent_free(*member.agent);
  };
  if (verbose_) {  // Queue() returns: its variables set again on the caller
    ev_varset(Q, "BRIDGEPEER", "");
    ev_varset(B1, "BRIDGEPEER", "");
    ev_queue_vars(Q, *seat.queue);
    for (const char* name : {"ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS"})
      ev_varset(Q, name, "0");
    ev_queue_vars(Q, *seat.queue);
  }
  auto agent_tail = [&] {
    ev_bridge("BridgeLeave", call.bridge_id, 0, &B1);
    ev_bridge("BridgeDestroy", call.bridge_id, 0, nullptr);
    ev_hangup_request(B2, 16, false);
    ev_hangup(B1, 16);
    release_member();
    ev_hangup_request(B2, 16, true);
    ev_hangup(B2, 16);
  };
  if (who == Party::kAgent) {
    B2.priority = 6;  // the agent's own Hangup()
    ev_hangup_request(B2, 16, true);
    ev_hangup_request(B1, 16, false);
    ev_hangup(B2, 16);
    ev_agent("AgentComplete", call, member, std::move(complete));
    ev_bridge("BridgeLeave", call.bridge_id, 1, &B1);
    ev_hangup(B1, 16);
    release_member();
    ev_bridge("BridgeLeave", call.bridge_id, 0, &Q);
    ev_bridge("BridgeDestroy", call.bridge_id, 0, nullptr);
    ev_hangup_request(Q, 16, true);
    ev_hangup_request(QO, 16, false);
    ev_hangup(Q, 16);
    ev_hangup_request(QO, 16, true);
    ev_hangup(QO, 16);
  } else if (who == party_of(call, qo)) {
    ev_hangup_request(QO, 16, true);
    ev_hangup_request(Q, cause, false);
    ev_hangup(QO, cause);
    ev_agent("AgentComplete", call, member, std::move(complete));
    ev_bridge("BridgeLeave", call.bridge_id, 1, &Q);
    ev_hangup_request(Q, 16, true);
    ev_hangup(Q, cause);
    agent_tail();
  } else {
    ev_hangup_request(Q, 16, true);
    ev_hangup_request(QO, cause, false);
    ev_agent("AgentComplete", call, member, std::move(complete));
    ev_bridge("BridgeLeave", call.bridge_id, 1, &Q);
    ev_hangup(Q, cause);
    ev_hangup_request(QO, 16, true);
    ev_hangup(QO, cause);
    agent_tail();
  }
}

// The caller is still waiting (or an agent rings for it).
void Pbx::end_in_queue(Call& call, Party who, int cause, EndHow how) {
  const Leg q = call.seat.caller;
  const Leg qo = q == kA1 ? kA2 : kA1;
  Channel& Q = chan(call, q);
  Channel& QO = chan(call, qo);
  if (who == party_of(call, qo)) {
    ev_hangup_request(QO, 16, true);
    ev_hangup_request(Q, cause, false);
    ev_hangup(QO, cause);
    if (call.seat.state == SeatState::kRinging) cancel_agent_ring(call, "CANCEL");
    leave_queue(call, true);
    ev_hangup_request(Q, 16, true);
    ev_hangup(Q, cause);
    return;
  }
  if (call.seat.state == SeatState::kRinging) cancel_agent_ring(call, "CANCEL");
  leave_queue(call, how != EndHow::kQueueTimeout);
  ev_hangup_request(Q, 16, true);
  ev_hangup_request(QO, cause, false);
  ev_hangup(Q, cause);
  ev_hangup_request(QO, 16, true);
  ev_hangup(QO, cause);
}

// Traces 07, 10, 16: one half hangs up, the other follows.
void Pbx::end_plain(Call& call, Party who, int cause) {
  const Leg e = who == Party::kDest ? kA1 : kA2;
  Channel& ender = chan(call, e);
  Channel& other = chan(call, e == kA1 ? kA2 : kA1);
  ev_hangup_request(ender, 16, true);
  ev_hangup_request(other, cause, false);
  ev_hangup(ender, cause);
  // Trace 10: a ;1 that runs the Originate's Application has no dialplan to
  // leave, so it goes without a SoftHangupRequest.
  if (!(call.use_app && e == kA2)) ev_hangup_request(other, 16, true);
  ev_hangup(other, cause);
}

void Pbx::finish_call(Call& call) {
  call.ended = true;
  for (int leg = 0; leg < kLegCount; ++leg) drop_channel(call, static_cast<Leg>(leg));
  if (call.first_agent) agent_free(*call.first_agent);
  if (call.dest_agent) agent_free(*call.dest_agent);
  if (call.seat.state == SeatState::kWaiting || call.seat.state == SeatState::kRetry ||
      call.seat.state == SeatState::kRinging) {
    remove_from_queue(call);  // defensive: the sequences above already left the queue
  }
  --stats_.current_calls;
  calls_.erase(call.id);
}

}  // namespace pd::sim
