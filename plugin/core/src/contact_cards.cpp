#include "pd/core/contact_cards.h"

#include <algorithm>

namespace pd::core {

std::vector<std::pair<std::string, std::string>> split_variables(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const size_t bar = text.find('|');
    const std::string_view item = text.substr(0, bar);
    if (!item.empty()) {
      const size_t equals = item.find('=');
      if (equals == std::string_view::npos) {
        out.emplace_back(std::string(item), std::string());
      } else {
        out.emplace_back(std::string(item.substr(0, equals)), std::string(item.substr(equals + 1)));
      }
    }
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  return out;
}

void ContactCards::pop(const std::string& agent, ContactCard card) {
  auto& mine = cards_[agent];
  std::erase_if(mine, [&](const ContactCard& c) { return c.call_id == card.call_id; });
  mine.push_back(std::move(card));
  if (mine.size() > kMaxPerAgent) mine.erase(mine.begin());
}

bool ContactCards::add_if_absent(const std::string& agent, ContactCard card) {
  if (find(agent, card.call_id) != nullptr) return false;
  card.live = false;
  auto& mine = cards_[agent];
  if (mine.size() >= kMaxPerAgent) return false;  // the newest ones stay
  // Stored prompts are older than any card popped since: they go first.
  auto at = std::find_if(mine.begin(), mine.end(), [](const ContactCard& c) { return c.live; });
  mine.insert(at, std::move(card));
  return true;
}

bool ContactCards::call_ended(const std::string& agent, std::string_view call_id, bool prompted) {
  auto it = cards_.find(agent);
  if (it == cards_.end()) return false;
  if (prompted) {
    for (auto& card : it->second) {
      if (card.call_id == call_id) card.live = false;
    }
    return false;
  }
  return remove(agent, call_id);
}

bool ContactCards::tagged(const std::string& agent, std::string_view call_id) {
  return remove(agent, call_id);
}

bool ContactCards::remove(const std::string& agent, std::string_view call_id) {
  auto it = cards_.find(agent);
  if (it == cards_.end()) return false;
  const size_t removed =
      std::erase_if(it->second, [&](const ContactCard& c) { return c.call_id == call_id; });
  if (it->second.empty()) cards_.erase(it);
  return removed > 0;
}

const ContactCard* ContactCards::find(const std::string& agent, std::string_view call_id) const {
  auto it = cards_.find(agent);
  if (it == cards_.end()) return nullptr;
  for (const auto& card : it->second) {
    if (card.call_id == call_id) return &card;
  }
  return nullptr;
}

const std::vector<ContactCard>& ContactCards::cards(const std::string& agent) const {
  static const std::vector<ContactCard> kNone;
  auto it = cards_.find(agent);
  return it == cards_.end() ? kNone : it->second;
}

}  // namespace pd::core
