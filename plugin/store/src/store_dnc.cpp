// Do-not-call lookups, batched: one indexed IN (…) query per chunk.
#include <algorithm>
#include <set>

#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {
constexpr std::size_t kNumbersPerLookup = 500;
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
