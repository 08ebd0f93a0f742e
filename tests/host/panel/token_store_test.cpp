// TokenStore: login session tokens, their expiry, revocation and the bound
// on how many are kept. Every time is passed in: no real clock.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>

#include "token_store.h"

using namespace std::chrono_literals;
using pd::panel::TokenStore;

namespace {

const TokenStore::Clock::time_point t0{std::chrono::hours(1000)};

bool is_lower_hex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("a token is 64 lower-case hex characters and names its agent") {
  TokenStore store(3600s);
  const std::string token = store.issue("201", t0);
  CHECK(token.size() == 64);
  CHECK(is_lower_hex(token));
  CHECK(store.agent_of(token, t0) == "201");
  CHECK(store.size() == 1);
  CHECK(store.lifetime() == 3600s);
}

TEST_CASE("every issue gives a different token, also for the same agent") {
  TokenStore store(3600s);
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) tokens.insert(store.issue("201", t0));
  CHECK(tokens.size() == 100);
  CHECK(store.size() == 100);
  for (const auto& token : tokens) CHECK(store.agent_of(token, t0) == "201");
}

TEST_CASE("tokens of different agents map to their own agent") {
  TokenStore store(3600s);
  const std::string a = store.issue("201", t0);
  const std::string b = store.issue("202", t0);
  CHECK(store.agent_of(a, t0) == "201");
  CHECK(store.agent_of(b, t0) == "202");
}

TEST_CASE("an unknown, empty or altered token names no agent") {
  TokenStore store(3600s);
  const std::string token = store.issue("201", t0);
  CHECK_FALSE(store.agent_of("", t0));
  CHECK_FALSE(store.agent_of(std::string(64, '0'), t0));
  CHECK_FALSE(store.agent_of(token.substr(0, 63), t0));
  CHECK_FALSE(store.agent_of(token + "0", t0));
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != token) CHECK_FALSE(store.agent_of(upper, t0));
  std::string flipped = token;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  CHECK_FALSE(store.agent_of(flipped, t0));
  CHECK(store.size() == 1);
}

TEST_CASE("a token is valid for its lifetime and not one tick longer") {
  TokenStore store(3600s);
  const std::string token = store.issue("201", t0);
  CHECK(store.agent_of(token, t0 + 3599s) == "201");
  CHECK(store.agent_of(token, t0 + 3600s - TokenStore::Clock::duration(1)) == "201");
  CHECK_FALSE(store.agent_of(token, t0 + 3600s));
}

TEST_CASE("looking up an expired token forgets it") {
  TokenStore store(60s);
  const std::string token = store.issue("201", t0);
  const std::string other = store.issue("202", t0 + 30s);
  REQUIRE(store.size() == 2);
  CHECK_FALSE(store.agent_of(token, t0 + 60s));
  CHECK(store.size() == 1);
  // Not revived by looking it up at an earlier time afterwards.
  CHECK_FALSE(store.agent_of(token, t0));
  CHECK(store.agent_of(other, t0 + 60s) == "202");
}

TEST_CASE("revoke ends one token and leaves the agent's other tokens") {
  TokenStore store(3600s);
  const std::string first = store.issue("201", t0);
  const std::string second = store.issue("201", t0);
  store.revoke(first);
  CHECK_FALSE(store.agent_of(first, t0));
  CHECK(store.agent_of(second, t0) == "201");
  CHECK(store.size() == 1);
}

TEST_CASE("revoking an unknown or empty token changes nothing") {
  TokenStore store(3600s);
  const std::string token = store.issue("201", t0);
  store.revoke("");
  store.revoke(std::string(64, 'f'));
  store.revoke(token.substr(0, 32));
  CHECK(store.size() == 1);
  CHECK(store.agent_of(token, t0) == "201");
  store.revoke(token);
  store.revoke(token);  // twice: harmless
  CHECK(store.size() == 0);
}

TEST_CASE("expired tokens that are never looked up are swept by later issues") {
  TokenStore store(60s);
  const std::string stale = store.issue("201", t0);
  // The sweep runs on the 256th issue since the last one.
  for (int i = 0; i < 254; ++i) store.issue("202", t0 + 61s);
  CHECK(store.size() == 255);
  store.issue("202", t0 + 61s);
  CHECK(store.size() == 255);
  CHECK_FALSE(store.agent_of(stale, t0 + 61s));
}

TEST_CASE("the sweep keeps tokens that are still valid") {
  TokenStore store(60s);
  for (int i = 0; i < 256; ++i) store.issue("201", t0);
  CHECK(store.size() == 256);
}

TEST_CASE("the default bound on sessions is the documented constant") {
  CHECK(TokenStore::kMaxSessions == 10'000);
}

TEST_CASE("at the bound, a new login evicts the token nearest its expiry") {
  TokenStore store(3600s, 3);
  const std::string a = store.issue("201", t0);
  const std::string b = store.issue("202", t0 + 1s);
  const std::string c = store.issue("203", t0 + 2s);
  const std::string d = store.issue("204", t0 + 3s);
  CHECK(store.size() == 3);
  CHECK_FALSE(store.agent_of(a, t0 + 3s));
  CHECK(store.agent_of(b, t0 + 3s) == "202");
  CHECK(store.agent_of(c, t0 + 3s) == "203");
  CHECK(store.agent_of(d, t0 + 3s) == "204");
}

TEST_CASE("at the bound, expired tokens go before any valid one") {
  TokenStore store(60s, 3);
  const std::string a = store.issue("201", t0);
  const std::string b = store.issue("202", t0 + 1s);
  const std::string c = store.issue("203", t0 + 59s);
  // At t0 + 61 s, a and b are expired: both go, c stays.
  const std::string d = store.issue("204", t0 + 61s);
  CHECK(store.size() == 2);
  CHECK(store.agent_of(c, t0 + 61s) == "203");
  CHECK(store.agent_of(d, t0 + 61s) == "204");
}

TEST_CASE("the bound holds over many logins and the newest token always works") {
  TokenStore store(3600s, 50);
  std::string last;
  for (int i = 0; i < 1'000; ++i) {
    last = store.issue("201", t0 + std::chrono::seconds(i));
    REQUIRE(store.size() <= 50);
    REQUIRE(store.agent_of(last, t0 + std::chrono::seconds(i)) == "201");
  }
  CHECK(store.size() == 50);
}

TEST_CASE("a bound of zero is taken as one") {
  TokenStore store(3600s, 0);
  const std::string a = store.issue("201", t0);
  CHECK(store.agent_of(a, t0) == "201");
  const std::string b = store.issue("202", t0 + 1s);
  CHECK(store.size() == 1);
  CHECK_FALSE(store.agent_of(a, t0 + 1s));
  CHECK(store.agent_of(b, t0 + 1s) == "202");
}
