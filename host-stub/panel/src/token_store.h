// Login sessions: random 256-bit tokens in memory, each bound to one agent
// and an expiry. Host loop only. Lost on restart by design (see panel_server.h).
//
// Bounded: at most max_sessions tokens (kMaxSessions by default) are kept.
// Expired tokens are swept every 256 issues; when a new token would pass the
// bound, the expired ones go first and then the one nearest its expiry (the
// oldest login), so a burst of logins can never grow the map without limit
// and a fresh login always succeeds.
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

  static constexpr std::size_t kMaxSessions = 10'000;

  explicit TokenStore(std::chrono::seconds lifetime, std::size_t max_sessions = kMaxSessions)
      : lifetime_(lifetime), max_sessions_(max_sessions < 1 ? 1 : max_sessions) {}

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
  void make_room(Clock::time_point now);

  std::chrono::seconds lifetime_;
  std::size_t max_sessions_;
  std::unordered_map<std::string, Session> sessions_;
  std::size_t issued_since_sweep_ = 0;
};

}  // namespace pd::panel
