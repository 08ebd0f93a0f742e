// Pacing per mode and the calls-per-second token bucket, with a fake clock.
#include "pd/core/pacer.h"

#include <doctest/doctest.h>

#include <set>

#include "test_events.h"

using namespace pd::core;
using pd::core::testing::add_free_member;
using pd::core::testing::msg;
using pd::core::testing::to_event;

TEST_CASE("automatic: up to concurrent calls") {
  PacingInput in;
  in.mode = DialMode::kAutomatic;
  in.concurrent_calls = 10;
  in.live_calls = 3;
  CHECK(calls_wanted(in) == 7);
  in.live_calls = 12;  // the limit was lowered while calls were up
  CHECK(calls_wanted(in) == 0);
  in.live_calls = 0;
  in.may_dial = false;
  CHECK(calls_wanted(in) == 0);
}

TEST_CASE("progressive: free agents minus calls still waiting for one") {
  PacingInput in;
  in.mode = DialMode::kProgressive;
  in.free_agents = 5;
  in.awaiting_agent = 2;
  in.live_calls = 9;  // connected calls already made their agents busy: not counted again
  CHECK(calls_wanted(in) == 3);
  in.awaiting_agent = 6;
  CHECK(calls_wanted(in) == 0);
}

TEST_CASE("preview: free agents without a reservation") {
  QueueView view;
  for (const char* iface : {"PJSIP/3", "PJSIP/1", "PJSIP/2"}) {
    add_free_member(view, "sales", iface);
  }
  auto paused = msg({{"Event", "QueueMemberPause"},
                     {"Queue", "sales"},
                     {"Interface", "PJSIP/2"},
                     {"Status", "1"},
                     {"Paused", "1"},
                     {"InCall", "0"}});
  view.apply(to_event(paused));
  const std::set<std::string, std::less<>> reserved = {"PJSIP/1"};
  const auto candidates = preview_candidates(
      view, "sales", [&](std::string_view iface) { return reserved.contains(iface); });
  CHECK(candidates == std::vector<std::string>{"PJSIP/3"});

  PacingInput in;
  in.mode = DialMode::kPreview;
  in.free_agents = view.free_count("sales");
  in.reserved_agents = 1;
  CHECK(calls_wanted(in) == 1);
}

TEST_CASE("token bucket: rate - burst - refill from the clock value") {
  RateLimiter limiter(2.0, 2.0, 0);  // 2 calls/s, bucket of 2
  CHECK(limiter.available(0) == 2);
  CHECK(limiter.take(5, 0) == 2);
  CHECK(limiter.take(1, 0) == 0);
  CHECK(limiter.wait_ms(0) == 500);
  CHECK(limiter.take(1, 499) == 0);
  CHECK(limiter.take(1, 500) == 1);
  CHECK(limiter.available(10'000) == 2);  // never more than the bucket
  limiter.take(2, 10'000);
  limiter.refund(1, 10'000);
  CHECK(limiter.available(10'000) == 1);
  CHECK(limiter.available(5'000) == 1);  // a clock going back adds nothing
}

TEST_CASE("a fractional rate and an unlimited one") {
  RateLimiter slow(0.5, 1.0, 0);  // one call every two seconds
  CHECK(slow.take(3, 0) == 1);
  CHECK(slow.take(1, 1'999) == 0);
  CHECK(slow.take(1, 2'000) == 1);
  RateLimiter unlimited(0, 0, 0);
  CHECK(unlimited.take(1000, 0) == 1000);
  CHECK(unlimited.wait_ms(0) == 0);
}

TEST_CASE("the pacer grants min(wanted - tokens) and takes back the unused") {
  Pacer pacer(10, 0);  // 10 calls/s, bucket of 10
  PacingInput in;
  in.mode = DialMode::kAutomatic;
  in.concurrent_calls = 50;
  CHECK(pacer.grant(in, 0) == 10);
  CHECK(pacer.grant(in, 0) == 0);
  CHECK(pacer.grant(in, 100) == 1);
  pacer.give_back(1, 100);
  in.live_calls = 49;
  CHECK(pacer.grant(in, 100) == 1);
}

TEST_CASE("queued calls (waiting in the host) still count against the ceiling") {
  PacingInput in;
  in.mode = DialMode::kAutomatic;
  in.concurrent_calls = 10;
  in.live_calls = 3;
  in.queued_calls = 4;
  CHECK(calls_wanted(in) == 3);
  in.queued_calls = 7;
  CHECK(calls_wanted(in) == 0);  // never over-dials when they go onto the wire
  in.mode = DialMode::kProgressive;
  in.free_agents = 5;
  in.awaiting_agent = 5;  // live or queued, not connected
  CHECK(calls_wanted(in) == 0);
}

TEST_CASE("host room: a second of the host's cap at most waits in its queue") {
  HostQueue host;
  CHECK(host_room(host, 0) > 1000000);  // an older host: no limit known
  host.known = true;
  host.rate_per_s = 0;
  CHECK(host_room(host, 0) > 1000000);  // no cap
  host.rate_per_s = 50;
  CHECK(host_room(host, 0) == 50);
  host.queued = 30;
  CHECK(host_room(host, 5) == 15);
  host.queued = 60;  // others' actions may push it past
  CHECK(host_room(host, 0) == 0);
  host.rate_per_s = 0.5;  // a tiny cap still lets a couple through
  host.queued = 0;
  CHECK(host_room(host, 0) == kMinHostBacklog);
  host.rate_per_s = 2500.5;
  CHECK(host_room(host, 0) == 2501);
}

TEST_CASE("host rate shortfall: said when the cap carries fewer calls than the setting") {
  CHECK(host_calls_per_second(2500) == doctest::Approx(1250));
  CHECK(host_calls_per_second(0) == 0);
  CHECK(host_rate_shortfall(1000, 2500).empty());  // the default carries the maximum
  CHECK(host_rate_shortfall(50, 100).empty());
  CHECK(host_rate_shortfall(200, 0).empty());  // no cap
  CHECK(host_rate_shortfall(200, 100) ==
        "calls_per_second 200 needs about 400 AMI actions a second; panelhost's ami.rate is 100, "
        "so calls start at about 50 a second and the rest wait queued in panelhost");
  CHECK(
      host_rate_shortfall(0, 50).starts_with("calls_per_second is unlimited (0); panelhost's "
                                             "ami.rate is 50, so calls start at about 25"));
}
