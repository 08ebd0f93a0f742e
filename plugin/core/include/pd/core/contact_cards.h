// Screen pop: the contact card each agent sees for the calls a queue (or a
// preview Dial) put them on - who the customer is (name, number, the number's
// variables), for which campaign - and how long it stays.
//
// Policy:
//   - a card is popped when the call reaches the agent (AgentConnect, or the
//     preview Dial placed) and for an inbound call of a queue named like a
//     campaign (what is known: the caller's number);
//   - it stays while the call is live, and after the call while the agent has
//     it to tag (its disposition prompt): it belongs with the prompt;
//   - it goes when the tag is saved, or when the call ends with nothing to
//     tag (a busy preview call, a campaign without dispositions);
//   - an open panel gets every card of its agent again (a reload, a second
//     tab), oldest first.
// Cards of prompts stored by an earlier run are added back from what the
// store reads with the prompts (add_if_absent), so they survive a restart.
//
// Bounds: per agent at most kMaxPerAgent cards (the listed prompts plus the
// live call and one more); past it the oldest card goes (its prompt stays
// listed, without the card). Agents: those with a live call or a prompt.
// Threads: none of its own; not thread-safe (the host loop only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pd/core/agent_desk.h"

namespace pd::core {

struct ContactCard {
  std::string call_id;
  CallDirection direction = CallDirection::kOutbound;
  int64_t campaign_id = 0;
  uint64_t lead_id = 0;  // 0 inbound
  std::string name;
  std::string number;
  std::string variables;  // "a=1|b=2" as stored on the number
  bool live = true;       // the call has not ended yet
};

// "a=1|b=2" -> {{"a","1"},{"b","2"}}, every item as written (an item without
// '=' is a name with an empty value; empty items are skipped), in order: the
// card shows all of them.
std::vector<std::pair<std::string, std::string>> split_variables(std::string_view text);

class ContactCards {
 public:
  static constexpr size_t kMaxPerAgent = AgentDesk::kMaxPromptsPerAgent + 2;

  // The call reached the agent: its card (replacing one of the same call).
  void pop(const std::string& agent, ContactCard card);
  // A card for a stored prompt, unless the agent has one for the call.
  // Returns whether it was added.
  bool add_if_absent(const std::string& agent, ContactCard card);
  // The call ended. `prompted`: the agent has it to tag, so the card stays.
  // Returns true when the card went (the panel is told to drop it).
  bool call_ended(const std::string& agent, std::string_view call_id, bool prompted);
  // The agent's tag of `call_id` was saved: the card goes. True when it was there.
  bool tagged(const std::string& agent, std::string_view call_id);

  const ContactCard* find(const std::string& agent, std::string_view call_id) const;
  // The agent's cards, oldest first.
  const std::vector<ContactCard>& cards(const std::string& agent) const;
  size_t agents() const { return cards_.size(); }

 private:
  bool remove(const std::string& agent, std::string_view call_id);
  std::unordered_map<std::string, std::vector<ContactCard>> cards_;
};

}  // namespace pd::core
