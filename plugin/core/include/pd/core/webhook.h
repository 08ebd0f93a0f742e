// Call life-cycle webhooks (issue 14): the decisions, with no socket, SQL or
// clock of their own. The store builds each event with webhook_payload() in
// the transaction that records the call's step (the outbox, migration 0020);
// the delivery worker (plugin/webhook) asks next_delivery() what to do after
// each POST. docs/webhooks.md is the receiver's side of this contract.
//
// Events, in this order for one call (`sequence`):
//   1 call.dialing      the Originate was recorded   (campaign flag: state changes)
//   2 call.answered     the customer answered        (campaign flag: state changes)
//   3 call.result       the call's final result      (always)
//   4 call.disposition  the agent tagged the call    (always; again if re-tagged)
// Each has a unique event_id ("<call_id>.<event>" plus the disposition for
// call.disposition): the receiver de-duplicates on it.
//
// Threads: pure functions and plain data; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pd/core/clock.h"
#include "pd/result.h"

namespace pd::core {

enum class WebhookEvent { kDialing, kAnswered, kResult, kDisposition };
std::string_view to_string(WebhookEvent event) noexcept;  // "call.dialing"…
int sequence_of(WebhookEvent event) noexcept;             // 1..4, the order within a call

// What one event says about one call. Empty optionals are JSON null.
struct WebhookCall {
  WebhookEvent event = WebhookEvent::kResult;
  EpochMs occurred_at = 0;
  std::string call_id;  // the engine's call id (the ChannelId)
  std::uint32_t campaign_id = 0;
  std::string campaign;  // its name
  std::uint64_t number_id = 0;
  std::string number;
  std::string name;       // the contact's name ("" none)
  std::string variables;  // the number's "a=1|b=2" (parsed into an object)
  int attempt = 1;
  std::string state;  // the number's state after this step (dialing, answered, retry, done…)
  std::optional<std::string> dial_status;  // ANSWER, BUSY…
  std::optional<std::string> result;       // the engine's result (disposition): Ok, Failed…
  std::optional<int> hangup_cause;
  std::optional<std::string> agent_disposition;
  std::optional<std::string> dtmf;
  std::optional<std::string> agent;
  std::optional<std::string> unique_id;
  std::optional<EpochMs> started_at;
  std::optional<EpochMs> answered_at;
  std::optional<EpochMs> ended_at;
  std::optional<EpochMs> retry_at;  // set: the number will be dialed again then
};

// "<call_id>.<event without 'call.'>", plus ".<disposition>" for a
// disposition (a re-tag is a new event). At most 200 bytes (the column).
std::string webhook_event_id(const WebhookCall& call);

// The JSON body (UTF-8; invalid bytes become U+FFFD), keys in a fixed order:
// event_id, event, sequence, occurred_at (ISO 8601 UTC, ms), call_id,
// campaign {id, name}, number {id, number, name, variables {…}}, attempt,
// state, dial_status, result, hangup_cause, agent_disposition, dtmf, agent,
// unique_id, started_at, answered_at, ended_at, retry {will_retry, at}.
std::string webhook_payload(const WebhookCall& call);

// "2026-11-28T14:03:05.120Z".
std::string iso8601_utc(EpochMs t);

// The retry schedule: after the n-th failed POST (n = 1, 2, …) wait
// backoff_ms[min(n, size) - 1]; after max_attempts failed POSTs, give up
// (the event stays in the outbox as 'failed' until an admin replays it).
struct WebhookPolicy {
  std::vector<EpochMs> backoff_ms = {5'000, 30'000, 120'000, 600'000, 3'600'000};
  int max_attempts = 8;  // POSTs in all, the first included (< 1 is taken as 1)
};

// What one POST came to: transport_error set when there was no HTTP answer
// (refused, timed out, TLS…), else the status code.
struct WebhookAttempt {
  int http_status = 0;
  std::string transport_error;
};

struct WebhookNext {
  enum Kind { kDelivered, kRetry, kGiveUp } kind = kGiveUp;
  EpochMs retry_at = 0;  // kRetry
  std::string error;     // kRetry, kGiveUp: what went wrong, for the admin
};

// 2xx: delivered. Anything else is retried while attempts remain (`attempts`:
// POSTs made, this one included), except 410 Gone, which gives up at once.
WebhookNext next_delivery(const WebhookPolicy& policy, int attempts, const WebhookAttempt& attempt,
                          EpochMs now);

// A campaign's webhook URL (dialer_campaigns.webhook_url; the admin page
// applies the same rule, pd_check_webhook_url, both held to
// tests/data/validation-cases.json "webhook_urls"): empty (no webhook), or at
// most 1000 bytes of printable ASCII without spaces, http:// or https:// (any
// case), a host of [A-Za-z0-9.-] (not starting or ending with '.' or '-') or
// a bracketed IPv6 address, an optional :port (1..65535), no user@.
// Errors start with "Webhook URL".
pd::Status check_webhook_url(std::string_view url);
// The shared secret (webhook_secret): empty (unsigned), or 16..255 bytes of
// printable ASCII (no space). Errors start with "Webhook secret".
pd::Status check_webhook_secret(std::string_view secret);

}  // namespace pd::core
