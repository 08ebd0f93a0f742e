// The queue view against the real QueueAdd/QueueStatus/QueuePause transcripts.
#include "pd/core/queue_view.h"

#include <doctest/doctest.h>

#include <vector>

#include "test_events.h"

using namespace pd::core;
using pd::core::testing::add_free_member;
using pd::core::testing::load_raw;
using pd::core::testing::msg;
using pd::core::testing::to_event;

TEST_CASE("trace 01: two agents added and listed are both free") {
  QueueView view;
  view.begin_snapshot("qstatus-1");
  for (const auto& m : load_raw("01")) view.apply(to_event(m));
  CHECK(view.member_count("sales") == 2);
  CHECK(view.free_count("sales") == 2);
  const QueueMember* agent = view.find("sales", "Local/101@sim-agents/n");
  REQUIRE(agent != nullptr);
  CHECK(agent->name == "Agent 101");
  CHECK(agent->status == 1);
  CHECK(agent->free());
  CHECK(view.free_count("support") == 0);
}

TEST_CASE("trace 08: pause and unpause move the free count") {
  QueueView view;
  std::vector<int> free_after_each_change;
  for (const auto& m : load_raw("08")) {
    if (view.apply(to_event(m))) free_after_each_change.push_back(view.free_count("sales"));
  }
  // 101 paused (lunch), listed paused, unpaused, listed; 102 paused, unpaused.
  CHECK(free_after_each_change == std::vector<int>{0, 0, 1, 1, 1, 2});
  CHECK(view.find("sales", "Local/101@sim-agents/n")->paused_reason.empty());
  CHECK(view.member_count("sales") == 2);
}

TEST_CASE("trace 09: a member in a call is not free - and is again after it") {
  QueueView view;
  auto add = msg({{"Event", "QueueMemberAdded"},
                  {"Queue", "sales"},
                  {"MemberName", "Agent 101"},
                  {"Interface", "Local/101@sim-agents/n"},
                  {"Status", "1"},
                  {"Paused", "0"},
                  {"InCall", "0"}});
  view.apply(to_event(add));
  CHECK(view.free_count("sales") == 1);
  std::vector<int> free_after_each_change;
  for (const auto& m : load_raw("09")) {
    if (view.apply(to_event(m))) free_after_each_change.push_back(view.free_count("sales"));
  }
  // Ringing (Status 2, InCall 0) -> 0; QueueStatus lists 102 free and 101
  // Status 2 InCall 1 -> 1; the call ends, 101 is Status 1 again -> 2.
  CHECK(free_after_each_change == std::vector<int>{0, 1, 1, 2});
}

TEST_CASE("a paused lunch shows its reason - removal forgets the member") {
  QueueView view;
  auto paused = msg({{"Event", "QueueMemberPause"},
                     {"Queue", "sales"},
                     {"MemberName", "Agent 7"},
                     {"Interface", "PJSIP/7"},
                     {"Status", "1"},
                     {"Paused", "1"},
                     {"PausedReason", "lunch"},
                     {"InCall", "0"}});
  CHECK(view.apply(to_event(paused)));
  CHECK(view.find("sales", "PJSIP/7")->paused_reason == "lunch");
  CHECK(view.free_count("sales") == 0);
  auto removed = msg({{"Event", "QueueMemberRemoved"},
                      {"Queue", "sales"},
                      {"MemberName", "Agent 7"},
                      {"Interface", "PJSIP/7"}});
  CHECK(view.apply(to_event(removed)));
  CHECK(view.member_count("sales") == 0);
  CHECK_FALSE(view.apply(to_event(removed)));
}

TEST_CASE("the same agent in two queues is counted in each") {
  QueueView view;
  for (const char* queue : {"sales", "support"}) {
    add_free_member(view, queue, "PJSIP/7");
  }
  CHECK(view.free_count("sales") == 1);
  CHECK(view.free_count("support") == 1);
  auto busy = msg({{"Event", "QueueMemberStatus"},
                   {"Queue", "sales"},
                   {"Interface", "PJSIP/7"},
                   {"Status", "2"},
                   {"Paused", "0"},
                   {"InCall", "1"}});
  view.apply(to_event(busy));
  CHECK(view.free_count("sales") == 0);
  CHECK(view.free_count("support") == 1);
  CHECK(view.free_members("support").size() == 1);
}

TEST_CASE("a snapshot drops members it no longer lists - only in the queues it reports") {
  QueueView view;
  for (const char* iface : {"PJSIP/1", "PJSIP/2", "PJSIP/3"}) {
    add_free_member(view, "sales", iface);
  }
  add_free_member(view, "support", "PJSIP/9");
  CHECK(view.free_count("sales") == 3);

  view.begin_snapshot("resync-1");
  auto params = msg({{"Event", "QueueParams"}, {"Queue", "sales"}, {"ActionID", "resync-1"}});
  auto one = msg({{"Event", "QueueMember"},
                  {"Queue", "sales"},
                  {"Name", "One"},
                  {"Location", "PJSIP/1"},
                  {"Status", "1"},
                  {"Paused", "0"},
                  {"InCall", "0"},
                  {"ActionID", "resync-1"}});
  auto three = msg({{"Event", "QueueMember"},
                    {"Queue", "sales"},
                    {"Name", "Three"},
                    {"Location", "PJSIP/3"},
                    {"Status", "1"},
                    {"Paused", "1"},
                    {"InCall", "0"},
                    {"ActionID", "resync-1"}});
  auto other_reply = msg({{"Event", "QueueStatusComplete"}, {"ActionID", "someone-else"}});
  auto done = msg({{"Event", "QueueStatusComplete"}, {"ActionID", "resync-1"}});
  view.apply(to_event(params));
  view.apply(to_event(one));
  view.apply(to_event(three));
  view.apply(to_event(other_reply));
  CHECK(view.member_count("sales") == 3);  // not finished yet
  CHECK(view.apply(to_event(done)));
  CHECK(view.member_count("sales") == 2);
  CHECK(view.find("sales", "PJSIP/2") == nullptr);
  CHECK(view.free_count("sales") == 1);  // PJSIP/3 is now paused
  CHECK(view.find("sales", "PJSIP/1")->name == "One");
  CHECK(view.member_count("support") == 1);  // not in that reply: untouched
}

TEST_CASE("non-queue events and incomplete queue events change nothing") {
  QueueView view;
  auto hangup = msg({{"Event", "Hangup"}, {"Uniqueid", "x"}});
  CHECK_FALSE(view.apply(to_event(hangup)));
  auto no_interface = msg({{"Event", "QueueMemberStatus"}, {"Queue", "sales"}, {"Status", "1"}});
  CHECK_FALSE(view.apply(to_event(no_interface)));
  CHECK(view.queue_names().empty());
  view.clear();
  CHECK(view.free_count("sales") == 0);
}
