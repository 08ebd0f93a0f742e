// Test helper: AMI messages written inline.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "trace_support.h"

namespace pd::core::testing {

// msg({{"Event", "Hangup"}, {"Uniqueid", "c1"}}): keep the result alive while
// an AmiEvent made from it is used.
inline OwnedMessage msg(std::initializer_list<std::pair<const char*, const char*>> fields) {
  OwnedMessage out;
  for (const auto& [key, value] : fields) out.push_back({key, value});
  return out;
}

}  // namespace pd::core::testing
