// Login sessions: random 256-bit tokens in memory, each bound to one agent
// and an expiry. Host loop only. Lost on restart by design (see panel_server.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pd::panel {

class TokenStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenStore(std::chrono::seconds lifetime) : lifetime_(lifetime) {}

  // A new token for `agent` (64 hex chars); "" if no random bytes were available.
  std::string issue(std::string_view agent, Clock::time_point now = Clock::now());
  // The agent the token belongs to, if it is known and not expired.
  std::optional<std::string> agent_of(std::string_view token, Clock::time_point now = Clock::now());
  void revoke(std::string_view token);
  std::size_t size() const { return sessions_.size(); }
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  struct Session {
    std::string agent;
    Clock::time_point expires;
  };
  void drop_expired(Clock::time_point now);

  std::chrono::seconds lifetime_;
  std::unordered_map<std::string, Session> sessions_;
  std::size_t issued_since_sweep_ = 0;
};

}  // namespace pd::panel
