// Time as the core sees it: a number handed in by the caller.
//
// The core never reads the wall clock. Every decision takes "now" as epoch
// milliseconds (UTC) or, where an object needs to ask repeatedly, a Clock.
// Tests drive a ManualClock; the plugin wraps the host's on_tick time.
// Threads: ManualClock is plain data; use it from one thread.
#pragma once

#include <cstdint>

namespace pd::core {

// Milliseconds since 1970-01-01T00:00:00Z.
using EpochMs = std::int64_t;
// Seconds since 1970-01-01T00:00:00Z.
using EpochS = std::int64_t;

inline constexpr EpochS to_seconds(EpochMs ms) noexcept {
  // Floor, not truncation: times before 1970 stay on the right second.
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMs now_ms() const = 0;
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(EpochMs start = 0) : now_(start) {}
  EpochMs now_ms() const override { return now_; }
  void set(EpochMs now) { now_ = now; }
  void advance(EpochMs delta) { now_ += delta; }

 private:
  EpochMs now_;
};

}  // namespace pd::core
