// The calls in flight, and the O(1) map from an AMI event to its call.
//
// Keys (all hash lookups, tried in this order):
//   1. ActionID, for a Response and an OriginateResponse (a refused
//      Originate's "Response: Error" carries nothing else, trace 13);
//   2. Linkedid: every channel of the call carries the ChannelId the engine
//      passed to Originate (both Local halves, queue agents' channels);
//   3. Uniqueid up to its last ';' (the ";2" half of a Local channel is
//      "<ChannelId>;2");
//   4. DestLinkedid, then DestUniqueid the same way (the Originate's own
//      Dial* events carry only Dest* fields).
// Events that cannot concern a call (VarSet, Newexten, queue events...) are
// turned away by name before any lookup.
//
// Counts per campaign, kept up to date by apply() and remove(): queued calls
// (handed to the host, their Originate not yet written to the AMI socket:
// they wait behind the host's rate cap), live calls (on the wire, not ended)
// and calls awaiting an agent (queued or live, no AgentConnect yet) - what
// the Pacer needs, read in O(1).
//
// Queued calls: add(..., queued = true) when the host reports each write
// (ABI 2.2 on_ami_written); written() then moves the call to live, starts it
// (CallState::originate_sent at the write time) and, when
// CallSettings::originate_timeout_ms is set, counts its Originate deadline
// from then. A queued call never expires (the host either writes it or drops
// it with the link, and the engine ends it then: queued_ids()); an event
// that routes to a queued call (a host that did not report the write) starts
// it at the event's time first.
//
// Ownership: the table owns its CallStates; a CallState* stays valid until
// remove() of that call or the table's destruction.
// Threads: not thread-safe; one owner thread (the host loop).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pd/core/ami_event.h"
#include "pd/core/call_state.h"
#include "pd/core/clock.h"
#include "pd/core/string_map.h"
#include "pd/result.h"

namespace pd::core {

// What the engine knows the call by, besides its id.
struct CallInfo {
  int64_t campaign_id = 0;
  int64_t number_id = 0;
  int attempt = 1;
  std::string agent_interface;  // preview: the agent the call belongs to
};

class CallTable {
 public:
  explicit CallTable(CallEventNames names = {}) : names_(std::move(names)) {}

  // Registers a call before its Originate is sent. `call_id` is the ChannelId
  // (must pass is_call_id()); `action_id` the Originate's ActionID (may be
  // empty). Errors: invalid argument for a bad id, conflict for an id or
  // ActionID already in the table.
  // `queued`: the call waits in the host until written() (see above); false:
  // it counts as live at once (the caller calls originate_sent itself).
  pd::Result<CallState*> add(std::string call_id, std::string action_id, CallInfo info,
                             CallSettings settings, EpochMs now, bool queued = false);

  // The host wrote the Originate whose ActionID is `action_id` at `at`: the
  // call leaves the queue and is live. nullptr when no queued call has that
  // ActionID (an action that is not an Originate, a call already started).
  CallState* written(std::string_view action_id, EpochMs at);
  // The calls still queued (their Originate never left the host), e.g. to
  // end them when the host drops its queue with the link. O(calls).
  std::vector<std::string> queued_ids() const;

  CallState* find(std::string_view call_id);
  const CallState* find(std::string_view call_id) const;
  const CallInfo* info(std::string_view call_id) const;

  // The call an event belongs to, or nullptr. O(1).
  CallState* route(const AmiEvent& event);

  // False for an event name no call listens to (VarSet, Newexten ...): the
  // caller may drop such an event before parsing its fields.
  static bool may_concern(std::string_view event_name);

  struct Applied {
    CallState* call = nullptr;  // nullptr: not a call event or no call of ours
    CallChanges changes = kNoChange;
  };
  // route() then CallState::apply(). When changes has kEnded, read
  // call->result() and then remove() the call.
  Applied apply(const AmiEvent& event, EpochMs now);

  // Forgets a call (ended or not). False when unknown.
  bool remove(std::string_view call_id);

  size_t size() const { return calls_.size(); }
  // Calls of the campaign on the wire, not ended (queued ones excluded).
  int live_calls(int64_t campaign_id) const;
  // Calls of the campaign handed to the host and not yet written.
  int queued_calls(int64_t campaign_id) const;
  // Live or queued calls of the campaign not connected to an agent yet.
  int awaiting_agent(int64_t campaign_id) const;
  // Every campaign's queued calls together. O(1).
  int queued_total() const { return queued_total_; }

  // Ends the calls past their Originate deadline (CallState::expire); returns
  // their ids (they stay in the table until remove()). O(calls): call it from
  // a timer tick, not per event.
  std::vector<std::string> expire(EpochMs now);

  // After an AMI reconnect (or a restart that adopted calls):
  // begin_reconcile(), send CoreShowChannels, feed its CoreShowChannel events
  // through apply(), then finish_reconcile() when CoreShowChannelsComplete
  // arrives. It returns the ids of the calls with no channel left: read their
  // milestones (DBGetTree), then recover() each. Do not originate in between.
  void begin_reconcile();
  std::vector<std::string> finish_reconcile(EpochMs now);

  // CallState::apply_milestones() then, when `finish`, finish_recovery(lost_at)
  // (or end_unknown() when `milestones` is null: they could not be read),
  // keeping the counts right. Unknown id: kNoChange.
  CallChanges recover(std::string_view call_id, const Milestones* milestones, bool finish,
                      EpochMs lost_at);

  void for_each(const std::function<void(const CallState&, const CallInfo&)>& visit) const;

 private:
  template <class V>
  using Map = StringMap<V>;

  struct Entry {
    Entry(std::string id, CallSettings settings, EpochMs now, CallInfo i, std::string action)
        : state(std::move(id), std::move(settings), now),
          info(std::move(i)),
          action_id(std::move(action)) {}
    CallState state;
    CallInfo info;
    std::string action_id;
    bool counted_live = true;
    bool counted_awaiting = true;
    bool queued = false;  // counted in Counts::queued, not live, until written
  };
  struct Counts {
    int live = 0;
    int queued = 0;
    int awaiting_agent = 0;
  };
  void start(Entry& entry, EpochMs at);

  Entry* lookup(std::string_view key);
  Entry* lookup_channel(std::string_view uniqueid);
  Entry* route_entry(const AmiEvent& event);
  void account(Entry& entry, CallChanges changes);
  void uncount(Entry& entry);

  CallEventNames names_;
  Map<std::unique_ptr<Entry>> calls_;
  Map<Entry*> by_action_;
  std::unordered_map<int64_t, Counts> counts_;
  int queued_total_ = 0;
};

}  // namespace pd::core
