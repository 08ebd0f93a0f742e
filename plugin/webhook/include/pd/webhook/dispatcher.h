// The webhook delivery worker (issue 14; docs/webhooks.md): one thread of its
// own, with its own database connection and a libcurl multi handle, that
// claims due events from the outbox (Store::claim_webhooks), POSTs them,
// signs each body when the campaign has a secret (pd/webhook/signature.h) and
// records each outcome (Store::finish_webhook) as pd::core::next_delivery
// decides: delivered, retried later (the policy's backoff), or failed (kept
// for the admin's replay).
//
// Bounds. At most max_in_flight POSTs at once, and at most
// max_in_flight_per_campaign of them for one campaign; each is cut off after
// request_timeout, so a slow receiver holds its campaign's slots for at most
// that long and the other campaigns' events go on. The worker holds no queue of its own: the outbox
// (in the database) is the queue, read max_in_flight rows at a time. It never
// touches the host loop: a slow or dead receiver cannot delay dialing.
//
// Order: one call's events go out one after the other (the claim takes only
// the first pending event of a call, and the next becomes due only once that
// one is delivered or failed).
//
// Threads. Every public member may be called from any thread and never
// blocks on the network or the database: nudge() wakes the worker (new
// events were committed), stop() asks it to end and joins it (at most
// request_timeout plus one database round trip). `log` is called on the
// worker's thread; it must be thread-safe (e.g. post to the host loop).
//
// Errors. A lost database connection is retried with backoff (1 s doubling
// to 30 s) and logged once per outage; an event whose outcome cannot be
// recorded comes back when its lease ends (it is then sent again: delivery
// is at least once; the receiver de-duplicates on the event id).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "pd/core/webhook.h"
#include "pd/store/dsn.h"

namespace pd::webhook {

struct DispatcherOptions {
  pd::store::Dsn dsn;
  std::string instance;  // names the claims (with a counter)
  pd::core::WebhookPolicy policy;
  std::size_t max_in_flight = 8;  // concurrent POSTs (1..64)
  // Of those, at most this many for one campaign (0: half of max_in_flight,
  // at least 1), so a slow receiver holds back only its own campaign.
  std::size_t max_in_flight_per_campaign = 0;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  // The outbox is read this often when nothing nudges (events of other
  // instances, retries coming due).
  std::chrono::milliseconds idle_poll{500};
  // Delivered events are deleted from the outbox this long after delivery
  // (checked every 10 minutes, 1000 rows at a time); failed ones stay until
  // an admin replays them.
  std::chrono::hours keep_delivered{24 * 7};
  // level: 0 info, 1 warning, 2 error.
  std::function<void(int level, const std::string& message)> log;
};

struct DispatcherStats {
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;  // POSTs that failed and will be retried
  std::uint64_t failed = 0;   // events given up
};

class Dispatcher {
 public:
  // Starts the thread; it connects in the background.
  explicit Dispatcher(DispatcherOptions options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // New events may be due: read the outbox now rather than at the next poll.
  void nudge();
  // Idempotent. POSTs still running are abandoned and their events handed
  // back to the outbox (due at once) so that the next start sends them.
  void stop();
  DispatcherStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace pd::webhook
