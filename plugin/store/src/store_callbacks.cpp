// Callbacks (migration 0015): an agent's due personal callbacks claimed for
// that agent, and personal callbacks whose grace is over opened to anyone.
// Scheduling one is part of the agent's tag (AgentTag::callback, store_writes.cpp).
#include <algorithm>

#include "lead_columns.h"
#include "pd/store/store.h"
#include "schedule_callback.h"
#include "sql_text.h"

namespace pd::store {
namespace {

using detail::placeholders;
using detail::read_lead;

constexpr int kCallbackConflictRetries = 3;

}  // namespace

pd::Result<std::vector<PersonalCallback>> Store::claim_callbacks(
    std::span<const std::string> agents, std::size_t n, std::chrono::seconds lease) {
  if (agents.empty() || n == 0) return std::vector<PersonalCallback>{};
  if (lease.count() <= 0) return pd::fail(pd::Error::invalid("claim lease must be positive"));
  if (agents.size() > kMaxCallbackAgents)
    return pd::fail(pd::Error::invalid("at most " + std::to_string(kMaxCallbackAgents) +
                                       " agents per callback claim"));
  for (int attempt = 1;; ++attempt) {
    auto claimed = [&]() -> pd::Result<std::vector<PersonalCallback>> {
      auto txn = Transaction::begin(conn_);
      if (!txn) return pd::fail(txn.error());
      std::vector<Param> params;
      for (const std::string& agent : agents) params.emplace_back(agent);
      params.emplace_back(static_cast<std::uint64_t>(n));
      auto rows = conn_.query("SELECT " PD_LEAD_COLUMNS
                              ", callback_agent, NOW(3)"
                              " FROM dialer_numbers FORCE INDEX (ix_number_callback)"
                              " WHERE state = 'callback' AND callback_agent IN (" +
                                  placeholders(agents.size()) +
                                  ") AND next_try_at <= NOW(3)"
                                  " ORDER BY next_try_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
                              params);
      if (!rows) return pd::fail(rows.error());
      std::vector<PersonalCallback> due;
      if (rows->rows.empty()) {
        if (auto st = txn->commit(); !st) return pd::fail(st.error());
        return due;
      }
      const TimePoint server_now =
          rows->rows.front().time(detail::kLeadColumnCount + 1).value_or(now_ms());
      const TimePoint expires =
          server_now + std::chrono::duration_cast<std::chrono::milliseconds>(lease);
      std::vector<Param> ids{instance_, expires};
      for (const Row& r : rows->rows) {
        PersonalCallback callback{std::string(r.str(detail::kLeadColumnCount)), read_lead(r)};
        callback.lead.claim_expires_at = expires;
        ids.emplace_back(callback.lead.id);
        due.push_back(std::move(callback));
      }
      auto updated = conn_.execute(
          "UPDATE dialer_numbers SET state = 'reserved', claim_owner = ?, claim_expires_at = ?"
          " WHERE id IN (" +
              placeholders(due.size()) + ")",
          ids);
      if (!updated) return pd::fail(updated.error());
      if (auto st = txn->commit(); !st) return pd::fail(st.error());
      return due;
    }();
    if (claimed || claimed.error().code != pd::ErrorCode::kConflict ||
        attempt == kCallbackConflictRetries)
      return claimed;
  }
}

pd::Result<std::size_t> Store::open_expired_callbacks(std::size_t limit) {
  auto opened = conn_.execute(
      "UPDATE dialer_numbers SET state = 'pending'"
      " WHERE state = 'callback' AND callback_until <= NOW(3) LIMIT ?",
      {static_cast<std::uint64_t>(std::max<std::size_t>(limit, 1))});
  if (!opened) return pd::fail(opened.error());
  return *opened;
}

namespace detail {
pd::Result<bool> schedule_callback(Connection& conn, std::uint64_t id, const ScheduledCallback& c) {
  auto scheduled = conn.execute(
      "UPDATE dialer_numbers SET state = IF(? = '', 'pending', 'callback'), next_try_at = ?,"
      " attempts = 0, callback_at = ?, callback_agent = NULLIF(?, ''), callback_until = ?"
      " WHERE id = ? AND claim_owner IS NULL AND state NOT IN "
      "('dnc','reserved','dialing','answered')",
      {c.agent, c.due, c.due, c.agent,
       c.agent.empty() ? std::optional<TimePoint>{} : c.personal_until, id});
  if (!scheduled) return pd::fail(scheduled.error());
  return *scheduled > 0;
}
}  // namespace detail

pd::Result<bool> Store::schedule_callback(std::uint64_t id, const ScheduledCallback& callback) {
  return detail::schedule_callback(conn_, id, callback);
}

pd::Result<Lead> Store::number(std::uint64_t id) {
  auto rows = conn_.query("SELECT " PD_LEAD_COLUMNS " FROM dialer_numbers WHERE id = ?", {id});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty()) {
    return pd::fail(pd::Error::not_found("number " + std::to_string(id) + " does not exist"));
  }
  return detail::read_lead(rows->rows[0]);
}

}  // namespace pd::store
