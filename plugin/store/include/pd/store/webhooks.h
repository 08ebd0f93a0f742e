// The webhook outbox (dialer_webhook_events, migration 0020) as the delivery
// worker sees it. Events are inserted by Store::write() in the transaction of
// the call step they tell about (store_writes.cpp); the worker claims due ones
// (Store::claim_webhooks), POSTs them and records what happened
// (Store::finish_webhook). docs/webhooks.md is the receiver's side.
// Plain data; the Store methods run on the caller's thread (a worker's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pd/store/time.h"

namespace pd::store {

// One event to POST, with its campaign's current URL and secret (read at
// claim time, so an admin's fix applies to a replay).
struct WebhookDelivery {
  std::uint64_t id = 0;  // dialer_webhook_events.id
  std::uint32_t campaign_id = 0;
  std::string event_id;  // unique; the receiver de-duplicates on it
  std::string call_id;
  std::string event;  // call.result…
  std::string payload;
  int attempts = 0;  // POSTs made before this one
  std::string url;   // "" : the campaign has no webhook any more
  std::string secret;
};

// What the worker records after one POST.
struct WebhookOutcome {
  enum Kind { kDelivered, kRetry, kFailed } kind = kFailed;
  TimePoint retry_at{};            // kRetry
  std::optional<int> http_status;  // none: no HTTP answer
  std::string error;               // kRetry, kFailed (at most 500 bytes kept)
};

// Counts for the admin and the tests.
struct WebhookCounts {
  std::uint64_t pending = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
};

}  // namespace pd::store
