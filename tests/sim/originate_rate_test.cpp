// pbx-sim's count of Originates per second (host-stub/sim/src/originate_rate.h),
// which the rate tests of tests/engine read.
#include "originate_rate.h"

#include <doctest/doctest.h>

using pd::sim::OriginateRate;

TEST_CASE("originate rate: whole seconds from the first, and the peak of any 1 s window") {
  OriginateRate rate;
  CHECK(rate.line() == "originate_rate: total=0 peak_1s=0 per_second=");
  // 10 a second for 3 s, evenly.
  for (int i = 0; i < 30; ++i) rate.add(10000 + i * 100);
  CHECK(rate.total() == 30);
  CHECK(rate.peak_1s() == 10);
  REQUIRE(rate.per_second().size() == 3);
  CHECK(rate.per_second()[0] == 10);
  CHECK(rate.per_second()[2] == 10);
  // A burst straddling a second boundary is not split in two halves.
  for (int i = 0; i < 8; ++i) rate.add(13900 + i * 10);  // second 3
  for (int i = 0; i < 8; ++i) rate.add(14010 + i * 10);  // second 4
  CHECK(rate.peak_1s() == 16);  // the burst whole (the steady ones ended at 12900)
  CHECK(rate.line() == "originate_rate: total=46 peak_1s=16 per_second=10,10,10,8,8");
  // A quiet second counts as 0.
  rate.add(16500);
  CHECK(rate.line().ends_with("per_second=10,10,10,8,8,0,1"));
}

TEST_CASE("originate rate: bounded - the last kMaxSeconds seconds are kept") {
  OriginateRate rate;
  for (int64_t s = 0; s < int64_t(OriginateRate::kMaxSeconds) + 10; ++s) rate.add(s * 1000);
  CHECK(rate.per_second().size() == OriginateRate::kMaxSeconds);
  CHECK(rate.first_second() == 10);
  CHECK(rate.peak_1s() == 1);
}
