#include "token_store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>

#include "hex.h"

namespace pd::panel {

std::string TokenStore::issue(std::string_view agent, Clock::time_point now) {
  // Sweeping every 256 logins keeps the map bounded by recent logins at O(1) amortised cost.
  if (++issued_since_sweep_ >= 256) drop_expired(now);
  std::uint8_t bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return {};
  std::string token = to_hex(bytes, sizeof bytes);
  if (sessions_.size() >= max_sessions_) make_room(now);
  sessions_[token] = Session{std::string(agent), now + lifetime_};
  return token;
}

std::optional<std::string> TokenStore::agent_of(std::string_view token, Clock::time_point now) {
  const auto it = sessions_.find(std::string(token));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.agent;
}

void TokenStore::revoke(std::string_view token) {
  sessions_.erase(std::string(token));
}

void TokenStore::drop_expired(Clock::time_point now) {
  issued_since_sweep_ = 0;
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires <= now; });
}

void TokenStore::make_room(Clock::time_point now) {
  drop_expired(now);
  while (sessions_.size() >= max_sessions_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    sessions_.erase(oldest);
  }
}

}  // namespace pd::panel
