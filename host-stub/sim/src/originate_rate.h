// How many Originate actions pbx-sim received, second by second (wall
// clock): lets a test check that the dialer honours its calls-per-second
// setting end to end. Pure: the time is passed in.
//
// peak_1s() is the most Originates in any 1000 ms window (a sliding window,
// so a burst that straddles a second boundary is not halved); per_second()
// counts them in whole seconds from the first Originate. Bounded: the
// window keeps at most kMaxWindow arrival times (past that the peak is at
// least kMaxWindow, which says enough), per_second() the last kMaxSeconds.
// Threads: plain value; one thread (the server's).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace pd::sim {

class OriginateRate {
 public:
  static constexpr size_t kMaxWindow = 100000;
  static constexpr size_t kMaxSeconds = 3600;

  void add(int64_t now_ms) {
    if (total_ == 0) first_ms_ = now_ms;
    ++total_;
    while (!window_.empty() && window_.front() <= now_ms - 1000) window_.pop_front();
    if (window_.size() < kMaxWindow) window_.push_back(now_ms);
    peak_ = std::max<uint64_t>(peak_, window_.size());
    const int64_t second = std::max<int64_t>(0, (now_ms - first_ms_) / 1000);
    while (first_second_ + int64_t(per_second_.size()) <= second) per_second_.push_back(0);
    ++per_second_[size_t(second - first_second_)];
    while (per_second_.size() > kMaxSeconds) {
      per_second_.pop_front();
      ++first_second_;
    }
  }

  uint64_t total() const { return total_; }
  uint64_t peak_1s() const { return peak_; }
  // Originates in each whole second since the first one (the last
  // kMaxSeconds; the first of them is second first_second()).
  const std::deque<uint32_t>& per_second() const { return per_second_; }
  int64_t first_second() const { return first_second_; }

  // "originate_rate: total=N peak_1s=N per_second=a,b,c" (one line).
  std::string line() const {
    std::string out = "originate_rate: total=" + std::to_string(total_) +
                      " peak_1s=" + std::to_string(peak_) + " per_second=";
    for (size_t i = 0; i < per_second_.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(per_second_[i]);
    }
    return out;
  }

 private:
  uint64_t total_ = 0;
  uint64_t peak_ = 0;
  int64_t first_ms_ = 0;
  int64_t first_second_ = 0;
  std::deque<int64_t> window_;
  std::deque<uint32_t> per_second_;
};

}  // namespace pd::sim
