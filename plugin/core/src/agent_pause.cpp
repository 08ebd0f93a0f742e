#include "pd/core/agent_pause.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace pd::core {
namespace {

bool reason_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == ' ' || c == '.' || c == '_' || c == '\'' || c == '(' ||
         c == ')' || c == '/' || c == '&' || c == '+' || c == '-';
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view to_string(WrapupEnd end) noexcept {
  switch (end) {
    case WrapupEnd::kSaved:
      return "saved";
    case WrapupEnd::kTimeout:
      return "timeout";
    case WrapupEnd::kReplaced:
      return "replaced";
    case WrapupEnd::kStale:
      return "stale";
  }
  return "saved";
}

pd::Result<std::vector<std::string>> parse_pause_reasons(std::string_view text) {
  auto bad = [](std::string why) { return pd::fail(pd::Error::invalid("pause reasons: " + why)); };
  std::vector<std::string> reasons;
  std::vector<std::string> seen;
  if (trim(text).empty()) return bad("give at least one reason");
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (item.empty()) return bad("an empty reason (two commas in a row, or one at an end)");
    if (item.size() > kMaxPauseReasonLength) {
      return bad("'" + std::string(item.substr(0, kMaxPauseReasonLength)) + "…' is longer than " +
                 std::to_string(kMaxPauseReasonLength) + " characters");
    }
    if (!std::all_of(item.begin(), item.end(), reason_char)) {
      return bad("'" + std::string(item) +
                 "' may hold only letters, digits, spaces and . _ ' ( ) / & + -");
    }
    const std::string key = lower(item);
    if (key == kWrapupReason) return bad("'wrap-up' is the dialer's own reason");
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return bad("'" + std::string(item) + "' is listed twice");
    }
    seen.push_back(key);
    reasons.emplace_back(item);
    if (reasons.size() > kMaxPauseReasons) {
      return bad("at most " + std::to_string(kMaxPauseReasons) + " reasons");
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return reasons;
}

bool is_wrapup_seconds(std::string_view text) {
  if (text.empty() || text.size() > 4) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= kMaxWrapupSeconds;
}

PauseEffects PauseDesk::call_ended(const std::string& agent, const std::string& call_id,
                                   int64_t campaign_id, const std::string& queue,
                                   int wrapup_seconds, bool prompted,
                                   const std::vector<std::string>& interfaces,
                                   const QueueView& queues, EpochMs now) {
  PauseEffects effects;
  if (queue.empty() || (wrapup_seconds <= 0 && !prompted)) return effects;
  Entry& entry = agents_[agent];
  if (entry.wrapup) {
    // A newer call ended while the older wrap-up ran (an agent can take one
    // only after unpausing): the new one replaces it. Its queue is unpaused
    // only when it is another queue.
    if (entry.wrapup->queue != queue)
      effects = end_wrapup(agent, WrapupEnd::kReplaced, interfaces, queues, now);
    else {
      effects.ended_wrapup = entry.wrapup;
      effects.how = WrapupEnd::kReplaced;
      effects.ended_ms = now;
    }
  }
  Entry& kept = agents_[agent];  // end_wrapup may have dropped the entry
  Wrapup wrapup;
  wrapup.call_id = call_id;
  wrapup.campaign_id = campaign_id;
  wrapup.queue = queue;
  wrapup.started_ms = now;
  wrapup.ends_ms = wrapup_seconds > 0 ? now + EpochMs{wrapup_seconds} * 1000 : 0;
  kept.wrapup = wrapup;
  effects.started_wrapup = std::move(wrapup);
  // An agent paused by their own choice stays so, with their own reason.
  if (kept.pause) return effects;
  for (const auto& interface : interfaces) {
    if (queues.find(queue, interface) == nullptr) continue;
    effects.actions.push_back({interface, queue, true, std::string(kWrapupReason)});
  }
  return effects;
}

PauseEffects PauseDesk::disposition_saved(const std::string& agent, std::string_view call_id,
                                          const std::vector<std::string>& interfaces,
                                          const QueueView& queues, EpochMs now) {
  const Wrapup* running = wrapup(agent);
  if (running == nullptr || running->call_id != call_id) return {};
  return end_wrapup(agent, WrapupEnd::kSaved, interfaces, queues, now);
}

std::vector<std::string> PauseDesk::expired(EpochMs now) const {
  std::vector<std::string> out;
  for (const auto& [agent, entry] : agents_) {
    if (entry.wrapup && entry.wrapup->ends_ms > 0 && entry.wrapup->ends_ms <= now) {
      out.push_back(agent);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

PauseEffects PauseDesk::timeout(const std::string& agent,
                                const std::vector<std::string>& interfaces, const QueueView& queues,
                                EpochMs now) {
  const Wrapup* running = wrapup(agent);
  if (running == nullptr || running->ends_ms == 0 || running->ends_ms > now) return {};
  return end_wrapup(agent, WrapupEnd::kTimeout, interfaces, queues, now);
}

EpochMs PauseDesk::next_timeout() const {
  EpochMs next = 0;
  for (const auto& [agent, entry] : agents_) {
    if (!entry.wrapup || entry.wrapup->ends_ms == 0) continue;
    if (next == 0 || entry.wrapup->ends_ms < next) next = entry.wrapup->ends_ms;
  }
  return next;
}

PauseEffects PauseDesk::pause(const std::string& agent, const std::string& reason,
                              const std::vector<std::string>& interfaces, EpochMs now) {
  PauseEffects effects;
  Entry& entry = agents_[agent];
  if (entry.pause) {
    if (entry.pause->reason == reason) return effects;  // nothing changes (a double click)
    effects.ended_pause = entry.pause;
    effects.how = WrapupEnd::kReplaced;
    effects.ended_ms = now;
  }
  entry.pause = AgentPause{reason, now};
  effects.started_pause = entry.pause;
  for (const auto& interface : interfaces) effects.actions.push_back({interface, "", true, reason});
  return effects;
}

PauseEffects PauseDesk::unpause(const std::string& agent,
                                const std::vector<std::string>& interfaces, const QueueView& queues,
                                EpochMs now) {
  PauseEffects effects;
  auto it = agents_.find(agent);
  const Wrapup* running = it != agents_.end() && it->second.wrapup ? &*it->second.wrapup : nullptr;
  if (it != agents_.end() && it->second.pause) {
    effects.ended_pause = it->second.pause;
    effects.how = WrapupEnd::kSaved;
    effects.ended_ms = now;
    it->second.pause.reset();
  }
  if (running == nullptr) {
    for (const auto& interface : interfaces) effects.actions.push_back({interface, "", false, ""});
  } else {
    // Queue by queue: the wrap-up's queue goes back to the wrap-up pause.
    for (const auto& queue : queues.queue_names()) {
      for (const auto& interface : interfaces) {
        if (queues.find(queue, interface) == nullptr) continue;
        if (queue == running->queue) {
          effects.actions.push_back({interface, queue, true, std::string(kWrapupReason)});
        } else {
          effects.actions.push_back({interface, queue, false, ""});
        }
      }
    }
    std::sort(effects.actions.begin(), effects.actions.end(),
              [](const PauseAction& a, const PauseAction& b) {
                return std::tie(a.interface, a.queue) < std::tie(b.interface, b.queue);
              });
  }
  drop_if_empty(agent);
  return effects;
}

PauseEffects PauseDesk::members_changed(const std::string& agent,
                                        const std::vector<std::string>& interfaces,
                                        const QueueView& queues, EpochMs now) {
  PauseEffects effects;
  auto it = agents_.find(agent);
  if (it == agents_.end() || !it->second.pause) return effects;
  AgentPause& pause = *it->second.pause;
  bool any_paused = false;
  bool member = false;
  for (const auto& queue : queues.queue_names()) {
    for (const auto& interface : interfaces) {
      const QueueMember* m = queues.find(queue, interface);
      if (m == nullptr) continue;
      member = true;
      if (!m->paused) continue;
      any_paused = true;
      if (m->paused_reason == pause.reason) pause.seen = true;
    }
  }
  if (!pause.seen || any_paused || !member) return effects;
  effects.ended_pause = pause;
  effects.how = WrapupEnd::kStale;
  effects.ended_ms = now;
  it->second.pause.reset();
  drop_if_empty(agent);
  return effects;
}

bool PauseDesk::paused_for_wrapup(const std::vector<std::string>& interfaces,
                                  const QueueView& queues) {
  for (const auto& queue : queues.queue_names()) {
    for (const auto& interface : interfaces) {
      const QueueMember* member = queues.find(queue, interface);
      if (member != nullptr && member->paused && member->paused_reason == kWrapupReason)
        return true;
    }
  }
  return false;
}

PauseEffects PauseDesk::resume(const std::string& agent, const std::string& oldest_call_id,
                               int64_t campaign_id, int wrapup_seconds,
                               const std::vector<std::string>& interfaces, const QueueView& queues,
                               EpochMs now) {
  PauseEffects effects;
  if (wrapup(agent) != nullptr) return effects;
  std::string queue;
  std::vector<PauseAction> lifts;
  for (const auto& name : queues.queue_names()) {
    for (const auto& interface : interfaces) {
      const QueueMember* member = queues.find(name, interface);
      if (member == nullptr || !member->paused || member->paused_reason != kWrapupReason) continue;
      if (queue.empty() || name < queue) queue = name;
      lifts.push_back({interface, name, false, ""});
    }
  }
  if (lifts.empty()) return effects;
  if (oldest_call_id.empty()) {
    std::sort(lifts.begin(), lifts.end(), [](const PauseAction& a, const PauseAction& b) {
      return std::tie(a.interface, a.queue) < std::tie(b.interface, b.queue);
    });
    effects.actions = std::move(lifts);
    return effects;
  }
  Wrapup adopted;
  adopted.call_id = oldest_call_id;
  adopted.campaign_id = campaign_id;
  adopted.queue = queue;
  adopted.started_ms = now;
  adopted.ends_ms = wrapup_seconds > 0 ? now + EpochMs{wrapup_seconds} * 1000 : 0;
  adopted.adopted = true;
  agents_[agent].wrapup = adopted;
  effects.started_wrapup = std::move(adopted);
  return effects;
}

const Wrapup* PauseDesk::wrapup(const std::string& agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() || !it->second.wrapup ? nullptr : &*it->second.wrapup;
}

const AgentPause* PauseDesk::pause_of(const std::string& agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() || !it->second.pause ? nullptr : &*it->second.pause;
}

bool PauseDesk::busy(const std::string& agent) const {
  auto it = agents_.find(agent);
  return it != agents_.end() && (it->second.wrapup || it->second.pause);
}

void PauseDesk::forget(const std::string& agent) {
  agents_.erase(agent);
}

PauseEffects PauseDesk::end_wrapup(const std::string& agent, WrapupEnd how,
                                   const std::vector<std::string>& interfaces,
                                   const QueueView& queues, EpochMs now) {
  PauseEffects effects;
  auto it = agents_.find(agent);
  if (it == agents_.end() || !it->second.wrapup) return effects;
  const Wrapup ended = std::move(*it->second.wrapup);
  it->second.wrapup.reset();
  effects.ended_wrapup = ended;
  effects.how = how;
  effects.ended_ms = now;
  if (!it->second.pause) {
    // Only where the pause is still the wrap-up one (or not seen yet: the
    // QueuePause may still be on its way); a member someone paused with
    // another reason stays paused.
    for (const auto& queue : queues.queue_names()) {
      for (const auto& interface : interfaces) {
        const QueueMember* member = queues.find(queue, interface);
        if (member == nullptr) continue;
        const bool wrapup_pause = member->paused && member->paused_reason == kWrapupReason;
        const bool ours = queue == ended.queue && (!member->paused || wrapup_pause);
        if (ours || wrapup_pause) effects.actions.push_back({interface, queue, false, ""});
      }
    }
    std::sort(effects.actions.begin(), effects.actions.end(),
              [](const PauseAction& a, const PauseAction& b) {
                return std::tie(a.interface, a.queue) < std::tie(b.interface, b.queue);
              });
  }
  drop_if_empty(agent);
  return effects;
}

void PauseDesk::drop_if_empty(const std::string& agent) {
  auto it = agents_.find(agent);
  if (it != agents_.end() && !it->second.wrapup && !it->second.pause) agents_.erase(it);
}

void PauseDesk::wrapup_elapsed(int64_t campaign_id, EpochMs now, std::vector<double>& out) const {
  for (const auto& [agent, entry] : agents_) {
    if (entry.wrapup && entry.wrapup->campaign_id == campaign_id) {
      out.push_back(double(std::max<EpochMs>(0, now - entry.wrapup->started_ms)) / 1000.0);
    }
  }
}

}  // namespace pd::core
