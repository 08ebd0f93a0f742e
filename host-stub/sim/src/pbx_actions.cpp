// AMI actions the PBX answers: Originate, Hangup, UserEvent, Command, the
// channel lists and the queue actions. Replies match Asterisk 22's wording.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <regex>

#include "pbx.h"

namespace pd::sim {
namespace {

bool parse_int(std::string_view text, int64_t& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr != text.data();
}

std::string percent(int part, int whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

// Asterisk refuses ids longer than AST_MAX_PUBLIC_UNIQUEID (149).
constexpr size_t kMaxUniqueid = 149;

}  // namespace

void Pbx::send(SessionId session, const FieldList& fields, std::string& out) {
  if (auto s = render(out, fields); !s)
    std::cerr << "pbx-sim: reply not sent: " << s.error().describe() << "\n";
  (void)session;
}

void Pbx::respond(SessionId session, const ActionView& a, std::string_view response,
                  std::string_view message) {
  FieldList f;
  f.add("Response", response);
  if (!a.action_id().empty()) f.add("ActionID", a.action_id());
  f.add("Message", message);
  std::string out;
  send(session, f, out);
  output_.send(session, out);
}

// ------------------------------------------------------------ Originate

ActionResult Pbx::originate(SessionId session, const ActionView& a) {
  auto refuse = [&](std::string_view message) {
    ++stats_.originates_refused;
    respond(session, a, "Error", message);
    return ActionResult::kDone;
  };
  const std::string_view channel = a.get("Channel");
  if (channel.empty()) return refuse("Channel not specified");
  int64_t priority = 1, timeout = 30000;
  if (!a.get("Priority").empty() && !parse_int(a.get("Priority"), priority))
    return refuse("Invalid priority");
  if (!a.get("Timeout").empty() && !parse_int(a.get("Timeout"), timeout))
    return refuse("Invalid timeout");
  const size_t slash = channel.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == channel.size())
    return refuse("Invalid channel");
  const std::string_view channel_id = a.get("ChannelId");
  const std::string_view other_id = a.get("OtherChannelId");
  if (channel_id.size() > kMaxUniqueid || other_id.size() > kMaxUniqueid)
    return refuse("Uniqueid length exceeds maximum of 149");
  // A ChannelId in use is not refused here: Asterisk finds the conflict when
  // it allocates the channel (launch_originate).

  const std::string_view app = a.get("Application");
  std::string context(a.get("Context")), exten(a.get("Exten"));
  const ContextSpec* dest = nullptr;
  if (app.empty()) {
    if (exten.empty()) exten = "s";
    if (context.empty()) context = "default";
    dest = scenario_.find_context(context);
    if (!dest) return refuse("Extension does not exist.");
  }

  const uint64_t call_id = next_call_id_++;
  Call& call = calls_[call_id];
  call.id = call_id;
  call.session = session;
  call.action_id = std::string(a.action_id());
  call.async = ast_true(a.get("Async"));
  call.received_at = timers_.base_time();
  call.rng = rng_.split();
  call.dial_string = std::string(channel);
  call.use_app = !app.empty();
  call.app = std::string(app);
  call.app_data = std::string(a.get("Data"));
  call.dest_context = context;
  call.dest_exten = exten;
  call.dest_priority = static_cast<int>(priority);
  call.dest = dest;
  call.cid = parse_callerid(a.get("CallerID"));
  call.timeout = timeout > 0 ? timeout : 30000;
  for (std::string_view value : a.get_all("Variable")) {
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string_view item = value.substr(0, comma);
      const size_t eq = item.find('=');
      if (eq != std::string_view::npos && eq > 0)
        call.variables.emplace_back(std::string(item.substr(0, eq)),
                                    std::string(item.substr(eq + 1)));
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  // PanelDialer's call id, inherited by every channel of the call.
  for (const auto& [name, value] : call.variables) {
    std::string_view n = name;
    while (n.starts_with('_')) n.remove_prefix(1);
    if (n == "PD_CALLID") call.pd_callid = value;
  }
  ++stats_.originates;
  ++stats_.current_calls;
  stats_.max_concurrent_calls = std::max(stats_.max_concurrent_calls, stats_.current_calls);
  if (call.async) respond(session, a, "Success", "Originate successfully queued");
  const bool async = call.async;
  call.channel_id = std::string(channel_id);
  call.other_id = std::string(other_id);

  // The Originate ramp: a real Asterisk sets up at most so many channels a
  // second (--originate-rate); the action is answered at once, its channels
  // come when their turn does.
  // A burst of a tenth of a second's worth goes at once (GCRA: each set-up
  // is due `interval` after the previous one, `burst` of them may be early).
  SimMs delay = 0;
  if (config_.originate_rate > 0) {
    const double now = static_cast<double>(timers_.base_time());
    const double interval = 1000.0 * clock_.speed() / config_.originate_rate;
    const double burst = std::max(1.0, config_.originate_rate / 10.0);
    const double due = std::max(now, next_originate_slot_);
    next_originate_slot_ = due + interval;
    delay = static_cast<SimMs>(std::max(0.0, due - (burst - 1.0) * interval - now));
  }
  if (delay > 0) {
    ++stats_.originates_waiting;
    at(call, kFirstSlot, delay, &Pbx::launch_originate_later);
  } else {
    launch_originate(call);  // may erase `call`
  }
  return async ? ActionResult::kDone : ActionResult::kDeferred;
}

void Pbx::launch_originate_later(Call& call) {
  --stats_.originates_waiting;
  launch_originate(call);
}

// Asterisk 22's id check (main/channel.c, main/channelstorage_ao2_legacy.c
// by_uniqueid_cb): a requested id conflicts with a live channel whose
// Uniqueid *starts with* it, compared without case. Null: no conflict.
const Channel* Pbx::id_conflict(std::string_view requested) const {
  if (requested.empty()) return nullptr;
  const std::string key = lower(requested);
  auto it = uniqueids_.lower_bound(key);
  if (it == uniqueids_.end() || !it->first.starts_with(key)) return nullptr;
  auto c = channels_.find(it->second);
  return c == channels_.end() ? nullptr : &c->second;
}

// --id-in-use NUMBER:COUNT: the next COUNT Originates dialing NUMBER find
// their ChannelId in use.
bool Pbx::take_forced_collision(const Call& call) {
  if (forced_collisions_.empty()) return false;
  std::string_view target = call.dial_string;
  if (const size_t slash = target.find('/'); slash != std::string_view::npos)
    target.remove_prefix(slash + 1);
  target = target.substr(0, target.find('@'));
  auto it = forced_collisions_.find(std::string(target));
  if (it == forced_collisions_.end() || it->second <= 0) return false;
  --it->second;
  return true;
}

// The channel allocation of an Originate, at its turn.
void Pbx::launch_originate(Call& call) {
  const bool async = call.async;
  const std::string_view channel = call.dial_string;
  const size_t slash = channel.find('/');
  const std::string_view channel_id = call.channel_id;
  const std::string_view other_id = call.other_id;

  // A requested id in use: the channel is never allocated. Asterisk logs
  // "Channel Unique ID 'X' already in use by channel <name>(<ptr>)" and the
  // Originate fails as for any channel it could not create (manager.c
  // fast_originate): OriginateResponse Failure, Reason 0, Channel = the dial
  // string, Uniqueid = the requested id; synchronous: "Originate failed".
  const Channel* conflict = id_conflict(channel_id);
  std::string_view conflicting_id = channel_id;
  if (!conflict) {
    conflict = id_conflict(other_id);
    conflicting_id = other_id;
  }
  std::string phantom;
  if (!conflict && !channel_id.empty() && take_forced_collision(call)) {
    // --id-in-use: as if another client's channel "<id>7;2" were up.
    phantom = "Local/phantom@elsewhere-00000000;2";
    conflicting_id = channel_id;
  }
  if (conflict || !phantom.empty()) {
    ++stats_.id_conflicts;
    std::cerr << "pbx-sim: ERROR: Channel Unique ID '" << conflicting_id
              << "' already in use by channel " << (conflict ? conflict->name : phantom) << "(0x"
              << std::hex << (conflict ? conflict->id : 0) << std::dec << ")\n";
    call.pending_uid1 = std::string(channel_id);
    report_originate(call, false, 0);
    finish_call(call);  // erases `call`
    return;
  }

  const std::string_view tech = channel.substr(0, slash);
  std::string_view target = channel.substr(slash + 1);
  if (!pd::ami::iequals(tech, "Local")) {
    // Trace 14: a technology this PBX has not loaded.
    report_originate(call, false, 0);
    finish_call(call);  // erases `call`
    return;
  }
  if (const size_t options = target.find('/'); options != std::string_view::npos)
    target = target.substr(0, options);
  const size_t at_sign = target.find('@');
  call.first_exten = std::string(target.substr(0, at_sign));
  call.first_context =
      at_sign == std::string_view::npos ? "default" : std::string(target.substr(at_sign + 1));
  call.first = scenario_.find_context(call.first_context);
  // A helper context whose destination is missing is no place to dial into.
  if (call.first && call.first->type == ContextType::kInvalidDestination) call.first = nullptr;

  const bool dead_end = !call.first || call.first_exten.empty();
  if (!dead_end && async && call.first->type == ContextType::kCustomers) {
    // Real-behaviours: an unallocated number's OriginateResponse may come
    // before the Newchannel of its own channels.
    const NumberRule& rule = customer_rule(call, *call.first, call.first_exten);
    call.first_rule = &rule;
    const double p = config_.originate_response_first.value_or(rule.originate_response_first);
    if (rule.outcome == Outcome::kUnallocated && p > 0 && call.rng.unit() < p) {
      call.pending_uid1 = channel_id.empty() ? next_uniqueid() : std::string(channel_id);
      call.pending_uid2 = !other_id.empty()    ? std::string(other_id)
                          : channel_id.empty() ? next_uniqueid()
                                               : call.pending_uid1 + ";2";
      at(call, kFirstSlot, rule.after.draw(call.rng), &Pbx::unallocated_response_first);
      return;
    }
  }
  // Trace 14: a synchronous Originate into a missing context is answered
  // before the channel events.
  if (dead_end && !async) report_originate(call, false, 0);
  std::string uid1(channel_id), uid2(other_id);
  if (uid2.empty() && !uid1.empty()) uid2 = uid1 + ";2";
  auto [a1, a2] = open_first_pair(call, std::move(uid1), std::move(uid2));
  if (dead_end) {
    // Trace 14: Local channel into a context the PBX does not have.
    ev_hangup(*a2, 0);
    if (async) report_originate(call, false, 0);
    ev_hangup(*a1, 0);
    finish_call(call);  // erases `call`
    return;
  }
  ev_dial("DialBegin", nullptr, *a1, "DialString", target);
  ev_newexten(*a2, "NoOp", "");
  start_first_party(call);
}

// The Originate's own Local pair (;1 the call id unless Asterisk names it),
// announced as Asterisk does: both Newchannels, caller ids, verbose events.
std::pair<Channel*, Channel*> Pbx::open_first_pair(Call& call, std::string uid1, std::string uid2) {
  auto [a1, a2] = new_local_pair(call, kA1, call.first_exten, call.first_context, std::move(uid1),
                                 std::move(uid2));
  a1->linkedid = a1->uniqueid;
  a2->linkedid = a1->uniqueid;
  ev_newchannel(*a1);
  ev_newchannel(*a2);
  set_callerid(call, *a1);
  set_callerid(call, *a2);
  ev_steps(*a1, {"AppDial2"});
  ev_verbose_new_pair(call, *a1, *a2);
  return {a1, a2};
}

// ------------------------------------------------------------ Hangup

void Pbx::hangup_channel(Channel& channel, int cause) {
  Call* call = find_call(channel.call_id);
  if (!call || call->ended) return;
  Leg leg = kA1;
  for (int l = 0; l < kLegCount; ++l)
    if (call->legs[l] == channel.id) leg = static_cast<Leg>(l);
  if (leg == kC1 || leg == kC2) {
    customer_released(*call, cause);
    return;
  }
  if (leg == kB1 || leg == kB2) {
    if (call->seat.state == SeatState::kRinging) {
      agent_ring_no_answer(*call);
      return;
    }
    end_call(*call, Party::kAgent, cause, EndHow::kHangupAction);
    return;
  }
  end_call(*call, party_of(*call, leg), cause, EndHow::kHangupAction);
}

void Pbx::hangup_action(SessionId session, const ActionView& a) {
  const std::string_view name = a.get("Channel");
  if (name.empty()) {
    respond(session, a, "Error", "No channel specified");
    return;
  }
  int64_t cause = 16;
  if (!a.get("Cause").empty() && (!parse_int(a.get("Cause"), cause) || cause < 0 || cause > 127))
    cause = 16;
  if (name.size() < 2 || name.front() != '/' || name.back() != '/') {
    auto it = channel_by_name_.find(std::string(name));
    if (it == channel_by_name_.end()) {
      respond(session, a, "Error", "No such channel");
      return;
    }
    respond(session, a, "Success", "Channel Hungup");
    hangup_channel(channels_.at(it->second), static_cast<int>(cause));
    return;
  }
  std::regex pattern;
  try {
    pattern = std::regex(std::string(name.substr(1, name.size() - 2)), std::regex::extended);
  } catch (const std::regex_error&) {
    respond(session, a, "Error", "Invalid regex");
    return;
  }
  std::vector<std::string> matched;
  for (const Channel* c : channels_in_order())
    if (std::regex_search(c->name, pattern)) matched.push_back(c->name);
  std::string out;
  send_list_start(session, a.action_id(), "Channels hung up will follow", out);
  for (const auto& c : matched) {
    FieldList item;
    item.add("Event", "ChannelHungup").add("Channel", c);
    if (!a.action_id().empty()) item.add("ActionID", a.action_id());
    send(session, item, out);
  }
  send_list_complete(session, a.action_id(), "ChannelsHungupListComplete",
                     static_cast<int64_t>(matched.size()), out);
  output_.send(session, out);
  for (const auto& c : matched) {
    auto it = channel_by_name_.find(c);
    if (it != channel_by_name_.end())
      hangup_channel(channels_.at(it->second), static_cast<int>(cause));
  }
}

// ------------------------------------------------------------ UserEvent, Command

// Trace 10: every header but Action and UserEvent is echoed, in order.
void Pbx::user_event_action(SessionId session, const ActionView& a) {
  respond(session, a, "Success", "Event Sent");
  FieldList f;
  f.add("Event", "UserEvent").add("Privilege", "user,all").add("UserEvent", a.get("UserEvent"));
  for (const auto& [k, v] : a.fields())
    if (!pd::ami::iequals(k, "Action") && !pd::ami::iequals(k, "UserEvent")) f.add(k, v);
  emit(event_class::kUser, f);
}

std::string Pbx::command_output(std::string_view command, bool& known) const {
  known = true;
  std::string cmd;
  for (char c : command) {
    if (c == ' ' && (cmd.empty() || cmd.back() == ' ')) continue;
    cmd.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
  if (cmd == "dialplan reload") return "Dialplan reloaded.";
  if (cmd == "database show" || cmd == "database show paneldialer") {
    std::string out;
    const auto entries = astdb_->tree(cmd.size() > 14 ? "paneldialer" : "", "");
    for (const auto& [k, v] : entries) {
      char line[600];
      std::snprintf(line, sizeof line, "%-50s: %-25s", k.c_str(), v.c_str());
      out += line;
      out += "\n";
    }
    return out + std::to_string(entries.size()) + " results found.";
  }
  if (cmd == "core show version")
    return "Asterisk 22.10.1 built by pbx-sim @ localhost on a x86_64 running Linux on "
           "2026-11-01 00:00:00 UTC";
  if (cmd == "core show uptime" || cmd == "core show uptime seconds") {
    const int64_t up = timers_.base_time() / 1000;
    if (cmd.ends_with("seconds"))
      return "System uptime: " + std::to_string(up) + "\nLast reload: " + std::to_string(up);
    return "System uptime: " + std::to_string(up) + " seconds\nLast reload: " + std::to_string(up) +
           " seconds";
  }
  if (cmd == "core show channels" || cmd == "core show channels count") {
    std::string out;
    if (cmd == "core show channels") {
      char line[160];
      std::snprintf(line, sizeof line, "%-20.20s %-20.20s %-7.7s %-30.30s", "Channel", "Location",
                    "State", "Application(Data)");
      out += line;
      out += "\n";
      for (const Channel* c : channels_in_order()) {
        const std::string location =
            c->exten + "@" + c->context + ":" + std::to_string(c->priority);
        const std::string appdata = c->app.empty() ? "(None)" : c->app + "(" + c->app_data + ")";
        std::snprintf(line, sizeof line, "%-20.20s %-20.20s %-7.7s %-30.30s", c->name.c_str(),
                      location.c_str(), std::string(state_desc(c->state)).c_str(), appdata.c_str());
        out += line;
        out += "\n";
      }
    }
    out += std::to_string(channels_.size()) + " active channel" +
           (channels_.size() == 1 ? "" : "s") + "\n";
    out += std::to_string(calls_.size()) + " active call" + (calls_.size() == 1 ? "" : "s") + "\n";
    out += std::to_string(stats_.originates) + " call" + (stats_.originates == 1 ? "" : "s") +
           " processed";
    return out;
  }
  if (cmd.starts_with("module reload")) {
    const std::string module =
        cmd.size() > 14 ? std::string(command.substr(command.find("reload") + 7)) : "";
    return module.empty() ? "" : "Module '" + module + "' reloaded successfully.";
  }
  known = false;
  return "No such command '" + std::string(command) + "' (type 'core show help " +
         std::string(command) + "' for other possible commands)";
}

void Pbx::command_action(SessionId session, const ActionView& a) {
  const std::string_view command = a.get("Command");
  if (command.empty()) {
    respond(session, a, "Error", "No command provided");
    return;
  }
  std::string normal;
  for (char c : command)
    if (c != ' ' || (!normal.empty() && normal.back() != ' '))
      normal.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  while (!normal.empty() && normal.back() == ' ') normal.pop_back();
  if (normal == "core restart now") {
    // No reply: the connection just goes, as when Asterisk goes down.
    output_.drop_all_sessions();
    restart();
    return;
  }
  bool known = true;
  const std::string output = command_output(command, known);
  FieldList f;
  f.add("Response", known ? "Success" : "Error");
  if (!a.action_id().empty()) f.add("ActionID", a.action_id());
  f.add("Message", "Command output follows");
  size_t start = 0;
  while (start <= output.size()) {
    const size_t nl = output.find('\n', start);
    const size_t end = nl == std::string::npos ? output.size() : nl;
    f.add("Output", std::string_view(output).substr(start, end - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::string out;
  send(session, f, out);
  output_.send(session, out);
}

// ------------------------------------------------------------ channel lists

std::vector<const Channel*> Pbx::channels_in_order() const {
  std::vector<const Channel*> list;
  list.reserve(channels_.size());
  for (const auto& [id, c] : channels_) list.push_back(&c);
  std::sort(list.begin(), list.end(),
            [](const Channel* x, const Channel* y) { return x->id < y->id; });
  return list;
}

// Trace 09.
// The first answer of a list action (Asterisk's "EventList: start").
void Pbx::send_list_start(SessionId session, std::string_view action_id, std::string_view message,
                          std::string& out) {
  FieldList ack;
  ack.add("Response", "Success");
  if (!action_id.empty()) ack.add("ActionID", action_id);
  ack.add("EventList", "start").add("Message", message);
  send(session, ack, out);
}

// The last event of a list action ("EventList: Complete" and its item count).
void Pbx::send_list_complete(SessionId session, std::string_view action_id, std::string_view event,
                             int64_t items, std::string& out) {
  FieldList done;
  done.add("Event", event);
  if (!action_id.empty()) done.add("ActionID", action_id);
  done.add("EventList", "Complete").add_int("ListItems", items);
  send(session, done, out);
}

void Pbx::core_show_channels(SessionId session, const ActionView& a) {
  const std::string_view id = a.action_id();
  std::string out;
  send_list_start(session, id, "Channels will follow", out);
  const SimMs now = timers_.base_time();
  const auto list = channels_in_order();
  for (const Channel* c : list) {
    FieldList f;
    f.add("Event", "CoreShowChannel");
    if (!id.empty()) f.add("ActionID", id);
    add_snapshot(f, *c);
    f.add("Application", c->app)
        .add("ApplicationData", c->app_data)
        .add_copy("Duration", hms((now - c->created) / 1000))
        .add("BridgeId", c->bridge_id);
    send(session, f, out);
  }
  send_list_complete(session, id, "CoreShowChannelsComplete", static_cast<int64_t>(list.size()),
                     out);
  output_.send(session, out);
}

// Trace 09.
void Pbx::status_action(SessionId session, const ActionView& a) {
  const std::string_view id = a.action_id();
  const std::string_view only = a.get("Channel");
  std::vector<const Channel*> list;
  if (!only.empty()) {
    auto it = channel_by_name_.find(std::string(only));
    if (it == channel_by_name_.end()) {
      respond(session, a, "Error", "No such channel");
      return;
    }
    list.push_back(&channels_.at(it->second));
  } else {
    list = channels_in_order();
  }
  std::string out;
  send_list_start(session, id, "Channel status will follow", out);
  const SimMs now = timers_.base_time();
  for (const Channel* c : list) {
    FieldList f;
    f.add("Event", "Status").add("Privilege", "Call");
    add_snapshot(f, *c);
    f.add("Type", "Local")
        .add("DNID", "")
        .add("EffectiveConnectedLineNum", c->conn_num)
        .add("EffectiveConnectedLineName", c->conn_name)
        .add("TimeToHangup", "0")
        .add("BridgeID", c->bridge_id)
        .add("Application", c->app)
        .add("Data", c->app_data)
        .add("Nativeformats", "(slin)")
        .add("Readformat", "slin")
        .add("Readtrans", "")
        .add("Writeformat", "slin")
        .add("Writetrans", "")
        .add("Callgroup", "0")
        .add("Pickupgroup", "0")
        .add_int("Seconds", (now - c->created) / 1000);
    if (!id.empty()) f.add("ActionID", id);
    send(session, f, out);
  }
  FieldList done;
  done.add("Event", "StatusComplete");
  if (!id.empty()) done.add("ActionID", id);
  done.add("EventList", "Complete")
      .add_int("ListItems", static_cast<int64_t>(list.size()))
      .add_int("Items", static_cast<int64_t>(list.size()));
  send(session, done, out);
  output_.send(session, out);
}

// ------------------------------------------------------------ queue actions

void Pbx::queue_add(SessionId session, const ActionView& a) {
  const std::string_view queue_name = a.get("Queue");
  const std::string_view interface = a.get("Interface");
  if (queue_name.empty()) return respond(session, a, "Error", "'Queue' not specified.");
  if (interface.empty()) return respond(session, a, "Error", "'Interface' not specified.");
  Queue* queue = find_queue(queue_name);
  if (!queue)
    return respond(session, a, "Error", "Unable to add interface to queue: No such queue");
  if (queue->find_member(interface))
    return respond(session, a, "Error", "Unable to add interface: Already there");
  int64_t penalty = 0;
  if (!a.get("Penalty").empty() && (!parse_int(a.get("Penalty"), penalty) || penalty < 0))
    return respond(session, a, "Error", "Invalid penalty");
  Agent& agent = agent_for_device(device_of_interface(interface));
  std::string name(a.get("MemberName"));
  if (name.empty()) name = agent.profile.name.empty() ? std::string(interface) : agent.profile.name;
  respond(session, a, "Success", "Added interface to queue");
  add_member(*queue, agent, std::string(interface), name, static_cast<int>(penalty),
             ast_true(a.get("Paused")), std::string(a.get("Reason")));
}

void Pbx::queue_remove(SessionId session, const ActionView& a) {
  const std::string_view queue_name = a.get("Queue");
  const std::string_view interface = a.get("Interface");
  if (queue_name.empty() || interface.empty())
    return respond(session, a, "Error", "Need 'Queue' and 'Interface' parameters.");
  Queue* queue = find_queue(queue_name);
  if (!queue)
    return respond(session, a, "Error", "Unable to remove interface from queue: No such queue");
  auto it = std::find_if(queue->members.begin(), queue->members.end(),
                         [&](const auto& m) { return m->interface == interface; });
  if (it == queue->members.end())
    return respond(session, a, "Error", "Unable to remove interface: Not there");
  // app_queue's RES_NOT_DYNAMIC: a queues.conf member stays.
  if (!(*it)->dynamic) return respond(session, a, "Error", "Member not dynamic");
  respond(session, a, "Success", "Removed interface from queue");
  const size_t index = static_cast<size_t>(it - queue->members.begin());
  std::unique_ptr<Member> member = std::move(*it);
  queue->members.erase(it);
  if (queue->rr_next > index) --queue->rr_next;
  auto& ships = member->agent->memberships;
  ships.erase(std::remove(ships.begin(), ships.end(), member.get()), ships.end());
  // A call ringing or talking to this member keeps a pointer to it: retire the
  // member instead of freeing it while such a call lives.
  ev_member("QueueMemberRemoved", *member);
  retired_members_.push_back(std::move(member));
}

void Pbx::queue_pause(SessionId session, const ActionView& a) {
  const std::string_view interface = a.get("Interface");
  const std::string_view paused_text = a.get("Paused");
  if (interface.empty() || paused_text.empty())
    return respond(session, a, "Error", "Need 'Interface' and 'Paused' parameters.");
  const bool paused = ast_true(paused_text);
  const std::string reason(a.get("Reason"));
  const std::string_view queue_name = a.get("Queue");
  std::vector<Member*> targets;
  for (auto& queue : queues_) {
    if (!queue_name.empty() && queue->spec->name != queue_name) continue;
    if (Member* m = queue->find_member(interface)) targets.push_back(m);
  }
  if (targets.empty()) return respond(session, a, "Error", "Interface not found");
  respond(session, a, "Success",
          paused ? "Interface paused successfully" : "Interface unpaused successfully");
  for (Member* m : targets) set_paused(*m, paused, reason);
}

// Traces 01, 08, 09.
void Pbx::queue_status(SessionId session, const ActionView& a) {
  const std::string_view id = a.action_id();
  const std::string_view queue_filter = a.get("Queue");
  const std::string_view member_filter = a.get("Member");
  std::string out;
  send_list_start(session, id, "Queue status will follow", out);
  int64_t items = 0;
  const SimMs now = timers_.base_time();
  for (const auto& queue : queues_) {
    if (!queue_filter.empty() && queue->spec->name != queue_filter) continue;
    FieldList params;
    params.add("Event", "QueueParams")
        .add("Queue", queue->spec->name)
        .add("Max", "0")
        .add("Strategy", to_string(queue->spec->strategy))
        .add_int("Calls", queue->callers)
        .add_int("Holdtime", queue->holdtime)
        .add_int("TalkTime", queue->talktime)
        .add_int("Completed", queue->completed)
        .add_int("Abandoned", queue->abandoned)
        .add_int("ServiceLevel", queue->spec->servicelevel_s)
        .add_copy("ServicelevelPerf", percent(queue->completed_in_sl, queue->completed))
        .add_copy("ServicelevelPerf2",
                  percent(queue->completed_in_sl, queue->completed + queue->abandoned))
        .add("Weight", "0");
    if (!id.empty()) params.add("ActionID", id);
    send(session, params, out);
    ++items;
    // Newest member first, as Asterisk lists them.
    for (auto it = queue->members.rbegin(); it != queue->members.rend(); ++it) {
      const Member& m = **it;
      if (!member_filter.empty() && m.interface != member_filter && m.name != member_filter)
        continue;
      FieldList f;
      f.add("Event", "QueueMember")
          .add("Queue", queue->spec->name)
          .add("Name", m.name)
          .add("Location", m.interface);
      add_member_state(f, m);
      f.add("Wrapuptime", "0");
      if (!id.empty()) f.add("ActionID", id);
      send(session, f, out);
      ++items;
    }
    for (const auto& [ticket, call_id] : queue->waiting) {
      (void)ticket;
      const Call* call = calls_.count(call_id) ? &calls_.at(call_id) : nullptr;
      if (!call) continue;
      const Channel& c = channels_.at(call->legs[call->seat.caller]);
      FieldList f;
      f.add("Event", "QueueEntry")
          .add("Queue", queue->spec->name)
          .add_int("Position", queue->positions.count_up_to(call->seat.ticket))
          .add("Channel", c.name)
          .add("Uniqueid", c.uniqueid)
          .add("CallerIDNum", c.cid_num)
          .add("CallerIDName", c.cid_name)
          .add("ConnectedLineNum", c.conn_num)
          .add("ConnectedLineName", c.conn_name)
          .add_int("Wait", (now - call->seat.joined_at) / 1000)
          .add("Priority", "0");
      if (!id.empty()) f.add("ActionID", id);
      send(session, f, out);
      ++items;
    }
  }
  send_list_complete(session, id, "QueueStatusComplete", items, out);
  output_.send(session, out);
}

// Trace 01.
void Pbx::queue_summary(SessionId session, const ActionView& a) {
  const std::string_view id = a.action_id();
  const std::string_view queue_filter = a.get("Queue");
  std::string out;
  send_list_start(session, id, "Queue summary will follow", out);
  int64_t items = 0;
  const SimMs now = timers_.base_time();
  for (const auto& queue : queues_) {
    if (!queue_filter.empty() && queue->spec->name != queue_filter) continue;
    int64_t logged_in = 0, available = 0, longest = 0;
    for (const auto& m : queue->members) {
      if (m->status() == 4) continue;
      ++logged_in;
      if (m->available()) ++available;
    }
    for (const auto& [ticket, call_id] : queue->waiting) {
      (void)ticket;
      auto it = calls_.find(call_id);
      if (it != calls_.end()) longest = std::max(longest, (now - it->second.seat.joined_at) / 1000);
    }
    FieldList f;
    f.add("Event", "QueueSummary")
        .add("Queue", queue->spec->name)
        .add_int("LoggedIn", logged_in)
        .add_int("Available", available)
        .add_int("Callers", queue->callers)
        .add_int("HoldTime", queue->holdtime)
        .add_int("TalkTime", queue->talktime)
        .add_int("LongestHoldTime", longest);
    if (!id.empty()) f.add("ActionID", id);
    send(session, f, out);
    ++items;
  }
  send_list_complete(session, id, "QueueSummaryComplete", items, out);
  output_.send(session, out);
}

}  // namespace pd::sim
