// UPDATEs over a list of lead ids, a chunk of kIdChunk ids a statement.
// Private to pd_store.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pd/store/connection.h"
#include "sql_text.h"

namespace pd::store::detail {

// Runs `sql_head` + " AND id IN (?,…)" once a chunk, binding `leading` then
// the chunk's ids; returns the rows changed in all. `sql_head` ends with a
// WHERE clause the IN list extends.
inline pd::Result<std::size_t> execute_for_ids(Connection& conn, std::string_view sql_head,
                                               const std::vector<Param>& leading,
                                               std::span<const std::uint64_t> ids) {
  std::size_t changed = 0;
  for (std::size_t at = 0; at < ids.size(); at += kIdChunk) {
    const auto chunk = ids.subspan(at, std::min(kIdChunk, ids.size() - at));
    std::vector<Param> params = leading;
    for (auto id : chunk) params.emplace_back(id);
    auto n = conn.execute(std::string(sql_head) + " AND id IN (" + placeholders(chunk.size()) + ")",
                          params);
    if (!n) return pd::fail(n.error());
    changed += *n;
  }
  return changed;
}

}  // namespace pd::store::detail
