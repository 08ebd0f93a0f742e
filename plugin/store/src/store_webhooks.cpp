// The webhook outbox: the events the writes enqueue (WebhookOutbox, in the
// write's transaction) and the delivery worker's claim / finish / replay.
#include <algorithm>

#include "pd/store/store.h"
#include "sql_text.h"
#include "webhook_outbox.h"

namespace pd::store {
namespace detail {

namespace {

std::optional<pd::core::EpochMs> epoch(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

}  // namespace

pd::Result<WebhookOutbox::Hook> WebhookOutbox::hook(std::uint32_t campaign_id) {
  if (auto it = hooks_.find(campaign_id); it != hooks_.end()) return it->second;
  auto rows = conn_.query(
      "SELECT webhook_url <> '', webhook_state_changes, name FROM dialer_campaigns WHERE id = ?",
      {campaign_id});
  if (!rows) return pd::fail(rows.error());
  Hook h;
  if (!rows->rows.empty()) {
    h.url = rows->rows[0].i64(0) != 0;
    h.state_changes = rows->rows[0].i64(1) != 0;
    h.campaign = std::string(rows->rows[0].str(2));
  }
  hooks_.emplace(campaign_id, h);
  return h;
}

bool WebhookOutbox::wants(const Hook& hook, pd::core::WebhookEvent kind) {
  if (!hook.url) return false;
  return kind == pd::core::WebhookEvent::kResult || kind == pd::core::WebhookEvent::kDisposition ||
         hook.state_changes;
}

pd::Status WebhookOutbox::enqueue(pd::core::WebhookEvent kind, const std::string& call_id) {
  auto row = conn_.query("SELECT campaign_id FROM dialer_calls WHERE call_id = ?", {call_id});
  if (!row) return pd::fail(row.error());
  if (row->rows.empty() || row->rows[0].is_null(0)) return {};
  return enqueue(kind, static_cast<std::uint32_t>(row->rows[0].u64(0)), call_id, "", std::nullopt);
}

pd::Status WebhookOutbox::enqueue(pd::core::WebhookEvent kind, std::uint32_t campaign_id,
                                  const std::string& call_id, const std::string& state,
                                  std::optional<TimePoint> retry_at) {
  auto h = hook(campaign_id);
  if (!h) return pd::fail(h.error());
  if (!wants(*h, kind)) return {};
  auto rows = conn_.query(
      "SELECT c.number_id, c.number, COALESCE(n.name, ''), COALESCE(n.variables, ''), c.attempt,"
      " n.state, c.dial_status, c.disposition, c.hangup_cause, c.agent_disposition, c.dtmf,"
      " c.agent, c.unique_id, c.started_at, c.answered_at, c.ended_at"
      " FROM dialer_calls c LEFT JOIN dialer_numbers n ON n.id = c.number_id"
      " WHERE c.call_id = ?",
      {call_id});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty()) return {};
  const Row& r = rows->rows[0];
  const TimePoint now = now_ms();
  pd::core::WebhookCall call;
  call.event = kind;
  call.occurred_at = now.time_since_epoch().count();
  call.call_id = call_id;
  call.campaign_id = campaign_id;
  call.campaign = h->campaign;
  call.number_id = r.is_null(0) ? 0 : r.u64(0);
  call.number = std::string(r.str(1));
  call.name = std::string(r.str(2));
  call.variables = std::string(r.str(3));
  call.attempt = static_cast<int>(r.i64(4));
  call.state = state.empty() ? std::string(r.str(5)) : state;
  call.dial_status = r.opt(6);
  call.result = r.opt(7);
  if (!r.is_null(8)) call.hangup_cause = static_cast<int>(r.i64(8));
  call.agent_disposition = r.opt(9);
  call.dtmf = r.opt(10);
  call.agent = r.opt(11);
  call.unique_id = r.opt(12);
  call.started_at = epoch(r.time(13));
  call.answered_at = epoch(r.time(14));
  call.ended_at = epoch(r.time(15));
  call.retry_at = epoch(retry_at);
  const std::string event_id = pd::core::webhook_event_id(call);
  auto inserted = conn_.execute(
      "INSERT IGNORE INTO dialer_webhook_events (event_id, campaign_id, call_id, event, payload,"
      " next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?)",
      {event_id, campaign_id, call_id, std::string(pd::core::to_string(kind)),
       pd::core::webhook_payload(call), now, now});
  if (!inserted) return pd::fail(inserted.error());
  return {};
}

}  // namespace detail

pd::Result<std::vector<WebhookDelivery>> Store::claim_webhooks(
    const std::string& token, std::size_t n, TimePoint now, std::chrono::milliseconds lease,
    std::span<const std::uint32_t> skip_campaigns) {
  n = std::min<std::size_t>(n, detail::kIdChunk);
  std::vector<WebhookDelivery> out;
  if (n == 0) return out;
  // A consistent (non-locking) read picks the candidates; the guarded UPDATE
  // below is what makes the claim atomic.
  skip_campaigns = skip_campaigns.first(std::min(skip_campaigns.size(), detail::kIdChunk));
  std::vector<Param> select{now};
  for (std::uint32_t c : skip_campaigns) select.emplace_back(c);
  select.emplace_back(static_cast<std::uint64_t>(n));
  auto due = conn_.query(
      std::string("SELECT e.id FROM dialer_webhook_events e"
                  " WHERE e.state = 'pending' AND e.next_attempt_at <= ?") +
          (skip_campaigns.empty() ? ""
                                  : " AND e.campaign_id NOT IN (" +
                                        detail::placeholders(skip_campaigns.size()) + ")") +
          " AND NOT EXISTS (SELECT 1 FROM dialer_webhook_events p"
          "   WHERE p.call_id = e.call_id AND p.id < e.id AND p.state = 'pending')"
          " ORDER BY e.next_attempt_at, e.id LIMIT ?",
      select);
  if (!due) return pd::fail(due.error());
  if (due->rows.empty()) return out;
  std::vector<Param> params{now + lease, token, now};
  for (const Row& r : due->rows) params.emplace_back(r.u64(0));
  const std::string in = detail::placeholders(due->rows.size());
  auto claimed = conn_.execute(
      "UPDATE dialer_webhook_events SET next_attempt_at = ?, claim_token = ?"
      " WHERE state = 'pending' AND next_attempt_at <= ? AND id IN (" +
          in + ")",
      params);
  if (!claimed) return pd::fail(claimed.error());
  if (*claimed == 0) return out;
  std::vector<Param> read{token};
  for (const Row& r : due->rows) read.emplace_back(r.u64(0));
  auto rows = conn_.query(
      "SELECT e.id, e.event_id, e.call_id, e.event, e.payload, e.attempts,"
      " COALESCE(k.webhook_url, ''), COALESCE(k.webhook_secret, ''), e.campaign_id"
      " FROM dialer_webhook_events e LEFT JOIN dialer_campaigns k ON k.id = e.campaign_id"
      " WHERE e.claim_token = ? AND e.state = 'pending' AND e.id IN (" +
          in + ") ORDER BY e.id",
      read);
  if (!rows) return pd::fail(rows.error());
  for (const Row& r : rows->rows) {
    WebhookDelivery d;
    d.id = r.u64(0);
    d.event_id = std::string(r.str(1));
    d.call_id = std::string(r.str(2));
    d.event = std::string(r.str(3));
    d.payload = std::string(r.str(4));
    d.attempts = static_cast<int>(r.i64(5));
    d.url = std::string(r.str(6));
    d.secret = std::string(r.str(7));
    d.campaign_id = static_cast<std::uint32_t>(r.u64(8));
    out.push_back(std::move(d));
  }
  return out;
}

pd::Result<bool> Store::finish_webhook(std::uint64_t id, const std::string& token,
                                       const WebhookOutcome& outcome, TimePoint now) {
  const char* state = outcome.kind == WebhookOutcome::kDelivered ? "delivered"
                      : outcome.kind == WebhookOutcome::kRetry   ? "pending"
                                                                 : "failed";
  const TimePoint next = outcome.kind == WebhookOutcome::kRetry ? outcome.retry_at : now;
  std::optional<std::string> error;
  if (outcome.kind != WebhookOutcome::kDelivered) error = outcome.error.substr(0, 500);
  auto changed = conn_.execute(
      "UPDATE dialer_webhook_events SET state = ?, attempts = attempts + 1, next_attempt_at = ?,"
      " claim_token = NULL, last_status = ?, last_error = ?,"
      " delivered_at = IF(? = 'delivered', ?, delivered_at)"
      " WHERE id = ? AND claim_token = ? AND state = 'pending'",
      {state, next,
       outcome.http_status ? std::optional<std::int64_t>(*outcome.http_status)
                           : std::optional<std::int64_t>{},
       error, state, now, id, token});
  if (!changed) return pd::fail(changed.error());
  return *changed > 0;
}

pd::Result<bool> Store::release_webhook(std::uint64_t id, const std::string& token) {
  auto changed = conn_.execute(
      "UPDATE dialer_webhook_events SET next_attempt_at = ?, claim_token = NULL"
      " WHERE id = ? AND claim_token = ? AND state = 'pending'",
      {now_ms(), id, token});
  if (!changed) return pd::fail(changed.error());
  return *changed > 0;
}

pd::Result<bool> Store::replay_webhook(std::uint64_t id) {
  auto changed = conn_.execute(
      "UPDATE dialer_webhook_events SET state = 'pending', attempts = 0, next_attempt_at = ?,"
      " claim_token = NULL WHERE id = ? AND state IN ('failed','pending')",
      {now_ms(), id});
  if (!changed) return pd::fail(changed.error());
  return *changed > 0;
}

pd::Result<std::size_t> Store::prune_webhooks(TimePoint before, std::size_t limit) {
  // A delivered event's next_attempt_at is when it was delivered
  // (finish_webhook), so the claim's index serves this too.
  auto deleted = conn_.execute(
      "DELETE FROM dialer_webhook_events WHERE state = 'delivered' AND next_attempt_at < ?"
      " ORDER BY next_attempt_at LIMIT ?",
      {before, static_cast<std::uint64_t>(limit)});
  if (!deleted) return pd::fail(deleted.error());
  return static_cast<std::size_t>(*deleted);
}

pd::Result<WebhookCounts> Store::count_webhooks(std::optional<std::uint32_t> campaign_id) {
  auto rows = campaign_id
                  ? conn_.query(
                        "SELECT state, COUNT(*) FROM dialer_webhook_events"
                        " WHERE campaign_id = ? GROUP BY state",
                        {*campaign_id})
                  : conn_.query("SELECT state, COUNT(*) FROM dialer_webhook_events GROUP BY state");
  if (!rows) return pd::fail(rows.error());
  WebhookCounts counts;
  for (const Row& r : rows->rows) {
    const std::string_view state = r.str(0);
    const std::uint64_t n = r.u64(1);
    if (state == "pending") counts.pending = n;
    if (state == "delivered") counts.delivered = n;
    if (state == "failed") counts.failed = n;
  }
  return counts;
}

}  // namespace pd::store
