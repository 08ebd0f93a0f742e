// pdctl stats CAMPAIGN: totals, numbers by state, attempts by dial status,
// numbers by engine result and agent disposition, attempts per hour over the
// last 24 hours, and an estimated completion (numbers still to dial divided
// by the recent attempt rate).
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

namespace pdctl {
namespace {

struct Count {
  std::string key;
  std::uint64_t n = 0;
};

pd::Result<std::vector<Count>> counts(pd::store::Connection& conn, const std::string& sql,
                                      std::uint32_t campaign_id) {
  auto rows = conn.query(sql, {campaign_id});
  if (!rows) return pd::fail(rows.error());
  std::vector<Count> out;
  for (const auto& r : rows->rows) out.push_back({r.opt(0).value_or(""), r.u64(1)});
  return out;
}

Json::Value to_json(const std::vector<Count>& counts) {
  Json::Value v(Json::objectValue);
  for (const auto& c : counts) v[c.key.empty() ? "(none)" : c.key] = static_cast<Json::UInt64>(c.n);
  return v;
}

void print_counts(const char* title, const std::vector<Count>& counts) {
  std::cout << title << ":\n";
  if (counts.empty()) std::cout << "  (none)\n";
  for (const auto& c : counts) {
    std::printf("  %-28s %10llu\n", c.key.empty() ? "(none)" : c.key.c_str(),
                static_cast<unsigned long long>(c.n));
  }
}

int run_stats(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  auto& c = **conn;
  const std::uint32_t id = ref->id;
  auto by_state = counts(c,
                         "SELECT state, COUNT(*) FROM dialer_numbers WHERE campaign_id = ? GROUP "
                         "BY state ORDER BY state",
                         id);
  if (!by_state) return ctx.fail(by_state.error());
  auto by_dial_status =
      counts(c,
             "SELECT dial_status, COUNT(*) FROM dialer_calls WHERE campaign_id = ?"
             " AND direction = 'outbound' GROUP BY dial_status ORDER BY 2 DESC",
             id);
  if (!by_dial_status) return ctx.fail(by_dial_status.error());
  auto by_result = counts(c,
                          "SELECT disposition, COUNT(*) FROM dialer_numbers WHERE campaign_id = ?"
                          " AND disposition IS NOT NULL GROUP BY disposition ORDER BY 2 DESC",
                          id);
  if (!by_result) return ctx.fail(by_result.error());
  auto by_agent =
      counts(c,
             "SELECT agent_disposition, COUNT(*) FROM dialer_numbers WHERE campaign_id = ?"
             " AND agent_disposition IS NOT NULL AND agent_disposition <> ''"
             " GROUP BY agent_disposition ORDER BY 2 DESC",
             id);
  if (!by_agent) return ctx.fail(by_agent.error());
  auto per_hour =
      counts(c,
             "SELECT DATE_FORMAT(started_at, '%Y-%m-%d %H:00'), COUNT(*) FROM dialer_calls"
             " WHERE campaign_id = ? AND direction = 'outbound'"
             " AND started_at >= UTC_TIMESTAMP(3) - INTERVAL 24 HOUR"
             " GROUP BY 1 ORDER BY 1",
             id);
  if (!per_hour) return ctx.fail(per_hour.error());
  auto totals = c.query(
      "SELECT (SELECT COUNT(*) FROM dialer_numbers WHERE campaign_id = ?),"
      " (SELECT COUNT(*) FROM dialer_numbers WHERE campaign_id = ?"
      "   AND state IN ('pending','retry','callback','reserved','dialing','answered')),"
      " (SELECT COUNT(*) FROM dialer_calls WHERE campaign_id = ? AND direction = 'outbound'),"
      " (SELECT COUNT(*) FROM dialer_calls WHERE campaign_id = ? AND direction = 'outbound'"
      "   AND answered_at IS NOT NULL),"
      " (SELECT COUNT(*) FROM dialer_calls WHERE campaign_id = ? AND direction = 'outbound'"
      "   AND started_at >= UTC_TIMESTAMP(3) - INTERVAL 1 HOUR),"
      " (SELECT COUNT(*) FROM dialer_calls WHERE campaign_id = ? AND direction = 'outbound'"
      "   AND started_at >= UTC_TIMESTAMP(3) - INTERVAL 24 HOUR),"
      " UNIX_TIMESTAMP(UTC_TIMESTAMP()) + 0",
      {id, id, id, id, id, id});
  if (!totals) return ctx.fail(totals.error());
  const auto& t = totals->rows[0];
  const std::uint64_t numbers = t.u64(0), open = t.u64(1), attempts = t.u64(2), answered = t.u64(3),
                      last_hour = t.u64(4), last_day = t.u64(5);
  // The recent rate: the last hour's attempts, else the last day's average.
  const double rate_per_hour =
      last_hour > 0 ? static_cast<double>(last_hour) : static_cast<double>(last_day) / 24.0;
  std::optional<std::int64_t> eta_seconds;
  if (open == 0) {
    eta_seconds = 0;
  } else if (rate_per_hour > 0) {
    eta_seconds = static_cast<std::int64_t>(static_cast<double>(open) / rate_per_hour * 3600.0);
  }
  std::string eta_at;
  if (eta_seconds) {
    // The server's clock (the same one started_at is written with).
    std::time_t at = static_cast<std::time_t>(std::stoll(std::string(t.str(6))) + *eta_seconds);
    std::tm tm{};
    gmtime_r(&at, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    eta_at = buf;
  }

  if (ctx.json()) {
    Json::Value v;
    v["campaign"] = ref->name;
    v["id"] = id;
    v["numbers"] = static_cast<Json::UInt64>(numbers);
    v["open_numbers"] = static_cast<Json::UInt64>(open);
    v["attempts"] = static_cast<Json::UInt64>(attempts);
    v["answered"] = static_cast<Json::UInt64>(answered);
    v["by_state"] = to_json(*by_state);
    v["by_dial_status"] = to_json(*by_dial_status);
    v["by_result"] = to_json(*by_result);
    v["by_agent_disposition"] = to_json(*by_agent);
    v["attempts_per_hour"] = to_json(*per_hour);
    v["attempts_last_hour"] = static_cast<Json::UInt64>(last_hour);
    v["attempts_last_24h"] = static_cast<Json::UInt64>(last_day);
    v["rate_per_hour"] = rate_per_hour;
    v["eta_seconds"] = eta_seconds ? Json::Value(static_cast<Json::Int64>(*eta_seconds))
                                   : Json::Value(Json::nullValue);
    v["estimated_completion_utc"] = eta_seconds ? Json::Value(eta_at) : Json::Value();
    ctx.print_json(v);
    return kExitOk;
  }
  std::cout << "campaign " << ref->name << " (#" << id << ")\n"
            << "numbers:            " << numbers << " (" << open << " still to dial or in a call)\n"
            << "attempts:           " << attempts << " (" << answered << " answered)\n";
  print_counts("numbers by state", *by_state);
  print_counts("attempts by dial status", *by_dial_status);
  print_counts("numbers by engine result", *by_result);
  print_counts("numbers by agent disposition", *by_agent);
  print_counts("attempts per hour, last 24 h (UTC)", *per_hour);
  std::printf("recent rate:        %.1f attempts an hour\n", rate_per_hour);
  if (open == 0) {
    std::cout << "estimated completion: done (nothing left to dial)\n";
  } else if (!eta_seconds) {
    std::cout << "estimated completion: unknown (no attempts in the last 24 h)\n";
  } else {
    std::cout << "estimated completion: " << eta_at << " UTC (in " << *eta_seconds / 3600 << " h "
              << *eta_seconds % 3600 / 60 << " min)\n";
  }
  return kExitOk;
}

}  // namespace

Group stats_group() {
  Group g{"stats", "a campaign's statistics", {}};
  g.commands.push_back({"",
                        "CAMPAIGN",
                        "totals, numbers by state, attempts by dial status, by engine result and "
                        "agent disposition, attempts per hour, estimated completion",
                        "Attempts are the outbound calls of dialer_calls; results and agent\n"
                        "dispositions are each number's latest. The estimated completion divides\n"
                        "the numbers still to dial (pending, retry, callback, in a call) by the\n"
                        "last hour's attempts (else the last 24 hours' hourly average); every\n"
                        "retry and callback makes the real end later.",
                        {},
                        1,
                        1,
                        run_stats});
  return g;
}

}  // namespace pdctl
