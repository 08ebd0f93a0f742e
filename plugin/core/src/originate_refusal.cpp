#include "pd/core/originate_refusal.h"

#include <algorithm>

namespace pd::core {

bool refused_before_any_channel(const CallResult& result) noexcept {
  return result.originate_reason == 0 && !result.channels_seen && !result.originate_refused &&
         !result.lost && !result.unknown && !result.recovered;
}

RefusalDecision decide_refusal(const CallResult& result, int retries_before,
                               int max_retries) noexcept {
  RefusalDecision d;
  retries_before = std::max(0, retries_before);
  d.retries = retries_before;
  if (!refused_before_any_channel(result)) return d;
  if (retries_before < std::max(0, max_retries)) {
    d.step = RefusalStep::kRetryNewId;
    d.retries = retries_before + 1;
  } else {
    d.step = RefusalStep::kGiveBack;
  }
  return d;
}

}  // namespace pd::core
