#include "pd/core/agent_desk.h"

#include <algorithm>

#include "pd/core/pacer.h"

namespace pd::core {

std::string extension_of(std::string_view interface) {
  const size_t slash = interface.find('/');
  if (slash == std::string_view::npos) return std::string(interface);
  const std::string_view rest = interface.substr(slash + 1);
  return std::string(rest.substr(0, rest.find_first_of("@/")));
}

std::string_view to_string(AgentStatus status) noexcept {
  switch (status) {
    case AgentStatus::kIdle:
      return "idle";
    case AgentStatus::kPreview:
      return "preview";
    case AgentStatus::kWrapup:
      return "wrapup";
    case AgentStatus::kPaused:
      return "paused";
    case AgentStatus::kDialing:
      return "dialing";
    case AgentStatus::kRinging:
      return "ringing";
    case AgentStatus::kConnected:
      return "connected";
  }
  return "idle";
}

std::string_view to_string(CallDirection direction) noexcept {
  return direction == CallDirection::kInbound ? "inbound" : "outbound";
}

// ---- panels ----------------------------------------------------------------

void AgentDesk::open_panel(const std::string& agent) {
  open_panels_.insert(agent);
}

std::optional<PreviewCard> AgentDesk::close_panel(const std::string& agent) {
  open_panels_.erase(agent);
  forget_if_idle(agent);
  return give_back(agent);
}

bool AgentDesk::panel_open(const std::string& agent) const {
  return open_panels_.contains(agent);
}

std::vector<std::string> AgentDesk::open_agents() const {
  std::vector<std::string> agents(open_panels_.begin(), open_panels_.end());
  std::sort(agents.begin(), agents.end());
  return agents;
}

// ---- queue interfaces ------------------------------------------------------

void AgentDesk::note_interface(const std::string& agent, std::string_view interface,
                               const QueueView& queues) {
  bool member_somewhere = false;
  for (const auto& queue : queues.queue_names()) {
    if (queues.find(queue, interface) != nullptr) {
      member_somewhere = true;
      break;
    }
  }
  auto it = interfaces_.find(agent);
  if (member_somewhere) {
    auto& list = interfaces_[agent];
    auto at = std::lower_bound(list.begin(), list.end(), interface);
    if (at != list.end() && *at == interface) return;
    if (list.size() >= kMaxInterfacesPerAgent) return;
    list.insert(at, std::string(interface));
    return;
  }
  if (it == interfaces_.end()) return;
  std::erase(it->second, interface);
  if (it->second.empty()) interfaces_.erase(it);
}

std::vector<std::string> AgentDesk::interfaces(const std::string& agent) const {
  auto it = interfaces_.find(agent);
  return it == interfaces_.end() ? std::vector<std::string>{} : it->second;
}

void AgentDesk::forget_interfaces() {
  interfaces_.clear();
}

// ---- preview cards ---------------------------------------------------------

std::vector<PreviewSeat> AgentDesk::preview_seats(const QueueView& queues,
                                                  std::string_view queue) const {
  std::unordered_set<std::string_view> reserved;
  for (const auto& [agent, card] : cards_) reserved.insert(card.interface);
  const auto candidates = preview_candidates(
      queues, queue, [&](std::string_view interface) { return reserved.contains(interface); });
  std::vector<PreviewSeat> seats;
  for (const auto& interface : candidates) {
    std::string agent = extension_of(interface);
    // A card only for an agent who can see it and has no call or card already.
    if (!open_panels_.contains(agent) || cards_.contains(agent) || live_calls_.contains(agent)) {
      continue;
    }
    // Two interfaces of one agent free at once: one card.
    if (std::any_of(seats.begin(), seats.end(),
                    [&](const PreviewSeat& seat) { return seat.agent == agent; })) {
      continue;
    }
    seats.push_back({std::move(agent), interface});
  }
  return seats;
}

std::vector<PreviewSeat> AgentDesk::callback_seats(
    const std::unordered_set<std::string>& busy) const {
  std::vector<PreviewSeat> seats;
  for (const auto& agent : open_panels_) {
    if (busy.contains(agent) || cards_.contains(agent) || live_calls_.contains(agent)) continue;
    if (pending_count(agent) > 0) continue;
    auto interfaces = interfaces_.find(agent);
    if (interfaces == interfaces_.end() || interfaces->second.empty()) continue;
    seats.push_back({agent, interfaces->second.front()});
  }
  std::sort(seats.begin(), seats.end(),
            [](const PreviewSeat& a, const PreviewSeat& b) { return a.agent < b.agent; });
  return seats;
}

bool AgentDesk::reserve(const PreviewSeat& seat, int64_t campaign_id, Lead lead, bool callback) {
  if (cards_.contains(seat.agent)) return false;
  PreviewCard card;
  card.campaign_id = campaign_id;
  card.interface = seat.interface;
  card.callback = callback;
  card.lead = std::move(lead);
  cards_.emplace(seat.agent, std::move(card));
  return true;
}

const PreviewCard* AgentDesk::card(const std::string& agent) const {
  auto it = cards_.find(agent);
  return it == cards_.end() ? nullptr : &it->second;
}

const PreviewCard* AgentDesk::card_to_show(const std::string& agent) const {
  const PreviewCard* held = card(agent);
  // A card being dialed is shown again too (its Dial is then a second
  // click, kAlreadyRequested); one whose call is placed is not a card any more.
  return held != nullptr && held->call_id.empty() ? held : nullptr;
}

AgentDesk::DialDecision AgentDesk::request_dial(const std::string& agent, uint64_t lead_id) {
  auto it = cards_.find(agent);
  if (it == cards_.end() || it->second.lead.id != lead_id) return DialDecision::kNotYours;
  if (it->second.dialed()) return DialDecision::kAlreadyRequested;
  it->second.dial_requested = true;
  return DialDecision::kDial;
}

bool AgentDesk::dial_placed(const std::string& agent, uint64_t lead_id,
                            const std::string& call_id) {
  auto it = cards_.find(agent);
  if (it == cards_.end() || it->second.lead.id != lead_id) return false;
  it->second.call_id = call_id;
  return true;
}

void AgentDesk::dial_refused(const std::string& agent, uint64_t lead_id) {
  auto it = cards_.find(agent);
  if (it == cards_.end() || it->second.lead.id != lead_id || !it->second.call_id.empty()) return;
  it->second.dial_requested = false;
}

std::optional<PreviewCard> AgentDesk::take_card(const std::string& agent, uint64_t lead_id) {
  auto it = cards_.find(agent);
  if (it == cards_.end() || it->second.lead.id != lead_id) return std::nullopt;
  return give_back(agent);
}

std::optional<PreviewCard> AgentDesk::give_back(const std::string& agent) {
  auto it = cards_.find(agent);
  if (it == cards_.end() || it->second.dialed()) return std::nullopt;
  PreviewCard card = std::move(it->second);
  cards_.erase(it);
  return card;
}

std::optional<PreviewCard> AgentDesk::drop_card(const std::string& agent) {
  auto it = cards_.find(agent);
  if (it == cards_.end()) return std::nullopt;
  PreviewCard card = std::move(it->second);
  cards_.erase(it);
  return card;
}

std::vector<std::string> AgentDesk::undialed_cards(std::optional<int64_t> campaign_id) const {
  std::vector<std::string> agents;
  for (const auto& [agent, card] : cards_) {
    if (card.dialed()) continue;
    if (campaign_id && card.campaign_id != *campaign_id) continue;
    agents.push_back(agent);
  }
  std::sort(agents.begin(), agents.end());  // the same order every time
  return agents;
}

std::vector<uint64_t> AgentDesk::card_leads(bool undialed_only) const {
  std::vector<uint64_t> ids;
  for (const auto& [agent, card] : cards_) {
    // A card being dialed (checks under way) still holds an unused lead.
    if (undialed_only && !card.call_id.empty()) continue;
    ids.push_back(card.lead.id);
  }
  return ids;
}

// ---- the agent's live call -------------------------------------------------

void AgentDesk::call_started(const std::string& agent, const std::string& call_id) {
  live_calls_[agent] = call_id;
}

void AgentDesk::call_ended(const std::string& agent, const std::string& call_id) {
  if (auto it = live_calls_.find(agent); it != live_calls_.end() && it->second == call_id) {
    live_calls_.erase(it);
  }
  if (auto it = cards_.find(agent); it != cards_.end() && it->second.call_id == call_id) {
    cards_.erase(it);
  }
}

const std::string* AgentDesk::live_call(const std::string& agent) const {
  auto it = live_calls_.find(agent);
  return it == live_calls_.end() ? nullptr : &it->second;
}

// ---- disposition prompts ---------------------------------------------------

namespace {

bool older(const DispositionPrompt& a, const DispositionPrompt& b) {
  if (a.created_ms != b.created_ms) return a.created_ms < b.created_ms;
  return a.call_id < b.call_id;
}

bool lists(const std::vector<DispositionPrompt>& list, std::string_view call_id) {
  return std::any_of(list.begin(), list.end(),
                     [&](const DispositionPrompt& p) { return p.call_id == call_id; });
}

}  // namespace

bool AgentDesk::add_prompt(const std::string& agent, DispositionPrompt prompt) {
  auto& mine = prompts_[agent];
  if (lists(mine.listed, prompt.call_id) ||
      std::find(mine.saved.begin(), mine.saved.end(), prompt.call_id) != mine.saved.end()) {
    forget_if_idle(agent);
    return false;
  }
  auto at = std::upper_bound(mine.listed.begin(), mine.listed.end(), prompt, older);
  mine.listed.insert(at, std::move(prompt));
  if (mine.listed.size() > kMaxPromptsPerAgent) {
    mine.listed.pop_back();  // the newest waits in the database
    ++mine.unlisted;
  }
  return true;
}

bool AgentDesk::merge_loaded(const std::string& agent, StoredPrompts stored) {
  auto& mine = prompts_[agent];
  const size_t listed_before = mine.listed.size();
  const uint64_t count_before = mine.listed.size() + mine.unlisted;
  uint64_t total = stored.total;
  bool changed = false;
  for (auto& prompt : stored.oldest) {
    if (std::find(mine.saved.begin(), mine.saved.end(), prompt.call_id) != mine.saved.end()) {
      if (total > 0) --total;  // read before its tag's write removed it
      continue;
    }
    if (lists(mine.listed, prompt.call_id)) continue;
    auto at = std::upper_bound(mine.listed.begin(), mine.listed.end(), prompt, older);
    mine.listed.insert(at, std::move(prompt));
    changed = true;
  }
  if (mine.listed.size() > kMaxPromptsPerAgent) mine.listed.resize(kMaxPromptsPerAgent);
  // Listed prompts whose write is still queued are not in the store's total.
  mine.unlisted = total > mine.listed.size() ? total - mine.listed.size() : 0;
  changed = changed || mine.listed.size() != listed_before ||
            mine.listed.size() + mine.unlisted != count_before;
  forget_if_idle(agent);
  return changed;
}

const DispositionPrompt* AgentDesk::find_prompt(const std::string& agent,
                                                std::string_view call_id) const {
  auto it = prompts_.find(agent);
  if (it == prompts_.end()) return nullptr;
  for (const auto& prompt : it->second.listed) {
    if (prompt.call_id == call_id) return &prompt;
  }
  return nullptr;
}

bool AgentDesk::remove_prompt(const std::string& agent, std::string_view call_id) {
  auto it = prompts_.find(agent);
  if (it == prompts_.end()) return false;
  auto& mine = it->second;
  const size_t removed =
      std::erase_if(mine.listed, [&](const DispositionPrompt& p) { return p.call_id == call_id; });
  if (removed > 0) {
    mine.saved.emplace_back(call_id);
    if (mine.saved.size() > kMaxSavedPerAgent) mine.saved.erase(mine.saved.begin());
  }
  forget_if_idle(agent);
  return removed > 0;
}

const std::vector<DispositionPrompt>& AgentDesk::prompts(const std::string& agent) const {
  static const std::vector<DispositionPrompt> kNone;
  auto it = prompts_.find(agent);
  return it == prompts_.end() ? kNone : it->second.listed;
}

uint64_t AgentDesk::pending_count(const std::string& agent) const {
  auto it = prompts_.find(agent);
  return it == prompts_.end() ? 0 : it->second.listed.size() + it->second.unlisted;
}

bool AgentDesk::needs_load(const std::string& agent) const {
  auto it = prompts_.find(agent);
  return it != prompts_.end() && it->second.unlisted > 0 &&
         it->second.listed.size() < kMaxPromptsPerAgent;
}

void AgentDesk::forget_if_idle(const std::string& agent) {
  // The saved ids matter only while a load may be under way, i.e. while the
  // panel is open; an agent with nothing listed, counted or open is dropped.
  auto it = prompts_.find(agent);
  if (it == prompts_.end()) return;
  const auto& mine = it->second;
  if (mine.listed.empty() && mine.unlisted == 0 &&
      (mine.saved.empty() || !open_panels_.contains(agent))) {
    prompts_.erase(it);
  }
}

// ---- status ----------------------------------------------------------------

AgentStatus AgentDesk::status(const std::string& agent, std::optional<CallPhase> live_phase,
                              DeskPauseState pause) const {
  if (live_phase && live_calls_.contains(agent)) {
    switch (*live_phase) {
      case CallPhase::kCreated:
      case CallPhase::kOriginating:
        return AgentStatus::kDialing;
      case CallPhase::kRinging:
        return AgentStatus::kRinging;
      default:
        return AgentStatus::kConnected;
    }
  }
  if (cards_.contains(agent)) return AgentStatus::kPreview;
  if (pause.wrapup || pending_count(agent) > 0) return AgentStatus::kWrapup;
  if (pause.paused) return AgentStatus::kPaused;
  return AgentStatus::kIdle;
}

}  // namespace pd::core
