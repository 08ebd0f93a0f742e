// pdctl numbers insert|file|count|dump|fulldump|delete|truncate|recycle
//
// Numbers follow the admin import's rules (admin-php/lib/validate.php
// pd_check_contact, shared with plugin/core through
// tests/data/validation-cases.json): punctuation removed
// (pd::core::normalize_number), then pd::core::is_dialable_number; caller ids
// pd::core::is_caller_id; variables pd::core::check_variables; a zone the
// engine can load. Recycling is numbers.php's PD_RECYCLABLE rule.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "cli.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"
#include "pd/store/store.h"

namespace pdctl {
namespace {

using pd::store::Connection;
using pd::store::NewNumber;

// Lines checked, looked up on the do-not-call list and inserted at a time.
constexpr std::size_t kChunkLines = 10'000;
// Rows a recycle UPDATE or a truncate DELETE takes at a time (each its own
// short transaction, so the engine's claims wait at most for one chunk).
constexpr int kRecycleChunk = 1000;
constexpr int kDeleteChunk = 10000;
// Rows a dump reads at a time.
constexpr int kDumpChunk = 5000;

// numbers.php's PD_RECYCLE_SET and PD_RECYCLABLE.
constexpr const char* kRecycleSet =
    "state = 'pending', attempts = 0, next_try_at = '1970-01-01 00:00:00.000',"
    " last_error = NULL, claim_owner = NULL, claim_expires_at = NULL";
constexpr const char* kRecyclable =
    "n.state IN ('retry','done','failed','closed','unknown')"
    " AND NOT EXISTS (SELECT 1 FROM dialer_dnc d WHERE d.number = n.number"
    " AND (d.expires_at IS NULL OR d.expires_at > UTC_TIMESTAMP(3)))";
const std::vector<std::string> kRecyclableStates = {"retry", "done", "failed", "closed", "unknown"};
constexpr const char* kInCall = "('reserved','dialing','answered')";

std::string trim(std::string_view s) {
  const char* blanks = " \t\r\n\v\f";
  auto b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(blanks);
  return std::string(s.substr(b, e - b + 1));
}

pd::Result<std::int16_t> priority_of(const Args& args) {
  if (auto p = args.get("--priority")) {
    auto v = parse_int("--priority", *p, -32768, 32767);
    if (!v) return pd::fail(v.error());
    return static_cast<std::int16_t>(*v);
  }
  return std::int16_t{0};
}

int run_file(Context& ctx, const Args& args) {
  auto priority = priority_of(args);
  if (!priority) return ctx.fail(priority.error());
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  auto lines = read_lines(args.positional[1]);
  if (!lines) return ctx.fail(lines.error());
  auto file = parse_contact_lines(*lines, {"number", "name", "callerid", "variables", "time_zone"},
                                  {"number"});
  if (!file) return ctx.fail(file.error());
  Json::Value v;
  v["ok"] = true;
  v["campaign"] = ref->name;
  report_bad_lines(*file, v);
  if (file->bad > 0 && args.has("--strict")) {
    return ctx.fail(kExitRefused,
                    std::to_string(file->bad) + " bad lines and --strict: nothing is loaded");
  }
  pd::store::Store store(**conn, "pdctl");
  // Numbers of this file so far: at most kMaxFileLines.
  std::unordered_set<std::string> seen;
  std::size_t added = 0, duplicates = 0, dnc_skipped = 0;
  for (std::size_t at = 0; at < file->good.size(); at += kChunkLines) {
    const std::size_t end = std::min(file->good.size(), at + kChunkLines);
    std::vector<NewNumber> chunk;
    std::vector<std::string> numbers;
    for (std::size_t i = at; i < end; ++i) {
      ContactLine& c = file->good[i];
      if (!seen.insert(c.number).second) {
        ++duplicates;
        continue;
      }
      numbers.push_back(c.number);
      NewNumber n;
      n.number = std::move(c.number);
      n.name = std::move(c.name);
      n.caller_id = std::move(c.caller_id);
      n.variables = std::move(c.variables);
      n.time_zone = std::move(c.time_zone);
      n.priority = *priority;
      chunk.push_back(std::move(n));
    }
    auto dnc = store.dnc_lookup(numbers);
    if (!dnc) return ctx.fail(dnc.error());
    std::unordered_set<std::string> blocked(dnc->begin(), dnc->end());
    std::erase_if(chunk, [&](const NewNumber& n) { return blocked.contains(n.number); });
    dnc_skipped += numbers.size() - chunk.size();
    auto inserted = store.add_numbers(ref->id, chunk);
    if (!inserted) return ctx.fail(inserted.error());
    added += *inserted;
    duplicates += chunk.size() - *inserted;
  }
  if (ctx.json()) {
    v["added"] = static_cast<Json::UInt64>(added);
    v["duplicates"] = static_cast<Json::UInt64>(duplicates);
    v["dnc_skipped"] = static_cast<Json::UInt64>(dnc_skipped);
    ctx.print_json(v);
  } else {
    std::cout << ref->name << ": " << added << " added, " << duplicates << " duplicates, "
              << dnc_skipped << " skipped (do-not-call), " << file->bad << " bad lines\n";
  }
  return kExitOk;
}

int run_insert(Context& ctx, const Args& args) {
  auto priority = priority_of(args);
  if (!priority) return ctx.fail(priority.error());
  ContactLine c{0,
                "",
                args.get("--name").value_or(""),
                args.positional[1],
                args.get("--caller-id").value_or(""),
                args.get("--variables").value_or(""),
                args.get("--time-zone")};
  if (std::string why = check_contact(c, false); !why.empty()) {
    return ctx.fail(kExitRefused, why);
  }
  NewNumber n;
  n.number = c.number;
  n.name = c.name;
  n.caller_id = c.caller_id;
  n.variables = c.variables;
  n.time_zone = c.time_zone;
  n.priority = *priority;
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  pd::store::Store store(**conn, "pdctl");
  std::vector<std::string> one = {n.number};
  auto dnc = store.dnc_lookup(one);
  if (!dnc) return ctx.fail(dnc.error());
  if (!dnc->empty()) {
    return ctx.fail(kExitRefused, "Number: " + n.number + " is on the do-not-call list");
  }
  auto added = store.add_numbers(ref->id, std::span<const NewNumber>(&n, 1));
  if (!added) return ctx.fail(added.error());
  if (*added == 0) {
    return ctx.fail(kExitRefused, "Number: " + n.number + " is already in campaign " + ref->name);
  }
  auto id = (*conn)->query("SELECT id FROM dialer_numbers WHERE campaign_id = ? AND number = ?",
                           {ref->id, n.number});
  if (!id) return ctx.fail(id.error());
  const std::uint64_t number_id = id->rows.empty() ? 0 : id->rows[0].u64(0);
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = static_cast<Json::UInt64>(number_id);
    v["number"] = n.number;
    v["campaign"] = ref->name;
    ctx.print_json(v);
  } else {
    std::cout << n.number << " added to " << ref->name << " (#" << number_id << ")\n";
  }
  return kExitOk;
}

int run_count(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  std::string sql = "SELECT COUNT(*) FROM dialer_numbers WHERE campaign_id = ?";
  std::vector<pd::store::Param> params = {ref->id};
  std::string state = args.get("--state").value_or("");
  if (!state.empty()) {
    if (!pd::store::parse_number_state(state)) {
      return ctx.fail(kExitRefused, "--state: '" + state + "' is not a number state");
    }
    sql += " AND state = ?";
    params.emplace_back(state);
  }
  auto rows = (*conn)->query(sql, params);
  if (!rows) return ctx.fail(rows.error());
  const std::uint64_t count = rows->rows[0].u64(0);
  if (ctx.json()) {
    Json::Value v;
    v["campaign"] = ref->name;
    if (!state.empty()) v["state"] = state;
    v["count"] = static_cast<Json::UInt64>(count);
    ctx.print_json(v);
  } else {
    std::cout << count << "\n";
  }
  return kExitOk;
}

int run_dump(Context& ctx, const Args& args, bool full) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  std::string state = args.get("--state").value_or("");
  if (!state.empty() && !pd::store::parse_number_state(state)) {
    return ctx.fail(kExitRefused, "--state: '" + state + "' is not a number state");
  }
  const std::vector<std::string> columns =
      full ? std::vector<std::string>{"id",
                                      "number",
                                      "name",
                                      "caller_id",
                                      "variables",
                                      "time_zone",
                                      "priority",
                                      "state",
                                      "attempts",
                                      "next_try_at",
                                      "disposition",
                                      "dial_status",
                                      "agent",
                                      "agent_disposition",
                                      "last_error",
                                      "callback_at",
                                      "callback_agent",
                                      "created_at",
                                      "updated_at"}
           : std::vector<std::string>{"number", "name", "caller_id", "variables", "time_zone"};
  std::string select = "SELECT id";
  for (const auto& c : columns) select += ", " + c;
  select += " FROM dialer_numbers WHERE campaign_id = ? AND id > ?";
  if (!state.empty()) select += " AND state = ?";
  select += " ORDER BY id LIMIT " + std::to_string(kDumpChunk);
  if (full) write_csv_row(std::cout, columns);
  std::uint64_t after = 0;
  while (true) {
    std::vector<pd::store::Param> params = {ref->id, after};
    if (!state.empty()) params.emplace_back(state);
    auto rows = (*conn)->query(select, params);
    if (!rows) return ctx.fail(rows.error());
    for (const auto& r : rows->rows) {
      std::vector<std::string> fields;
      for (std::size_t i = 1; i < r.size(); ++i) fields.emplace_back(r.opt(i).value_or(""));
      write_csv_row(std::cout, fields);
      after = r.u64(0);
    }
    if (rows->rows.size() < static_cast<std::size_t>(kDumpChunk)) break;
  }
  std::cout.flush();
  if (!std::cout) return ctx.fail(pd::Error::io("writing to stdout failed"));
  return kExitOk;
}

int run_delete(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  Json::Value results(Json::arrayValue);
  std::size_t deleted = 0, missing = 0, in_call = 0;
  for (std::size_t i = 1; i < args.positional.size(); ++i) {
    const std::string number = pd::core::normalize_number(trim(args.positional[i]));
    auto state = (*conn)->query(
        "SELECT state FROM dialer_numbers WHERE campaign_id = ? AND number = ?", {ref->id, number});
    if (!state) return ctx.fail(state.error());
    std::string outcome;
    if (state->rows.empty()) {
      outcome = "not found";
      ++missing;
    } else {
      auto r = (*conn)->execute(std::string("DELETE FROM dialer_numbers WHERE campaign_id = ? AND"
                                            " number = ? AND state NOT IN ") +
                                    kInCall,
                                {ref->id, number});
      if (!r) return ctx.fail(r.error());
      if (*r) {
        outcome = "deleted";
        ++deleted;
      } else {
        outcome = "in a call";
        ++in_call;
      }
    }
    if (outcome != "deleted") std::cerr << "pdctl: " << number << ": " << outcome << "\n";
    Json::Value e;
    e["number"] = number;
    e["result"] = outcome;
    results.append(e);
  }
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = missing == 0 && in_call == 0;
    v["deleted"] = static_cast<Json::UInt64>(deleted);
    v["numbers"] = results;
    ctx.print_json(v);
  } else {
    std::cout << deleted << " deleted from " << ref->name;
    if (in_call) std::cout << ", " << in_call << " kept (in a call or claimed for one)";
    if (missing) std::cout << ", " << missing << " not in the campaign";
    std::cout << "\n";
  }
  if (in_call) return kExitRefused;
  if (missing) return kExitNotFound;
  return kExitOk;
}

int run_truncate(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  if (!args.has("--yes")) {
    return ctx.fail(kExitRefused, "numbers truncate deletes every number of " + ref->name +
                                      ": pass --yes to confirm");
  }
  std::uint64_t deleted = 0;
  while (true) {
    auto r = (*conn)->execute(std::string("DELETE FROM dialer_numbers WHERE campaign_id = ? AND"
                                          " state NOT IN ") +
                                  kInCall + " LIMIT " + std::to_string(kDeleteChunk),
                              {ref->id});
    if (!r) return ctx.fail(r.error());
    deleted += *r;
    if (*r < static_cast<std::uint64_t>(kDeleteChunk)) break;
  }
  auto kept =
      (*conn)->query("SELECT COUNT(*) FROM dialer_numbers WHERE campaign_id = ?", {ref->id});
  if (!kept) return ctx.fail(kept.error());
  const std::uint64_t left = kept->rows[0].u64(0);
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["deleted"] = static_cast<Json::UInt64>(deleted);
    v["kept_in_call"] = static_cast<Json::UInt64>(left);
    ctx.print_json(v);
  } else {
    std::cout << deleted << " numbers deleted from " << ref->name;
    if (left) std::cout << ", " << left << " kept (in a call or claimed for one)";
    std::cout << "\n";
  }
  return kExitOk;
}

int run_recycle(Context& ctx, const Args& args) {
  std::vector<std::string> where = {"n.campaign_id = ?"};
  std::vector<std::string> texts;  // the filter values (Params refer to them)
  if (auto s = args.get("--state")) {
    if (std::find(kRecyclableStates.begin(), kRecyclableStates.end(), *s) ==
        kRecyclableStates.end()) {
      return ctx.fail(kExitRefused,
                      "--state: '" + *s +
                          "' is never recycled; recyclable states: retry, done, failed, closed, "
                          "unknown (never a number in a call, claimed, or do-not-call)");
    }
    where.push_back("n.state = ?");
    texts.push_back(*s);
  }
  if (auto r = args.get("--result")) {
    where.push_back("n.disposition = ?");
    texts.push_back(*r);
  }
  if (auto a = args.get("--agent-disposition")) {
    where.push_back("n.agent_disposition = ?");
    texts.push_back(*a);
  }
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[0]);
  if (!ref) return ctx.fail(ref.error());
  std::vector<pd::store::Param> params = {ref->id};
  for (const auto& t : texts) params.emplace_back(t);
  std::string filter;
  for (const auto& w : where) filter += (filter.empty() ? "" : " AND ") + w;
  auto counted = (*conn)->query("SELECT COUNT(*), COALESCE(SUM(" + std::string(kRecyclable) +
                                    "), 0) FROM dialer_numbers n WHERE " + filter,
                                params);
  if (!counted) return ctx.fail(counted.error());
  const std::uint64_t matching = counted->rows[0].u64(0);
  std::uint64_t recycled = 0;
  if (!args.has("--dry-run")) {
    while (true) {
      auto r = (*conn)->execute("UPDATE dialer_numbers n SET " + std::string(kRecycleSet) +
                                    " WHERE " + filter + " AND " + kRecyclable + " LIMIT " +
                                    std::to_string(kRecycleChunk),
                                params);
      if (!r) return ctx.fail(r.error());
      recycled += *r;
      if (*r < static_cast<std::uint64_t>(kRecycleChunk)) break;
    }
  } else {
    recycled = counted->rows[0].u64(1);
  }
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["campaign"] = ref->name;
    v["matching"] = static_cast<Json::UInt64>(matching);
    v[args.has("--dry-run") ? "would_recycle" : "recycled"] = static_cast<Json::UInt64>(recycled);
    ctx.print_json(v);
  } else {
    std::cout << ref->name << ": " << matching << " numbers match, " << recycled
              << (args.has("--dry-run") ? " would be recycled" : " recycled") << " (pending again"
              << ", 0 attempts; never one in a call, claimed, pending or do-not-call)\n";
  }
  return kExitOk;
}

std::vector<Option> number_field_options() {
  return {{"--name", "TEXT", "the contact's name (160 characters at most)"},
          {"--caller-id", "TEXT", "caller id for this number (else the campaign's)"},
          {"--variables", "a=1|b=2", "channel variables passed to the call"},
          {"--time-zone", "ZONE", "the number's own IANA zone (else the campaign's)"},
          {"--priority", "N", "higher is dialed first (default 0)"}};
}

}  // namespace

Group numbers_group() {
  Group g{"numbers", "load, count, export, delete and recycle a campaign's numbers", {}};
  const std::string state_help = "only numbers in this state (pending, retry, done, failed, …)";
  g.commands.push_back({"insert", "CAMPAIGN NUMBER", "add one number",
                        "Refused (exit 4) when the number is not dialable, on the do-not-call\n"
                        "list, or already in the campaign.",
                        number_field_options(), 2, 2, run_insert});
  g.commands.push_back({"file",
                        "CAMPAIGN FILE",
                        "load a CSV file or one number a line (FILE - reads stdin)",
                        "Columns without a header: number,name,callerid,variables,time_zone (only\n"
                        "the number is required, so a file of one number a line works). A first\n"
                        "line naming a 'number' column (and holding no phone number) is a header:\n"
                        "the admin import's names (group, name, number, callerid / caller id,\n"
                        "variables, time_zone / tz) in any order; group is ignored.\n"
                        "Each line is checked with the admin import's rules; a bad line is\n"
                        "reported with its line number (stderr and --json bad_lines) and skipped,\n"
                        "the rest is loaded. Do-not-call numbers are skipped and counted;\n"
                        "numbers already in the campaign or repeated in the file are duplicates.\n"
                        "Inserts 1,000 rows a statement. At most 2,000,000 lines a file.",
                        {{"--priority", "N", "priority of every number loaded (default 0)"},
                         {"--strict", "", "load nothing (exit 4) when any line is bad"}},
                        2,
                        2,
                        run_file});
  g.commands.push_back({"count",
                        "CAMPAIGN",
                        "how many numbers",
                        "",
                        {{"--state", "STATE", state_help}},
                        1,
                        1,
                        run_count});
  g.commands.push_back({"dump",
                        "CAMPAIGN",
                        "CSV to stdout: number,name,callerid,variables,time_zone",
                        "The same columns `numbers file` reads, without a header.",
                        {{"--state", "STATE", state_help}},
                        1,
                        1,
                        [](Context& c, const Args& a) { return run_dump(c, a, false); }});
  g.commands.push_back({"fulldump",
                        "CAMPAIGN",
                        "CSV to stdout of every column, with a header",
                        "",
                        {{"--state", "STATE", state_help}},
                        1,
                        1,
                        [](Context& c, const Args& a) { return run_dump(c, a, true); }});
  g.commands.push_back({"delete",
                        "CAMPAIGN NUMBER...",
                        "delete numbers of a campaign",
                        "A number in a call or claimed for one is kept (exit 4); a number not in\n"
                        "the campaign is reported (exit 3). The others are deleted.",
                        {},
                        2,
                        SIZE_MAX,
                        run_delete});
  g.commands.push_back({"truncate",
                        "CAMPAIGN",
                        "delete every number of a campaign (asks --yes)",
                        "Numbers in a call or claimed for one are kept (and counted).",
                        {{"--yes", "", "confirm"}},
                        1,
                        1,
                        run_truncate});
  g.commands.push_back(
      {"recycle",
       "CAMPAIGN",
       "dial finished numbers again, by filter",
       "Matching numbers go back to pending with 0 attempts and no last error,\n"
       "as the admin Numbers page's recycle by filter: only numbers in state\n"
       "retry, done, failed, closed or unknown - never one in a call, claimed for\n"
       "one, marked do-not-call or on the do-not-call list now. 1,000 a statement.",
       {{"--state", "STATE", "retry, done, failed, closed or unknown"},
        {"--result", "TEXT", "the engine's result (disposition), e.g. Failed, Busy"},
        {"--agent-disposition", "TEXT", "the agent's disposition"},
        {"--dry-run", "", "count, change nothing"}},
       1,
       1,
       run_recycle});
  return g;
}

}  // namespace pdctl
