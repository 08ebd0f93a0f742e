// Queues: callers wait in join order, free members are rung by the queue's
// strategy, and a member that answers is bridged to the caller (traces 02, 09,
// 15). Members' device state follows their agent's live channels.
#include <algorithm>

#include "pbx.h"

namespace pd::sim {

Queue* Pbx::find_queue(std::string_view name) {
  for (auto& q : queues_)
    if (q->spec->name == name) return q.get();
  return nullptr;
}

Agent& Pbx::agent_for_device(std::string_view device) {
  auto it = agents_.find(std::string(device));
  if (it != agents_.end()) return *it->second;
  auto agent = std::make_unique<Agent>();
  agent->device = std::string(device);
  const AgentSpec* spec = scenario_.find_agent(device);
  agent->profile = spec ? *spec : scenario_.agent_defaults;
  // Local/<exten>@<context>: ringable when the context is an agents context.
  if (device.rfind("Local/", 0) == 0) {
    const std::string_view target = device.substr(6);
    const size_t at = target.find('@');
    if (at != std::string_view::npos) {
      agent->exten = std::string(target.substr(0, at));
      agent->context = std::string(target.substr(at + 1));
      const ContextSpec* context = scenario_.find_context(agent->context);
      agent->ringable = context && context->type == ContextType::kAgents && !agent->exten.empty();
    }
  }
  Agent& ref = *agent;
  agents_.emplace(agent->device, std::move(agent));
  return ref;
}

Member* Pbx::add_member(Queue& queue, Agent& agent, const std::string& interface,
                        const std::string& name, int penalty, bool paused,
                        const std::string& reason, bool dynamic) {
  auto member = std::make_unique<Member>();
  member->dynamic = dynamic;
  member->queue = &queue;
  member->agent = &agent;
  member->interface = interface;
  member->name = name.empty() ? interface : name;
  member->state_interface = interface;
  member->penalty = penalty;
  member->paused = paused;
  member->paused_reason = paused ? reason : "";
  member->login_time = epoch_now();
  if (paused) member->last_pause = member->login_time;
  Member& ref = *member;
  queue.members.push_back(std::move(member));
  agent.memberships.push_back(&ref);
  ev_member("QueueMemberAdded", ref);
  schedule_dispatch(queue);
  return &ref;
}

void Pbx::set_paused(Member& member, bool paused, const std::string& reason) {
  member.paused = paused;
  member.paused_reason = paused ? reason : "";
  if (paused) member.last_pause = epoch_now();
  ev_member("QueueMemberPause", member);
  if (!paused) schedule_dispatch(*member.queue);
}

void Pbx::schedule_pauses(Agent& agent) {
  for (const auto& window : agent.profile.pauses) {
    Agent* a = &agent;
    const std::string reason = window.reason;
    timers_.schedule(window.at, [this, a, reason] {
      for (Member* m : a->memberships)
        if (!m->paused) set_paused(*m, true, reason);
    });
    timers_.schedule(window.at + window.length, [this, a] {
      for (Member* m : a->memberships)
        if (m->paused) set_paused(*m, false, "");
    });
  }
}

void Pbx::agent_busy(Agent& agent) {
  if (agent.busy++ > 0) return;
  ev_device_state(agent);
  for (Member* m : agent.memberships) ev_member("QueueMemberStatus", *m);
}

void Pbx::agent_free(Agent& agent) {
  if (agent.busy == 0 || --agent.busy > 0) return;
  ev_device_state(agent);
  for (Member* m : agent.memberships) {
    ev_member("QueueMemberStatus", *m);
    schedule_dispatch(*m->queue);
  }
}

// ------------------------------------------------------------ callers

void Pbx::join_queue(Call& call, Leg caller, Queue& queue, SimMs wait_timeout) {
  Seat& seat = call.seat;
  seat = Seat{};
  seat.state = SeatState::kWaiting;
  seat.queue = &queue;
  seat.caller = caller;
  seat.ticket = queue.next_ticket++;
  seat.joined_at = timers_.base_time();
  seat.wait_timeout = wait_timeout;
  queue.positions.set(seat.ticket, 1);
  ++queue.callers;
  seat.original_position = queue.positions.count_up_to(seat.ticket);
  Channel& c = chan(call, caller);
  c.priority = 2;
  c.app = "Queue";
  c.app_data = queue.spec->name + ",,,," + std::to_string(wait_timeout / 1000);
  ev_newexten(c, c.app, c.app_data);
  for (const char* name : {"ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS",
                           "QUEUEWAIT", "QUEUEWAIT_MS"})
    ev_varset(c, name, "");
  ev_queue_caller("QueueCallerJoin", call, seat.original_position);
  ev_moh("MusicOnHoldStart", c);
  queue.waiting.emplace(seat.ticket, call.id);
  at(call, kQueueSlot, wait_timeout, &Pbx::queue_wait_timeout);
  dispatch(queue);
}

int64_t Pbx::remove_from_queue(Call& call) {
  Seat& seat = call.seat;
  Queue& queue = *seat.queue;
  const int64_t position = queue.positions.count_up_to(seat.ticket);
  queue.positions.set(seat.ticket, -1);
  queue.waiting.erase(seat.ticket);
  --queue.callers;
  if (queue.callers == 0) {
    queue.positions.clear();
    queue.next_ticket = 1;
  }
  cancel(call, kQueueSlot);
  return position;
}

void Pbx::leave_queue(Call& call, bool abandoned) {
  Queue& queue = *call.seat.queue;
  const int64_t position = remove_from_queue(call);
  if (abandoned) {
    ++queue.abandoned;
    ev_queue_caller("QueueCallerAbandon", call, position);
  }
  ev_queue_caller("QueueCallerLeave", call, position);
  if (!abandoned && call.seat.queue) {
    Channel& c = chan(call, call.seat.caller);
    ev_varset(c, "QUEUEPOSITION", std::to_string(position));
    ev_varset(c, "QUEUEWAIT", "0");
    ev_varset(c, "QUEUEWAIT_MS", "0");
  }
  if (call.seat.state != SeatState::kBridged) call.seat.state = SeatState::kNone;
}

void Pbx::queue_wait_timeout(Call& call) {
  const ContextSpec* spec = call.dest;
  if (call.answered && call.seat.caller == kA1 && spec && spec->type == ContextType::kQueue &&
      !spec->abandon_event.empty()) {
    queue_abandon(call, *spec);
    return;
  }
  end_call(call, party_of(call, call.seat.caller), 16, EndHow::kQueueTimeout);
}

// Queue(<q>,,,,<limit>) returned with QUEUESTATUS=TIMEOUT: the helper's
// GotoIf sends the customer to pd-<name>-abandon, which records the
// milestone, raises the UserEvent, plays the message and hangs up.
void Pbx::queue_abandon(Call& call, const ContextSpec& spec) {
  Seat& seat = call.seat;
  if (seat.state == SeatState::kRinging) cancel_agent_ring(call, "CANCEL");
  cancel(call, kAgentSlot);  // a retry waiting to ring the next member
  leave_queue(call, false);  // a timeout: QueueCallerLeave, no QueueCallerAbandon
  seat.state = SeatState::kNone;
  Channel& a1 = chan(call, kA1);
  ev_varset(a1, "QUEUESTATUS", "TIMEOUT");
  ev_steps(a1, {"GotoIf"});
  const std::string_view dest_suffix = "-dest";
  if (a1.context.size() > dest_suffix.size() && a1.context.ends_with(dest_suffix)) {
    a1.context = a1.context.substr(0, a1.context.size() - dest_suffix.size()) + "-abandon";
  }
  a1.exten = "s";
  a1.priority = 1;
  milestone_now(call, "abandoned");
  a1.priority = 2;
  a1.app = "UserEvent";
  FieldList f = channel_event("UserEvent", a1, "user,all");
  f.add("UserEvent", spec.abandon_event)
      .add("Status", "TIMEOUT")
      .add("CallID", call.pd_callid.empty() ? a1.uniqueid : call.pd_callid);
  emit(event_class::kUser, f);
  a1.priority = 3;
  a1.app = "Playback";
  a1.app_data = spec.abandon_sound;
  ev_newexten(a1, a1.app, a1.app_data);
  call.dest_end_cause = 16;
  at(call, kDestSlot, spec.abandon_playback.draw(call.rng), &Pbx::dest_done);
}

void Pbx::retry_queue(Call& call) {
  Seat& seat = call.seat;
  seat.state = SeatState::kWaiting;
  seat.queue->waiting.emplace(seat.ticket, call.id);
  dispatch(*seat.queue);
}

void Pbx::schedule_dispatch(Queue& queue) {
  Queue* q = &queue;
  timers_.schedule(0, [this, q] { dispatch(*q); });
}

void Pbx::dispatch(Queue& queue) {
  while (!queue.waiting.empty()) {
    Member* member = pick_member(queue);
    if (!member) return;
    const auto head = queue.waiting.begin();
    const uint64_t call_id = head->second;
    queue.waiting.erase(head);
    Call* call = find_call(call_id);
    if (!call || call->ended) continue;
    ring_member(*call, *member);
  }
}

Member* Pbx::pick_member(Queue& queue) {
  const auto& members = queue.members;
  if (members.empty()) return nullptr;
  int best_penalty = INT32_MAX;
  for (const auto& m : members)
    if (m->available()) best_penalty = std::min(best_penalty, m->penalty);
  if (best_penalty == INT32_MAX) return nullptr;
  auto eligible = [&](const Member& m) { return m.available() && m.penalty == best_penalty; };
  switch (queue.spec->strategy) {
    case Strategy::kRrMemory: {
      const size_t n = members.size();
      for (size_t i = 0; i < n; ++i) {
        const size_t index = (queue.rr_next + i) % n;
        if (eligible(*members[index])) {
          queue.rr_next = index + 1;
          return members[index].get();
        }
      }
      return nullptr;
    }
    case Strategy::kLeastRecent: {
      Member* best = nullptr;
      for (const auto& m : members)
        if (eligible(*m) && (!best || m->last_call < best->last_call)) best = m.get();
      return best;
    }
    case Strategy::kRandom: {
      std::vector<Member*> pool;
      for (const auto& m : members)
        if (eligible(*m)) pool.push_back(m.get());
      return pool[static_cast<size_t>(rng_.between(0, static_cast<int64_t>(pool.size()) - 1))];
    }
    case Strategy::kLinear:
    case Strategy::kRingAll:
      for (const auto& m : members)
        if (eligible(*m)) return m.get();
      return nullptr;
  }
  return nullptr;
}

// ------------------------------------------------------------ agent leg

void Pbx::ring_member(Call& call, Member& member) {
  Seat& seat = call.seat;
  Agent& agent = *member.agent;
  seat.state = SeatState::kRinging;
  seat.member = &member;
  seat.ring_started = timers_.base_time();
  auto [b1, b2] = new_local_pair(call, kB1, agent.exten, agent.context, "", "");
  const std::string& linkedid = chan(call, kA1).linkedid;
  b1->linkedid = linkedid;
  b2->linkedid = linkedid;
  ev_newchannel(*b1);
  ev_newchannel(*b2);
  set_callerid(call, *b1);
  set_callerid(call, *b2);
  ev_steps(*b1, {"AppQueue"});
  ev_varset(*b1, "DIALEDPEERNUMBER", member.interface);
  ev_varset(*b2, "DIALEDPEERNUMBER", member.interface);
  ev_verbose_new_pair(call, *b1, *b2);
  ev_steps(*b2, {"NoOp", "Ringing", "Wait"});
  ev_steps(*b1, {"AppQueue"});
  Channel& caller = chan(call, seat.caller);
  // The member's ;1 is dialed as "s" once the queue owns it; DialBegin still
  // shows the extension and no connected line, as Asterisk does.
  Channel dialed = *b1;
  dialed.conn_num = dialed.conn_name = "<unknown>";
  b1->exten = "s";
  ev_agent("AgentCalled", call, member, FieldList{});
  ev_dial("DialBegin", &caller, dialed, "DialString", member.interface);
  ev_newstate(*b1, ChannelState::kRinging);
  agent_busy(agent);
  ev_dial("DialState", &caller, *b1, "DialStatus", "RINGING");
  b1->app = "AppQueue";
  b1->app_data = "(Outgoing Line)";
  const SimMs answer = agent.profile.answer_delay.draw(call.rng);
  if (answer < seat.queue->spec->ring_timeout) {
    at(call, kAgentSlot, answer, &Pbx::agent_answer);
  } else {
    at(call, kAgentSlot, seat.queue->spec->ring_timeout, &Pbx::agent_ring_no_answer);
  }
}

void Pbx::agent_answer(Call& call) {
  Seat& seat = call.seat;
  Member& member = *seat.member;
  Queue& queue = *seat.queue;
  Channel& b1 = chan(call, kB1);
  Channel& b2 = chan(call, kB2);
  Channel& caller = chan(call, seat.caller);
  const SimMs now = timers_.base_time();
  const SimMs talk = member.agent->profile.talk.draw(call.rng);
  b2.priority = 4;
  b2.app = "Wait";
  b2.app_data = std::to_string((talk + 999) / 1000);
  ev_newstate(b2, ChannelState::kUp);
  ev_newstate(b1, ChannelState::kUp);
  b2.priority = 5;  // [sim-agents] talks in the Wait() after Answer()
  ev_steps(b2, {"Answer"});
  ev_dial("DialEnd", &caller, b1, "DialStatus", "ANSWER");
  ev_moh("MusicOnHoldStop", caller);
  if (verbose_) {
    ev_member_vars(caller, member);
    ev_member_vars(b1, member);
    for (const Channel* c : {&caller, &b1}) {
      ev_varset(*c, "QEHOLDTIME", std::to_string((now - seat.joined_at + 500) / 1000));
      ev_varset(*c, "QEORIGINALPOS", std::to_string(seat.original_position));
    }
    ev_queue_vars(caller, queue);
    ev_queue_vars(b1, queue);
  }
  seat.state = SeatState::kBridged;  // before leave_queue: the seat stays ours
  leave_queue(call, false);
  seat.connected_at = now;
  member.in_call = true;
  ++stats_.agent_connects;
  const int64_t hold = (now - seat.joined_at + 500) / 1000;
  queue.holdtime = (((queue.holdtime << 2) - queue.holdtime) + hold) >> 2;
  if (hold <= queue.spec->servicelevel_s) ++queue.completed_in_sl;
  FieldList times;
  times.add_int("HoldTime", hold).add_int("RingTime", (now - seat.ring_started + 500) / 1000);
  ev_agent("AgentConnect", call, member, std::move(times));
  call.agent_interface = member.interface;
  call.bridge_id = uuid(call.rng);
  if (!call.answered) {
    // Local first (trace 15): the queue was the first leg, so the Originate
    // succeeds only now.
    cancel(call, kTimeoutSlot);
    Channel& a1 = chan(call, kA1);
    ev_newstate(caller, ChannelState::kUp);
    ev_newstate(a1, ChannelState::kUp);
    ev_bridge("BridgeCreate", call.bridge_id, 0, nullptr);
    call.answered = true;
    report_originate(call, true, 4);
    ev_dial("DialEnd", nullptr, a1, "DialStatus", "ANSWER");
  } else {
    ev_bridge("BridgeCreate", call.bridge_id, 0, nullptr);
  }
  b1.bridge_id = call.bridge_id;
  caller.bridge_id = call.bridge_id;
  ev_bridge("BridgeEnter", call.bridge_id, 1, &b1);
  ev_bridge("BridgeEnter", call.bridge_id, 2, &caller);
  ev_varset(b1, "BRIDGEPEER", caller.name);
  ev_varset(caller, "BRIDGEPEER", b1.name);
  ev_steps(b2, {"Wait"});
  at(call, kAgentSlot, talk, &Pbx::agent_done);
  if (seat.caller == kA2) enter_destination(call);
}

void Pbx::agent_done(Call& call) {
  end_call(call, Party::kAgent, 16);
}

void Pbx::agent_ring_no_answer(Call& call) {
  Seat& seat = call.seat;
  FieldList times;
  times.add_int("RingTime", (timers_.base_time() - seat.ring_started + 500) / 1000);
  ev_agent("AgentRingNoAnswer", call, *seat.member, std::move(times));
  cancel_agent_ring(call, "NOANSWER");
  seat.state = SeatState::kRetry;
  at(call, kAgentSlot, seat.queue->spec->retry, &Pbx::retry_queue);
}

// The member stops ringing: the caller left or the member did not answer.
void Pbx::cancel_agent_ring(Call& call, std::string_view dial_status) {
  Seat& seat = call.seat;
  cancel(call, kAgentSlot);
  Channel& caller = chan(call, seat.caller);
  Channel& b1 = chan(call, kB1);
  Channel& b2 = chan(call, kB2);
  ev_dial("DialEnd", &caller, b1, "DialStatus", dial_status);
  ev_hangup_request(b2, 16, false);
  ev_hangup(b1, 16);
  drop_channel(call, kB1);
  agent_free(*seat.member->agent);
  ev_hangup_request(b2, 16, true);
  ev_hangup(b2, 16);
  drop_channel(call, kB2);
  seat.member = nullptr;
}

}  // namespace pd::sim
