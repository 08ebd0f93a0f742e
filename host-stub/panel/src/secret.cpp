#include "pd/panel/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

#include "hex.h"

namespace pd::panel {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// Bounds on what a config may ask for: below is too weak to accept, above
// would let one login stall the verifier thread for minutes.
constexpr int kMinIterations = 1'000;
constexpr int kMaxIterations = 10'000'000;

struct ParsedHash {
  int iterations;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

std::optional<ParsedHash> parse(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = text.find('$');
    parts.push_back(text.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    text.remove_prefix(dollar + 1);
  }
  if (parts.size() != 4 || parts[0] != kScheme) return std::nullopt;
  int iterations = 0;
  const auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc{} || end != parts[1].data() + parts[1].size()) return std::nullopt;
  if (iterations < kMinIterations || iterations > kMaxIterations) return std::nullopt;
  auto salt = from_hex(parts[2]);
  auto hash = from_hex(parts[3]);
  if (!salt || salt->size() < 8 || !hash || hash->size() != kHashBytes) return std::nullopt;
  return ParsedHash{iterations, std::move(*salt), std::move(*hash)};
}

bool derive(std::string_view secret, const std::vector<std::uint8_t>& salt, int iterations,
            std::uint8_t* out) {
  return PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(kHashBytes), out) == 1;
}

}  // namespace

std::string hash_secret(std::string_view secret, int iterations) {
  if (iterations < kMinIterations || iterations > kMaxIterations) return {};
  std::vector<std::uint8_t> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return {};
  std::uint8_t hash[kHashBytes];
  if (!derive(secret, salt, iterations, hash)) return {};
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + to_hex(salt.data(), salt.size()) +
         "$" + to_hex(hash, kHashBytes);
}

bool verify_secret(std::string_view secret, std::string_view hash) {
  const auto parsed = parse(hash);
  if (!parsed) return false;
  std::uint8_t computed[kHashBytes];
  if (!derive(secret, parsed->salt, parsed->iterations, computed)) return false;
  return CRYPTO_memcmp(computed, parsed->hash.data(), kHashBytes) == 0;
}

bool is_secret_hash(std::string_view hash) { return parse(hash).has_value(); }

}  // namespace pd::panel
