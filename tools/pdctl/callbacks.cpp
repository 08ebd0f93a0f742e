// pdctl callbacks list|move|cancel: scheduled callbacks, as the admin
// Callbacks page (admin-php/callbacks.php). A move is checked with
// pd::core::plan_callback against the campaign's hours in its zone and in the
// number's own (the time typed is the customer's local time); a cancel closes
// the number with the reason in last_error.
#include <ctime>
#include <iostream>
#include <string>

#include "cli.h"
#include "pd/core/callback.h"
#include "pd/core/lead.h"
#include "pd/core/schedule.h"
#include "pd/core/time_zone.h"

namespace pdctl {
namespace {

constexpr const char* kSelect =
    "SELECT n.id, c.name, n.number, n.name, n.state, n.time_zone, n.callback_at,"
    " n.callback_agent, n.callback_until, c.time_zone, c.start_hour, c.end_hour, c.week_days,"
    " c.start_date, c.end_date, c.callback_grace_minutes, UNIX_TIMESTAMP(n.callback_at),"
    " COALESCE(n.callback_until > UTC_TIMESTAMP(3), 0)"
    " FROM dialer_numbers n JOIN dialer_campaigns c ON c.id = n.campaign_id";

std::string utc_text(pd::core::EpochS t) {
  std::time_t at = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&at, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The customer's zone: the number's own, else the campaign's.
std::string customer_zone(const pd::store::Row& r) {
  return r.is_null(5) || r.str(5).empty() ? std::string(r.str(9)) : std::string(r.str(5));
}

std::string local_minute(const pd::store::Row& r) {
  auto zone = pd::core::TimeZone::load(customer_zone(r));
  if (!zone) return std::string(r.str(6)).substr(0, 16) + " UTC";
  return pd::core::format_local_minute(
      static_cast<pd::core::EpochS>(std::stoll(std::string(r.str(16)))), **zone);
}

bool is_agent(std::string_view a) {
  if (a.empty() || a.size() > 80) return false;
  for (unsigned char c : a) {
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '@' && c != '-') return false;
  }
  return true;
}

int run_list(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  std::string sql = std::string(kSelect) + " WHERE n.callback_at IS NOT NULL";
  std::vector<pd::store::Param> params;
  std::string campaign_name;
  if (auto c = args.get("--campaign")) {
    auto ref = find_campaign(**conn, *c);
    if (!ref) return ctx.fail(ref.error());
    sql += " AND n.campaign_id = ?";
    params.emplace_back(ref->id);
  }
  const std::string agent = args.get("--agent").value_or("");
  if (args.get("--agent")) {
    sql += " AND n.callback_agent = ?";
    params.emplace_back(agent);
  }
  sql += " ORDER BY n.callback_at, n.id LIMIT 1000";
  auto rows = (*conn)->query(sql, params);
  if (!rows) return ctx.fail(rows.error());
  if (ctx.json()) {
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows->rows) {
      Json::Value v;
      v["id"] = static_cast<Json::UInt64>(r.u64(0));
      v["campaign"] = std::string(r.str(1));
      v["number"] = std::string(r.str(2));
      v["name"] = std::string(r.str(3));
      v["state"] = std::string(r.str(4));
      v["callback_at_utc"] = std::string(r.str(6));
      v["local_time"] = local_minute(r);
      v["time_zone"] = customer_zone(r);
      v["agent"] = r.is_null(7) ? Json::Value() : Json::Value(std::string(r.str(7)));
      v["personal_until_utc"] = r.is_null(8) ? Json::Value() : Json::Value(std::string(r.str(8)));
      list.append(v);
    }
    ctx.print_json(list);
    return kExitOk;
  }
  std::printf("%-8s %-16s %-18s %-10s %-18s %-20s %s\n", "ID", "CAMPAIGN", "NUMBER", "STATE",
              "LOCAL TIME", "ZONE", "AGENT");
  for (const auto& r : rows->rows) {
    std::printf("%-8llu %-16s %-18s %-10s %-18s %-20s %s\n",
                static_cast<unsigned long long>(r.u64(0)), std::string(r.str(1)).c_str(),
                std::string(r.str(2)).c_str(), std::string(r.str(4)).c_str(),
                local_minute(r).c_str(), customer_zone(r).c_str(),
                r.is_null(7) ? "anyone" : std::string(r.str(7)).c_str());
  }
  return kExitOk;
}

pd::Result<pd::store::Row> callback_row(pd::store::Connection& conn, const std::string& id_text) {
  auto id = parse_int("NUMBER_ID", id_text, 1, INT64_MAX);
  if (!id) return pd::fail(id.error());
  auto rows = conn.query(std::string(kSelect) + " WHERE n.id = ? AND n.callback_at IS NOT NULL",
                         {static_cast<std::uint64_t>(*id)});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty()) {
    return pd::fail(pd::Error::not_found("number #" + id_text + " has no callback"));
  }
  return rows->rows[0];
}

int run_move(Context& ctx, const Args& args) {
  const auto at = args.get("--at");
  if (!at) return ctx.fail(kExitUsage, "callbacks move: --at is required (YYYY-MM-DD HH:MM)");
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto row = callback_row(**conn, args.positional[0]);
  if (!row) return ctx.fail(row.error());
  const auto& r = *row;
  // No --agent: a personal callback still in its grace keeps its agent (as
  // the page's form starts); --agent "": for anyone.
  const bool personal_now = !r.is_null(7) && r.u64(17) != 0;
  std::string agent =
      args.get("--agent").value_or(personal_now ? std::string(r.str(7)) : std::string());
  if (!agent.empty() && !is_agent(agent)) {
    return ctx.fail(kExitRefused,
                    "--agent: an extension (letters, digits, _ . @ -), or \"\" for anyone");
  }
  pd::core::ScheduleSpec spec;
  auto start = pd::core::parse_time_of_day(r.str(10));
  auto end = pd::core::parse_time_of_day(r.str(11));
  auto days = pd::core::parse_week_days(r.str(12));
  if (!start || !end || !days) {
    return ctx.fail(pd::Error::internal("the campaign's hours cannot be read"));
  }
  spec.start_s = *start;
  spec.end_s = *end;
  spec.week_days = *days;
  spec.time_zone = std::string(r.str(9));
  if (!r.is_null(13))
    spec.start_date = pd::core::parse_date(r.str(13)).value_or(std::chrono::year_month_day{});
  if (!r.is_null(14))
    spec.end_date = pd::core::parse_date(r.str(14)).value_or(std::chrono::year_month_day{});
  auto campaign_zone = pd::core::TimeZone::load(spec.time_zone);
  if (!campaign_zone) return ctx.fail(campaign_zone.error());
  pd::core::Schedule schedule(spec, *campaign_zone);
  pd::core::Lead lead;
  lead.id = r.u64(0);
  lead.number = std::string(r.str(2));
  if (!r.is_null(5) && !r.str(5).empty()) {
    lead.time_zone = std::string(r.str(5));
    if (auto z = pd::core::TimeZone::load(lead.time_zone); z) lead.zone = *z;
  }
  pd::core::CallbackRequest request{*at, !agent.empty()};
  auto plan = pd::core::plan_callback(request, agent, lead, schedule, static_cast<int>(r.u64(15)),
                                      std::time(nullptr));
  if (!plan) return ctx.fail(kExitRefused, "--at: " + plan.error().message);
  const std::string due = utc_text(plan->due);
  const std::optional<std::string> until =
      agent.empty() ? std::nullopt : std::optional<std::string>(utc_text(plan->personal_until));
  auto moved = (*conn)->execute(
      "UPDATE dialer_numbers SET state = IF(? = '', 'pending', 'callback'), next_try_at = ?,"
      " callback_at = ?, callback_agent = NULLIF(?, ''), callback_until = ?"
      " WHERE id = ? AND callback_at IS NOT NULL AND state IN ('callback', 'pending', 'retry')",
      {agent, due, due, agent, until, r.u64(0)});
  if (!moved) return ctx.fail(moved.error());
  if (*moved == 0) {
    auto after = callback_row(**conn, args.positional[0]);
    const std::string state = after ? std::string(after->str(4)) : "";
    if (state != "callback" && state != "pending" && state != "retry") {
      return ctx.fail(kExitRefused, "the callback of " + lead.number +
                                        " is being dialed now and cannot be moved");
    }
  }
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = static_cast<Json::UInt64>(r.u64(0));
    v["callback_at_utc"] = due;
    v["agent"] = agent.empty() ? Json::Value() : Json::Value(agent);
    v["personal_until_utc"] = until ? Json::Value(*until) : Json::Value();
    ctx.print_json(v);
  } else {
    std::cout << "callback of " << lead.number << " moved to " << *at << " (" << customer_zone(r)
              << ", " << due << " UTC) for " << (agent.empty() ? "anyone" : "agent " + agent)
              << "\n";
  }
  return kExitOk;
}

int run_cancel(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto row = callback_row(**conn, args.positional[0]);
  if (!row) return ctx.fail(row.error());
  auto cancelled = (*conn)->execute(
      "UPDATE dialer_numbers SET state = 'closed', callback_at = NULL, callback_agent = NULL,"
      " callback_until = NULL, last_error = 'Callback cancelled with pdctl'"
      " WHERE id = ? AND callback_at IS NOT NULL AND state IN ('callback', 'pending', 'retry')",
      {row->u64(0)});
  if (!cancelled) return ctx.fail(cancelled.error());
  const std::string number(row->str(2));
  if (*cancelled == 0) {
    return ctx.fail(kExitRefused,
                    "the callback of " + number + " is being dialed now and cannot be cancelled");
  }
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = static_cast<Json::UInt64>(row->u64(0));
    v["number"] = number;
    ctx.print_json(v);
  } else {
    std::cout << "callback of " << number << " cancelled; the number is closed\n";
  }
  return kExitOk;
}

}  // namespace

Group callbacks_group() {
  Group g{"callbacks", "scheduled callbacks: list, move, cancel", {}};
  g.commands.push_back({"list",
                        "",
                        "every scheduled callback, soonest first (1000 at most)",
                        "Times are shown in the customer's zone (the number's, else the "
                        "campaign's).",
                        {{"--campaign", "CAMPAIGN", "only this campaign's"},
                         {"--agent", "AGENT", "only this agent's personal callbacks"}},
                        0,
                        0,
                        run_list});
  g.commands.push_back(
      {"move",
       "NUMBER_ID",
       "give a callback another time (and agent)",
       "--at is the customer's local time (the number's zone, else the\n"
       "campaign's), checked as the agents' desk checks it (pd::core::plan_callback):\n"
       "at least a minute and at most a year ahead, inside the campaign's hours in\n"
       "both zones; a refusal names the next opening (exit 4). A callback being\n"
       "dialed cannot be moved (exit 4).",
       {{"--at", "'YYYY-MM-DD HH:MM'", "the new time, in the customer's zone (required)"},
        {"--agent", "AGENT",
         "for this agent only (\"\" for anyone; default: its agent while personal)"}},
       1,
       1,
       run_move});
  g.commands.push_back({"cancel",
                        "NUMBER_ID",
                        "cancel a callback: the number is closed",
                        "last_error says it was cancelled with pdctl. A callback being dialed "
                        "cannot be\ncancelled (exit 4).",
                        {},
                        1,
                        1,
                        run_cancel});
  return g;
}

}  // namespace pdctl
