// The webhook outbox in the store: events queued in the write's transaction,
// exactly once even when a batch is written again; the worker's claim (one
// call's events in order, a lease another claimer respects), outcomes,
// replay and pruning.
#include <doctest/doctest.h>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;

namespace {

void hook(testing::ScratchDb& db, std::uint32_t campaign, bool state_changes) {
  REQUIRE(db.conn().execute(
      "UPDATE dialer_campaigns SET webhook_url = 'http://127.0.0.1:9/hook',"
      " webhook_secret = 'secret-secret-secret', webhook_state_changes = ? WHERE id = ?",
      {state_changes, campaign}));
}

}  // namespace

TEST_CASE(
    "webhook outbox: a result is queued once, with its write, even when the batch is written "
    "again") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto hooked = db->add_campaign("hooked");
  const auto plain = db->add_campaign("plain");
  db->add_numbers(hooked, 1);
  db->add_numbers(plain, 1);
  hook(*db, hooked, false);
  Store store(db->conn(), "engine-h");
  auto lead = store.claim(hooked, 1, 60s);
  auto other = store.claim(plain, 1, 60s);
  REQUIRE((lead && lead->size() == 1 && other && other->size() == 1));
  auto batch = start_and_result((*lead)[0], "h-1", NumberState::kRetry);
  for (auto& op : start_and_result((*other)[0], "p-1")) batch.push_back(std::move(op));
  REQUIRE(store.write(batch));
  REQUIRE(store.write(batch));                          // after an unknown COMMIT outcome
  CHECK(db->count("dialer_webhook_events", "1") == 1);  // no state changes, no webhook on "plain"
  // A campaign whose share of the worker is full is skipped.
  const std::vector<std::uint32_t> full{hooked};
  auto skipped = store.claim_webhooks("t-0", 10, now_ms(), 30s, full);
  REQUIRE(skipped);
  CHECK(skipped->empty());
  auto claimed = store.claim_webhooks("t-1", 10, now_ms(), 30s);
  REQUIRE(claimed);
  REQUIRE(claimed->size() == 1);
  CHECK((*claimed)[0].campaign_id == hooked);
  const WebhookDelivery& d = (*claimed)[0];
  CHECK(d.event_id == "h-1.result");
  CHECK(d.event == "call.result");
  CHECK(d.url == "http://127.0.0.1:9/hook");
  CHECK(d.secret == "secret-secret-secret");
  CHECK(d.payload.find("\"state\":\"retry\"") != std::string::npos);
  CHECK(d.payload.find("\"will_retry\":true") != std::string::npos);
  CHECK(d.payload.find("\"campaign\":{\"id\":" + std::to_string(hooked) +
                       ",\"name\":\"hooked\"}") != std::string::npos);
  // Leased: another claimer does not get it.
  auto again = store.claim_webhooks("t-2", 10, now_ms(), 30s);
  REQUIRE(again);
  CHECK(again->empty());
  // A stale token records nothing; the right one does.
  WebhookOutcome ok;
  ok.kind = WebhookOutcome::kDelivered;
  ok.http_status = 200;
  CHECK_FALSE(*store.finish_webhook(d.id, "t-2", ok, now_ms()));
  CHECK(*store.finish_webhook(d.id, "t-1", ok, now_ms()));
  CHECK(store.count_webhooks(hooked)->delivered == 1);
  CHECK_FALSE(*store.replay_webhook(d.id));  // delivered: not sent again
  CHECK(*store.prune_webhooks(now_ms() - 1h, 100) == 0);
  CHECK(*store.prune_webhooks(now_ms() + 1s, 100) == 1);
  CHECK(db->count("dialer_webhook_events", "1") == 0);
}

TEST_CASE("webhook outbox: one call's events go out in order, a failure waits for its retry") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("ordered");
  db->add_numbers(campaign, 2);
  hook(*db, campaign, true);
  Store store(db->conn(), "engine-o");
  auto leads = store.claim(campaign, 2, 60s);
  REQUIRE((leads && leads->size() == 2));
  auto batch = start_and_result((*leads)[0], "o-1");
  for (auto& op : start_and_result((*leads)[1], "o-2")) batch.push_back(std::move(op));
  REQUIRE(store.write(batch));
  CHECK(db->count("dialer_webhook_events", "1") == 4);
  // Only the first event of each call.
  auto first = store.claim_webhooks("t-1", 10, now_ms(), 30s);
  REQUIRE(first);
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].event_id == "o-1.dialing");
  CHECK((*first)[1].event_id == "o-2.dialing");
  // o-1's first event fails and waits for its retry: o-1's result waits too;
  // o-2's result goes once its first is delivered.
  WebhookOutcome retry;
  retry.kind = WebhookOutcome::kRetry;
  retry.retry_at = now_ms() + 1h;
  retry.error = "HTTP 503";
  retry.http_status = 503;
  WebhookOutcome ok;
  ok.kind = WebhookOutcome::kDelivered;
  REQUIRE(*store.finish_webhook((*first)[0].id, "t-1", retry, now_ms()));
  REQUIRE(*store.finish_webhook((*first)[1].id, "t-1", ok, now_ms()));
  auto second = store.claim_webhooks("t-2", 10, now_ms(), 30s);
  REQUIRE(second);
  REQUIRE(second->size() == 1);
  CHECK((*second)[0].event_id == "o-2.result");
  CHECK(db->count("dialer_webhook_events", "last_error = 'HTTP 503' AND attempts = 1") == 1);
  // Given up: kept as failed, and then the call's later event may go.
  WebhookOutcome failed;
  failed.kind = WebhookOutcome::kFailed;
  failed.error = "HTTP 503 (after 8 attempts)";
  REQUIRE(*store.finish_webhook((*second)[0].id, "t-2", ok, now_ms()));
  REQUIRE(*store.replay_webhook((*first)[0].id));  // due now again
  auto third = store.claim_webhooks("t-3", 10, now_ms(), 30s);
  REQUIRE((third && third->size() == 1));
  CHECK((*third)[0].event_id == "o-1.dialing");
  CHECK((*third)[0].attempts == 0);
  REQUIRE(*store.finish_webhook((*third)[0].id, "t-3", failed, now_ms()));
  auto fourth = store.claim_webhooks("t-4", 10, now_ms(), 30s);
  REQUIRE((fourth && fourth->size() == 1));
  CHECK((*fourth)[0].event_id == "o-1.result");
  // Handed back by a stopping worker: due again at once, attempts untouched.
  CHECK(*store.release_webhook((*fourth)[0].id, "t-4"));
  auto fifth = store.claim_webhooks("t-5", 10, now_ms(), 30s);
  REQUIRE((fifth && fifth->size() == 1));
  CHECK((*fifth)[0].attempts == 0);
  const auto counts = store.count_webhooks(std::nullopt);
  REQUIRE(counts);
  CHECK(counts->failed == 1);
  CHECK(counts->delivered == 2);
  CHECK(counts->pending == 1);
}
