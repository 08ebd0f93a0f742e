// Small builders for SQL text with a variable number of placeholders.
// Private to pd_store. Only '?' lists are built this way, never values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pd::store::detail {

// Ids in one "id IN (...)" statement: few round trips, far below the
// protocol's 65,535 placeholders.
inline constexpr std::size_t kIdChunk = 1000;

// "?,?,?" (n >= 1).
inline std::string placeholders(std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

// "(?,?),(?,?)": `rows` groups of `group` (e.g. "(?,?)").
inline std::string repeated_groups(std::string_view group, std::size_t rows) {
  std::string out;
  out.reserve(rows * (group.size() + 1));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i) out += ',';
    out += group;
  }
  return out;
}

}  // namespace pd::store::detail
