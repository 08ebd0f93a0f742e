// pdctl campaign list|show|create|edit|enable|disable|drop
//
// The rules are the admin page's (admin-php/campaigns.php): pd::core::validate
// for everything that reaches the dialplan (name, destinations, mode needing a
// queue destination, prefix, caller id, schedule), the zone loaded as the
// engine loads it, and the page's own ranges for the numbers.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "pd/core/agent_pause.h"
#include "pd/core/callback.h"
#include "pd/core/campaign.h"
#include "pd/core/names.h"
#include "pd/core/schedule.h"
#include "pd/core/url_template.h"
#include "pd/core/webhook.h"
#include "pd/store/records.h"
#include "pd/store/store.h"

namespace pdctl {
namespace {

using pd::store::Connection;

// The columns pdctl writes: every column of the admin page's form
// (PD_COLUMNS in admin-php/campaigns.php).
const std::vector<std::string> kColumns = {"name",
                                           "destination_kind",
                                           "destination",
                                           "queue_name",
                                           "destination_amd",
                                           "mode",
                                           "initial_leg",
                                           "dial_prefix",
                                           "caller_id",
                                           "start_date",
                                           "end_date",
                                           "start_hour",
                                           "end_hour",
                                           "week_days",
                                           "time_zone",
                                           "group_by_name",
                                           "dial_attempts",
                                           "concurrent_calls",
                                           "retry_minutes",
                                           "valid_dtmf",
                                           "script",
                                           "enabled",
                                           "callback_grace_minutes",
                                           "wrapup_seconds",
                                           "crm_url_template",
                                           "abandon_target_pct",
                                           "abandon_window",
                                           "min_ring_seconds",
                                           "connect_limit_seconds",
                                           "abandon_recall_hours",
                                           "abandon_message",
                                           "webhook_url",
                                           "webhook_secret",
                                           "webhook_state_changes"};
const std::set<std::string> kNullable = {"queue_name", "destination_amd", "start_date", "end_date"};

using Row = std::map<std::string, std::optional<std::string>>;

Row defaults() {
  return {{"name", ""},
          {"destination_kind", "queue"},
          {"destination", ""},
          {"queue_name", std::nullopt},
          {"destination_amd", std::nullopt},
          {"mode", "progressive"},
          {"initial_leg", "remote"},
          {"dial_prefix", ""},
          {"caller_id", ""},
          {"start_date", std::nullopt},
          {"end_date", std::nullopt},
          {"start_hour", "09:00:00"},
          {"end_hour", "18:00:00"},
          {"week_days", "mon,tue,wed,thu,fri"},
          {"time_zone", "UTC"},
          {"group_by_name", "0"},
          {"dial_attempts", "3"},
          {"concurrent_calls", "10"},
          {"retry_minutes", "30"},
          {"valid_dtmf", ""},
          {"script", ""},
          {"enabled", "0"},
          {"callback_grace_minutes", "15"},
          {"wrapup_seconds", "0"},
          {"crm_url_template", ""},
          {"abandon_target_pct", "3"},
          {"abandon_window", "30d"},
          {"min_ring_seconds", "15"},
          {"connect_limit_seconds", "2"},
          {"abandon_recall_hours", "72"},
          {"abandon_message", ""},
          {"webhook_url", ""},
          {"webhook_secret", ""},
          {"webhook_state_changes", "0"}};
}

// Flags that set one column as given (text columns).
const std::vector<std::pair<std::string, std::string>> kTextFlags = {
    {"--name", "name"},
    {"--kind", "destination_kind"},
    {"--destination", "destination"},
    {"--queue", "queue_name"},
    {"--amd-destination", "destination_amd"},
    {"--mode", "mode"},
    {"--leg", "initial_leg"},
    {"--dial-prefix", "dial_prefix"},
    {"--caller-id", "caller_id"},
    {"--start-date", "start_date"},
    {"--end-date", "end_date"},
    {"--days", "week_days"},
    {"--time-zone", "time_zone"},
    {"--attempts", "dial_attempts"},
    {"--concurrent", "concurrent_calls"},
    {"--retry-minutes", "retry_minutes"},
    {"--dtmf", "valid_dtmf"},
    {"--script", "script"},
    {"--callback-grace", "callback_grace_minutes"},
    {"--wrapup-seconds", "wrapup_seconds"},
    {"--crm-url", "crm_url_template"},
    {"--abandon-target", "abandon_target_pct"},
    {"--abandon-window", "abandon_window"},
    {"--min-ring", "min_ring_seconds"},
    {"--connect-limit", "connect_limit_seconds"},
    {"--recall-hours", "abandon_recall_hours"},
    {"--abandon-message", "abandon_message"},
    {"--webhook-url", "webhook_url"},
    {"--webhook-secret", "webhook_secret"}};

std::vector<Option> field_options() {
  return {
      {"--kind", "KIND", "destination type: queue (default), ivr or custom"},
      {"--destination", "C,E,P", "where answered calls go: context,extension,priority"},
      {"--queue", "NAME", "the Asterisk queue whose agents the engine watches (queue type)"},
      {"--amd-destination", "C,E,P", "where machine-answered calls go; \"\" for no AMD"},
      {"--mode", "MODE",
       "automatic, progressive (default), preview or predictive; the last three need a queue"},
      {"--leg", "LEG", "remote (customer first, default) or local (agent first)"},
      {"--dial-prefix", "DIGITS", "dialed before every number: 0-9 * #, 16 at most"},
      {"--caller-id", "TEXT", "caller id when the number has none (\"Sales <5551000>\")"},
      {"--start-date", "YYYY-MM-DD", "first day to dial; \"\" for none"},
      {"--end-date", "YYYY-MM-DD", "last day to dial; \"\" for none"},
      {"--hours", "HH:MM-HH:MM",
       "daily window (default 09:00-18:00; end <= start crosses midnight)"},
      {"--days", "DAYS", "week days, e.g. mon,tue,wed,thu,fri (the default)"},
      {"--time-zone", "ZONE", "IANA zone of the hours, e.g. Europe/Madrid (default UTC)"},
      {"--group-by-name", "yes|no", "a contact answered once closes its other numbers"},
      {"--attempts", "N", "calls per number, the first included: 1-100 (default 3)"},
      {"--concurrent", "N", "automatic mode's ceiling of calls at once: 1-1000 (default 10)"},
      {"--retry-minutes", "N", "minutes between attempts: 0-10080 (default 30)"},
      {"--callback-grace", "N",
       "minutes a personal callback waits for its agent: 0-1440 (default 15)"},
      {"--wrapup-seconds", "N",
       "wrap-up pause after a call the agent took: 0 (until the tag is saved) to 3600"},
      {"--crm-url", "URL", "the contact card's CRM link, e.g. https://crm/c?phone={NUMBER}"},
      {"--abandon-target", "PCT",
       "predictive: abandonment target in %, above 0 up to 10 (default 3)"},
      {"--abandon-window", "30d|day", "predictive: rolling 30 days (default) or the calendar day"},
      {"--min-ring", "N", "predictive: seconds a call rings at least: 1-120 (default 15)"},
      {"--connect-limit", "N",
       "predictive: seconds an answered call waits for an agent: 1-30 (default 2)"},
      {"--recall-hours", "N", "predictive: hours an abandoned number waits: 0-8760 (default 72)"},
      {"--abandon-message", "SOUND",
       "predictive: the sound played to an abandoned call (required), e.g. custom/abandon"},
      {"--webhook-url", "URL", "http(s) address receiving the calls' results (docs/webhooks.md)"},
      {"--webhook-secret", "TEXT", "shared secret signing each webhook body (HMAC-SHA256)"},
      {"--webhook-state-changes", "yes|no", "also POST each state change, not only results"},
      {"--dtmf", "DIGITS", "keys recorded as DTMF results: 0-9 * #, 16 at most"},
      {"--script", "TEXT", "the script shown to agents"},
      {"--script-file", "PATH", "the script, read from a file"},
      {"--enabled", "yes|no", "dial it (default no on create)"},
      {"--outbound-dispositions", "A,B",
       "dispositions offered after its calls, in order (\"\": none)"},
      {"--inbound-dispositions", "A,B", "dispositions offered after inbound calls of its queue"}};
}

bool is_int_column(const std::string& c) {
  static const std::set<std::string> ints = {"id",
                                             "dial_attempts",
                                             "concurrent_calls",
                                             "retry_minutes",
                                             "callback_grace_minutes",
                                             "wrapup_seconds",
                                             "min_ring_seconds",
                                             "connect_limit_seconds",
                                             "abandon_recall_hours"};
  return ints.contains(c);
}
bool is_bool_column(const std::string& c) {
  return c == "enabled" || c == "group_by_name" || c == "webhook_state_changes";
}

// Applies the flags to the row; problems (each naming the flag) are appended.
void apply_flags(const Args& args, Row& row, std::vector<std::string>& problems) {
  for (const auto& [flag, column] : kTextFlags) {
    if (auto v = args.get(flag)) {
      row[column] = (v->empty() && kNullable.contains(column)) ? std::nullopt
                                                               : std::optional<std::string>(*v);
    }
  }
  if (auto v = args.get("--hours")) {
    auto dash = v->find('-');
    if (dash == std::string::npos) {
      problems.push_back("--hours: write START-END, e.g. 09:00-18:00");
    } else {
      row["start_hour"] = v->substr(0, dash);
      row["end_hour"] = v->substr(dash + 1);
    }
  }
  if (auto v = args.get("--script-file")) {
    std::ifstream in(*v, std::ios::binary);
    if (!in) {
      problems.push_back("--script-file: cannot read '" + *v + "'");
    } else {
      std::ostringstream text;
      text << in.rdbuf();
      row["script"] = text.str();
    }
  }
  for (const auto& [flag, column] : std::vector<std::pair<std::string, std::string>>{
           {"--group-by-name", "group_by_name"},
           {"--enabled", "enabled"},
           {"--webhook-state-changes", "webhook_state_changes"}}) {
    if (auto v = args.get(flag)) {
      auto b = parse_bool(flag, *v);
      if (!b) {
        problems.push_back(b.error().message);
      } else {
        row[column] = *b ? "1" : "0";
      }
    }
  }
}

std::string text_of(const Row& row, const std::string& column) {
  auto it = row.find(column);
  return it == row.end() || !it->second ? std::string() : *it->second;
}

// The admin page's rules and the engine's (pd::core::validate); Ok or an
// invalid-argument Error listing every problem, each naming its flag.
pd::Status validate_row(Connection& conn, Row& row, std::uint32_t id,
                        std::vector<std::string> problems) {
  pd::core::Campaign c;
  c.name = text_of(row, "name");
  if (auto k = pd::core::parse_destination_kind(text_of(row, "destination_kind")); k) {
    c.destination_kind = *k;
  } else {
    problems.push_back("--kind: queue, ivr or custom");
  }
  if (auto m = pd::core::parse_dial_mode(text_of(row, "mode")); m) {
    c.mode = *m;
  } else {
    problems.push_back("--mode: automatic, progressive, preview or predictive");
  }
  if (auto l = pd::core::parse_initial_leg(text_of(row, "initial_leg")); l) {
    c.initial_leg = *l;
  } else {
    problems.push_back("--leg: remote or local");
  }
  c.destination = text_of(row, "destination");
  if (c.destination.empty()) problems.push_back("--destination: required (context,exten,priority)");
  c.destination_amd = text_of(row, "destination_amd");
  c.queue_name = text_of(row, "queue_name");
  c.dial_prefix = text_of(row, "dial_prefix");
  if (c.dial_prefix.find('+') != std::string::npos) {
    problems.push_back(
        "--dial-prefix: + is not allowed in a prefix (the engine would refuse every call)");
  }
  c.caller_id = text_of(row, "caller_id");
  for (const auto& [column, flag] : std::vector<std::pair<std::string, std::string>>{
           {"start_date", "--start-date"}, {"end_date", "--end-date"}}) {
    if (row[column]) {
      auto d = pd::core::parse_date(*row[column]);
      if (!d) {
        problems.push_back(flag + ": '" + *row[column] + "' is not a date (YYYY-MM-DD)");
      } else {
        (column == "start_date" ? c.schedule.start_date : c.schedule.end_date) = *d;
      }
    }
  }
  auto start = pd::core::parse_time_of_day(text_of(row, "start_hour"));
  auto end = pd::core::parse_time_of_day(text_of(row, "end_hour"));
  if (!start || !end) {
    problems.push_back("--hours: '" + text_of(row, "start_hour") + "-" + text_of(row, "end_hour") +
                       "' is not a window of times of day, HH:MM-HH:MM");
  } else {
    c.schedule.start_s = *start;
    c.schedule.end_s = *end;
    auto hhmm = [](int s) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
      return std::string(buf);
    };
    row["start_hour"] = hhmm(*start);
    row["end_hour"] = hhmm(*end);
  }
  if (auto days = pd::core::parse_week_days(text_of(row, "week_days")); !days || *days == 0) {
    problems.push_back("--days: pick at least one of mon,tue,wed,thu,fri,sat,sun");
  } else {
    c.schedule.week_days = *days;
    row["week_days"] = pd::core::format_week_days(*days);
  }
  c.schedule.time_zone = text_of(row, "time_zone");
  if (auto st = check_time_zone("--time-zone", c.schedule.time_zone); !st) {
    problems.push_back(st.error().message);
  }
  struct Range {
    const char* column;
    const char* flag;
    long long min, max;
    int* target;
  };
  int grace = 0;
  for (const Range& r : {Range{"dial_attempts", "--attempts", 1, 100, &c.dial_attempts},
                         Range{"concurrent_calls", "--concurrent", 1, 1000, &c.concurrent_calls},
                         Range{"retry_minutes", "--retry-minutes", 0, 10080, &c.retry_minutes},
                         Range{"callback_grace_minutes", "--callback-grace", 0,
                               pd::core::kCallbackMaxGraceMinutes, &grace},
                         Range{"wrapup_seconds", "--wrapup-seconds", 0, pd::core::kMaxWrapupSeconds,
                               &c.wrapup_seconds},
                         Range{"min_ring_seconds", "--min-ring", 1, pd::core::kMinRingSecondsMax,
                               &c.min_ring_seconds},
                         Range{"connect_limit_seconds", "--connect-limit", 1,
                               pd::core::kConnectLimitMax, &c.connect_limit_seconds},
                         Range{"abandon_recall_hours", "--recall-hours", 0,
                               pd::core::kRecallHoursMax, &c.abandon_recall_hours}}) {
    auto v = parse_int(r.flag, text_of(row, r.column), r.min, r.max);
    if (!v) {
      problems.push_back(v.error().message);
    } else {
      *r.target = static_cast<int>(*v);
    }
  }
  // The predictive settings, the CRM link and the webhook: the shared rules
  // (tests/data/validation-cases.json; pd::core::validate checks the rest,
  // e.g. that predictive needs a queue and a message).
  const std::string target = text_of(row, "abandon_target_pct");
  if (!pd::core::is_abandon_target(target)) {
    problems.push_back("--abandon-target: '" + target +
                       "' is not a percentage above 0 and at most 10 (two decimals at most)");
  } else {
    c.abandon_target_pct = std::stod(target);
  }
  if (auto w = pd::core::parse_abandon_window(text_of(row, "abandon_window")); w) {
    c.abandon_window = *w;
  } else {
    problems.push_back("--abandon-window: 30d or day");
  }
  c.abandon_message = text_of(row, "abandon_message");
  if (!c.abandon_message.empty() && !pd::core::is_sound_name(c.abandon_message)) {
    problems.push_back("--abandon-message: '" + c.abandon_message +
                       "' is not a sound file name (A-Z a-z 0-9 _ - . /, no leading / or ., "
                       "no ..)");
  }
  c.crm_url_template = text_of(row, "crm_url_template");
  if (auto st = pd::core::check_url_template(c.crm_url_template); !st) {
    problems.push_back("--crm-url: " + st.error().message);
  }
  if (auto st = pd::core::check_webhook_url(text_of(row, "webhook_url")); !st) {
    problems.push_back("--webhook-url: " + st.error().message);
  }
  if (auto st = pd::core::check_webhook_secret(text_of(row, "webhook_secret")); !st) {
    problems.push_back("--webhook-secret: " + st.error().message);
  }
  c.valid_dtmf = text_of(row, "valid_dtmf");
  if (c.valid_dtmf.size() > 16 ||
      c.valid_dtmf.find_first_not_of("0123456789*#") != std::string::npos) {
    problems.push_back("--dtmf: only 0-9, * and #, 16 at most");
  }
  c.script = text_of(row, "script");
  if (auto why = check_plain(c.script, "--script", 65535, true); !why.empty()) {
    problems.push_back(why);
  }
  // The engine's own gate (name, destinations, a mode needing a queue, the
  // prefix, the caller id, the schedule): its message names each field.
  if (auto st = pd::core::validate(c); !st) problems.push_back(st.error().message);
  if (!problems.empty()) {
    std::string message = "refused: ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    return pd::fail(pd::Error::invalid(message));
  }
  auto taken =
      conn.query("SELECT 1 FROM dialer_campaigns WHERE name = ? AND id <> ?", {c.name, id});
  if (!taken) return pd::fail(taken.error());
  if (!taken->rows.empty()) {
    return pd::fail(
        pd::Error::conflict("--name: another campaign already has the name '" + c.name + "'"));
  }
  return {};
}

std::vector<pd::store::Param> row_params(const Row& row) {
  std::vector<pd::store::Param> params;
  for (const std::string& column : kColumns) {
    const auto& v = row.at(column);
    params.emplace_back(v ? pd::store::Param(*v) : pd::store::Param(nullptr));
  }
  return params;
}

pd::Result<Row> load_row(Connection& conn, std::uint32_t id) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < kColumns.size(); ++i) sql += (i ? "," : "") + kColumns[i];
  sql += " FROM dialer_campaigns WHERE id = ?";
  auto rows = conn.query(sql, {id});
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.empty())
    return pd::fail(pd::Error::not_found("no campaign #" + std::to_string(id)));
  Row row;
  for (std::size_t i = 0; i < kColumns.size(); ++i) row[kColumns[i]] = rows->rows[0].opt(i);
  return row;
}

Json::Value json_cell(const std::string& column, const std::optional<std::string>& v) {
  if (!v) return Json::Value(Json::nullValue);
  if (is_bool_column(column)) return Json::Value(*v == "1");
  if (is_int_column(column)) return Json::Value(static_cast<Json::Int64>(std::stoll(*v)));
  return Json::Value(*v);
}

// The dispositions an option names ("A,B", in order), as ids; problems name
// the option. nullopt when the option is not given.
std::optional<std::vector<std::uint64_t>> disposition_ids(Connection& conn, const Args& args,
                                                          const std::string& flag,
                                                          std::vector<std::string>& problems) {
  auto text = args.get(flag);
  if (!text) return std::nullopt;
  std::vector<std::uint64_t> ids;
  std::size_t at = 0;
  while (at <= text->size() && !text->empty()) {
    std::size_t comma = text->find(',', at);
    std::string name =
        text->substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) {
      auto rows = conn.query("SELECT id FROM dialer_dispositions WHERE name = ?", {name});
      if (!rows) {
        problems.push_back(flag + ": " + rows.error().message);
      } else if (rows->rows.empty()) {
        problems.push_back(flag + ": no disposition '" + name + "' (pdctl dispositions list)");
      } else {
        ids.push_back(rows->rows[0].u64(0));
      }
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return ids;
}

pd::Status save_dispositions(Connection& conn, std::uint32_t campaign_id,
                             const std::string& direction,
                             const std::optional<std::vector<std::uint64_t>>& ids) {
  if (!ids) return {};
  auto r = conn.execute(
      "DELETE FROM dialer_campaign_dispositions WHERE campaign_id = ? AND direction = ?",
      {campaign_id, direction});
  if (!r) return pd::fail(r.error());
  for (std::size_t i = 0; i < ids->size(); ++i) {
    auto in = conn.execute(
        "INSERT IGNORE INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction,"
        " sort_order) VALUES (?, ?, ?, ?)",
        {campaign_id, (*ids)[i], direction, static_cast<std::int64_t>(i)});
    if (!in) return pd::fail(in.error());
  }
  return {};
}

int run_create(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  Row row = defaults();
  row["name"] = args.positional[0];
  std::vector<std::string> problems;
  apply_flags(args, row, problems);
  auto outbound = disposition_ids(**conn, args, "--outbound-dispositions", problems);
  auto inbound = disposition_ids(**conn, args, "--inbound-dispositions", problems);
  if (auto st = validate_row(**conn, row, 0, problems); !st) return ctx.fail(st.error());
  auto tx = pd::store::Transaction::begin(**conn);
  if (!tx) return ctx.fail(tx.error());
  std::string sql = "INSERT INTO dialer_campaigns (";
  std::string marks;
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    sql += (i ? "," : "") + kColumns[i];
    marks += i ? ",?" : "?";
  }
  sql += ") VALUES (" + marks + ")";
  auto stmt = (*conn)->prepare(sql);
  if (!stmt) return ctx.fail(stmt.error());
  auto params = row_params(row);
  if (auto r = stmt->execute(params); !r) return ctx.fail(r.error());
  const std::uint64_t id = stmt->insert_id();
  for (const auto& [direction, ids] : {std::pair{"outbound", &outbound}, {"inbound", &inbound}}) {
    if (auto st = save_dispositions(**conn, static_cast<std::uint32_t>(id), direction, *ids); !st) {
      return ctx.fail(st.error());
    }
  }
  if (auto st = tx->commit(); !st) return ctx.fail(st.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = static_cast<Json::UInt64>(id);
    v["name"] = *row["name"];
    ctx.print_json(v);
  } else {
    std::cout << "campaign " << *row["name"] << " created (#" << id << ")"
              << (row["enabled"] == "1" ? ", enabled" : ", disabled") << "\n";
  }
  return kExitOk;
}

int run_edit(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  auto row = load_row(**conn, ref->id);
  if (!row) return ctx.fail(row.error());
  std::vector<std::string> problems;
  apply_flags(args, *row, problems);
  auto outbound = disposition_ids(**conn, args, "--outbound-dispositions", problems);
  auto inbound = disposition_ids(**conn, args, "--inbound-dispositions", problems);
  if (auto st = validate_row(**conn, *row, ref->id, problems); !st) return ctx.fail(st.error());
  auto tx = pd::store::Transaction::begin(**conn);
  if (!tx) return ctx.fail(tx.error());
  std::string sql = "UPDATE dialer_campaigns SET ";
  for (std::size_t i = 0; i < kColumns.size(); ++i) sql += (i ? "," : "") + kColumns[i] + " = ?";
  sql += " WHERE id = ?";
  auto params = row_params(*row);
  params.emplace_back(ref->id);
  if (auto r = (*conn)->execute(sql, params); !r) return ctx.fail(r.error());
  for (const auto& [direction, ids] : {std::pair{"outbound", &outbound}, {"inbound", &inbound}}) {
    if (auto st = save_dispositions(**conn, ref->id, direction, *ids); !st) {
      return ctx.fail(st.error());
    }
  }
  if (auto st = tx->commit(); !st) return ctx.fail(st.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = ref->id;
    v["name"] = *(*row)["name"];
    ctx.print_json(v);
  } else {
    std::cout << "campaign " << *(*row)["name"] << " (#" << ref->id << ") saved\n";
  }
  return kExitOk;
}

int run_enable(Context& ctx, const Args& args, bool enabled) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  pd::store::Store store(**conn, "pdctl");
  auto r = store.set_campaign_enabled(ref->id, enabled);
  if (!r) return ctx.fail(r.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = ref->id;
    v["name"] = ref->name;
    v["enabled"] = enabled;
    v["changed"] = *r > 0;
    ctx.print_json(v);
  } else {
    std::cout << "campaign " << ref->name << (enabled ? " enabled" : " disabled")
              << (*r ? "" : " (it was already)") << "\n";
  }
  return kExitOk;
}

int run_drop(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  auto counts = (*conn)->query(
      "SELECT COUNT(*), COALESCE(SUM(state IN ('reserved','dialing','answered')), 0)"
      " FROM dialer_numbers WHERE campaign_id = ?",
      {ref->id});
  if (!counts) return ctx.fail(counts.error());
  const std::uint64_t numbers = counts->rows[0].u64(0);
  const std::uint64_t in_call = counts->rows[0].u64(1);
  if (!args.has("--yes")) {
    return ctx.fail(kExitRefused, "campaign drop deletes " + ref->name + " and its " +
                                      std::to_string(numbers) +
                                      " numbers for good: pass --yes to confirm");
  }
  if (in_call > 0 && !args.has("--force")) {
    return ctx.fail(kExitRefused, "campaign " + ref->name + " has " + std::to_string(in_call) +
                                      " numbers in a call or claimed for one: disable it, wait "
                                      "for the calls to end, or pass --force");
  }
  auto r = (*conn)->execute("DELETE FROM dialer_campaigns WHERE id = ?", {ref->id});
  if (!r) return ctx.fail(r.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = ref->id;
    v["name"] = ref->name;
    v["numbers_deleted"] = static_cast<Json::UInt64>(numbers);
    ctx.print_json(v);
  } else {
    std::cout << "campaign " << ref->name << " deleted with its " << numbers << " numbers\n";
  }
  return kExitOk;
}

int run_list(Context& ctx, const Args&) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto rows = (*conn)->query(
      "SELECT c.id, c.name, c.mode, c.destination_kind, COALESCE(c.queue_name, ''), c.enabled,"
      " (SELECT COUNT(*) FROM dialer_numbers n WHERE n.campaign_id = c.id),"
      " (SELECT COUNT(*) FROM dialer_numbers n WHERE n.campaign_id = c.id AND n.state = 'pending')"
      " FROM dialer_campaigns c ORDER BY c.name");
  if (!rows) return ctx.fail(rows.error());
  if (ctx.json()) {
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows->rows) {
      Json::Value v;
      v["id"] = static_cast<Json::UInt64>(r.u64(0));
      v["name"] = std::string(r.str(1));
      v["mode"] = std::string(r.str(2));
      v["destination_kind"] = std::string(r.str(3));
      v["queue_name"] = std::string(r.str(4));
      v["enabled"] = r.u64(5) != 0;
      v["numbers"] = static_cast<Json::UInt64>(r.u64(6));
      v["pending"] = static_cast<Json::UInt64>(r.u64(7));
      list.append(v);
    }
    ctx.print_json(list);
    return kExitOk;
  }
  std::printf("%-6s %-24s %-12s %-8s %-16s %10s %10s\n", "ID", "NAME", "MODE", "ENABLED", "QUEUE",
              "NUMBERS", "PENDING");
  for (const auto& r : rows->rows) {
    std::printf("%-6llu %-24s %-12s %-8s %-16s %10llu %10llu\n",
                static_cast<unsigned long long>(r.u64(0)), std::string(r.str(1)).c_str(),
                std::string(r.str(2)).c_str(), r.u64(5) ? "yes" : "no",
                std::string(r.str(4)).c_str(), static_cast<unsigned long long>(r.u64(6)),
                static_cast<unsigned long long>(r.u64(7)));
  }
  return kExitOk;
}

int run_show(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  // Every column, those of later migrations included.
  auto rows = (*conn)->query("SELECT * FROM dialer_campaigns WHERE id = ?", {ref->id});
  if (!rows) return ctx.fail(rows.error());
  if (rows->rows.empty()) return ctx.fail(pd::Error::not_found("no campaign " + ref->name));
  auto dispositions = (*conn)->query(
      "SELECT cd.direction, d.name FROM dialer_campaign_dispositions cd"
      " JOIN dialer_dispositions d ON d.id = cd.disposition_id WHERE cd.campaign_id = ?"
      " ORDER BY cd.direction, cd.sort_order",
      {ref->id});
  if (!dispositions) return ctx.fail(dispositions.error());
  auto states = (*conn)->query(
      "SELECT state, COUNT(*) FROM dialer_numbers WHERE campaign_id = ? GROUP BY state", {ref->id});
  if (!states) return ctx.fail(states.error());
  const auto& row = rows->rows[0];
  if (ctx.json()) {
    Json::Value v;
    for (std::size_t i = 0; i < rows->columns.size(); ++i) {
      v[rows->columns[i]] = json_cell(rows->columns[i], row.opt(i));
    }
    v["outbound_dispositions"] = Json::Value(Json::arrayValue);
    v["inbound_dispositions"] = Json::Value(Json::arrayValue);
    for (const auto& d : dispositions->rows) {
      v[std::string(d.str(0)) + "_dispositions"].append(std::string(d.str(1)));
    }
    Json::Value by_state(Json::objectValue);
    for (const auto& s : states->rows) {
      by_state[std::string(s.str(0))] = static_cast<Json::UInt64>(s.u64(1));
    }
    v["numbers_by_state"] = by_state;
    ctx.print_json(v);
    return kExitOk;
  }
  for (std::size_t i = 0; i < rows->columns.size(); ++i) {
    auto cell = row.opt(i);
    std::printf("%-24s %s\n", (rows->columns[i] + ":").c_str(), cell ? cell->c_str() : "(none)");
  }
  for (const char* direction : {"outbound", "inbound"}) {
    std::string names;
    for (const auto& d : dispositions->rows) {
      if (d.str(0) == direction) names += (names.empty() ? "" : ", ") + std::string(d.str(1));
    }
    std::printf("%-24s %s\n", (std::string(direction) + " dispositions:").c_str(),
                names.empty() ? "(none)" : names.c_str());
  }
  std::string counts;
  for (const auto& s : states->rows) {
    counts += (counts.empty() ? "" : " ") + std::string(s.str(0)) + "=" + std::string(s.str(1));
  }
  std::printf("%-24s %s\n", "numbers:", counts.empty() ? "none" : counts.c_str());
  return kExitOk;
}

}  // namespace

Group campaign_group() {
  Group g{"campaign", "create, change, list and delete campaigns", {}};
  auto with_name = field_options();
  auto edit_options = field_options();
  edit_options.insert(edit_options.begin(), {"--name", "NAME", "rename the campaign"});
  const std::string rules =
      "Values follow the admin page's rules: the name 1 to 64 of A-Z a-z 0-9 _ -,\n"
      "destinations context,extension,priority, progressive and preview modes\n"
      "need a queue destination with a queue name, the zone an IANA name.\n"
      "Every problem is listed, each naming its option (exit 4).";
  g.commands.push_back(
      {"list", "", "every campaign with its mode and numbers", "", {}, 0, 0, run_list});
  g.commands.push_back({"show",
                        "CAMPAIGN",
                        "every column of a campaign, its dispositions and numbers by state",
                        "CAMPAIGN is a name or an id (#12).",
                        {},
                        1,
                        1,
                        run_show});
  g.commands.push_back({"create", "NAME", "a new campaign (disabled unless --enabled yes)",
                        rules + "\n\nexample:\n  pdctl campaign create sales --queue sales "
                                "--destination ext-queues,400,1 \\\n"
                                "    --hours 09:00-18:00 --days mon,tue,wed,thu,fri "
                                "--time-zone Europe/Madrid",
                        with_name, 1, 1, run_create});
  g.commands.push_back({"edit", "CAMPAIGN", "change the columns given, keep the others", rules,
                        edit_options, 1, 1, run_edit});
  g.commands.push_back(
      {"enable", "CAMPAIGN", "let the engine dial it", "", {}, 1, 1, [](Context& c, const Args& a) {
         return run_enable(c, a, true);
       }});
  g.commands.push_back({"disable",
                        "CAMPAIGN",
                        "stop dialing it (calls in progress go on)",
                        "",
                        {},
                        1,
                        1,
                        [](Context& c, const Args& a) { return run_enable(c, a, false); }});
  g.commands.push_back(
      {"drop",
       "CAMPAIGN",
       "delete a campaign with its numbers (asks --yes)",
       "Refused (exit 4) without --yes, and while numbers are in a call unless --force.",
       {{"--yes", "", "confirm the deletion"},
        {"--force", "", "delete even with numbers in a call"}},
       1,
       1,
       run_drop});
  return g;
}

}  // namespace pdctl
