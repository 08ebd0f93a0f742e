// Test helper: UTC civil time to epoch seconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace pd::core::testing {

inline int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const sys_days day{year{y} / month{mo} / std::chrono::day{d}};
  return day.time_since_epoch().count() * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace pd::core::testing
