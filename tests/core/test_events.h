// Test helper: AMI messages written inline.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "pd/core/queue_view.h"
#include "trace_support.h"

namespace pd::core::testing {

// msg({{"Event", "Hangup"}, {"Uniqueid", "c1"}}): keep the result alive while
// an AmiEvent made from it is used.
inline OwnedMessage msg(std::initializer_list<std::pair<const char*, const char*>> fields) {
  OwnedMessage out;
  for (const auto& [key, value] : fields) out.push_back({key, value});
  return out;
}

// Feeds a QueueMemberAdded of a free member (not in use, not paused).
inline void add_free_member(QueueView& view, const char* queue, const char* interface) {
  const auto added = msg({{"Event", "QueueMemberAdded"},
                          {"Queue", queue},
                          {"Interface", interface},
                          {"Status", "1"},
                          {"Paused", "0"},
                          {"InCall", "0"}});
  view.apply(to_event(added));
}

}  // namespace pd::core::testing
