// Bulk adds of campaign numbers and counts by state.
#include <algorithm>

#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {

// 9 placeholders a row: 9,000 a statement, far below the protocol's 65,535,
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
  params.reserve(kRowsPerInsert * 9);
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
      params.emplace_back(n.not_before.value_or(TimePoint{}));
    }
    auto inserted = conn_.execute(
        "INSERT IGNORE INTO dialer_numbers"
        " (campaign_id, contact_id, name, number, caller_id, variables, priority, time_zone,"
        " next_try_at)"
        " VALUES " +
            detail::repeated_groups("(?,?,?,?,?,?,?,?,?)", rows),
        params);
    if (!inserted) return pd::fail(inserted.error());
    added += *inserted;
  }
  return added;
}

pd::Result<std::map<std::string, std::uint64_t>> Store::number_ids(
    std::uint32_t campaign_id, std::span<const std::string> numbers) {
  std::map<std::string, std::uint64_t> ids;
  for (std::size_t at = 0; at < numbers.size(); at += kRowsPerInsert) {
    const std::size_t count = std::min(kRowsPerInsert, numbers.size() - at);
    std::vector<Param> params;
    params.emplace_back(campaign_id);
    for (std::size_t i = at; i < at + count; ++i) params.emplace_back(numbers[i]);
    auto rows = conn_.query(
        "SELECT number, id FROM dialer_numbers WHERE campaign_id = ?"
        " AND number IN (" +
            detail::placeholders(count) + ")",
        params);
    if (!rows) return pd::fail(rows.error());
    for (const Row& r : rows->rows) ids.emplace(std::string(r.str(0)), r.u64(1));
  }
  return ids;
}

namespace {
// A number in a call may not be changed or deleted: the engine owns it.
constexpr const char* kNotInCall = " AND state NOT IN ('reserved','dialing','answered')";

pd::Status missing_or_busy(Connection& conn, std::uint64_t id) {
  auto rows = conn.query("SELECT state FROM dialer_numbers WHERE id = ?", {id});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty()) {
    return pd::fail(pd::Error::not_found("number " + std::to_string(id) + " does not exist"));
  }
  return pd::fail(pd::Error::conflict("number " + std::to_string(id) + " is in a call (" +
                                      std::string(rows->rows[0].str(0)) + "); try again later"));
}
}  // namespace

pd::Status Store::update_number(std::uint64_t id, const NumberChange& change) {
  NewNumber probe;  // the column limits of add_numbers
  probe.number = "0";
  probe.name = change.name.value_or("");
  probe.caller_id = change.caller_id.value_or("");
  probe.variables = change.variables.value_or("");
  if (auto st = check(probe, 0); !st) return st;
  std::string sets;
  std::vector<Param> params;
  auto set = [&](const char* column, Param value) {
    sets += (sets.empty() ? "" : ", ") + std::string(column) + " = ?";
    params.push_back(std::move(value));
  };
  if (change.name) set("name", *change.name);
  if (change.caller_id) set("caller_id", *change.caller_id);
  if (change.variables) set("variables", *change.variables);
  if (change.priority) set("priority", *change.priority);
  if (change.not_before) set("next_try_at", *change.not_before);
  if (sets.empty()) return {};
  params.emplace_back(id);
  auto changed =
      conn_.execute("UPDATE dialer_numbers SET " + sets + " WHERE id = ?" + kNotInCall, params);
  if (!changed) return pd::fail(changed.error());
  if (*changed > 0) return {};
  // 0 rows: missing, in a call, or nothing differed (MySQL counts changed rows).
  auto rows =
      conn_.query(std::string("SELECT 1 FROM dialer_numbers WHERE id = ?") + kNotInCall, {id});
  if (!rows) return pd::fail(rows.error());
  if (!rows->rows.empty()) return {};
  return missing_or_busy(conn_, id);
}

pd::Status Store::delete_number(std::uint64_t id) {
  auto deleted =
      conn_.execute(std::string("DELETE FROM dialer_numbers WHERE id = ?") + kNotInCall, {id});
  if (!deleted) return pd::fail(deleted.error());
  if (*deleted > 0) return {};
  return missing_or_busy(conn_, id);
}

pd::Result<bool> Store::set_campaign_enabled(std::uint32_t campaign_id, bool enabled) {
  auto rows = conn_.query("SELECT enabled FROM dialer_campaigns WHERE id = ?", {campaign_id});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty()) {
    return pd::fail(
        pd::Error::not_found("campaign " + std::to_string(campaign_id) + " does not exist"));
  }
  auto changed =
      conn_.execute("UPDATE dialer_campaigns SET enabled = ? WHERE id = ?", {enabled, campaign_id});
  if (!changed) return pd::fail(changed.error());
  return *changed > 0;
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
