#include "login_guard.h"

namespace pd::panel {

std::chrono::seconds LoginGuard::wait_time(const std::string& address, Clock::time_point now) {
  const auto it = failures_.find(address);
  if (it == failures_.end()) return std::chrono::seconds(0);
  const auto window_end = it->second.window_start + window_;
  if (now >= window_end) {
    failures_.erase(it);
    return std::chrono::seconds(0);
  }
  if (it->second.count < max_failures_) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(window_end - now);
}

void LoginGuard::record_failure(const std::string& address, Clock::time_point now) {
  if (failures_.size() >= kMaxTracked) {
    std::erase_if(failures_, [&](const auto& e) { return now >= e.second.window_start + window_; });
    if (failures_.size() >= kMaxTracked) failures_.clear();
  }
  auto& entry = failures_[address];
  if (entry.count == 0 || now >= entry.window_start + window_) entry = Failures{0, now};
  ++entry.count;
}

}  // namespace pd::panel
