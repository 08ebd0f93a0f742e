// Slows down secret guessing: counts failed logins per client address in a
// fixed window that opens at the address's first failure (not a sliding one):
// once max_failures are counted, the address waits until that window ends.
// A success forgets the address. Per address only, not per extension.
// Host loop only.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace pd::panel {

class LoginGuard {
 public:
  using Clock = std::chrono::steady_clock;

  LoginGuard(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // Zero when the address may try now; else how long it must wait.
  std::chrono::seconds wait_time(const std::string& address, Clock::time_point now = Clock::now());
  void record_failure(const std::string& address, Clock::time_point now = Clock::now());
  void record_success(const std::string& address) { failures_.erase(address); }

 private:
  struct Failures {
    int count = 0;
    Clock::time_point window_start;
  };
  static constexpr std::size_t kMaxTracked = 10'000;  // bounds memory under a spray of addresses

  int max_failures_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, Failures> failures_;
};

}  // namespace pd::panel
