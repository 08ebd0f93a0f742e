// The webhook signature (docs/webhooks.md): HMAC-SHA256 with the campaign's
// secret over "<timestamp>.<body>", sent as
//   X-PanelDialer-Timestamp: <unix seconds>
//   X-PanelDialer-Signature: sha256=<64 lower-case hex digits>
// Threads: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pd::webhook {

// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The header's value: "sha256=" + hmac_sha256_hex(secret, "<timestamp>.<body>").
std::string signature(std::string_view secret, std::int64_t timestamp, std::string_view body);

}  // namespace pd::webhook
