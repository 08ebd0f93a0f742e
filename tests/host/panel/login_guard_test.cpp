// LoginGuard: failed logins counted per client address in a window that
// starts at the first failure. Every time is passed in: no real clock.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "login_guard.h"

using namespace std::chrono_literals;
using pd::panel::LoginGuard;

namespace {

const LoginGuard::Clock::time_point t0{std::chrono::hours(1000)};

void fail_times(LoginGuard& guard, const std::string& address, int times,
                LoginGuard::Clock::time_point now) {
  for (int i = 0; i < times; ++i) guard.record_failure(address, now);
}

}  // namespace

TEST_CASE("an address never seen may try") {
  LoginGuard guard(3, 60s);
  CHECK(guard.wait_time("10.0.0.1", t0) == 0s);
}

TEST_CASE("fewer failures than the limit never make an address wait") {
  LoginGuard guard(3, 60s);
  fail_times(guard, "10.0.0.1", 2, t0);
  CHECK(guard.wait_time("10.0.0.1", t0) == 0s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 59s) == 0s);
}

TEST_CASE("the limit of failures makes the address wait until the window ends") {
  LoginGuard guard(3, 60s);
  guard.record_failure("10.0.0.1", t0);
  guard.record_failure("10.0.0.1", t0 + 10s);
  guard.record_failure("10.0.0.1", t0 + 20s);
  // The window runs from the first failure: t0 .. t0 + 60 s.
  CHECK(guard.wait_time("10.0.0.1", t0 + 20s) == 40s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 59s) == 1s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 60s) == 0s);
}

TEST_CASE("a wait of part of a second is rounded up, never down to zero") {
  LoginGuard guard(1, 60s);
  guard.record_failure("10.0.0.1", t0);
  CHECK(guard.wait_time("10.0.0.1", t0 + 59s + 1ms) == 1s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 10s + 500ms) == 50s);
}

TEST_CASE("a limit of one locks out after the first failure") {
  LoginGuard guard(1, 300s);
  guard.record_failure("10.0.0.1", t0);
  CHECK(guard.wait_time("10.0.0.1", t0) == 300s);
}

TEST_CASE("addresses are counted apart") {
  LoginGuard guard(2, 60s);
  fail_times(guard, "10.0.0.1", 2, t0);
  guard.record_failure("10.0.0.2", t0);
  CHECK(guard.wait_time("10.0.0.1", t0) == 60s);
  CHECK(guard.wait_time("10.0.0.2", t0) == 0s);
  CHECK(guard.wait_time("10.0.0.3", t0) == 0s);
  // An address is an exact key: no prefix or case folding.
  CHECK(guard.wait_time("10.0.0.10", t0) == 0s);
  CHECK(guard.wait_time("10.0.0.", t0) == 0s);
}

TEST_CASE("a failure after the window has ended starts a new count") {
  LoginGuard guard(3, 60s);
  fail_times(guard, "10.0.0.1", 2, t0);
  // Without a wait_time() in between: record_failure itself sees the old window is over.
  guard.record_failure("10.0.0.1", t0 + 60s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 60s) == 0s);
  guard.record_failure("10.0.0.1", t0 + 61s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 61s) == 0s);
  guard.record_failure("10.0.0.1", t0 + 62s);
  // Third failure of the new window (t0 + 60 s .. t0 + 120 s).
  CHECK(guard.wait_time("10.0.0.1", t0 + 62s) == 58s);
}

TEST_CASE("the window is fixed from the first failure, not sliding") {
  LoginGuard guard(3, 60s);
  guard.record_failure("10.0.0.1", t0);
  guard.record_failure("10.0.0.1", t0 + 50s);
  // The first failure's window is over: this one opens a new window with a count of one.
  guard.record_failure("10.0.0.1", t0 + 61s);
  guard.record_failure("10.0.0.1", t0 + 62s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 62s) == 0s);
}

TEST_CASE("a lockout ends when the window ends and the next lockout needs the full count again") {
  LoginGuard guard(2, 60s);
  fail_times(guard, "10.0.0.1", 2, t0);
  REQUIRE(guard.wait_time("10.0.0.1", t0 + 1s) == 59s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 60s) == 0s);
  guard.record_failure("10.0.0.1", t0 + 61s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 61s) == 0s);
  guard.record_failure("10.0.0.1", t0 + 62s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 62s) == 59s);
}

TEST_CASE("a success forgets the address's failures") {
  LoginGuard guard(3, 60s);
  fail_times(guard, "10.0.0.1", 2, t0);
  guard.record_success("10.0.0.1");
  guard.record_failure("10.0.0.1", t0 + 1s);
  guard.record_failure("10.0.0.1", t0 + 2s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 2s) == 0s);
  guard.record_failure("10.0.0.1", t0 + 3s);
  CHECK(guard.wait_time("10.0.0.1", t0 + 3s) == 58s);
}

TEST_CASE("a success clears a lockout and leaves other addresses locked") {
  LoginGuard guard(1, 60s);
  guard.record_failure("10.0.0.1", t0);
  guard.record_failure("10.0.0.2", t0);
  guard.record_success("10.0.0.1");
  CHECK(guard.wait_time("10.0.0.1", t0) == 0s);
  CHECK(guard.wait_time("10.0.0.2", t0) == 60s);
  guard.record_success("10.0.0.99");  // unknown address: no effect
  CHECK(guard.wait_time("10.0.0.2", t0) == 60s);
}

TEST_CASE("at the bound on tracked addresses, expired entries go and live lockouts stay") {
  LoginGuard guard(2, 60s);
  // 9999 addresses fail once, long ago.
  for (int i = 0; i < 9'999; ++i) guard.record_failure("spray-" + std::to_string(i), t0);
  // After their window, one address fails twice: the second failure finds the
  // map full (10 000) and sweeps out the expired spray, keeping this address.
  const auto later = t0 + 61s;
  guard.record_failure("10.0.0.1", later);
  guard.record_failure("10.0.0.1", later);
  CHECK(guard.wait_time("10.0.0.1", later) == 60s);
  CHECK(guard.wait_time("spray-0", later) == 0s);
}
