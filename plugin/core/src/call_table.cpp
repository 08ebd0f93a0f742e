#include "pd/core/call_table.h"

#include "pd/core/names.h"

namespace pd::core {
namespace {

// Names of the events a call listens to; anything else is dropped before a
// single hash lookup (a busy PBX sends mostly VarSet and Newexten).
bool may_concern_a_call(const AmiEvent& e) {
  if (e.event.empty()) return !e.response.empty();
  return CallTable::may_concern(e.event);
}

}  // namespace

bool CallTable::may_concern(std::string_view n) {
  switch (n.size()) {
    case 6:
      return n == "Hangup";
    case 7:
      return n == "DialEnd" || n == "DTMFEnd";
    case 9:
      return n == "DialBegin" || n == "DialState" || n == "UserEvent";
    case 10:
      return n == "Newchannel";
    case 12:
      return n == "AgentConnect";
    case 13:
      return n == "AgentComplete";
    case 15:
      return n == "CoreShowChannel";
    case 17:
      return n == "OriginateResponse";
    default:
      return false;
  }
}

namespace {

std::string_view without_half(std::string_view uniqueid) {
  const size_t semicolon = uniqueid.rfind(';');
  return semicolon == std::string_view::npos ? uniqueid : uniqueid.substr(0, semicolon);
}

}  // namespace

pd::Result<CallState*> CallTable::add(std::string call_id, std::string action_id, CallInfo info,
                                      CallSettings settings, EpochMs now, bool queued) {
  if (!is_call_id(call_id)) {
    return pd::fail(pd::Error::invalid("bad call id (expected 1 to 64 of A-Z a-z 0-9 _ . -)"));
  }
  if (calls_.contains(call_id)) {
    return pd::fail(pd::Error::conflict("call id " + call_id + " is already in flight"));
  }
  if (!action_id.empty() && by_action_.contains(action_id)) {
    return pd::fail(pd::Error::conflict("ActionID " + action_id + " is already in use"));
  }
  const int64_t campaign = info.campaign_id;
  auto entry =
      std::make_unique<Entry>(call_id, std::move(settings), now, std::move(info), action_id);
  Entry* raw = entry.get();
  calls_.emplace(std::move(call_id), std::move(entry));
  if (!action_id.empty()) by_action_.emplace(std::move(action_id), raw);
  Counts& counts = counts_[campaign];
  if (queued) {
    raw->queued = true;
    ++counts.queued;
    ++queued_total_;
  } else {
    ++counts.live;
  }
  ++counts.awaiting_agent;
  return &raw->state;
}

void CallTable::start(Entry& entry, EpochMs at) {
  if (!entry.queued) return;
  entry.queued = false;
  Counts& counts = counts_[entry.info.campaign_id];
  --counts.queued;
  --queued_total_;
  if (entry.counted_live) ++counts.live;
  entry.state.originate_sent(at);
}

CallState* CallTable::written(std::string_view action_id, EpochMs at) {
  if (action_id.empty()) return nullptr;
  const auto it = by_action_.find(action_id);
  if (it == by_action_.end() || !it->second->queued) return nullptr;
  start(*it->second, at);
  return &it->second->state;
}

std::vector<std::string> CallTable::queued_ids() const {
  std::vector<std::string> ids;
  if (queued_total_ == 0) return ids;
  for (const auto& [id, entry] : calls_) {
    if (entry->queued) ids.push_back(id);
  }
  return ids;
}

CallTable::Entry* CallTable::lookup(std::string_view key) {
  if (key.empty()) return nullptr;
  const auto it = calls_.find(key);
  return it == calls_.end() ? nullptr : it->second.get();
}

CallTable::Entry* CallTable::lookup_channel(std::string_view uniqueid) {
  if (uniqueid.empty()) return nullptr;
  if (Entry* entry = lookup(uniqueid)) return entry;
  const std::string_view base = without_half(uniqueid);
  return base.size() == uniqueid.size() ? nullptr : lookup(base);
}

CallTable::Entry* CallTable::route_entry(const AmiEvent& e) {
  if (!may_concern_a_call(e)) return nullptr;
  if (!e.action_id.empty() && (e.event.empty() || e.event == "OriginateResponse")) {
    if (const auto it = by_action_.find(e.action_id); it != by_action_.end()) return it->second;
    if (e.event.empty()) return nullptr;  // a Response to someone else's action
  }
  if (Entry* entry = lookup(e.linkedid)) return entry;
  if (Entry* entry = lookup_channel(e.uniqueid)) return entry;
  if (Entry* entry = lookup(e.dest_linkedid)) return entry;
  return lookup_channel(e.dest_uniqueid);
}

CallState* CallTable::route(const AmiEvent& event) {
  Entry* entry = route_entry(event);
  return entry ? &entry->state : nullptr;
}

CallState* CallTable::find(std::string_view call_id) {
  Entry* entry = lookup(call_id);
  return entry ? &entry->state : nullptr;
}

const CallState* CallTable::find(std::string_view call_id) const {
  const auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : &it->second->state;
}

const CallInfo* CallTable::info(std::string_view call_id) const {
  const auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : &it->second->info;
}

void CallTable::account(Entry& entry, CallChanges changes) {
  Counts& counts = counts_[entry.info.campaign_id];
  if ((changes & (kAgentConnected | kEnded)) && entry.counted_awaiting) {
    entry.counted_awaiting = false;
    --counts.awaiting_agent;
  }
  if ((changes & kEnded) && entry.counted_live) {
    entry.counted_live = false;
    if (entry.queued) {
      entry.queued = false;
      --counts.queued;
      --queued_total_;
    } else {
      --counts.live;
    }
  }
}

void CallTable::uncount(Entry& entry) {
  account(entry, kEnded);
}

CallTable::Applied CallTable::apply(const AmiEvent& event, EpochMs now) {
  Entry* entry = route_entry(event);
  if (!entry) return {};
  if (entry->queued) start(*entry, now);  // the host did not report the write
  const CallChanges changes = entry->state.apply(event, now, names_);
  account(*entry, changes);
  return {&entry->state, changes};
}

bool CallTable::remove(std::string_view call_id) {
  const auto it = calls_.find(call_id);
  if (it == calls_.end()) return false;
  Entry& entry = *it->second;
  uncount(entry);
  if (!entry.action_id.empty()) by_action_.erase(entry.action_id);
  const int64_t campaign = entry.info.campaign_id;
  calls_.erase(it);
  if (const auto counts = counts_.find(campaign);
      counts != counts_.end() && counts->second.live == 0 && counts->second.queued == 0 &&
      counts->second.awaiting_agent == 0) {
    counts_.erase(counts);
  }
  return true;
}

int CallTable::live_calls(int64_t campaign_id) const {
  const auto it = counts_.find(campaign_id);
  return it == counts_.end() ? 0 : it->second.live;
}

int CallTable::queued_calls(int64_t campaign_id) const {
  const auto it = counts_.find(campaign_id);
  return it == counts_.end() ? 0 : it->second.queued;
}

int CallTable::awaiting_agent(int64_t campaign_id) const {
  const auto it = counts_.find(campaign_id);
  return it == counts_.end() ? 0 : it->second.awaiting_agent;
}

std::vector<std::string> CallTable::expire(EpochMs now) {
  std::vector<std::string> ended;
  for (auto& [id, entry] : calls_) {
    if (entry->queued) continue;  // not sent: no deadline runs yet
    const CallChanges changes = entry->state.expire(now);
    account(*entry, changes);
    if (changes & kEnded) ended.push_back(id);
  }
  return ended;
}

void CallTable::begin_reconcile() {
  for (auto& [id, entry] : calls_) entry->state.begin_reconcile();
}

std::vector<std::string> CallTable::finish_reconcile(EpochMs now) {
  std::vector<std::string> gone;
  for (auto& [id, entry] : calls_) {
    account(*entry, entry->state.finish_reconcile(now));
    if (entry->state.gone()) gone.push_back(id);
  }
  return gone;
}

CallChanges CallTable::recover(std::string_view call_id, const Milestones* milestones, bool finish,
                               EpochMs lost_at) {
  Entry* entry = lookup(call_id);
  if (entry == nullptr) return kNoChange;
  CallChanges changes = kNoChange;
  if (milestones != nullptr) changes |= entry->state.apply_milestones(*milestones);
  if (finish) {
    changes |=
        milestones != nullptr
            ? entry->state.finish_recovery(lost_at)
            : entry->state.end_unknown(
                  "the call's channels were gone and its milestones could not be read", lost_at);
  }
  account(*entry, changes);
  return changes;
}

void CallTable::for_each(
    const std::function<void(const CallState&, const CallInfo&)>& visit) const {
  for (const auto& [id, entry] : calls_) visit(entry->state, entry->info);
}

}  // namespace pd::core
