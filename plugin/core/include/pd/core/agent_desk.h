// The agent desk: what the engine knows of each agent (extension) besides the
// queues - whether a panel is open, the agent's queue interfaces, the preview
// card reserved for them, the calls they have yet to tag, the call they are
// on - and the decisions made from it: who may get a preview card, whether a
// Dial click dials, which lead goes back when a card is taken away, what the
// panel shows as the agent's status.
//
// The engine adapter (plugin/src/engine_agents.cpp) owns one AgentDesk and
// carries out its answers: panel messages, store calls, Originates. The desk
// itself sends, stores and dials nothing, and reads no clock.
//
// Threads: none of its own; not thread-safe. The engine calls it on the host
// loop only.
//
// Bounds: every map is keyed by agent and holds only agents that have a
// panel open, a queue interface, a card, a prompt or a live call; each is
// bounded per agent (kMaxInterfacesPerAgent, one card, kMaxPromptsPerAgent
// prompts listed, kMaxSavedPerAgent saved call ids remembered, one live
// call), so the whole desk is bounded by the PBX's agents.
//
// Prompts are stored (the engine writes each to the database when it is
// created and removes it in the write that saves the tag): the desk lists the
// oldest kMaxPromptsPerAgent of an agent and counts the rest, which stay in
// the database until the listed ones are tagged and the engine loads again
// (merge_loaded()). None is ever dropped.
//
// Pointers and references returned by the accessors are valid until the next
// call that changes the desk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pd/core/call_state.h"
#include "pd/core/lead.h"
#include "pd/core/queue_view.h"

namespace pd::core {

// The agent (extension) a queue member interface stands for:
// "Local/101@sim-agents/n", "PJSIP/101", "SIP/101" -> "101"; an interface
// without '/' is its own name. The same id the panel host authenticates.
std::string extension_of(std::string_view interface);

// What the agent's panel shows as their state.
enum class AgentStatus {
  kIdle,
  kPreview,    // a card is shown, not dialed yet
  kWrapup,     // no call, but calls left to tag or a wrap-up pause (agent_pause.h)
  kPaused,     // no call, card or wrap-up; the agent's own pause (agent.pause)
  kDialing,    // the agent's call is being placed (Originate sent)
  kRinging,    // the customer's phone rings
  kConnected,  // answered (or further)
};
// "idle", "preview", "wrapup", "paused", "dialing", "ringing", "connected":
// the panel protocol's words (docs/panel-protocol.md).
std::string_view to_string(AgentStatus status) noexcept;

// What PauseDesk (agent_pause.h) holds for an agent, for AgentDesk::status().
struct DeskPauseState {
  bool wrapup = false;  // PauseDesk::wrapup(agent) != nullptr
  bool paused = false;  // PauseDesk::pause_of(agent) != nullptr
};

// A preview card: a claimed lead shown to one agent, and its call once
// dialed. The lead stays claimed by this instance while the card exists.
struct PreviewCard {
  int64_t campaign_id = 0;
  std::string interface;  // the queue member the card was reserved through
  bool callback = false;  // the agent's own personal callback, come due
  Lead lead;
  bool dial_requested = false;  // Dial clicked; the last checks are under way
  std::string call_id;          // the Originate was sent (the card is gone from the panel)
  bool dialed() const { return dial_requested || !call_id.empty(); }
};

enum class CallDirection { kOutbound, kInbound };
// "outbound", "inbound": the panel protocol's words.
std::string_view to_string(CallDirection direction) noexcept;

// A call the agent has yet to tag with a disposition.
struct DispositionPrompt {
  std::string call_id;
  CallDirection direction = CallDirection::kOutbound;
  int64_t campaign_id = 0;
  uint64_t number_id = 0;  // outbound: the lead's id; inbound: 0
  std::string number;      // inbound: the caller's number when dialable, else empty
  std::string name;        // outbound: the contact's name; may be empty
  // Outbound: the number's own time zone (Lead::time_zone, Lead::zone) for a
  // callback's time; empty (the campaign's) when it has none, or when the
  // prompt was read back from the store.
  std::string time_zone;
  std::shared_ptr<const TimeZone> zone;
  int64_t created_ms = 0;  // when the call ended (epoch ms): the list's order
};

// An agent's stored prompts as the store found them: the oldest (at most the
// limit asked for, oldest first) and how many there are in all.
struct StoredPrompts {
  std::vector<DispositionPrompt> oldest;
  uint64_t total = 0;
};

// An agent who may get a preview card now, and the interface it goes through.
struct PreviewSeat {
  std::string agent;
  std::string interface;
};

class AgentDesk {
 public:
  // An agent with more queue interfaces than this keeps the first ones;
  // real agents have one or two (a phone, a softphone).
  static constexpr size_t kMaxInterfacesPerAgent = 8;
  // Prompts listed per agent (the oldest ones). Past this a new prompt is
  // only counted: it stays in the database and is listed once older ones
  // are tagged (needs_load()). The engine asks the store for this many.
  static constexpr size_t kMaxPromptsPerAgent = 50;
  // Saved call ids remembered per agent, so that a load answered after a
  // save (the query read the row before the tag's write removed it) does
  // not list the saved call again.
  static constexpr size_t kMaxSavedPerAgent = 64;

  // ---- panels ------------------------------------------------------------
  // A panel of `agent` opened (or asked for everything again). Idempotent.
  // The engine then sends the state, the card (card_to_show()) and the
  // prompts (prompts()) again.
  void open_panel(const std::string& agent);
  // The panel closed. Returns the card the agent held when it may go back to
  // the campaign (not dialed); it is no longer reserved. A dialed card stays
  // until its call ends. Nothing when there was no card.
  std::optional<PreviewCard> close_panel(const std::string& agent);
  bool panel_open(const std::string& agent) const;
  // Agents with a panel open, sorted.
  std::vector<std::string> open_agents() const;

  // ---- queue interfaces --------------------------------------------------
  // A queue member event about `interface` of `agent`, after `queues`
  // applied it: keeps the interface while it is a member of any queue and
  // forgets it once it is in none (O(queues)). An interface beyond
  // kMaxInterfacesPerAgent is not kept.
  void note_interface(const std::string& agent, std::string_view interface,
                      const QueueView& queues);
  // The agent's current member interfaces, sorted; empty when none.
  std::vector<std::string> interfaces(const std::string& agent) const;
  // The queue view was cleared (link up): every interface is learnt again.
  void forget_interfaces();

  // ---- preview cards -----------------------------------------------------
  // Free members of `queue` who may get a card now, in a stable order: the
  // agent has an open panel, holds no card, is on no call, and the
  // interface is not the one of another agent's card.
  std::vector<PreviewSeat> preview_seats(const QueueView& queues, std::string_view queue) const;
  // Reserves `lead` for `seat.agent`. False (and nothing changes) when the
  // agent already holds a card: the caller keeps the lead.
  bool reserve(const PreviewSeat& seat, int64_t campaign_id, Lead lead, bool callback = false);
  // Agents who may get the card of their own personal callback now,
  // whatever their campaigns' modes: a panel open, a queue interface (the
  // seat's: the first one), no card, no live call, no call left to tag, and
  // not in `busy` (PauseDesk::busy: wrap-up or own pause). Sorted by agent.
  std::vector<PreviewSeat> callback_seats(const std::unordered_set<std::string>& busy) const;
  const PreviewCard* card(const std::string& agent) const;
  // The card to show when the panel opens again: held and not dialed.
  const PreviewCard* card_to_show(const std::string& agent) const;

  enum class DialDecision {
    kDial,              // dial it: the checks and the Originate follow
    kAlreadyRequested,  // a second click (or tab) while the first dials: do nothing
    kNotYours,          // no card, or a card of another lead: refuse
  };
  // A Dial click on the card of `lead_id`. kDial marks the card dialing, so
  // every later click is kAlreadyRequested until dial_refused().
  DialDecision request_dial(const std::string& agent, uint64_t lead_id);
  // The Originate of the card was sent as `call_id`. False when the card is
  // gone or holds another lead (nothing changes then).
  bool dial_placed(const std::string& agent, uint64_t lead_id, const std::string& call_id);
  // The dial was refused before any Originate (database away, link down):
  // the card stays and may be dialed again.
  void dial_refused(const std::string& agent, uint64_t lead_id);

  // Takes the card of `lead_id` away from the agent for Skip / Close (the
  // engine gives the lead back or closes it). Nothing (and the card stays)
  // when there is no such card or it is being dialed.
  std::optional<PreviewCard> take_card(const std::string& agent, uint64_t lead_id);
  // Takes the agent's card away to give its lead back (campaign paused,
  // lease in doubt, agent paused or left the queue). Nothing when there is
  // no card or it is being dialed: a dial under way is not taken back.
  std::optional<PreviewCard> give_back(const std::string& agent);
  // Removes the card whatever its state: the dial ended it before any call
  // (the number is on the do-not-call list, the Originate failed).
  std::optional<PreviewCard> drop_card(const std::string& agent);
  // Agents whose card may be given back (not dialed), of `campaign_id` or
  // of every campaign when it is nullopt.
  std::vector<std::string> undialed_cards(std::optional<int64_t> campaign_id = std::nullopt) const;
  // Leads on cards: all of them (their leases are renewed) or only those
  // not dialed (given back at stop).
  std::vector<uint64_t> card_leads(bool undialed_only) const;

  // ---- the agent's live call ---------------------------------------------
  // `call_id` now has `agent` on it (a preview Originate, an agent answered).
  void call_started(const std::string& agent, const std::string& call_id);
  // The call ended: the agent is free again, and a card whose call it was
  // is gone. Another call of the agent (a newer one) is left alone.
  void call_ended(const std::string& agent, const std::string& call_id);
  // The id of the agent's live call, or null.
  const std::string* live_call(const std::string& agent) const;

  // ---- disposition prompts -----------------------------------------------
  // A new prompt for a call the agent took. Listed in order (created_ms,
  // then call_id) when the agent has fewer than kMaxPromptsPerAgent listed,
  // else only counted (the newest listed one is unlisted to keep the oldest
  // first). False when `prompt.call_id` was listed or saved already.
  bool add_prompt(const std::string& agent, DispositionPrompt prompt);
  // What the store holds for the agent: merged with the listed prompts, no
  // call twice, calls saved meanwhile left out; the count becomes the
  // store's total (less those saved), or more when prompts not written yet
  // are listed. Returns whether the list or the count changed.
  bool merge_loaded(const std::string& agent, StoredPrompts stored);
  // The agent's prompt for `call_id`, or null (never prompted, already
  // saved, not listed).
  const DispositionPrompt* find_prompt(const std::string& agent, std::string_view call_id) const;
  // The disposition was saved: the prompt goes (and is remembered as saved).
  // False when it was not listed.
  bool remove_prompt(const std::string& agent, std::string_view call_id);
  // The agent's listed prompts, oldest first (at most kMaxPromptsPerAgent).
  const std::vector<DispositionPrompt>& prompts(const std::string& agent) const;
  // The agent's calls to tag: listed and only counted.
  uint64_t pending_count(const std::string& agent) const;
  // More prompts are stored than listed and there is room to list them:
  // the engine should load the agent's prompts again.
  bool needs_load(const std::string& agent) const;

  // ---- status ------------------------------------------------------------
  // The agent's status. `live_phase` is the phase of the agent's live call
  // (live_call()) as the caller's call table has it; nullopt when there is
  // none or the table no longer has it. `pause` is what PauseDesk
  // (agent_pause.h) holds for the agent. Order: the live call, the card, the
  // wrap-up (a wrap-up pause or calls to tag), the own pause, idle - so the
  // panel's status pill never names a state the step bar or the wrap-up
  // timer contradicts.
  AgentStatus status(const std::string& agent, std::optional<CallPhase> live_phase,
                     DeskPauseState pause = {}) const;

 private:
  std::unordered_set<std::string> open_panels_;
  std::unordered_map<std::string, std::vector<std::string>> interfaces_;  // sorted, bounded
  std::unordered_map<std::string, PreviewCard> cards_;
  struct AgentPrompts {
    std::vector<DispositionPrompt> listed;  // oldest first, <= kMaxPromptsPerAgent
    uint64_t unlisted = 0;                  // stored, not listed (newer than the listed)
    std::vector<std::string> saved;         // newest last, <= kMaxSavedPerAgent
  };
  void forget_if_idle(const std::string& agent);
  std::unordered_map<std::string, AgentPrompts> prompts_;
  std::unordered_map<std::string, std::string> live_calls_;
};

}  // namespace pd::core
