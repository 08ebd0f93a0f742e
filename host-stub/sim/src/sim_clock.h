// Simulated time: milliseconds since the simulator started, running `speed`
// times faster than the wall clock, plus the Unix epoch the simulation starts at
// (for the epoch-second fields Asterisk prints: LoginTime, LastCall, ...).
#pragma once

#include <chrono>
#include <cstdint>

#include "sim_time.h"

namespace pd::sim {

class SimClock {
 public:
  using Steady = std::chrono::steady_clock;

  SimClock(double speed, int64_t start_epoch_s) : speed_(speed), start_epoch_s_(start_epoch_s) {}

  SimMs now() const {
    const double real_ms =
        std::chrono::duration<double, std::milli>(Steady::now() - start_).count();
    return static_cast<SimMs>(real_ms * speed_);
  }

  // The wall-clock instant at which simulated time `at` is reached.
  Steady::time_point real_time_of(SimMs at) const {
    const double real_ms = static_cast<double>(at) / speed_;
    return start_ + std::chrono::duration_cast<Steady::duration>(
                        std::chrono::duration<double, std::milli>(real_ms));
  }

  // Converts a simulated delay to a real one (for the failed-login pause).
  std::chrono::milliseconds real_delay(SimMs delay) const {
    return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(delay) / speed_));
  }

  int64_t epoch_s(SimMs at) const { return start_epoch_s_ + at / 1000; }
  int64_t epoch_ms(SimMs at) const { return start_epoch_s_ * 1000 + at; }
  double speed() const { return speed_; }

 private:
  double speed_;
  int64_t start_epoch_s_;
  Steady::time_point start_ = Steady::now();
};

}  // namespace pd::sim
