// Routing events to calls, and the per-campaign counts the pacer reads.
#include "pd/core/call_table.h"

#include <doctest/doctest.h>

#include "test_events.h"

using namespace pd::core;
using pd::core::testing::msg;
using pd::core::testing::to_event;

namespace {

CallInfo info(int64_t campaign, int64_t number) {
  CallInfo i;
  i.campaign_id = campaign;
  i.number_id = number;
  return i;
}

}  // namespace

TEST_CASE("add: ids are checked and unique") {
  CallTable table;
  REQUIRE(table.add("c1", "orig-1", info(1, 10), {}, 0).has_value());
  auto dup = table.add("c1", "orig-2", info(1, 11), {}, 0);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().code == pd::ErrorCode::kConflict);
  auto dup_action = table.add("c2", "orig-1", info(1, 11), {}, 0);
  REQUIRE_FALSE(dup_action.has_value());
  CHECK(dup_action.error().code == pd::ErrorCode::kConflict);
  CHECK_FALSE(table.add("bad;2", "", info(1, 12), {}, 0).has_value());
  CHECK_FALSE(table.add("", "", info(1, 12), {}, 0).has_value());
  CHECK(table.size() == 1);
  CHECK(table.info("c1")->number_id == 10);
}

TEST_CASE("route: ActionID - Linkedid - Uniqueid and its  second half half - Dest* fields") {
  CallTable table;
  CallState* c1 = *table.add("c1", "orig-1", info(1, 10), {}, 0);
  CallState* c2 = *table.add("c2", "orig-2", info(1, 11), {}, 0);

  auto refused = msg({{"Response", "Error"}, {"ActionID", "orig-2"}, {"Message", "No"}});
  CHECK(table.route(to_event(refused)) == c2);
  auto not_ours = msg({{"Response", "Success"}, {"ActionID", "ping-1"}});
  CHECK(table.route(to_event(not_ours)) == nullptr);
  auto response_by_uid = msg({{"Event", "OriginateResponse"},
                              {"ActionID", "lost"},
                              {"Uniqueid", "c1"},
                              {"Response", "Success"},
                              {"Reason", "4"}});
  CHECK(table.route(to_event(response_by_uid)) == c1);
  auto agent_leg = msg({{"Event", "Hangup"}, {"Uniqueid", "1795347169.6"}, {"Linkedid", "c2"}});
  CHECK(table.route(to_event(agent_leg)) == c2);
  auto half = msg({{"Event", "Hangup"}, {"Uniqueid", "c1;2"}});
  CHECK(table.route(to_event(half)) == c1);
  auto own_dial = msg({{"Event", "DialEnd"}, {"DestUniqueid", "c2"}, {"DialStatus", "BUSY"}});
  CHECK(table.route(to_event(own_dial)) == c2);
  auto stranger = msg({{"Event", "Hangup"}, {"Uniqueid", "zz;2"}, {"Linkedid", "zz"}});
  CHECK(table.route(to_event(stranger)) == nullptr);
  auto noise = msg({{"Event", "VarSet"}, {"Uniqueid", "c1"}, {"Linkedid", "c1"}});
  CHECK(table.route(to_event(noise)) == nullptr);
  auto queue_event = msg({{"Event", "QueueMemberStatus"}, {"Queue", "sales"}});
  CHECK(table.apply(to_event(queue_event), 0).call == nullptr);
}

TEST_CASE("counts: live and awaiting an agent - per campaign") {
  CallTable table;
  table.add("a1", "", info(1, 1), {}, 0);
  table.add("a2", "", info(1, 2), {}, 0);
  table.add("b1", "", info(2, 3), {}, 0);
  CHECK(table.live_calls(1) == 2);
  CHECK(table.awaiting_agent(1) == 2);
  CHECK(table.live_calls(2) == 1);
  CHECK(table.live_calls(3) == 0);

  for (const char* uid : {"a1", "a1;2"}) {
    auto m = msg({{"Event", "Newchannel"}, {"Uniqueid", uid}, {"Linkedid", "a1"}});
    table.apply(to_event(m), 10);
  }
  auto answered = msg({{"Event", "OriginateResponse"},
                       {"Uniqueid", "a1"},
                       {"Response", "Success"},
                       {"Reason", "4"}});
  CHECK(table.apply(to_event(answered), 20).changes == kAnswered);
  auto connect = msg({{"Event", "AgentConnect"},
                      {"Uniqueid", "a1"},
                      {"Linkedid", "a1"},
                      {"MemberName", "Ann"},
                      {"Interface", "PJSIP/1"}});
  CHECK(table.apply(to_event(connect), 30).changes == kAgentConnected);
  CHECK(table.live_calls(1) == 2);
  CHECK(table.awaiting_agent(1) == 1);

  for (const char* uid : {"a1;2", "a1"}) {
    auto m = msg({{"Event", "Hangup"}, {"Uniqueid", uid}, {"Linkedid", "a1"}, {"Cause", "16"}});
    auto applied = table.apply(to_event(m), 40);
    if (std::string_view(uid) == "a1") {
      CHECK(applied.changes == kEnded);
      CHECK(applied.call->result().disposition == "Agent");
    }
  }
  CHECK(table.live_calls(1) == 1);
  CHECK(table.awaiting_agent(1) == 1);
  CHECK(table.remove("a1"));
  CHECK_FALSE(table.remove("a1"));
  CHECK(table.live_calls(1) == 1);

  // Removing a call that never ended uncounts it too.
  CHECK(table.remove("a2"));
  CHECK(table.live_calls(1) == 0);
  CHECK(table.awaiting_agent(1) == 0);
  // Its ActionID-less entry is gone; events for it are now strangers.
  auto late = msg({{"Event", "Hangup"}, {"Uniqueid", "a2"}});
  CHECK(table.apply(to_event(late), 50).call == nullptr);
}

TEST_CASE("expire ends calls past their Originate deadline") {
  CallTable table;
  CallSettings settings;
  settings.originate_deadline_ms = 1000;
  table.add("x1", "ox1", info(1, 1), settings, 0);
  table.add("x2", "ox2", info(1, 2), {}, 0);  // no deadline
  CHECK(table.expire(999).empty());
  CHECK(table.expire(1000) == std::vector<std::string>{"x1"});
  CHECK(table.find("x1")->result().lost);
  CHECK(table.live_calls(1) == 1);
  CHECK(table.expire(5000).empty());  // already ended
}

TEST_CASE("reconcile after a reconnect: vanished calls end - live ones continue") {
  CallTable table;
  table.add("alive", "o1", info(1, 1), {}, 0);
  table.add("gone", "o2", info(1, 2), {}, 0);
  for (const char* id : {"alive", "gone"}) {
    auto m = msg({{"Event", "Newchannel"}, {"Uniqueid", id}, {"Linkedid", id}});
    table.apply(to_event(m), 10);
  }
  table.begin_reconcile();
  auto listed = msg({{"Event", "CoreShowChannel"},
                     {"ActionID", "csc-1"},
                     {"Uniqueid", "alive"},
                     {"Linkedid", "alive"},
                     {"ChannelStateDesc", "Up"}});
  table.apply(to_event(listed), 100);
  // Gone calls are listed, not ended: their milestones decide.
  CHECK(table.finish_reconcile(200) == std::vector<std::string>{"gone"});
  CHECK_FALSE(table.find("gone")->ended());
  CHECK(table.find("alive")->phase() == CallPhase::kAnswered);
  CHECK(table.live_calls(1) == 2);

  Milestones recorded;
  recorded.answered_ms = 50;
  recorded.ended_ms = 150;
  recorded.cause = 16;
  CHECK((table.recover("gone", &recorded, true, 190) & kEnded));
  const CallResult& result = table.find("gone")->result();
  CHECK(result.recovered);
  CHECK_FALSE(result.lost);
  CHECK(result.answered_ms == 50);
  CHECK(result.ended_ms == 150);
  CHECK(result.disposition == "Ok");
  CHECK(table.live_calls(1) == 1);
  CHECK(table.recover("nobody", &recorded, true, 190) == kNoChange);
}

TEST_CASE("custom UserEvent names") {
  CallEventNames names;
  names.amd = "AMDResult";
  CallTable table(names);
  table.add("m1", "", info(1, 1), {}, 0);
  auto ch = msg({{"Event", "Newchannel"}, {"Uniqueid", "m1"}, {"Linkedid", "m1"}});
  table.apply(to_event(ch), 1);
  auto ok = msg({{"Event", "OriginateResponse"},
                 {"Uniqueid", "m1"},
                 {"Response", "Success"},
                 {"Reason", "4"}});
  table.apply(to_event(ok), 2);
  auto amd = msg({{"Event", "UserEvent"},
                  {"Uniqueid", "m1"},
                  {"Linkedid", "m1"},
                  {"UserEvent", "AMDResult"},
                  {"Status", "MACHINE"}});
  table.apply(to_event(amd), 3);
  auto bye = msg({{"Event", "Hangup"}, {"Uniqueid", "m1"}, {"Linkedid", "m1"}, {"Cause", "16"}});
  auto applied = table.apply(to_event(bye), 4);
  REQUIRE(applied.changes == kEnded);
  CHECK(applied.call->result().dial_status == DialStatus::kMachine);
}

TEST_CASE("queued calls: counted apart until written, then live from the write time") {
  CallTable table;
  CallSettings settings;
  settings.originate_deadline_ms = 1000 + 60000;
  settings.originate_timeout_ms = 60000;
  REQUIRE(table.add("q1", "a1", info(1, 10), settings, 1000, /*queued=*/true).has_value());
  REQUIRE(table.add("q2", "a2", info(1, 11), settings, 1000, true).has_value());
  REQUIRE(table.add("l1", "a3", info(1, 12), {}, 1000).has_value());
  CHECK(table.queued_calls(1) == 2);
  CHECK(table.live_calls(1) == 1);
  CHECK(table.awaiting_agent(1) == 3);
  CHECK(table.queued_total() == 2);
  CHECK(table.queued_ids().size() == 2);
  // Still queued long past its hand-off deadline: it never expires there.
  CHECK(table.expire(1000 + 120000).empty());

  CallState* q1 = table.written("a1", 5000);
  REQUIRE(q1 != nullptr);
  CHECK(q1->sent_ms() == 5000);
  CHECK(q1->phase() == CallPhase::kOriginating);
  CHECK(table.written("a1", 6000) == nullptr);  // once
  CHECK(table.written("a3", 6000) == nullptr);  // not a queued call
  CHECK(table.written("nope", 6000) == nullptr);
  CHECK(table.queued_calls(1) == 1);
  CHECK(table.live_calls(1) == 2);
  // Its deadline runs from the write: 5000 + 60000.
  CHECK(table.expire(64999).empty());
  const auto expired = table.expire(65000);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0] == "q1");
  table.remove("q1");
  CHECK(table.live_calls(1) == 1);

  // An event for a queued call (the host did not report the write) starts it then.
  auto applied = table.apply(to_event(msg({{"Event", "Newchannel"},
                                           {"Uniqueid", "q2"},
                                           {"Linkedid", "q2"},
                                           {"ChannelStateDesc", "Down"}})),
                             7000);
  REQUIRE(applied.call != nullptr);
  CHECK(applied.call->sent_ms() == 7000);
  CHECK(table.queued_calls(1) == 0);
  CHECK(table.live_calls(1) == 2);
  CHECK(table.queued_total() == 0);
  // Removing counts down whichever it was in.
  REQUIRE(table.add("q3", "a4", info(2, 13), {}, 8000, true).has_value());
  CHECK(table.queued_calls(2) == 1);
  table.remove("q3");
  CHECK(table.queued_calls(2) == 0);
  CHECK(table.queued_total() == 0);
}
