// Simulated time: milliseconds since the simulator started.
#pragma once

#include <cstdint>

namespace pd::sim {

using SimMs = int64_t;

}  // namespace pd::sim
