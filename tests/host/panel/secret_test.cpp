// Agent secrets: PBKDF2-HMAC-SHA256 hashes, their verification and the
// refusal of malformed hash strings. Tests use the minimum iteration count
// (1000) so that they stay fast; one test checks the default.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "pd/panel/secret.h"

using pd::panel::hash_secret;
using pd::panel::is_secret_hash;
using pd::panel::verify_secret;

namespace {

constexpr int kFast = 1'000;

// Computed independently (Python hashlib.pbkdf2_hmac) to pin the format.
constexpr std::string_view kSalt = "000102030405060708090a0b0c0d0e0f";
constexpr std::string_view kHorse =
    "pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$"
    "c914cc4f06cc6e8f46d157e3a1b5aa7abceebb17bb0444cd4c4ac16ca2ae9864";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dollar = text.find('$', start);
    parts.push_back(text.substr(start, dollar - start));
    if (dollar == std::string::npos) break;
    start = dollar + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "$" : "") + parts[i];
  return out;
}

// kHorse with one of its four fields replaced.
std::string horse_with(std::size_t field, const std::string& value) {
  auto parts = split(std::string(kHorse));
  parts.at(field) = value;
  return join(parts);
}

}  // namespace

TEST_CASE("hash_secret writes scheme, iterations, a 16-byte salt and a 32-byte hash") {
  const std::string hash = hash_secret("correct horse", kFast);
  const auto parts = split(hash);
  REQUIRE(parts.size() == 4);
  CHECK(parts[0] == "pbkdf2-sha256");
  CHECK(parts[1] == "1000");
  CHECK(parts[2].size() == 32);
  CHECK(parts[3].size() == 64);
  CHECK(parts[2].find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(parts[3].find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(is_secret_hash(hash));
}

TEST_CASE("hash_secret uses the documented default iteration count") {
  CHECK(pd::panel::kSecretIterations == 600'000);
  const auto parts = split(hash_secret("x"));
  REQUIRE(parts.size() == 4);
  CHECK(parts[1] == "600000");
}

TEST_CASE("the right secret is accepted and a wrong one refused") {
  const std::string hash = hash_secret("correct horse", kFast);
  CHECK(verify_secret("correct horse", hash));
  CHECK_FALSE(verify_secret("correct hors", hash));
  CHECK_FALSE(verify_secret("correct horse ", hash));
  CHECK_FALSE(verify_secret("Correct horse", hash));
  CHECK_FALSE(verify_secret("", hash));
}

TEST_CASE("two hashes of one secret differ by their salt and both verify") {
  const std::string a = hash_secret("s3cret", kFast);
  const std::string b = hash_secret("s3cret", kFast);
  CHECK(a != b);
  CHECK(split(a)[2] != split(b)[2]);
  CHECK(verify_secret("s3cret", a));
  CHECK(verify_secret("s3cret", b));
}

TEST_CASE("an empty secret can be hashed and only matches itself") {
  const std::string hash = hash_secret("", kFast);
  REQUIRE(is_secret_hash(hash));
  CHECK(verify_secret("", hash));
  CHECK_FALSE(verify_secret(" ", hash));
}

TEST_CASE("non-ASCII secrets and secrets with a NUL byte are compared byte for byte") {
  const std::string greeting = hash_secret("Grüße ✓", kFast);
  CHECK(verify_secret("Grüße ✓", greeting));
  CHECK_FALSE(verify_secret("Grusse ✓", greeting));
  const std::string with_nul(std::string_view("ab\0cd", 5));
  const std::string nul_hash = hash_secret(with_nul, kFast);
  CHECK(verify_secret(with_nul, nul_hash));
  CHECK_FALSE(verify_secret("ab", nul_hash));
  CHECK_FALSE(verify_secret(std::string_view("ab\0ce", 5), nul_hash));
}

TEST_CASE("hashes made elsewhere with standard PBKDF2-HMAC-SHA256 verify") {
  CHECK(verify_secret("correct horse", kHorse));
  CHECK_FALSE(verify_secret("correct horse!", kHorse));
  CHECK(verify_secret("Grüße ✓",
                      "pbkdf2-sha256$1000$" + std::string(kSalt) +
                          "$6a10dcbce4d8b94160eb6f530958a75e07bba788f41c87fd8e483cb61784dbe2"));
  // An 8-byte salt (the shortest accepted) and a NUL in the secret.
  CHECK(verify_secret(std::string_view("ab\0cd", 5),
                      "pbkdf2-sha256$1000$0011223344556677$"
                      "ada6b3b441a8baed982fc2f8c77a7f1fddbe28dfbd009a10e18cff74295bb876"));
}

TEST_CASE("upper-case hex in a stored hash is read like lower-case") {
  std::string upper(kHorse);
  for (std::size_t i = std::string_view("pbkdf2-sha256$1000$").size(); i < upper.size(); ++i) {
    if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 'a' + 'A');
  }
  CHECK(is_secret_hash(upper));
  CHECK(verify_secret("correct horse", upper));
}

TEST_CASE("a hash differing in its first or last byte refuses the right secret") {
  // The whole 32 bytes are compared (CRYPTO_memcmp, constant-time: not timed here).
  const std::string hash(kHorse);
  std::string first = hash;
  const auto start = hash.rfind('$') + 1;
  first[start] = first[start] == 'c' ? 'd' : 'c';
  std::string last = hash;
  last.back() = last.back() == '4' ? '5' : '4';
  CHECK(is_secret_hash(first));
  CHECK(is_secret_hash(last));
  CHECK_FALSE(verify_secret("correct horse", first));
  CHECK_FALSE(verify_secret("correct horse", last));
}

TEST_CASE("the iteration count and the salt are part of the hash") {
  CHECK_FALSE(verify_secret("correct horse", horse_with(1, "1001")));
  CHECK_FALSE(verify_secret("correct horse", horse_with(2, "100102030405060708090a0b0c0d0e0f")));
}

TEST_CASE("hash_secret refuses iteration counts outside 1000 to 10 000 000") {
  CHECK(hash_secret("x", 999).empty());
  CHECK(hash_secret("x", 0).empty());
  CHECK(hash_secret("x", -1).empty());
  CHECK(hash_secret("x", 10'000'001).empty());
  CHECK_FALSE(hash_secret("x", 1'000).empty());
}

TEST_CASE("malformed hash strings are refused cleanly, even with the right secret") {
  const std::string hash64(split(std::string(kHorse))[3]);
  const std::vector<std::string> malformed = {
      "",
      "$",
      "$$$",
      "pbkdf2-sha256",
      "correct horse",
      std::string(kHorse) + "$",
      std::string(kHorse) + "$00",
      std::string(kHorse) + "\n",
      " " + std::string(kHorse),
      "pbkdf2-sha256$1000$" + std::string(kSalt),  // three fields
      horse_with(0, "pbkdf2-sha1"),
      horse_with(0, "PBKDF2-SHA256"),
      horse_with(0, ""),
      horse_with(1, ""),
      horse_with(1, "abc"),
      horse_with(1, "1000x"),
      horse_with(1, " 1000"),
      horse_with(1, "+1000"),
      horse_with(1, "-1000"),
      horse_with(1, "1e3"),
      horse_with(1, "999"),
      horse_with(1, "10000001"),
      horse_with(1, "99999999999999999999"),
      horse_with(2, ""),
      horse_with(2, "0"),                                 // odd length
      horse_with(2, "000102030405060708090a0b0c0d0e0"),   // odd length
      horse_with(2, "00010203040506"),                    // 7 bytes: too short
      horse_with(2, "000102030405060708090a0b0c0d0e0g"),  // not hex
      horse_with(2, "0x0102030405060708090a0b0c0d0e0f"),  // not hex
      horse_with(3, ""),
      horse_with(3, hash64.substr(0, 62)),         // 31 bytes
      horse_with(3, hash64 + "00"),                // 33 bytes
      horse_with(3, hash64.substr(0, 63)),         // odd length
      horse_with(3, hash64.substr(0, 62) + "zz"),  // not hex
      horse_with(3, hash64.substr(0, 62) + std::string("\0\0", 2)),
  };
  for (const auto& text : malformed) {
    CAPTURE(text);
    CHECK_FALSE(is_secret_hash(text));
    CHECK_FALSE(verify_secret("correct horse", text));
  }
  // The reference itself is fine (so the refusals above are about the changes).
  CHECK(is_secret_hash(kHorse));
}

TEST_CASE("the bounds of the iteration count are accepted when reading a hash") {
  CHECK(is_secret_hash(horse_with(1, "1000")));
  CHECK(is_secret_hash(horse_with(1, "10000000")));
  // Leading zeros still spell a number in range.
  CHECK(is_secret_hash(horse_with(1, "01000")));
}
