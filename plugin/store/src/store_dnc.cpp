// Do-not-call lookups, batched: one indexed IN (…) query per chunk.
#include <algorithm>
#include <set>

#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {
constexpr std::size_t kNumbersPerLookup = 500;
// Entries written a statement (each chunk with its marking of waiting numbers).
constexpr std::size_t kDncChunk = 1000;
}  // namespace

pd::Result<std::uint64_t> Store::add_dnc(std::span<const DncEntry> entries) {
  // As pd_mark_dnc_leads: the campaign ids let the (campaign_id, number) key
  // find the numbers.
  auto ids = conn_.query("SELECT id FROM dialer_campaigns");
  if (!ids) return pd::fail(ids.error());
  std::string campaigns;
  for (const auto& r : ids->rows)
    campaigns += (campaigns.empty() ? "" : ",") + std::string(r.str(0));
  std::uint64_t marked = 0;
  for (std::size_t at = 0; at < entries.size(); at += kDncChunk) {
    const std::size_t n = std::min(kDncChunk, entries.size() - at);
    std::vector<Param> params, numbers;
    for (std::size_t i = at; i < at + n; ++i) {
      params.emplace_back(entries[i].number);
      params.emplace_back(entries[i].reason);
      params.emplace_back(entries[i].expires);
      numbers.emplace_back(entries[i].number);
    }
    auto tx = Transaction::begin(conn_);
    if (!tx) return pd::fail(tx.error());
    auto r = conn_.execute("INSERT INTO dialer_dnc (number, reason, expires_at) VALUES " +
                               detail::repeated_groups("(?,?,?)", n) +
                               " ON DUPLICATE KEY UPDATE reason = VALUES(reason),"
                               " expires_at = VALUES(expires_at)",
                           params);
    if (!r) return pd::fail(r.error());
    if (!campaigns.empty()) {
      auto m = conn_.execute(
          "UPDATE dialer_numbers SET state = 'dnc', claim_owner = NULL, claim_expires_at = NULL"
          " WHERE campaign_id IN (" +
              campaigns + ") AND number IN (" + detail::placeholders(n) +
              ") AND state IN ('pending','retry')",
          numbers);
      if (!m) return pd::fail(m.error());
      marked += *m;
    }
    if (auto st = tx->commit(); !st) return pd::fail(st.error());
  }
  return marked;
}

pd::Result<bool> Store::remove_dnc(std::string_view number) {
  auto r = conn_.execute("DELETE FROM dialer_dnc WHERE number = ?", {number});
  if (!r) return pd::fail(r.error());
  return *r > 0;
}

pd::Result<std::vector<std::string>> Store::dnc_lookup(std::span<const std::string> numbers) {
  // Distinct and non-empty: duplicates would only lengthen the IN list.
  std::set<std::string_view> unique;
  for (const std::string& n : numbers) {
    if (!n.empty()) unique.insert(n);
  }
  std::vector<std::string_view> list(unique.begin(), unique.end());
  std::vector<std::string> listed;
  for (std::size_t at = 0; at < list.size(); at += kNumbersPerLookup) {
    const std::size_t count = std::min(kNumbersPerLookup, list.size() - at);
    std::vector<Param> params(list.begin() + at, list.begin() + at + count);
    auto rows = conn_.query("SELECT number FROM dialer_dnc WHERE number IN (" +
                                detail::placeholders(count) +
                                ") AND (expires_at IS NULL OR expires_at > NOW(3))",
                            params);
    if (!rows) return pd::fail(rows.error());
    for (const Row& r : rows->rows) listed.emplace_back(r.str(0));
  }
  return listed;
}

}  // namespace pd::store
