// Two small clocks-in, decisions-out helpers of the AMI client, kept pure so
// they are unit-tested without sockets: the reconnect backoff and the token
// bucket that paces actions sent to Asterisk.
// Threads: plain values; use from one thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace pd::host {

using Millis = std::chrono::milliseconds;

// Exponential backoff: first, 2×, 4×, … capped; reset() after a success.
class Backoff {
 public:
  Backoff(Millis first, Millis cap) : first_(first), cap_(cap), next_(first) {}

  // The wait before the next attempt; doubles the one after it.
  Millis next() {
    const Millis now = next_;
    next_ = std::min(cap_, next_ * 2);
    return now;
  }
  void reset() { next_ = first_; }

 private:
  Millis first_;
  Millis cap_;
  Millis next_;
};

// At most `rate` actions a second on average, bursts up to `burst`.
// Time is passed in (milliseconds of a monotonic clock).
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst)
      : rate_per_ms_(rate_per_s / 1000.0), burst_(std::max(1.0, burst)), tokens_(burst_) {}

  // Takes one token when there is one.
  bool try_take(int64_t now_ms) {
    refill(now_ms);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // Milliseconds until a token is available (0 when one is).
  int64_t wait_ms(int64_t now_ms) {
    refill(now_ms);
    if (tokens_ >= 1.0) return 0;
    return static_cast<int64_t>((1.0 - tokens_) / rate_per_ms_) + 1;
  }

 private:
  void refill(int64_t now_ms) {
    if (last_ms_ < 0) last_ms_ = now_ms;
    if (now_ms > last_ms_) {
      tokens_ = std::min(burst_, tokens_ + double(now_ms - last_ms_) * rate_per_ms_);
      last_ms_ = now_ms;
    }
  }

  double rate_per_ms_;
  double burst_;
  double tokens_;
  int64_t last_ms_ = -1;
};

}  // namespace pd::host
