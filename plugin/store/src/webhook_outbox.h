// The webhook outbox's writer side: Store::write() calls it inside the batch's
// transaction, right after a call step changed the database for the first
// time (store_writes.cpp), so each event is inserted exactly once, with the
// step, or not at all. Private to pd_store.
//
// Cost: per batch, one lookup per campaign seen (its webhook settings,
// remembered for the batch: at most one entry per op); per event of a
// campaign with a webhook, one indexed read of the call row and one INSERT.
// Campaigns without a webhook cost the one lookup per batch only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "pd/core/webhook.h"
#include "pd/result.h"
#include "pd/store/connection.h"

namespace pd::store::detail {

class WebhookOutbox {
 public:
  explicit WebhookOutbox(Connection& conn) : conn_(conn) {}

  // Inserts the event `kind` of call `call_id` (read back from dialer_calls
  // after the step's own updates) if its campaign wants it: a result or a
  // disposition when the campaign has a URL; dialing and answered only with
  // webhook_state_changes too. `state` is the number's state after the step
  // ("" : read it), `retry_at` when it will be dialed again.
  pd::Status enqueue(pd::core::WebhookEvent kind, std::uint32_t campaign_id,
                     const std::string& call_id, const std::string& state,
                     std::optional<TimePoint> retry_at);
  // Same, for a step whose campaign is not known yet (answer, tag).
  pd::Status enqueue(pd::core::WebhookEvent kind, const std::string& call_id);

 private:
  struct Hook {
    bool url = false;
    bool state_changes = false;
    std::string campaign;
  };
  pd::Result<Hook> hook(std::uint32_t campaign_id);
  static bool wants(const Hook& hook, pd::core::WebhookEvent kind);

  Connection& conn_;
  std::map<std::uint32_t, Hook> hooks_;  // this batch's campaigns (<= its ops)
};

}  // namespace pd::store::detail
