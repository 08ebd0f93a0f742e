// The panel's lower-case hex (salts, hashes, tokens).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hex.h"

using pd::panel::from_hex;
using pd::panel::to_hex;

TEST_CASE("to_hex writes two lower-case digits a byte") {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(to_hex(bytes, sizeof bytes) == "000fa5ff");
  CHECK(to_hex(bytes, 0).empty());
}

TEST_CASE("from_hex reads both cases and round-trips to_hex") {
  CHECK(from_hex("000fA5Ff") == std::vector<std::uint8_t>{0x00, 0x0f, 0xa5, 0xff});
  CHECK(from_hex("") == std::vector<std::uint8_t>{});
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  CHECK(from_hex(to_hex(all.data(), all.size())) == all);
}

TEST_CASE("from_hex refuses odd lengths and non-hex characters") {
  CHECK_FALSE(from_hex("0"));
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex("0g"));
  CHECK_FALSE(from_hex("g0"));
  CHECK_FALSE(from_hex(" 0"));
  CHECK_FALSE(from_hex("0x"));
  CHECK_FALSE(from_hex("-1"));
}
