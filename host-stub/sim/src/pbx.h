// The simulated PBX: channels, calls, queues and agents, driven by AMI actions
// and simulated-time timers, reporting what happens as Asterisk 22 AMI events.
//
// Thread: one. Every method runs on the io_context thread that owns the
// TimerQueue. Nothing here blocks or does I/O; output goes through PbxOutput.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ami_text.h"
#include "astdb.h"
#include "channel.h"
#include "queue_model.h"
#include "rng.h"
#include "scenario.h"
#include "sim_clock.h"
#include "timer_queue.h"

namespace pd::sim {

using SessionId = uint64_t;

// ASCII lower case (Asterisk compares Uniqueids with strncasecmp).
inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  return out;
}

// Asterisk's event classes (EVENT_FLAG_*), for the per-session event mask.
namespace event_class {
inline constexpr uint32_t kSystem = 1u << 0;
inline constexpr uint32_t kCall = 1u << 1;
inline constexpr uint32_t kAgent = 1u << 5;
inline constexpr uint32_t kUser = 1u << 6;
inline constexpr uint32_t kDtmf = 1u << 8;
inline constexpr uint32_t kDialplan = 1u << 11;
inline constexpr uint32_t kSecurity = 1u << 18;
inline constexpr uint32_t kAll = 0xffffffffu;
}  // namespace event_class

// Implemented by the AMI server.
class PbxOutput {
 public:
  virtual ~PbxOutput() = default;
  // One complete message for every logged-in session whose mask has `event_class`.
  virtual void broadcast(uint32_t event_class, std::string_view message) = 0;
  // A reply (and, for list actions, its events) for one session only.
  virtual void send(SessionId session, std::string_view message) = 0;
  // The reply to a deferred action (synchronous Originate) of `session`; the
  // session then goes on with the actions it received meanwhile. Ignored when
  // the session is gone.
  virtual void complete_deferred(SessionId session, std::string_view message) = 0;
  // `core restart now`: every AMI connection goes at once, nothing more is
  // sent to them (a crash, from the client's side).
  virtual void drop_all_sessions() {}
};

struct PbxConfig {
  // The full event mix of Asterisk with read=all (VarSet, Newexten,
  // DeviceStateChange, NewCallerid, NewConnectedLine, LocalBridge...); false:
  // the lean mix (--lean-events), only the events a dialer acts on.
  bool verbose_events = true;
  // Start as an Asterisk that has just restarted: scenario agents marked
  // "dynamic" are not in their queues.
  bool restarted = false;
  // The AstDB to use (--astdb); null: an in-memory one of the Pbx's own.
  AstDb* astdb = nullptr;
  // Overrides every unallocated rule's originate_response_first.
  std::optional<double> originate_response_first;
  // Channel set-ups per wall-clock second (the Originate ramp); 0: no limit.
  double originate_rate = 0;
  // Test hook (--id-in-use): number -> how many of its next Originates find
  // their ChannelId in use, as if another client's channel had it.
  std::vector<std::pair<std::string, int>> ids_in_use;
};

struct PbxStats {
  uint64_t originates = 0;          // Originate actions accepted
  uint64_t originates_refused = 0;  // answered with Response: Error at once
  uint64_t id_conflicts = 0;        // ChannelId in use (prefix of a live Uniqueid): failed
  uint64_t originates_waiting = 0;  // accepted, channels not set up yet (the ramp)
  uint64_t answered = 0;            // Reason 4
  uint64_t busy = 0;                // Reason 5
  uint64_t noanswer = 0;            // Reason 3
  uint64_t congestion = 0;          // Reason 8
  uint64_t failed = 0;              // Reason 0 or 1
  uint64_t machines = 0;            // AMD said MACHINE
  uint64_t agent_connects = 0;
  uint64_t current_calls = 0;
  uint64_t max_concurrent_calls = 0;
  uint64_t events = 0;
};

enum class ActionResult { kDone, kDeferred, kUnknown };

class Pbx {
 public:
  Pbx(const Scenario& scenario, const SimClock& clock, TimerQueue& timers, PbxOutput& output,
      bool verbose_events);
  Pbx(const Scenario& scenario, const SimClock& clock, TimerQueue& timers, PbxOutput& output,
      PbxConfig config);
  ~Pbx();
  Pbx(const Pbx&) = delete;
  Pbx& operator=(const Pbx&) = delete;

  // Puts the scenario's agents into their queues and arms pause schedules.
  void start();

  // Handles an action of a logged-in session (everything but Login, Logoff,
  // Ping, Events, Challenge). Replies go through PbxOutput::send before any
  // event the action causes. kDeferred: the reply comes later through
  // PbxOutput::complete_deferred. kUnknown: not an action this PBX knows
  // (nothing was sent).
  ActionResult handle(SessionId session, const ActionView& action);

  // A random 64-bit number from the scenario's seeded generator.
  uint64_t random() { return rng_.next(); }
  const PbxStats& stats() const { return stats_; }
  const SimClock& clock() const { return clock_; }
  size_t live_channels() const { return channels_.size(); }
  const AstDb& astdb() const { return *astdb_; }
  // Time from an Originate's arrival to its first leg's answer (simulated
  // ms), one sample per answered call, the first kMaxAnswerSamples only.
  static constexpr size_t kMaxAnswerSamples = 1'000'000;
  const std::vector<SimMs>& answer_delays() const { return answer_delays_; }

 private:
  // A: the Originate's Local pair; B: a queue agent's; C: the customer's,
  // dialed by a helper context (local first / preview).
  enum Leg : uint8_t { kA1, kA2, kB1, kB2, kC1, kC2, kLegCount };
  // Who ends a call: the party on ;2 of the originate (first leg), the one on
  // ;1 (destination), or the queue agent.
  enum class Party : uint8_t { kFirst, kDest, kAgent };
  // One live timer per slot; scheduling again replaces it.
  enum Slot : uint8_t {
    kFirstSlot,
    kRingSlot,
    kDestSlot,
    kAgentSlot,
    kTimeoutSlot,
    kDtmfSlot,
    kQueueSlot,
    kSlotCount
  };
  enum class SeatState : uint8_t { kNone, kWaiting, kRetry, kRinging, kBridged };
  enum class EndHow : uint8_t { kNormal, kQueueTimeout, kHangupAction };

  struct Seat {
    SeatState state = SeatState::kNone;
    Queue* queue = nullptr;
    Leg caller = kA1;
    uint64_t ticket = 0;
    int64_t original_position = 0;
    SimMs joined_at = 0;
    SimMs ring_started = 0;
    SimMs connected_at = 0;
    Member* member = nullptr;  // ringing or connected member
    SimMs wait_timeout = 0;
  };

  struct Call {
    uint64_t id = 0;
    SessionId session = 0;
    std::string action_id;
    bool async = true;
    Rng rng;
    std::string dial_string;  // the Originate's Channel
    std::string first_context;
    std::string first_exten;
    const ContextSpec* first = nullptr;
    const NumberRule* first_rule = nullptr;  // first leg is a customer
    bool use_app = false;
    std::string app;
    std::string app_data;
    std::string dest_context;
    std::string dest_exten;
    int dest_priority = 1;
    const ContextSpec* dest = nullptr;      // current destination context of ;1
    const NumberRule* dest_rule = nullptr;  // destination is a customer (local first)
    CallerId cid;
    SimMs timeout = 30000;
    std::vector<std::pair<std::string, std::string>> variables;
    std::array<uint64_t, kLegCount> legs{};  // channel ids, 0 = none
    bool answered = false;
    bool ended = false;
    Agent* first_agent = nullptr;  // preview: the agent on ;2
    Agent* dest_agent = nullptr;   // an agents context as destination
    Seat seat;
    std::string bridge_id;
    int first_end_cause = 16;
    int first_hangup_priority = 3;  // of ;2 when the first party ends the call
    int dest_end_cause = 16;
    std::string dtmf_digit;
    const ContextSpec* amd_spec = nullptr;
    bool amd_machine = false;
    std::string amd_cause;
    SimMs dest_talk_left = 0;
    std::string amd_status;  // MACHINE, HUMAN, NOTSURE
    std::string pd_callid;   // the Originate's __PD_CALLID: AstDB milestones
    SimMs received_at = 0;   // when the Originate action arrived
    std::string channel_id;  // the Originate's ChannelId / OtherChannelId
    std::string other_id;
    std::string pending_uid1;  // ids of channels not created yet (response first)
    std::string pending_uid2;
    Leg dtmf_leg = kA1;  // where a pressed key is received
    // The customer dial of a helper context (C legs).
    const ContextSpec* dial_spec = nullptr;
    bool customer_answered = false;
    std::string dial_bridge_id;
    std::string agent_interface;  // the queue member the call was connected to
    std::array<uint32_t, kSlotCount> generation{};
  };

  // --- actions (pbx_actions.cpp) ---
  ActionResult originate(SessionId session, const ActionView& a);
  void launch_originate(Call& call);
  void launch_originate_later(Call& call);
  const Channel* id_conflict(std::string_view requested) const;
  bool take_forced_collision(const Call& call);
  void hangup_action(SessionId session, const ActionView& a);
  void user_event_action(SessionId session, const ActionView& a);
  void command_action(SessionId session, const ActionView& a);
  void core_show_channels(SessionId session, const ActionView& a);
  void status_action(SessionId session, const ActionView& a);
  void queue_add(SessionId session, const ActionView& a);
  void queue_remove(SessionId session, const ActionView& a);
  void queue_pause(SessionId session, const ActionView& a);
  void queue_status(SessionId session, const ActionView& a);
  void queue_summary(SessionId session, const ActionView& a);
  void show_dialplan(SessionId session, const ActionView& a);
  void db_put(SessionId session, const ActionView& a);
  void db_get(SessionId session, const ActionView& a);
  void db_get_tree(SessionId session, const ActionView& a);
  void db_del(SessionId session, const ActionView& a);
  void db_del_tree(SessionId session, const ActionView& a);
  void restart();
  void respond(SessionId session, const ActionView& a, std::string_view response,
               std::string_view message);
  void send(SessionId session, const FieldList& fields, std::string& out);
  void send_list_start(SessionId session, std::string_view action_id, std::string_view message,
                       std::string& out);
  void send_list_complete(SessionId session, std::string_view action_id, std::string_view event,
                          int64_t items, std::string& out);
  static void add_member_state(FieldList& f, const Member& m);
  void hangup_channel(Channel& channel, int cause);
  std::vector<const Channel*> channels_in_order() const;
  std::string command_output(std::string_view command, bool& known) const;

  // --- call flow (pbx_call.cpp) ---
  void start_first_party(Call& call);
  void first_ringing(Call& call);
  void first_answer(Call& call);
  void first_done(Call& call);
  void first_busy(Call& call);
  void first_congestion(Call& call);
  void first_unallocated(Call& call);
  void unallocated_response_first(Call& call);
  void originate_timeout(Call& call);
  void report_originate(Call& call, bool success, int reason);
  void enter_destination(Call& call);
  void start_dest_behaviour(Call& call, const ContextSpec& spec);
  void dest_customer_answered(Call& call);
  void dest_done(Call& call);
  void begin_amd(Call& call, const ContextSpec& spec, bool machine, const NumberRule* rule);
  void amd_done(Call& call);
  void dtmf_step(Call& call);
  void invalid_destination(Call& call);

  // --- the customer dial of a helper context (pbx_dial.cpp) ---
  void start_customer_dial(Call& call, const ContextSpec& helper);
  void customer_ringing(Call& call);
  void customer_answer(Call& call);
  void customer_done(Call& call);
  void customer_busy(Call& call);
  void customer_congestion(Call& call);
  void customer_unallocated(Call& call);
  void customer_dial_timeout(Call& call);
  void customer_released(Call& call, int cause);
  void dial_result(Call& call, std::string_view dial_status);
  void abort_customer_dial(Call& call);

  // --- AstDB milestones (pbx_astdb.cpp) ---
  void milestone(const Call& call, std::string_view name, std::string_view value);
  void milestone_now(const Call& call, std::string_view name);
  void hangup_milestones(const Channel& c, int cause);
  void end_call(Call& call, Party who, int cause, EndHow how = EndHow::kNormal);
  void end_before_answer(Call& call, Party who, int cause, EndHow how);
  void end_bridged(Call& call, Party who, int cause);
  void end_in_queue(Call& call, Party who, int cause, EndHow how);
  void end_plain(Call& call, Party who, int cause);
  void finish_call(Call& call);
  Party party_of(const Call& call, Leg leg) const;
  Leg leg_of(const Call& call, Party party) const;

  // --- queues (pbx_queue.cpp) ---
  void join_queue(Call& call, Leg caller, Queue& queue, SimMs wait_timeout);
  void dispatch(Queue& queue);
  void schedule_dispatch(Queue& queue);
  Member* pick_member(Queue& queue);
  void ring_member(Call& call, Member& member);
  void agent_answer(Call& call);
  void agent_done(Call& call);
  void agent_ring_no_answer(Call& call);
  void cancel_agent_ring(Call& call, std::string_view dial_status);
  void leave_queue(Call& call, bool abandoned);
  int64_t remove_from_queue(Call& call);  // position it had
  void queue_wait_timeout(Call& call);
  // The predictive helper's message branch (ContextSpec::abandon_event).
  void queue_abandon(Call& call, const ContextSpec& spec);
  void retry_queue(Call& call);
  void agent_busy(Agent& agent);
  void agent_free(Agent& agent);
  Agent& agent_for_device(std::string_view device);
  Member* add_member(Queue& queue, Agent& agent, const std::string& interface,
                     const std::string& name, int penalty, bool paused, const std::string& reason,
                     bool dynamic = true);
  void set_paused(Member& member, bool paused, const std::string& reason);
  Queue* find_queue(std::string_view name);
  void schedule_pauses(Agent& agent);

  // --- channels and events (pbx.cpp) ---
  Channel& new_channel(Call& call, Leg leg, const std::string& base_name,
                       const std::string& context, const std::string& exten, ChannelState state,
                       std::string uniqueid);
  std::pair<Channel*, Channel*> new_local_pair(Call& call, Leg first, std::string_view exten,
                                               std::string_view context, std::string uid1,
                                               std::string uid2);
  // The Originate's own pair, with its Newchannel and caller-id events (pbx_actions.cpp).
  std::pair<Channel*, Channel*> open_first_pair(Call& call, std::string uid1, std::string uid2);
  Channel& chan(const Call& call, Leg leg);
  Channel* chan_if(const Call& call, Leg leg);
  void drop_channel(Call& call, Leg leg);
  Call* find_call(uint64_t id);
  void at(Call& call, Slot slot, SimMs delay, void (Pbx::*step)(Call&));
  void cancel(Call& call, Slot slot) { ++call.generation[slot]; }
  std::string next_uniqueid();
  std::string uuid(Rng& rng);
  // The rule that decides this dial of `number` in the customers context
  // `context`: the scenario's rule, its answer rate applied at this moment
  // (call_model.h pick_rule). Counts the dial.
  const NumberRule& customer_rule(Call& call, const ContextSpec& context, std::string_view number);
  int64_t epoch_now() const { return clock_.epoch_s(timers_.base_time()); }

  void emit(uint32_t event_class, const FieldList& fields);
  FieldList channel_event(std::string_view event, const Channel& c,
                          std::string_view privilege = "call,all");
  void ev_newchannel(const Channel& c);
  void ev_newstate(Channel& c, ChannelState state);
  void ev_hangup(Channel& c, int cause);
  void ev_hangup_request(const Channel& c, int cause, bool soft);
  void ev_dial(std::string_view event, const Channel* caller, const Channel& dest,
               std::string_view last_key, std::string_view last_value);
  void ev_originate_response(Call& call, bool success, int reason);
  void ev_member(std::string_view event, const Member& m);
  void ev_queue_caller(std::string_view event, Call& call, int64_t position);
  void ev_agent(std::string_view event, Call& call, const Member& m, FieldList extra);
  void ev_bridge(std::string_view event, const std::string& bridge_id, int channels,
                 const Channel* c);
  void ev_verbose_new_pair(const Call& call, const Channel& one, const Channel& two);
  void ev_newexten(const Channel& c, std::string_view app, std::string_view data);
  void ev_device_state(const Agent& agent);
  // The read=all companions (only with the full mix): a dialplan variable,
  // dialplan steps, a Local channel's device state, caller-id updates, the
  // queue's variables, music on hold.
  void ev_varset(const Channel& c, std::string_view name, std::string_view value);
  void ev_steps(const Channel& c, std::initializer_list<std::string_view> apps);
  void ev_channel_device_state(const Channel& c, std::string_view state);
  void ev_queue_vars(const Channel& c, const Queue& queue);
  void ev_member_vars(const Channel& c, const Member& m);
  void ev_moh(std::string_view event, const Channel& c);
  void ev_context_user_event(const ContextSpec& spec, const Channel& c);
  void set_callerid(Call& call, Channel& c);

  const Scenario& scenario_;
  const SimClock& clock_;
  TimerQueue& timers_;
  PbxOutput& output_;
  const bool verbose_;
  const PbxConfig config_;
  AstDb own_astdb_;
  AstDb* astdb_;
  Rng rng_;
  PbxStats stats_;
  std::string scratch_;

  std::unordered_map<uint64_t, Call> calls_;
  std::unordered_map<uint64_t, Channel> channels_;
  std::unordered_map<std::string, uint64_t> channel_by_name_;
  // Live channels by lower-case Uniqueid, sorted: a requested ChannelId is
  // checked against them by prefix, as Asterisk does.
  std::map<std::string, uint64_t, std::less<>> uniqueids_;
  std::unordered_map<std::string, int> forced_collisions_;  // --id-in-use
  double next_originate_slot_ = 0;                          // the ramp, simulated ms
  std::vector<SimMs> answer_delays_;                        // bounded: kMaxAnswerSamples
  std::vector<std::unique_ptr<Queue>> queues_;
  std::unordered_map<std::string, std::unique_ptr<Agent>> agents_;  // by device
  // Members removed by QueueRemove: a call may still point at one, so they live
  // as long as the Pbx (one small record per QueueRemove).
  std::vector<std::unique_ptr<Member>> retired_members_;
  uint64_t next_call_id_ = 1;
  uint64_t next_channel_id_ = 1;
  uint32_t local_sequence_ = 1;
  uint64_t uniqueid_sequence_ = 0;
  uint64_t customer_dials_ = 0;  // numbers decided so far (an answer rate's at_dial)
};

}  // namespace pd::sim
