// Lead claims: take the next ready leads of a campaign atomically, give them
// back, keep them.
//
// Why the claim walks priority levels: ix_number_ready is (campaign_id, state,
// priority, next_try_at, id), all ascending, and the wanted order is priority
// DESC then next_try_at, id ASC. No single index scan yields that mixed order
// (descending indexes need MariaDB 10.8), and a filesort under FOR UPDATE
// would read and lock every ready lead of the campaign. So, per state, the
// claim asks for the highest priority below the last level (an index dive,
// O(log n)), then reads that level in index order with LIMIT: a pure range
// scan that stops after n rows and locks only those.
//
// Why the resume hint: every claim moves its leads out of the pending range,
// leaving delete-marked index entries at its start until InnoDB's purge
// removes them. A locking read must step over each of them, so on a busy
// server the scan from the start of the range grows with the claim rate
// (measured: 0.3 ms for 50 leads clean, 2-4 ms behind purge). Pending leads
// all wait since the epoch, so after a claim the store remembers the last id
// it took at that level and next time reads "next_try_at = epoch AND id > last"
// first: a range that starts past the debris. Only when that runs short does
// it read the rest of the level (lower ids: released or skipped leads; then
// pending leads scheduled after the epoch). The hint changes the order only
// for those stragglers and never which leads are eligible.
//
// Why the fast path: in the steady state a claim takes the next n pending
// leads after the hint at the campaign's top level, and the levels query only
// confirms what the last claim saw. So once a claim has found its level, the
// next one reads "after the hint" straight away and asks, in the same
// statement, the three things the levels query would have said: the highest
// pending and retry priorities and whether any lease expired (scalar
// subqueries: index dives that lock nothing). The answer is used only when it
// is the one the levels walk would have given: n leads, no pending level
// above, no retry level above, no expired lease. Otherwise the claim forgets
// those rows (they stay locked, unused, until its COMMIT) and walks the levels
// in the same transaction. One round trip and one statement fewer per claim.
#include <algorithm>
#include <limits>

#include "id_chunks.h"
#include "lead_columns.h"
#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {

using detail::placeholders;
using detail::read_lead;

// Bounds the levels one claim visits when high levels hold only leads not due
// yet; the rest are reached by the next claim.
constexpr int kMaxPriorityLevels = 32;
constexpr int kConflictRetries = 3;

constexpr const char* kExpiredSql =
    "SELECT " PD_LEAD_COLUMNS
    " FROM dialer_numbers FORCE INDEX (ix_number_claim)"
    " WHERE state IN ('reserved','dialing','answered') AND claim_expires_at <= NOW(3)"
    " AND campaign_id = ? LIMIT ? FOR UPDATE SKIP LOCKED";

constexpr const char* kLevelsSql =
    "SELECT NOW(3),"
    " (SELECT MAX(priority) FROM dialer_numbers"
    "  WHERE campaign_id = ? AND state = 'pending' AND priority < ?),"
    " (SELECT MAX(priority) FROM dialer_numbers"
    "  WHERE campaign_id = ? AND state = 'retry' AND priority < ?),"
    // Whether kExpiredSql has anything to lock: a plain read, so that the
    // common case (no dead instance) costs no extra round trip.
    " EXISTS (SELECT 1 FROM dialer_numbers FORCE INDEX (ix_number_claim)"
    "  WHERE state IN ('reserved','dialing','answered') AND claim_expires_at <= NOW(3)"
    "  AND campaign_id = ?)";

// A whole level of one state, in order.
constexpr const char* kReadySql =
    "SELECT " PD_LEAD_COLUMNS
    " FROM dialer_numbers FORCE INDEX (ix_number_ready)"
    " WHERE campaign_id = ? AND state = ? AND priority = ? AND next_try_at <= ?"
    " ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED";

// Pending leads at the epoch, after / up to the hint.
constexpr const char* kPendingAfterSql =
    "SELECT " PD_LEAD_COLUMNS
    " FROM dialer_numbers FORCE INDEX (ix_number_ready)"
    " WHERE campaign_id = ? AND state = 'pending' AND priority = ? AND next_try_at = ?"
    " AND id > ? ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
constexpr const char* kPendingUpToSql =
    "SELECT " PD_LEAD_COLUMNS
    " FROM dialer_numbers FORCE INDEX (ix_number_ready)"
    " WHERE campaign_id = ? AND state = 'pending' AND priority = ? AND next_try_at = ?"
    " AND id <= ? ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
// Pending leads scheduled after the epoch and due now.
constexpr const char* kPendingScheduledSql =
    "SELECT " PD_LEAD_COLUMNS
    " FROM dialer_numbers FORCE INDEX (ix_number_ready)"
    " WHERE campaign_id = ? AND state = 'pending' AND priority = ? AND next_try_at > ?"
    " AND next_try_at <= ? ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED";

// kPendingAfterSql plus what the levels query says (see "fast path").
constexpr const char* kFastSql =
    "SELECT " PD_LEAD_COLUMNS
    ","
    " (SELECT MAX(priority) FROM dialer_numbers WHERE campaign_id = ? AND state = 'pending'),"
    " (SELECT MAX(priority) FROM dialer_numbers WHERE campaign_id = ? AND state = 'retry'),"
    " EXISTS (SELECT 1 FROM dialer_numbers FORCE INDEX (ix_number_claim)"
    "  WHERE state IN ('reserved','dialing','answered') AND claim_expires_at <= NOW(3)"
    "  AND campaign_id = ?),"
    " NOW(3)"
    " FROM dialer_numbers FORCE INDEX (ix_number_ready)"
    " WHERE campaign_id = ? AND state = 'pending' AND priority = ? AND next_try_at = ?"
    " AND id > ? ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
// The columns after PD_LEAD_COLUMNS in kFastSql.
constexpr unsigned kFastPendingMax = detail::kLeadColumnCount,
                   kFastRetryMax = detail::kLeadColumnCount + 1,
                   kFastExpired = detail::kLeadColumnCount + 2,
                   kFastNow = detail::kLeadColumnCount + 3;

constexpr TimePoint kEpoch{};

}  // namespace

// Appends the ready pending leads of one priority level (up to n in all).
pd::Status Store::claim_pending_level(std::uint32_t campaign_id, int priority, TimePoint now,
                                      std::size_t n, std::vector<Lead>& leads) {
  auto append = [&](const char* sql, std::initializer_list<Param> params) -> pd::Status {
    auto rows = conn_.query(sql, params);
    if (!rows) return pd::fail(rows.error());
    for (const Row& r : rows->rows) leads.push_back(read_lead(r));
    return {};
  };
  const std::size_t first = leads.size();
  const auto key = std::pair{campaign_id, priority};
  if (auto hint = pending_hints_.find(key); hint != pending_hints_.end()) {
    const std::uint64_t after = hint->second;
    if (auto st =
            append(kPendingAfterSql, {campaign_id, priority, kEpoch, after, n - leads.size()});
        !st)
      return st;
    if (leads.size() < n) {
      auto st = append(kPendingUpToSql, {campaign_id, priority, kEpoch, after, n - leads.size()});
      if (!st) return st;
    }
    if (leads.size() < n) {
      auto st =
          append(kPendingScheduledSql, {campaign_id, priority, kEpoch, now, n - leads.size()});
      if (!st) return st;
    }
  } else {
    auto st = append(kReadySql, {campaign_id, "pending", priority, now, n - leads.size()});
    if (!st) return st;
  }
  std::uint64_t last = 0;
  for (std::size_t i = first; i < leads.size(); ++i) {
    if (leads[i].next_try_at == kEpoch) last = std::max(last, leads[i].id);
  }
  if (last != 0) pending_hints_[key] = last;
  return {};
}

// The fast path: true with n leads in `leads` when they are what the levels
// walk would take; false (and `leads` empty) when the walk must decide.
pd::Result<bool> Store::claim_fast(std::uint32_t campaign_id, std::size_t n,
                                   std::vector<Lead>& leads, TimePoint& server_now) {
  const auto level = fast_levels_.find(campaign_id);
  if (level == fast_levels_.end()) return false;
  const int priority = level->second;
  const auto hint = pending_hints_.find({campaign_id, priority});
  if (hint == pending_hints_.end()) return false;
  auto rows = conn_.query(kFastSql, {campaign_id, campaign_id, campaign_id, campaign_id, priority,
                                     kEpoch, hint->second, n});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.size() != n) return false;
  const Row& first = rows->rows.front();
  if (first.is_null(kFastPendingMax) || first.i64(kFastPendingMax) != priority) return false;
  if (!first.is_null(kFastRetryMax) && first.i64(kFastRetryMax) > priority) return false;
  if (first.i64(kFastExpired) != 0) return false;
  server_now = first.time(kFastNow).value_or(now_ms());
  for (const Row& r : rows->rows) leads.push_back(read_lead(r));
  hint->second = leads.back().id;  // ascending ids, all at the epoch
  return true;
}

pd::Result<std::vector<Lead>> Store::claim_once(std::uint32_t campaign_id, std::size_t n,
                                                std::chrono::seconds lease) {
  auto txn = Transaction::begin(conn_);
  if (!txn) return pd::fail(txn.error());

  std::vector<Lead> leads;
  TimePoint server_now{};
  auto fast = claim_fast(campaign_id, n, leads, server_now);
  if (!fast) return pd::fail(fast.error());
  if (!*fast) fast_levels_.erase(campaign_id);
  int bound = std::numeric_limits<std::int16_t>::max() + 1;
  for (int level = 0; !*fast && level < kMaxPriorityLevels && leads.size() < n; ++level) {
    auto levels = conn_.query(kLevelsSql, {campaign_id, bound, campaign_id, bound, campaign_id});
    if (!levels) return pd::fail(levels.error());
    const Row& r = levels->rows.at(0);
    if (level == 0) {
      server_now = r.time(0).value_or(now_ms());
      if (r.i64(3) != 0) {  // leases expired: those leads go first
        auto expired = conn_.query(kExpiredSql, {campaign_id, n});
        if (!expired) return pd::fail(expired.error());
        for (const Row& e : expired->rows) leads.push_back(read_lead(e));
        if (leads.size() >= n) break;
      }
    }
    if (r.is_null(1) && r.is_null(2)) break;
    const int pending_max = r.is_null(1) ? std::numeric_limits<int>::min() : int(r.i64(1));
    const int retry_max = r.is_null(2) ? std::numeric_limits<int>::min() : int(r.i64(2));
    const int priority = std::max(pending_max, retry_max);
    // A state whose highest level is below `priority` has nothing at it.
    if (pending_max == priority) {
      if (auto st = claim_pending_level(campaign_id, priority, server_now, n, leads); !st)
        return pd::fail(st.error());
      // The top level of the campaign, now with a hint: the next claim can
      // try the fast path there.
      if (level == 0 && pending_hints_.contains({campaign_id, priority}))
        fast_levels_[campaign_id] = priority;
    }
    if (retry_max == priority && leads.size() < n) {
      auto ready =
          conn_.query(kReadySql, {campaign_id, "retry", priority, server_now, n - leads.size()});
      if (!ready) return pd::fail(ready.error());
      for (const Row& row : ready->rows) leads.push_back(read_lead(row));
    }
    bound = priority;
  }
  if (leads.empty()) {
    if (auto st = txn->commit(); !st) return pd::fail(st.error());
    return leads;
  }

  const TimePoint expires =
      server_now + std::chrono::duration_cast<std::chrono::milliseconds>(lease);
  std::vector<Param> params{"reserved", instance_, expires};
  for (const Lead& lead : leads) params.emplace_back(lead.id);
  const std::string sql =
      "UPDATE dialer_numbers SET state = ?, claim_owner = ?, claim_expires_at = ? WHERE id IN (" +
      placeholders(leads.size()) + ")";
  auto updated = conn_.execute(sql, params);
  if (!updated) return pd::fail(updated.error());
  if (*updated != leads.size())
    return pd::fail(pd::Error::internal("claim updated " + std::to_string(*updated) + " of " +
                                        std::to_string(leads.size()) + " locked leads"));
  if (auto st = txn->commit(); !st) return pd::fail(st.error());
  for (Lead& lead : leads) lead.claim_expires_at = expires;
  return leads;
}

pd::Result<std::vector<Lead>> Store::claim(std::uint32_t campaign_id, std::size_t n,
                                           std::chrono::seconds lease) {
  if (n == 0) return std::vector<Lead>{};
  if (lease.count() <= 0) return pd::fail(pd::Error::invalid("claim lease must be positive"));
  for (int attempt = 1;; ++attempt) {
    auto leads = claim_once(campaign_id, n, lease);
    if (leads || leads.error().code != pd::ErrorCode::kConflict || attempt == kConflictRetries)
      return leads;
  }
}

pd::Result<std::size_t> Store::release(std::span<const std::uint64_t> lead_ids) {
  return detail::execute_for_ids(conn_,
                                 "UPDATE dialer_numbers SET state = " PD_GIVEN_BACK_STATE
                                 ","
                                 " claim_owner = NULL, claim_expires_at = NULL"
                                 " WHERE claim_owner = ? AND state = 'reserved'",
                                 {instance_}, lead_ids);
}

pd::Result<std::size_t> Store::defer(std::span<const std::uint64_t> lead_ids,
                                     TimePoint not_before) {
  return detail::execute_for_ids(conn_,
                                 "UPDATE dialer_numbers SET state = " PD_GIVEN_BACK_STATE
                                 ","
                                 " next_try_at = ?, claim_owner = NULL, claim_expires_at = NULL"
                                 " WHERE claim_owner = ? AND state = 'reserved'",
                                 {not_before, instance_}, lead_ids);
}

pd::Result<std::size_t> Store::renew(std::span<const std::uint64_t> lead_ids,
                                     std::chrono::seconds lease) {
  if (lease.count() <= 0) return pd::fail(pd::Error::invalid("claim lease must be positive"));
  return detail::execute_for_ids(
      conn_,
      "UPDATE dialer_numbers SET claim_expires_at = NOW(3) + INTERVAL ? SECOND"
      " WHERE claim_owner = ? AND state IN ('reserved','dialing','answered')",
      {static_cast<std::int64_t>(lease.count()), instance_}, lead_ids);
}

}  // namespace pd::store
