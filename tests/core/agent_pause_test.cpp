// Wrap-up and the agent's own pauses (pd/core/agent_pause.h): when a wrap-up
// starts, ends on save or on its timeout, never unpauses a pause that is not
// its own, and what is adopted after a restart. Driven by a ManualClock.
#include <doctest/doctest.h>

#include "pd/core/agent_pause.h"
#include "test_events.h"

using namespace pd::core;
using pd::core::testing::add_free_member;
using pd::core::testing::msg;

namespace {

const std::string kAgent = "101";
const std::string kIface = "Local/101@sim-agents/n";
const std::vector<std::string> kIfaces = {kIface};

// What Asterisk answers a QueuePause with (trace 08): the member's new state.
void member_paused(QueueView& view, const char* queue, const std::string& interface, bool paused,
                   const std::string& reason) {
  const auto event = msg({{"Event", "QueueMemberPause"},
                          {"Queue", queue},
                          {"Interface", interface.c_str()},
                          {"Status", "1"},
                          {"Paused", paused ? "1" : "0"},
                          {"PausedReason", reason.c_str()},
                          {"InCall", "0"}});
  view.apply(pd::core::testing::to_event(event));
}

// Applies the actions as Asterisk would.
void carry_out(QueueView& view, const std::vector<PauseAction>& actions) {
  for (const auto& a : actions) {
    for (const auto& queue : view.queue_names()) {
      if (!a.queue.empty() && a.queue != queue) continue;
      if (view.find(queue, a.interface) == nullptr) continue;
      member_paused(view, queue.c_str(), a.interface, a.paused, a.paused ? a.reason : "");
    }
  }
}

PauseAction pause_in(const std::string& queue, const std::string& reason = "wrap-up") {
  return {kIface, queue, true, reason};
}
PauseAction unpause_in(const std::string& queue) {
  return {kIface, queue, false, ""};
}

}  // namespace

TEST_CASE("wrap-up: a call taken pauses the agent in the campaign's queue with reason wrap-up") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  add_free_member(queues, "support", kIface.c_str());
  ManualClock clock(1'000'000);
  PauseDesk desk;
  auto effects =
      desk.call_ended(kAgent, "c1", 7, "sales", 0, true, kIfaces, queues, clock.now_ms());
  CHECK(effects.actions == std::vector<PauseAction>{pause_in("sales")});
  REQUIRE(effects.started_wrapup);
  CHECK(effects.started_wrapup->started_ms == 1'000'000);
  REQUIRE(desk.wrapup(kAgent) != nullptr);
  CHECK(desk.wrapup(kAgent)->call_id == "c1");
  CHECK(desk.wrapup(kAgent)->ends_ms == 0);
  CHECK(desk.busy(kAgent));
  CHECK(desk.next_timeout() == 0);
  // Until saved: time passes, nothing expires.
  clock.advance(3'600'000);
  CHECK(desk.expired(clock.now_ms()).empty());
}

TEST_CASE("wrap-up: the agent counts as busy from the call's end, before the pause is seen") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  CHECK_FALSE(desk.busy(kAgent));
  desk.call_ended(kAgent, "c1", 7, "sales", 30, true, kIfaces, queues, 5000);
  // The queue view still shows the member free (the QueuePause is on its way).
  CHECK(queues.find("sales", kIface)->free());
  CHECK(desk.busy(kAgent));
}

TEST_CASE("wrap-up: saving the call's disposition ends it and unpauses the wrap-up pause") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  ManualClock clock(10'000);
  PauseDesk desk;
  carry_out(
      queues,
      desk.call_ended(kAgent, "c1", 7, "sales", 0, true, kIfaces, queues, clock.now_ms()).actions);
  CHECK(queues.find("sales", kIface)->paused_reason == "wrap-up");
  clock.advance(12'000);
  // Another call's save changes nothing.
  CHECK(desk.disposition_saved(kAgent, "c0", kIfaces, queues, clock.now_ms()).actions.empty());
  CHECK(desk.wrapup(kAgent) != nullptr);
  auto effects = desk.disposition_saved(kAgent, "c1", kIfaces, queues, clock.now_ms());
  CHECK(effects.actions == std::vector<PauseAction>{unpause_in("sales")});
  REQUIRE(effects.ended_wrapup);
  CHECK(effects.how == WrapupEnd::kSaved);
  CHECK(effects.ended_wrapup->started_ms == 10'000);
  CHECK(effects.ended_ms == 22'000);
  CHECK(desk.wrapup(kAgent) == nullptr);
  CHECK_FALSE(desk.busy(kAgent));
}

TEST_CASE("wrap-up: the timeout ends it, at its time and not before") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  ManualClock clock(0);
  PauseDesk desk;
  carry_out(
      queues,
      desk.call_ended(kAgent, "c1", 7, "sales", 20, true, kIfaces, queues, clock.now_ms()).actions);
  CHECK(desk.next_timeout() == 20'000);
  clock.advance(19'999);
  CHECK(desk.expired(clock.now_ms()).empty());
  CHECK(desk.timeout(kAgent, kIfaces, queues, clock.now_ms()).actions.empty());
  clock.advance(1);
  CHECK(desk.expired(clock.now_ms()) == std::vector<std::string>{kAgent});
  auto effects = desk.timeout(kAgent, kIfaces, queues, clock.now_ms());
  CHECK(effects.actions == std::vector<PauseAction>{unpause_in("sales")});
  CHECK(effects.how == WrapupEnd::kTimeout);
  CHECK(desk.wrapup(kAgent) == nullptr);
  // The save that comes later finds no wrap-up: nothing to do.
  CHECK(desk.disposition_saved(kAgent, "c1", kIfaces, queues, clock.now_ms()).actions.empty());
}

TEST_CASE("wrap-up: no disposition to save and no timeout means no wrap-up") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  CHECK(desk.call_ended(kAgent, "c1", 7, "sales", 0, false, kIfaces, queues, 0).actions.empty());
  CHECK(desk.wrapup(kAgent) == nullptr);
  // With a timeout, a wrap-up of that length.
  CHECK(desk.call_ended(kAgent, "c2", 7, "sales", 5, false, kIfaces, queues, 0).actions.size() ==
        1);
  CHECK(desk.wrapup(kAgent)->ends_ms == 5000);
  // No queue: nothing to pause in.
  PauseDesk other;
  CHECK(other.call_ended(kAgent, "c3", 7, "", 5, true, kIfaces, queues, 0).actions.empty());
  CHECK(other.wrapup(kAgent) == nullptr);
}

TEST_CASE("wrap-up: an agent who paused themselves meanwhile stays paused at the end") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  ManualClock clock(0);
  PauseDesk desk;
  carry_out(
      queues,
      desk.call_ended(kAgent, "c1", 7, "sales", 30, true, kIfaces, queues, clock.now_ms()).actions);
  clock.advance(5000);
  auto paused = desk.pause(kAgent, "Lunch", kIfaces, clock.now_ms());
  CHECK(paused.actions == std::vector<PauseAction>{{kIface, "", true, "Lunch"}});
  carry_out(queues, paused.actions);
  CHECK(queues.find("sales", kIface)->paused_reason == "Lunch");
  // The save ends the wrap-up, not the pause.
  auto saved = desk.disposition_saved(kAgent, "c1", kIfaces, queues, clock.now_ms());
  CHECK(saved.ended_wrapup);
  CHECK(saved.actions.empty());
  CHECK(desk.pause_of(kAgent)->reason == "Lunch");
  CHECK(desk.busy(kAgent));
}

TEST_CASE("wrap-up: a member paused by someone else with another reason stays paused") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  carry_out(queues,
            desk.call_ended(kAgent, "c1", 7, "sales", 30, true, kIfaces, queues, 0).actions);
  // A supervisor (or the phone) pauses the member with their own reason.
  member_paused(queues, "sales", kIface, true, "supervisor");
  auto effects = desk.timeout(kAgent, kIfaces, queues, 30'000);
  CHECK(effects.ended_wrapup);
  CHECK(effects.actions.empty());
}

TEST_CASE("wrap-up: a call ending while the agent is on their own pause keeps their reason") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  carry_out(queues, desk.pause(kAgent, "Break", kIfaces, 0).actions);
  auto effects = desk.call_ended(kAgent, "c1", 7, "sales", 0, true, kIfaces, queues, 1000);
  CHECK(effects.actions.empty());
  CHECK(desk.wrapup(kAgent) != nullptr);
}

TEST_CASE("agent pause: pause and unpause in every queue, with the reason") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  add_free_member(queues, "support", kIface.c_str());
  ManualClock clock(100);
  PauseDesk desk;
  auto paused = desk.pause(kAgent, "Meeting", kIfaces, clock.now_ms());
  CHECK(paused.actions == std::vector<PauseAction>{{kIface, "", true, "Meeting"}});
  REQUIRE(paused.started_pause);
  CHECK(paused.started_pause->reason == "Meeting");
  CHECK(desk.pause_of(kAgent)->since_ms == 100);
  // The same reason again (a double click): nothing.
  CHECK(desk.pause(kAgent, "Meeting", kIfaces, 200).actions.empty());
  // Another reason: the first period ends, the new one starts.
  auto changed = desk.pause(kAgent, "Lunch", kIfaces, 300);
  REQUIRE(changed.ended_pause);
  CHECK(changed.ended_pause->reason == "Meeting");
  CHECK(changed.ended_ms == 300);
  carry_out(queues, changed.actions);
  clock.set(900);
  auto unpaused = desk.unpause(kAgent, kIfaces, queues, clock.now_ms());
  CHECK(unpaused.actions == std::vector<PauseAction>{{kIface, "", false, ""}});
  REQUIRE(unpaused.ended_pause);
  CHECK(unpaused.ended_pause->reason == "Lunch");
  CHECK(unpaused.ended_pause->since_ms == 300);
  CHECK_FALSE(desk.busy(kAgent));
}

TEST_CASE("agent pause: unpausing during a wrap-up puts the wrap-up pause back in its queue") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  add_free_member(queues, "support", kIface.c_str());
  PauseDesk desk;
  carry_out(queues, desk.call_ended(kAgent, "c1", 7, "sales", 0, true, kIfaces, queues, 0).actions);
  carry_out(queues, desk.pause(kAgent, "Break", kIfaces, 10).actions);
  auto unpaused = desk.unpause(kAgent, kIfaces, queues, 20);
  CHECK(unpaused.actions == std::vector<PauseAction>{pause_in("sales"), unpause_in("support")});
  carry_out(queues, unpaused.actions);
  CHECK(queues.find("sales", kIface)->paused_reason == "wrap-up");
  CHECK_FALSE(queues.find("support", kIface)->paused);
  // Still in wrap-up until the save, which then unpauses.
  CHECK(desk.busy(kAgent));
  CHECK(desk.disposition_saved(kAgent, "c1", kIfaces, queues, 30).actions ==
        std::vector<PauseAction>{unpause_in("sales")});
}

TEST_CASE("wrap-up after a restart: adopted with a call to tag, lifted without") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  member_paused(queues, "sales", kIface, true, "wrap-up");
  CHECK(PauseDesk::paused_for_wrapup(kIfaces, queues));
  {
    PauseDesk desk;
    auto effects = desk.resume(kAgent, "c9", 7, 60, kIfaces, queues, 50'000);
    CHECK(effects.actions.empty());
    REQUIRE(desk.wrapup(kAgent) != nullptr);
    CHECK(desk.wrapup(kAgent)->adopted);
    CHECK(desk.wrapup(kAgent)->call_id == "c9");
    CHECK(desk.wrapup(kAgent)->queue == "sales");
    CHECK(desk.wrapup(kAgent)->ends_ms == 110'000);
    // Its save unpauses.
    CHECK(desk.disposition_saved(kAgent, "c9", kIfaces, queues, 60'000).actions ==
          std::vector<PauseAction>{unpause_in("sales")});
  }
  {
    PauseDesk desk;
    auto effects = desk.resume(kAgent, "", 0, 0, kIfaces, queues, 50'000);
    CHECK(effects.actions == std::vector<PauseAction>{unpause_in("sales")});
    CHECK(desk.wrapup(kAgent) == nullptr);
  }
  {
    // Paused with another reason: not a wrap-up, left alone.
    QueueView other;
    add_free_member(other, "sales", kIface.c_str());
    member_paused(other, "sales", kIface, true, "Lunch");
    PauseDesk desk;
    CHECK(desk.resume(kAgent, "", 0, 0, kIfaces, other, 0).actions.empty());
    CHECK(desk.resume(kAgent, "c9", 7, 0, kIfaces, other, 0).actions.empty());
    CHECK(desk.wrapup(kAgent) == nullptr);
  }
}

TEST_CASE("wrap-up: a newer call's wrap-up replaces the older one") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  desk.call_ended(kAgent, "c1", 7, "sales", 0, true, kIfaces, queues, 0);
  auto effects = desk.call_ended(kAgent, "c2", 7, "sales", 0, true, kIfaces, queues, 1000);
  REQUIRE(effects.ended_wrapup);
  CHECK(effects.ended_wrapup->call_id == "c1");
  CHECK(effects.how == WrapupEnd::kReplaced);
  CHECK(desk.wrapup(kAgent)->call_id == "c2");
  // c1's save no longer ends anything.
  CHECK_FALSE(desk.disposition_saved(kAgent, "c1", kIfaces, queues, 2000).ended_wrapup);
}

TEST_CASE("pause reasons: the setting's list") {
  auto ok = parse_pause_reasons("Break, Lunch, Meeting, Training");
  REQUIRE(ok);
  CHECK(*ok == std::vector<std::string>{"Break", "Lunch", "Meeting", "Training"});
  CHECK_FALSE(parse_pause_reasons(""));
  CHECK_FALSE(parse_pause_reasons("Break,,Lunch"));
  CHECK_FALSE(parse_pause_reasons("Break, wrap-up"));
  CHECK_FALSE(parse_pause_reasons("Break, break"));
  CHECK_FALSE(parse_pause_reasons("Break\r\nAction: Hangup"));
  CHECK(is_wrapup_seconds("0"));
  CHECK(is_wrapup_seconds("3600"));
  CHECK_FALSE(is_wrapup_seconds("3601"));
  CHECK_FALSE(is_wrapup_seconds("-1"));
}

TEST_CASE("agent pause: lifted elsewhere once seen, never before the pause is seen") {
  QueueView queues;
  add_free_member(queues, "sales", kIface.c_str());
  PauseDesk desk;
  desk.pause(kAgent, "Break", kIfaces, 0);
  // The QueuePause is on its way: the view still shows the member unpaused.
  CHECK_FALSE(desk.members_changed(kAgent, kIfaces, queues, 10).ended_pause);
  CHECK(desk.busy(kAgent));
  member_paused(queues, "sales", kIface, true, "Break");
  CHECK_FALSE(desk.members_changed(kAgent, kIfaces, queues, 20).ended_pause);
  // Unpaused from the phone: the pause is over, the agent may get calls.
  member_paused(queues, "sales", kIface, false, "");
  auto effects = desk.members_changed(kAgent, kIfaces, queues, 30);
  REQUIRE(effects.ended_pause);
  CHECK(effects.how == WrapupEnd::kStale);
  CHECK(effects.actions.empty());
  CHECK_FALSE(desk.busy(kAgent));
}
