#include <doctest/doctest.h>

#include "pacing.h"

using pd::host::Backoff;
using pd::host::Millis;
using pd::host::TokenBucket;

TEST_CASE("backoff doubles from the first wait up to the cap, and resets") {
  Backoff backoff(Millis(500), Millis(30000));
  CHECK(backoff.next() == Millis(500));
  CHECK(backoff.next() == Millis(1000));
  CHECK(backoff.next() == Millis(2000));
  for (int i = 0; i < 10; ++i) backoff.next();
  CHECK(backoff.next() == Millis(30000));
  backoff.reset();
  CHECK(backoff.next() == Millis(500));
}

TEST_CASE("token bucket allows the burst, then the rate") {
  TokenBucket bucket(10, 2);  // 10 a second, burst 2
  CHECK(bucket.try_take(0));
  CHECK(bucket.try_take(0));
  CHECK_FALSE(bucket.try_take(0));
  CHECK(bucket.wait_ms(0) > 0);
  CHECK(bucket.wait_ms(0) <= 101);
  CHECK_FALSE(bucket.try_take(50));
  CHECK(bucket.try_take(100));
  // Over 10 s at most 10/s pass (plus the burst).
  int passed = 0;
  for (int64_t t = 100; t <= 10100; t += 5) passed += bucket.try_take(t);
  CHECK(passed >= 99);
  CHECK(passed <= 102);
}

TEST_CASE("token bucket does not bank tokens beyond the burst after idling") {
  TokenBucket bucket(100, 5);
  for (int i = 0; i < 5; ++i) CHECK(bucket.try_take(0));
  int passed = 0;
  for (int i = 0; i < 20; ++i) passed += bucket.try_take(60000);
  CHECK(passed == 5);
}
