// Pbx: set-up, action dispatch, channels and the event formats shared by the
// call and queue flows.
#include "pbx.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace pd::sim {

Pbx::Pbx(const Scenario& scenario, const SimClock& clock, TimerQueue& timers, PbxOutput& output,
         bool verbose_events)
    : Pbx(scenario, clock, timers, output, PbxConfig{.verbose_events = verbose_events}) {}

Pbx::Pbx(const Scenario& scenario, const SimClock& clock, TimerQueue& timers, PbxOutput& output,
         PbxConfig config)
    : scenario_(scenario),
      clock_(clock),
      timers_(timers),
      output_(output),
      verbose_(config.verbose_events),
      config_(config),
      astdb_(config.astdb ? config.astdb : &own_astdb_),
      rng_(scenario.seed) {
  for (const auto& [number, count] : config_.ids_in_use) forced_collisions_[number] += count;
  for (const auto& spec : scenario_.queues) {
    auto queue = std::make_unique<Queue>();
    queue->spec = &spec;
    queues_.push_back(std::move(queue));
  }
}

Pbx::~Pbx() = default;

void Pbx::start() {
  for (const auto& spec : scenario_.agents) {
    Agent& agent = agent_for_device(device_of_interface(spec.interface));
    // An Asterisk that just restarted has lost its dynamic members.
    const bool load = !(spec.dynamic && config_.restarted);
    for (const auto& queue_name : spec.queues) {
      Queue* queue = find_queue(queue_name);
      if (!queue || !load) continue;  // queue validated at load
      add_member(*queue, agent, spec.interface, spec.name, spec.penalty, spec.paused,
                 spec.paused_reason, spec.dynamic);
    }
    schedule_pauses(agent);
  }
}

// `core restart now`: every call is forgotten without a single event (the
// sessions are gone already), dynamic members are lost, static members,
// pause schedules and the AstDB stay.
void Pbx::restart() {
  for (auto& [id, call] : calls_) call.ended = true;  // their timers now do nothing
  calls_.clear();
  channels_.clear();
  channel_by_name_.clear();
  uniqueids_.clear();
  stats_.current_calls = 0;
  for (auto& [device, agent] : agents_) agent->busy = 0;
  for (auto& queue : queues_) {
    queue->waiting.clear();
    queue->positions.clear();
    queue->callers = 0;
    queue->rr_next = 0;
    for (auto it = queue->members.begin(); it != queue->members.end();) {
      Member& m = **it;
      m.in_call = false;
      m.ringing_for_us = false;
      if (!m.dynamic) {
        ++it;
        continue;
      }
      auto& ships = m.agent->memberships;
      ships.erase(std::remove(ships.begin(), ships.end(), &m), ships.end());
      retired_members_.push_back(std::move(*it));
      it = queue->members.erase(it);
    }
  }
}

ActionResult Pbx::handle(SessionId session, const ActionView& a) {
  const std::string_view name = a.action();
  if (pd::ami::iequals(name, "Originate")) return originate(session, a);
  if (pd::ami::iequals(name, "Hangup"))
    hangup_action(session, a);
  else if (pd::ami::iequals(name, "UserEvent"))
    user_event_action(session, a);
  else if (pd::ami::iequals(name, "Command"))
    command_action(session, a);
  else if (pd::ami::iequals(name, "CoreShowChannels"))
    core_show_channels(session, a);
  else if (pd::ami::iequals(name, "Status"))
    status_action(session, a);
  else if (pd::ami::iequals(name, "QueueAdd"))
    queue_add(session, a);
  else if (pd::ami::iequals(name, "QueueRemove"))
    queue_remove(session, a);
  else if (pd::ami::iequals(name, "QueuePause"))
    queue_pause(session, a);
  else if (pd::ami::iequals(name, "QueueStatus"))
    queue_status(session, a);
  else if (pd::ami::iequals(name, "QueueSummary"))
    queue_summary(session, a);
  else if (pd::ami::iequals(name, "ShowDialPlan"))
    show_dialplan(session, a);
  else if (pd::ami::iequals(name, "DBPut"))
    db_put(session, a);
  else if (pd::ami::iequals(name, "DBGet"))
    db_get(session, a);
  else if (pd::ami::iequals(name, "DBGetTree"))
    db_get_tree(session, a);
  else if (pd::ami::iequals(name, "DBDel"))
    db_del(session, a);
  else if (pd::ami::iequals(name, "DBDelTree"))
    db_del_tree(session, a);
  else
    return ActionResult::kUnknown;
  return ActionResult::kDone;
}

// ---------------------------------------------------------------- channels

std::string Pbx::next_uniqueid() {
  return std::to_string(epoch_now()) + "." + std::to_string(uniqueid_sequence_++);
}

std::string Pbx::uuid(Rng& rng) {
  const uint64_t hi = rng.next(), lo = rng.next();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

const NumberRule& Pbx::customer_rule(Call& call, const ContextSpec& context,
                                     std::string_view number) {
  const DialMoment moment{timers_.base_time(), customer_dials_++};
  return pick_rule(scenario_.rule_for(context, number), moment, call.rng);
}

Channel& Pbx::new_channel(Call& call, Leg leg, const std::string& name, const std::string& context,
                          const std::string& exten, ChannelState state, std::string uniqueid) {
  const uint64_t id = next_channel_id_++;
  Channel& c = channels_[id];
  c.id = id;
  c.call_id = call.id;
  c.name = name;
  c.uniqueid = std::move(uniqueid);
  c.state = state;
  c.context = context;
  c.exten = exten;
  c.created = timers_.base_time();
  call.legs[leg] = id;
  channel_by_name_[c.name] = id;
  uniqueids_[lower(c.uniqueid)] = id;
  return c;
}

std::pair<Channel*, Channel*> Pbx::new_local_pair(Call& call, Leg first, std::string_view exten,
                                                  std::string_view context, std::string uid1,
                                                  std::string uid2) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%08x", local_sequence_++);
  const std::string base = "Local/" + std::string(exten) + "@" + std::string(context) + suffix;
  const std::string ctx(context), ext(exten);
  // Asterisk consumes one uniqueid number per channel even when the caller
  // chose the id, so the numbering of later channels matches.
  if (uid1.empty())
    uid1 = next_uniqueid();
  else
    ++uniqueid_sequence_;
  if (uid2.empty())
    uid2 = next_uniqueid();
  else
    ++uniqueid_sequence_;
  Channel& one = new_channel(call, first, base + ";1", ctx, ext, ChannelState::kDown, uid1);
  Channel& two = new_channel(call, static_cast<Leg>(first + 1), base + ";2", ctx, ext,
                             ChannelState::kRing, uid2);
  return {&one, &two};
}

Channel& Pbx::chan(const Call& call, Leg leg) {
  return channels_.at(call.legs[leg]);
}

Channel* Pbx::chan_if(const Call& call, Leg leg) {
  if (call.legs[leg] == 0) return nullptr;
  auto it = channels_.find(call.legs[leg]);
  return it == channels_.end() ? nullptr : &it->second;
}

void Pbx::drop_channel(Call& call, Leg leg) {
  const uint64_t id = call.legs[leg];
  if (id == 0) return;
  auto it = channels_.find(id);
  if (it != channels_.end()) {
    channel_by_name_.erase(it->second.name);
    uniqueids_.erase(lower(it->second.uniqueid));
    channels_.erase(it);
  }
  call.legs[leg] = 0;
}

Pbx::Call* Pbx::find_call(uint64_t id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : &it->second;
}

void Pbx::at(Call& call, Slot slot, SimMs delay, void (Pbx::*step)(Call&)) {
  const uint32_t generation = ++call.generation[slot];
  timers_.schedule(delay, [this, id = call.id, slot, generation, step] {
    Call* c = find_call(id);
    if (!c || c->ended || c->generation[slot] != generation) return;
    (this->*step)(*c);
  });
}

void Pbx::set_callerid(Call& call, Channel& c) {
  c.cid_num = call.cid.num;
  c.cid_name = call.cid.name;
  c.conn_num = call.cid.num;
  c.conn_name = call.cid.name;
}

// ---------------------------------------------------------------- events

void Pbx::emit(uint32_t event_class, const FieldList& fields) {
  scratch_.clear();
  if (auto s = render(scratch_, fields); !s) {
    std::cerr << "pbx-sim: event not sent: " << s.error().describe() << "\n";
    return;
  }
  ++stats_.events;
  output_.broadcast(event_class, scratch_);
}

FieldList Pbx::channel_event(std::string_view event, const Channel& c, std::string_view privilege) {
  FieldList f;
  f.add("Event", event).add("Privilege", privilege);
  add_snapshot(f, c);
  return f;
}

void Pbx::ev_newchannel(const Channel& c) {
  emit(event_class::kCall, channel_event("Newchannel", c));
}

void Pbx::ev_newstate(Channel& c, ChannelState state) {
  c.state = state;
  emit(event_class::kCall, channel_event("Newstate", c));
  ev_channel_device_state(c, state == ChannelState::kRinging ? "RINGING"
                             : state == ChannelState::kBusy  ? "BUSY"
                                                             : "INUSE");
}

void Pbx::ev_hangup(Channel& c, int cause) {
  FieldList f = channel_event("Hangup", c);
  f.add_int("Cause", cause).add("Cause-txt", cause_text(cause));
  hangup_milestones(c, cause);  // the hangup handler runs before the Hangup event
  emit(event_class::kCall, f);
  ev_channel_device_state(c, "NOT_INUSE");
}

void Pbx::ev_hangup_request(const Channel& c, int cause, bool soft) {
  FieldList f = channel_event(soft ? "SoftHangupRequest" : "HangupRequest", c);
  f.add_int("Cause", cause);
  emit(event_class::kCall, f);
}

void Pbx::ev_dial(std::string_view event, const Channel* caller, const Channel& dest,
                  std::string_view last_key, std::string_view last_value) {
  FieldList f;
  f.add("Event", event).add("Privilege", "call,all");
  if (caller) add_snapshot(f, *caller);
  add_snapshot(f, dest, true);
  f.add(last_key, last_value);
  emit(event_class::kCall, f);
}

void Pbx::ev_originate_response(Call& call, bool success, int reason) {
  FieldList f;
  f.add("Event", "OriginateResponse").add("Privilege", "call,all");
  if (!call.action_id.empty()) f.add("ActionID", call.action_id);
  f.add("Response", success ? "Success" : "Failure");
  Channel* a1 = chan_if(call, kA1);
  // On failure Asterisk names the dial string, not the channel.
  f.add("Channel", success && a1 ? std::string_view(a1->name) : std::string_view(call.dial_string));
  if (call.use_app) {
    f.add("Application", call.app).add("Data", call.app_data);
  } else {
    f.add("Context", call.dest_context).add("Exten", call.dest_exten);
  }
  f.add_int("Reason", reason);
  // Sent before the channels exist (response first): the id they will get.
  std::string_view uid = a1 ? std::string_view(a1->uniqueid) : std::string_view(call.pending_uid1);
  f.add("Uniqueid", uid.empty() ? std::string_view("<unknown>") : uid);
  f.add("CallerIDNum", call.cid.num).add("CallerIDName", call.cid.name);
  emit(event_class::kCall, f);
}

// A member's state fields, in Asterisk's order; QueueMember list items and
// the QueueMember* events share them.
void Pbx::add_member_state(FieldList& f, const Member& m) {
  f.add("StateInterface", m.state_interface)
      .add("Membership", m.dynamic ? "dynamic" : "static")
      .add_int("Penalty", m.penalty)
      .add_int("CallsTaken", m.calls_taken)
      .add_int("LastCall", m.last_call)
      .add_int("LastPause", m.last_pause)
      .add_int("LoginTime", m.login_time)
      .add_int("InCall", m.in_call ? 1 : 0)
      .add_int("Status", m.status())
      .add_int("Paused", m.paused ? 1 : 0)
      .add("PausedReason", m.paused_reason);
}

void Pbx::ev_member(std::string_view event, const Member& m) {
  FieldList f;
  f.add("Event", event).add("Privilege", "agent,all");
  f.add("Queue", m.queue->spec->name).add("MemberName", m.name).add("Interface", m.interface);
  add_member_state(f, m);
  f.add("Ringinuse", "0").add("Wrapuptime", "0");
  emit(event_class::kAgent, f);
}

void Pbx::ev_queue_caller(std::string_view event, Call& call, int64_t position) {
  Channel& c = chan(call, call.seat.caller);
  FieldList f = channel_event(event, c, "agent,all");
  f.add("Queue", call.seat.queue->spec->name).add_int("Position", position);
  if (event == "QueueCallerAbandon") {
    f.add_int("OriginalPosition", call.seat.original_position)
        .add_int("HoldTime", (timers_.base_time() - call.seat.joined_at) / 1000);
  } else {
    f.add_int("Count", call.seat.queue->callers);
  }
  emit(event_class::kAgent, f);
}

void Pbx::ev_agent(std::string_view event, Call& call, const Member& m, FieldList extra) {
  FieldList f;
  f.add("Event", event).add("Privilege", "agent,all");
  add_snapshot(f, chan(call, call.seat.caller));
  add_snapshot(f, chan(call, kB1), true);
  f.add("Queue", m.queue->spec->name).add("Interface", m.interface).add("MemberName", m.name);
  for (const auto& [k, v] : extra.fields()) f.add(k, v);
  emit(event_class::kAgent, f);
}

void Pbx::ev_bridge(std::string_view event, const std::string& bridge_id, int channels,
                    const Channel* c) {
  FieldList f;
  f.add("Event", event)
      .add("Privilege", "call,all")
      .add("BridgeUniqueid", bridge_id)
      .add("BridgeType", "basic")
      .add("BridgeTechnology", "simple_bridge")
      .add("BridgeCreator", "<unknown>")
      .add("BridgeName", "<unknown>")
      .add_int("BridgeNumChannels", channels)
      .add("BridgeVideoSourceMode", "none");
  if (c) add_snapshot(f, *c);
  emit(event_class::kCall, f);
}

void Pbx::ev_verbose_new_pair(const Call& call, const Channel& one, const Channel& two) {
  if (!verbose_) return;
  for (const Channel* c : {&one, &two}) {
    for (const auto& [name, value] : call.variables) ev_varset(*c, name, value);
    FieldList caller_id = channel_event("NewCallerid", *c);
    caller_id.add("CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
    emit(event_class::kCall, caller_id);
    FieldList connected = channel_event("NewConnectedLine", *c);
    emit(event_class::kCall, connected);
  }
  FieldList f;
  f.add("Event", "LocalBridge").add("Privilege", "call,all");
  static constexpr const char* kOne[] = {
      "LocalOneChannel",           "LocalOneChannelState", "LocalOneChannelStateDesc",
      "LocalOneCallerIDNum",       "LocalOneCallerIDName", "LocalOneConnectedLineNum",
      "LocalOneConnectedLineName", "LocalOneLanguage",     "LocalOneAccountCode",
      "LocalOneContext",           "LocalOneExten",        "LocalOnePriority",
      "LocalOneUniqueid",          "LocalOneLinkedid"};
  static constexpr const char* kTwo[] = {
      "LocalTwoChannel",           "LocalTwoChannelState", "LocalTwoChannelStateDesc",
      "LocalTwoCallerIDNum",       "LocalTwoCallerIDName", "LocalTwoConnectedLineNum",
      "LocalTwoConnectedLineName", "LocalTwoLanguage",     "LocalTwoAccountCode",
      "LocalTwoContext",           "LocalTwoExten",        "LocalTwoPriority",
      "LocalTwoUniqueid",          "LocalTwoLinkedid"};
  for (auto [keys, c] : {std::pair{kOne, &one}, std::pair{kTwo, &two}}) {
    FieldList snap;
    add_snapshot(snap, *c);
    for (size_t i = 0; i < snap.fields().size(); ++i)
      f.add_copy(keys[i], std::string(snap.fields()[i].second));
  }
  f.add("Context", one.context).add("Exten", one.exten).add("LocalOptimization", "No");
  emit(event_class::kCall, f);
}

void Pbx::ev_newexten(const Channel& c, std::string_view app, std::string_view data) {
  if (!verbose_) return;
  FieldList f = channel_event("Newexten", c, "dialplan,all");
  f.add("Extension", c.exten).add("Application", app).add("AppData", data);
  emit(event_class::kDialplan, f);
}

void Pbx::ev_varset(const Channel& c, std::string_view name, std::string_view value) {
  if (!verbose_) return;
  FieldList f = channel_event("VarSet", c, "dialplan,all");
  f.add("Variable", name).add("Value", value);
  emit(event_class::kDialplan, f);
}

void Pbx::ev_steps(const Channel& c, std::initializer_list<std::string_view> apps) {
  if (!verbose_) return;
  for (std::string_view app : apps) ev_newexten(c, app, "");
}

// The device of a channel: its name without the "-0000001f;2" sequence.
void Pbx::ev_channel_device_state(const Channel& c, std::string_view state) {
  if (!verbose_) return;
  std::string_view device = c.name;
  if (const size_t dash = device.rfind('-'); dash != std::string_view::npos && dash > 0)
    device = device.substr(0, dash);
  FieldList f;
  f.add("Event", "DeviceStateChange")
      .add("Privilege", "call,all")
      .add("Device", device)
      .add("State", state);
  emit(event_class::kCall, f);
}

void Pbx::ev_queue_vars(const Channel& c, const Queue& queue) {
  if (!verbose_) return;
  const auto& spec = *queue.spec;
  ev_varset(c, "QUEUENAME", spec.name);
  ev_varset(c, "QUEUEMAX", "0");
  ev_varset(c, "QUEUESTRATEGY", "rrmemory");
  ev_varset(c, "QUEUECALLS", std::to_string(queue.callers));
  ev_varset(c, "QUEUEHOLDTIME", std::to_string(queue.holdtime));
  ev_varset(c, "QUEUETALKTIME", std::to_string(queue.talktime));
  ev_varset(c, "QUEUECOMPLETED", std::to_string(queue.completed));
  ev_varset(c, "QUEUEABANDONED", std::to_string(queue.abandoned));
  ev_varset(c, "QUEUESRVLEVEL", std::to_string(spec.servicelevel_s));
  ev_varset(c, "QUEUESRVLEVELPERF", "100.0");
}

void Pbx::ev_member_vars(const Channel& c, const Member& m) {
  if (!verbose_) return;
  ev_varset(c, "MEMBERINTERFACE", m.interface);
  ev_varset(c, "MEMBERNAME", m.name);
  ev_varset(c, "MEMBERCALLS", std::to_string(m.calls_taken));
  ev_varset(c, "MEMBERLASTCALL", std::to_string(m.last_call));
  ev_varset(c, "MEMBERPENALTY", std::to_string(m.penalty));
  ev_varset(c, "MEMBERDYNAMIC", m.dynamic ? "1" : "0");
  ev_varset(c, "MEMBERREALTIME", "0");
}

void Pbx::ev_moh(std::string_view event, const Channel& c) {
  if (!verbose_) return;
  FieldList f = channel_event(event, c);
  if (event == "MusicOnHoldStart") f.add("Class", "default");
  emit(event_class::kCall, f);
}

void Pbx::ev_device_state(const Agent& agent) {
  if (!verbose_) return;
  FieldList f;
  f.add("Event", "DeviceStateChange")
      .add("Privilege", "call,all")
      .add("Device", agent.device)
      .add("State", agent.busy > 0 ? "INUSE" : "NOT_INUSE");
  emit(event_class::kCall, f);
}

void Pbx::ev_context_user_event(const ContextSpec& spec, const Channel& c) {
  if (spec.type != ContextType::kIvr || spec.user_event.empty()) return;
  FieldList f = channel_event("UserEvent", c, "user,all");
  f.add("UserEvent", spec.user_event);
  for (const auto& [k, v] : spec.user_event_fields) f.add(k, v);
  emit(event_class::kUser, f);
}

}  // namespace pd::sim
