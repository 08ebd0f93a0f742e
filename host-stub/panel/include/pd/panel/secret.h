// Agent secrets at rest: PBKDF2-HMAC-SHA256 (OpenSSL) with a random salt.
// Thread-safe; deliberately slow (that is the point), so the panel server
// calls verify_secret() off the host loop.
#pragma once

#include <string>
#include <string_view>

namespace pd::panel {

// The iteration count hash_secret() uses (OWASP 2023 figure for PBKDF2-SHA256).
inline constexpr int kSecretIterations = 600'000;

// "pbkdf2-sha256$<iterations>$<salt hex, 16 bytes>$<hash hex, 32 bytes>".
// Returns "" only if OpenSSL cannot produce random bytes (never in practice).
std::string hash_secret(std::string_view secret, int iterations = kSecretIterations);

// True when `secret` matches `hash` (a hash_secret() output). The final
// comparison is constant-time; a malformed hash never matches.
bool verify_secret(std::string_view secret, std::string_view hash);

// True when `hash` has the shape hash_secret() produces (config validation).
bool is_secret_hash(std::string_view hash);

}  // namespace pd::panel
