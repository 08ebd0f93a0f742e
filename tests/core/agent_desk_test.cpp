// The agent desk's decisions: panels, interfaces, who gets a preview card,
// Dial / Skip / give back, the live call, prompts and their bound, status.
#include "pd/core/agent_desk.h"

#include <doctest/doctest.h>

#include "test_events.h"

using namespace pd::core;
using pd::core::testing::add_free_member;
using pd::core::testing::msg;
using pd::core::testing::to_event;

namespace {

Lead lead(uint64_t id) {
  Lead l;
  l.id = id;
  l.campaign_id = 1;
  l.number = "55500" + std::to_string(id);
  return l;
}

DispositionPrompt prompt(const std::string& call_id, int64_t created_ms = 0) {
  DispositionPrompt p;
  p.call_id = call_id;
  p.campaign_id = 1;
  p.number = "555" + call_id;
  p.created_ms = created_ms;
  return p;
}

StoredPrompts stored(std::vector<DispositionPrompt> oldest, uint64_t total) {
  StoredPrompts s;
  s.oldest = std::move(oldest);
  s.total = total;
  return s;
}

void remove_member(QueueView& view, const char* queue, const char* interface) {
  const auto removed =
      msg({{"Event", "QueueMemberRemoved"}, {"Queue", queue}, {"Interface", interface}});
  view.apply(to_event(removed));
}

void pause_member(QueueView& view, const char* queue, const char* interface) {
  const auto paused = msg({{"Event", "QueueMemberPause"},
                           {"Queue", queue},
                           {"Interface", interface},
                           {"Status", "1"},
                           {"Paused", "1"},
                           {"InCall", "0"}});
  view.apply(to_event(paused));
}

// A desk with agent 201's panel open and a card for lead 7 reserved.
struct CardDesk {
  CardDesk() {
    add_free_member(queues, "support", "PJSIP/201");
    desk.open_panel("201");
    REQUIRE(desk.reserve({"201", "PJSIP/201"}, 1, lead(7)));
  }
  QueueView queues;
  AgentDesk desk;
};

}  // namespace

TEST_CASE("agent desk: the extension of an interface") {
  CHECK(extension_of("PJSIP/101") == "101");
  CHECK(extension_of("SIP/101") == "101");
  CHECK(extension_of("Local/101@sim-agents/n") == "101");
  CHECK(extension_of("101") == "101");
}

TEST_CASE("agent desk: status words are the panel protocol's") {
  CHECK(to_string(AgentStatus::kIdle) == "idle");
  CHECK(to_string(AgentStatus::kPreview) == "preview");
  CHECK(to_string(AgentStatus::kWrapup) == "wrapup");
  CHECK(to_string(AgentStatus::kDialing) == "dialing");
  CHECK(to_string(AgentStatus::kRinging) == "ringing");
  CHECK(to_string(AgentStatus::kConnected) == "connected");
  CHECK(to_string(CallDirection::kOutbound) == "outbound");
  CHECK(to_string(CallDirection::kInbound) == "inbound");
}

TEST_CASE("agent desk: panels open and close, idempotently") {
  AgentDesk desk;
  CHECK_FALSE(desk.panel_open("201"));
  desk.open_panel("201");
  desk.open_panel("201");
  CHECK(desk.panel_open("201"));
  CHECK(desk.open_agents() == std::vector<std::string>{"201"});
  CHECK_FALSE(desk.close_panel("201").has_value());  // no card to give back
  CHECK_FALSE(desk.panel_open("201"));
  CHECK_FALSE(desk.close_panel("201").has_value());
}

TEST_CASE("agent desk: interfaces follow queue membership") {
  QueueView queues;
  AgentDesk desk;
  add_free_member(queues, "sales", "PJSIP/101");
  add_free_member(queues, "support", "PJSIP/101");
  desk.note_interface("101", "PJSIP/101", queues);
  desk.note_interface("101", "PJSIP/101", queues);  // no duplicate
  CHECK(desk.interfaces("101") == std::vector<std::string>{"PJSIP/101"});
  // Still in one queue: kept.
  remove_member(queues, "sales", "PJSIP/101");
  desk.note_interface("101", "PJSIP/101", queues);
  CHECK(desk.interfaces("101").size() == 1);
  // In none: forgotten.
  remove_member(queues, "support", "PJSIP/101");
  desk.note_interface("101", "PJSIP/101", queues);
  CHECK(desk.interfaces("101").empty());
  // An interface never seen as a member is not kept.
  desk.note_interface("102", "PJSIP/102", queues);
  CHECK(desk.interfaces("102").empty());
}

TEST_CASE("agent desk: interfaces are sorted and bounded per agent") {
  QueueView queues;
  AgentDesk desk;
  const size_t extra = AgentDesk::kMaxInterfacesPerAgent + 3;
  for (size_t i = 0; i < extra; ++i) {
    const std::string interface = "Local/101@agents-" + std::to_string(10 + i) + "/n";
    add_free_member(queues, "sales", interface.c_str());
    desk.note_interface("101", interface, queues);
  }
  const auto kept = desk.interfaces("101");
  CHECK(kept.size() == AgentDesk::kMaxInterfacesPerAgent);
  CHECK(std::is_sorted(kept.begin(), kept.end()));
  desk.forget_interfaces();
  CHECK(desk.interfaces("101").empty());
}

TEST_CASE("agent desk: a preview seat needs an open panel, no card, no call, a free interface") {
  QueueView queues;
  AgentDesk desk;
  add_free_member(queues, "support", "PJSIP/201");
  add_free_member(queues, "support", "PJSIP/202");
  add_free_member(queues, "support", "PJSIP/203");
  add_free_member(queues, "support", "PJSIP/204");
  CHECK(desk.preview_seats(queues, "support").empty());  // no panel open
  desk.open_panel("201");
  desk.open_panel("202");
  desk.open_panel("203");
  auto seats = desk.preview_seats(queues, "support");
  REQUIRE(seats.size() == 3);
  CHECK(seats[0].agent == "201");  // a stable order
  CHECK(seats[0].interface == "PJSIP/201");
  CHECK(seats[2].agent == "203");
  // 201 holds a card, 202 is on a call: only 203 is left.
  REQUIRE(desk.reserve(seats[0], 1, lead(1)));
  desk.call_started("202", "c-1");
  seats = desk.preview_seats(queues, "support");
  REQUIRE(seats.size() == 1);
  CHECK(seats[0].agent == "203");
  // Paused members are not free.
  pause_member(queues, "support", "PJSIP/203");
  CHECK(desk.preview_seats(queues, "support").empty());
  // An agent not in the queue gets nothing.
  CHECK(desk.preview_seats(queues, "sales").empty());
}

TEST_CASE("agent desk: an agent free on two interfaces gets one seat") {
  QueueView queues;
  AgentDesk desk;
  add_free_member(queues, "support", "PJSIP/201");
  add_free_member(queues, "support", "Local/201@agents/n");
  desk.open_panel("201");
  const auto seats = desk.preview_seats(queues, "support");
  REQUIRE(seats.size() == 1);
  CHECK(seats[0].agent == "201");
}

TEST_CASE("agent desk: an interface reserved by a card is no seat for its agent again") {
  QueueView queues;
  AgentDesk desk;
  add_free_member(queues, "support", "PJSIP/201");
  desk.open_panel("201");
  REQUIRE(desk.reserve({"201", "PJSIP/201"}, 1, lead(1)));
  CHECK_FALSE(desk.reserve({"201", "PJSIP/201"}, 1, lead(2)));  // one card per agent
  CHECK(desk.card("201")->lead.id == 1);
  CHECK(desk.preview_seats(queues, "support").empty());
}

TEST_CASE("agent desk: a double click dials once") {
  CardDesk d;
  CHECK(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  CHECK(d.desk.card("201")->dial_requested);
  CHECK(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kAlreadyRequested);
  CHECK(d.desk.request_dial("201", 8) == AgentDesk::DialDecision::kNotYours);
  CHECK(d.desk.request_dial("202", 7) == AgentDesk::DialDecision::kNotYours);
  // Placed: still not dialable again, and no card to show any more.
  CHECK(d.desk.dial_placed("201", 7, "c-1"));
  CHECK(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kAlreadyRequested);
  CHECK(d.desk.card_to_show("201") == nullptr);
  CHECK_FALSE(d.desk.dial_placed("201", 8, "c-2"));  // another lead: nothing changes
  CHECK(d.desk.card("201")->call_id == "c-1");
}

TEST_CASE("agent desk: a refused dial keeps the card, dialable again") {
  CardDesk d;
  REQUIRE(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  d.desk.dial_refused("201", 7);
  CHECK_FALSE(d.desk.card("201")->dial_requested);
  CHECK(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  // Once placed, a late refusal does not reopen it.
  REQUIRE(d.desk.dial_placed("201", 7, "c-1"));
  d.desk.dial_refused("201", 7);
  CHECK(d.desk.card("201")->dialed());
}

TEST_CASE("agent desk: a card being dialed is shown again on reopen, a dial in flight stays") {
  CardDesk d;
  REQUIRE(d.desk.card_to_show("201") != nullptr);
  REQUIRE(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  d.desk.open_panel("201");  // a reload while the last checks run
  REQUIRE(d.desk.card_to_show("201") != nullptr);
  CHECK(d.desk.card_to_show("201")->dial_requested);
  CHECK(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kAlreadyRequested);
}

TEST_CASE("agent desk: skip and close take an undialed card of that lead only") {
  CardDesk d;
  CHECK_FALSE(d.desk.take_card("201", 8).has_value());
  CHECK_FALSE(d.desk.take_card("202", 7).has_value());
  REQUIRE(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  CHECK_FALSE(d.desk.take_card("201", 7).has_value());  // being dialed
  d.desk.dial_refused("201", 7);
  auto taken = d.desk.take_card("201", 7);
  REQUIRE(taken.has_value());
  CHECK(taken->lead.id == 7);
  CHECK(taken->campaign_id == 1);
  CHECK(d.desk.card("201") == nullptr);
}

TEST_CASE("agent desk: a closed panel gives its undialed card back") {
  CardDesk d;
  auto card = d.desk.close_panel("201");
  REQUIRE(card.has_value());
  CHECK(card->lead.id == 7);
  CHECK(card->interface == "PJSIP/201");
  CHECK(d.desk.card("201") == nullptr);
  CHECK_FALSE(d.desk.panel_open("201"));
}

TEST_CASE("agent desk: a closed panel keeps a card being dialed until its call ends") {
  CardDesk d;
  REQUIRE(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  REQUIRE(d.desk.dial_placed("201", 7, "c-1"));
  CHECK_FALSE(d.desk.close_panel("201").has_value());
  CHECK(d.desk.card("201") != nullptr);
  d.desk.call_ended("201", "c-1");
  CHECK(d.desk.card("201") == nullptr);
}

TEST_CASE("agent desk: give back and drop") {
  CardDesk d;
  REQUIRE(d.desk.request_dial("201", 7) == AgentDesk::DialDecision::kDial);
  CHECK_FALSE(d.desk.give_back("201").has_value());  // a dial under way is not taken back
  auto dropped = d.desk.drop_card("201");            // the dial ended it (do-not-call, failed)
  REQUIRE(dropped.has_value());
  CHECK(dropped->lead.id == 7);
  CHECK_FALSE(d.desk.drop_card("201").has_value());
  CHECK_FALSE(d.desk.give_back("201").has_value());
}

TEST_CASE("agent desk: undialed cards by campaign, and the leads on cards") {
  QueueView queues;
  AgentDesk desk;
  REQUIRE(desk.reserve({"201", "PJSIP/201"}, 1, lead(1)));
  REQUIRE(desk.reserve({"202", "PJSIP/202"}, 2, lead(2)));
  REQUIRE(desk.reserve({"203", "PJSIP/203"}, 1, lead(3)));
  REQUIRE(desk.request_dial("203", 3) == AgentDesk::DialDecision::kDial);
  CHECK(desk.undialed_cards() == std::vector<std::string>{"201", "202"});
  CHECK(desk.undialed_cards(1) == std::vector<std::string>{"201"});
  CHECK(desk.undialed_cards(3).empty());
  auto all = desk.card_leads(false);
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<uint64_t>{1, 2, 3});
  // A card whose checks run still holds an unused lead; a placed one does not.
  auto unused = desk.card_leads(true);
  std::sort(unused.begin(), unused.end());
  CHECK(unused == std::vector<uint64_t>{1, 2, 3});
  REQUIRE(desk.dial_placed("203", 3, "c-3"));
  unused = desk.card_leads(true);
  std::sort(unused.begin(), unused.end());
  CHECK(unused == std::vector<uint64_t>{1, 2});
}

TEST_CASE("agent desk: the live call ends only by its own id") {
  AgentDesk desk;
  CHECK(desk.live_call("101") == nullptr);
  desk.call_started("101", "c-1");
  REQUIRE(desk.live_call("101") != nullptr);
  CHECK(*desk.live_call("101") == "c-1");
  desk.call_started("101", "c-2");  // a newer call replaces it
  desk.call_ended("101", "c-1");    // the old one's end leaves the new one
  REQUIRE(desk.live_call("101") != nullptr);
  CHECK(*desk.live_call("101") == "c-2");
  desk.call_ended("101", "c-2");
  CHECK(desk.live_call("101") == nullptr);
}

TEST_CASE("agent desk: prompts are kept oldest first, found, and removed after save") {
  AgentDesk desk;
  CHECK(desk.prompts("101").empty());
  CHECK(desk.add_prompt("101", prompt("c-2", 2000)));
  CHECK(desk.add_prompt("101", prompt("c-1", 1000)));        // older, arrives later
  CHECK_FALSE(desk.add_prompt("101", prompt("c-1", 1000)));  // no call twice
  REQUIRE(desk.prompts("101").size() == 2);
  CHECK(desk.prompts("101")[0].call_id == "c-1");
  CHECK(desk.pending_count("101") == 2);
  REQUIRE(desk.find_prompt("101", "c-2") != nullptr);
  CHECK(desk.find_prompt("101", "c-2")->number == "555c-2");
  CHECK(desk.find_prompt("101", "c-3") == nullptr);
  CHECK(desk.find_prompt("102", "c-1") == nullptr);  // another agent's call
  CHECK(desk.remove_prompt("101", "c-1"));
  CHECK_FALSE(desk.remove_prompt("101", "c-1"));
  CHECK(desk.remove_prompt("101", "c-2"));
  CHECK(desk.prompts("101").empty());
  CHECK(desk.pending_count("101") == 0);
  CHECK_FALSE(desk.remove_prompt("102", "c-9"));
}

TEST_CASE("agent desk: past the bound a prompt is counted, not listed, and none is dropped") {
  AgentDesk desk;
  for (size_t i = 0; i < AgentDesk::kMaxPromptsPerAgent; ++i) {
    CHECK(desk.add_prompt("101", prompt("c-" + std::to_string(1000 + i), int64_t(i))));
  }
  CHECK(desk.add_prompt("101", prompt("c-new", 99999)));
  CHECK(desk.prompts("101").size() == AgentDesk::kMaxPromptsPerAgent);
  CHECK(desk.pending_count("101") == AgentDesk::kMaxPromptsPerAgent + 1);
  CHECK(desk.prompts("101").front().call_id == "c-1000");
  CHECK(desk.prompts("101").back().call_id != "c-new");  // the newest waits in the store
  CHECK_FALSE(desk.needs_load("101"));                   // no room yet
  CHECK(desk.remove_prompt("101", "c-1000"));
  CHECK(desk.needs_load("101"));       // room again: load the rest from the store
  CHECK(desk.prompts("102").empty());  // per agent
  CHECK(desk.pending_count("102") == 0);
}

TEST_CASE("agent desk: loaded prompts merge with the listed ones, oldest first, no call twice") {
  AgentDesk desk;
  desk.open_panel("101");
  CHECK(desk.add_prompt("101", prompt("c-3", 3000)));  // not written yet when the store read
  CHECK(desk.merge_loaded("101", stored({prompt("c-1", 1000), prompt("c-2", 2000)}, 2)));
  REQUIRE(desk.prompts("101").size() == 3);
  CHECK(desk.prompts("101")[0].call_id == "c-1");
  CHECK(desk.prompts("101")[1].call_id == "c-2");
  CHECK(desk.prompts("101")[2].call_id == "c-3");
  CHECK(desk.pending_count("101") == 3);
  // The same rows again (a second tab's state.request): nothing changes.
  CHECK_FALSE(desk.merge_loaded(
      "101", stored({prompt("c-1", 1000), prompt("c-2", 2000), prompt("c-3", 3000)}, 3)));
  CHECK(desk.prompts("101").size() == 3);
}

TEST_CASE("agent desk: a load read before a save does not list the saved call again") {
  AgentDesk desk;
  desk.open_panel("101");
  CHECK(desk.add_prompt("101", prompt("c-1", 1000)));
  CHECK(desk.remove_prompt("101", "c-1"));
  desk.merge_loaded("101", stored({prompt("c-1", 1000)}, 1));
  CHECK(desk.prompts("101").empty());
  CHECK(desk.pending_count("101") == 0);
  CHECK_FALSE(desk.add_prompt("101", prompt("c-1", 1000)));
}

TEST_CASE("agent desk: a load beyond the bound lists the oldest and counts the rest") {
  AgentDesk desk;
  std::vector<DispositionPrompt> oldest;
  for (size_t i = 0; i < AgentDesk::kMaxPromptsPerAgent; ++i) {
    oldest.push_back(prompt("c-" + std::to_string(1000 + i), int64_t(i)));
  }
  CHECK(desk.add_prompt("101", prompt("c-late", 99999)));
  desk.merge_loaded("101", stored(std::move(oldest), 120));
  CHECK(desk.prompts("101").size() == AgentDesk::kMaxPromptsPerAgent);
  CHECK(desk.prompts("101").front().call_id == "c-1000");
  CHECK(desk.pending_count("101") == 120);
}

TEST_CASE("agent desk: status from the live call's phase, then card, prompts, idle") {
  AgentDesk desk;
  CHECK(desk.status("101", std::nullopt) == AgentStatus::kIdle);
  desk.add_prompt("101", prompt("c-0"));
  CHECK(desk.status("101", std::nullopt) == AgentStatus::kWrapup);
  REQUIRE(desk.reserve({"101", "PJSIP/101"}, 1, lead(1)));
  CHECK(desk.status("101", std::nullopt) == AgentStatus::kPreview);
  desk.call_started("101", "c-1");
  CHECK(desk.status("101", CallPhase::kCreated) == AgentStatus::kDialing);
  CHECK(desk.status("101", CallPhase::kOriginating) == AgentStatus::kDialing);
  CHECK(desk.status("101", CallPhase::kRinging) == AgentStatus::kRinging);
  CHECK(desk.status("101", CallPhase::kAnswered) == AgentStatus::kConnected);
  CHECK(desk.status("101", CallPhase::kAgentConnected) == AgentStatus::kConnected);
  // The call table no longer has the call: as if there were none.
  CHECK(desk.status("101", std::nullopt) == AgentStatus::kPreview);
  // A phase given for an agent with no live call is ignored.
  CHECK(desk.status("102", CallPhase::kRinging) == AgentStatus::kIdle);
}

TEST_CASE(
    "agent desk: status with a wrap-up pause or the own pause - after the call and the card") {
  AgentDesk desk;
  const DeskPauseState wrapup{true, false};
  const DeskPauseState paused{false, true};
  const DeskPauseState both{true, true};
  // A wrap-up with nothing to tag (a timeout, no dispositions offered) is still "wrapup".
  CHECK(desk.status("101", std::nullopt, wrapup) == AgentStatus::kWrapup);
  CHECK(desk.status("101", std::nullopt, paused) == AgentStatus::kPaused);
  CHECK(desk.status("101", std::nullopt, both) == AgentStatus::kWrapup);
  CHECK(to_string(AgentStatus::kPaused) == "paused");
  // Calls to tag outrank the own pause.
  desk.add_prompt("101", prompt("c-0"));
  CHECK(desk.status("101", std::nullopt, paused) == AgentStatus::kWrapup);
  // The live call outranks both: the pill says the call's step.
  desk.call_started("101", "c-1");
  CHECK(desk.status("101", CallPhase::kRinging, both) == AgentStatus::kRinging);
  CHECK(desk.status("101", CallPhase::kAgentConnected, wrapup) == AgentStatus::kConnected);
}

TEST_CASE("agent desk: callback seats - open panel, an interface, free, nothing to tag, not busy") {
  QueueView queues;
  AgentDesk desk;
  for (const char* agent : {"101", "102", "103", "104", "105", "106"}) {
    const std::string interface = std::string("PJSIP/") + agent;
    add_free_member(queues, "sales", interface.c_str());
    desk.note_interface(agent, interface, queues);
    desk.open_panel(agent);
  }
  desk.open_panel("107");                                   // a panel, no queue interface
  REQUIRE(desk.reserve({"102", "PJSIP/102"}, 1, lead(1)));  // a card
  desk.call_started("103", "c-1");                          // a live call
  desk.add_prompt("104", prompt("c-2"));                    // a call to tag
  const auto seats = desk.callback_seats({"105"});          // paused or in wrap-up
  REQUIRE(seats.size() == 2);
  CHECK(seats[0].agent == "101");
  CHECK(seats[0].interface == "PJSIP/101");
  CHECK(seats[1].agent == "106");
  desk.close_panel("106");
  CHECK(desk.callback_seats({}).size() == 2);  // 101 and 105
}
