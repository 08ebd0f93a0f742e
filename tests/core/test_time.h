// Test helpers: UTC civil time to epoch seconds, and a zone from the system's
// zoneinfo (the test fails if it cannot be loaded).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "pd/core/time_zone.h"

namespace pd::core::testing {

inline int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const sys_days day{year{y} / month{mo} / std::chrono::day{d}};
  return day.time_since_epoch().count() * 86400 + h * 3600 + mi * 60 + s;
}

inline std::shared_ptr<const pd::core::TimeZone> zone(const char* name) {
  auto z = pd::core::TimeZone::load(name);
  REQUIRE_MESSAGE(z.has_value(), (z ? std::string() : z.error().describe()));
  return *z;
}

}  // namespace pd::core::testing
