#include "pd/webhook/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pd::webhook {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return out;
}

std::string signature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  std::string message = std::to_string(timestamp);
  message += '.';
  message += body;
  return "sha256=" + hmac_sha256_hex(secret, message);
}

}  // namespace pd::webhook
