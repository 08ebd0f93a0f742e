// Bulk adds of campaign numbers and counts by state.
#include <algorithm>

#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {

// 8 placeholders a row: 8,000 a statement, far below the protocol's 65,535,
// and big enough that the per-statement round trip is noise.
constexpr std::size_t kRowsPerInsert = 1000;

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// INSERT IGNORE turns "too long" into a silent truncation, so the column
// limits are checked here.
pd::Status check(const NewNumber& n, std::size_t index) {
  auto bad = [&](std::string why) {
    return pd::fail(pd::Error::invalid("number " + std::to_string(index) + ": " + why));
  };
  if (n.number.empty()) return bad("empty number");
  if (utf8_length(n.number) > 32) return bad("number longer than 32 characters");
  if (utf8_length(n.name) > 160) return bad("name longer than 160 characters");
  if (utf8_length(n.caller_id) > 80) return bad("caller id longer than 80 characters");
  if (utf8_length(n.variables) > 1000) return bad("variables longer than 1000 characters");
  if (n.time_zone && (n.time_zone->empty() || n.time_zone->size() > 64)) {
    return bad("time zone empty or longer than 64 characters");
  }
  return {};
}

}  // namespace

pd::Result<std::size_t> Store::add_numbers(std::uint32_t campaign_id,
                                           std::span<const NewNumber> numbers) {
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (auto st = check(numbers[i], i); !st) return pd::fail(st.error());
  }
  std::size_t added = 0;
  std::vector<Param> params;
  params.reserve(kRowsPerInsert * 8);
  for (std::size_t at = 0; at < numbers.size(); at += kRowsPerInsert) {
    const std::size_t rows = std::min(kRowsPerInsert, numbers.size() - at);
    params.clear();
    for (const NewNumber& n : numbers.subspan(at, rows)) {
      params.emplace_back(campaign_id);
      params.emplace_back(n.contact_id);
      params.emplace_back(n.name);
      params.emplace_back(n.number);
      params.emplace_back(n.caller_id);
      params.emplace_back(n.variables);
      params.emplace_back(n.priority);
      params.emplace_back(n.time_zone);
    }
    auto inserted = conn_.execute(
        "INSERT IGNORE INTO dialer_numbers"
        " (campaign_id, contact_id, name, number, caller_id, variables, priority, time_zone)"
        " VALUES " +
            detail::repeated_groups("(?,?,?,?,?,?,?,?)", rows),
        params);
    if (!inserted) return pd::fail(inserted.error());
    added += *inserted;
  }
  return added;
}

pd::Result<std::map<NumberState, std::uint64_t>> Store::count_numbers(
    std::optional<std::uint32_t> campaign_id) {
  auto rows = campaign_id
                  ? conn_.query(
                        "SELECT state, COUNT(*) FROM dialer_numbers WHERE campaign_id = ?"
                        " GROUP BY state",
                        {*campaign_id})
                  : conn_.query("SELECT state, COUNT(*) FROM dialer_numbers GROUP BY state");
  if (!rows) return pd::fail(rows.error());
  std::map<NumberState, std::uint64_t> counts;
  for (NumberState s : kAllNumberStates) counts[s] = 0;
  for (const Row& r : rows->rows) {
    if (auto s = parse_number_state(r.str(0))) counts[*s] = r.u64(1);
  }
  return counts;
}

}  // namespace pd::store
