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

// A file holds at most this many lines (all of it is held in memory while it
// is checked; the admin's import stops at 64 MB). Split bigger files.
constexpr std::size_t kMaxFileLines = 2'000'000;
// Lines checked, looked up on the do-not-call list and inserted at a time.
constexpr std::size_t kChunkLines = 10'000;
// Bad lines listed (stderr and --json); the count covers them all.
constexpr std::size_t kMaxBadLinesListed = 1000;
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

// One number's fields, checked as the admin import checks a contact; the
// reason names the field, or "" when fine. `n` gets the clean values.
std::string check_number_fields(const std::string& number, const std::string& name,
                                const std::string& caller_id, const std::string& variables,
                                const std::string& time_zone, NewNumber& n) {
  n.number = pd::core::normalize_number(trim(number));
  n.name = trim(name);
  n.caller_id = trim(caller_id);
  n.variables = trim(variables);
  const std::string zone = trim(time_zone);
  if (auto why = check_plain(n.name, "Name", 160); !why.empty()) return why;
  if (!pd::core::is_dialable_number(n.number)) {
    return "Number: '" + trim(number) +
           "': a phone number is 1 to 32 digits, optionally starting with + (also * and #; "
           "spaces, dashes, dots and parentheses are removed)";
  }
  if (!pd::core::is_caller_id(n.caller_id)) {
    return "Caller id: at most 80 bytes of UTF-8 text without control characters";
  }
  if (auto st = pd::core::check_variables(n.variables); !st) {
    return "Variables: " + st.error().message;
  }
  if (!zone.empty()) {
    if (auto st = check_time_zone("Time zone", zone); !st) return st.error().message;
    n.time_zone = zone;
  }
  return {};
}

// The admin import's column names (pd_csv_column_name): lower case, blanks,
// - and _ dropped.
std::string column_name(std::string_view field) {
  std::string key;
  for (char c : trim(field)) {
    if (c == ' ' || c == '-' || c == '_') continue;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (key == "group" || key == "name" || key == "number" || key == "callerid" || key == "variables")
    return key;
  if (key == "timezone" || key == "tz") return "time_zone";
  return {};
}

struct BadLine {
  std::size_t line;
  std::string reason;
};

struct FileReport {
  std::size_t lines = 0;       // non-blank data lines read
  std::size_t added = 0;       // new numbers in the campaign
  std::size_t duplicates = 0;  // already in the campaign or earlier in the file
  std::size_t dnc = 0;         // on the do-not-call list: skipped
  std::size_t bad = 0;
  std::vector<BadLine> bad_lines;  // the first kMaxBadLinesListed
};

pd::Result<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return pd::fail(pd::Error::io("cannot read '" + path + "'"));
    in = &file;
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(*in, line)) {
    if (lines.size() >= kMaxFileLines) {
      return pd::fail(pd::Error::limit("the file has more than " + std::to_string(kMaxFileLines) +
                                       " lines: split it"));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in->bad()) return pd::fail(pd::Error::io("reading '" + path + "' failed"));
  if (!lines.empty() && lines[0].starts_with("\xEF\xBB\xBF")) lines[0].erase(0, 3);
  return lines;
}

struct Parsed {
  std::size_t line;
  NewNumber number;
};

// Checks every line; returns the good ones, records the bad ones.
pd::Result<std::vector<Parsed>> parse_file(const std::vector<std::string>& lines,
                                           std::int16_t priority, FileReport& report) {
  std::vector<std::string> columns = {"number", "name", "callerid", "variables", "time_zone"};
  std::vector<Parsed> good;
  auto bad = [&](std::size_t line, std::string reason) {
    ++report.bad;
    if (report.bad_lines.size() < kMaxBadLinesListed) report.bad_lines.push_back({line, reason});
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t line_no = i + 1;
    if (trim(lines[i]).empty()) continue;
    auto fields = split_csv_line(lines[i]);
    if (!fields) {
      ++report.lines;
      bad(line_no, "unclosed quote: a field opened with \" is not closed on this line");
      continue;
    }
    if (i == 0) {
      // A header names the columns: one of them "number", none a phone number.
      bool any_number = false, has_number = false;
      for (const auto& f : *fields) {
        any_number |= pd::core::is_dialable_number(pd::core::normalize_number(trim(f)));
        has_number |= column_name(f) == "number";
      }
      if (has_number && !any_number) {
        while (!fields->empty() && trim(fields->back()).empty()) fields->pop_back();
        columns.clear();
        for (std::size_t c = 0; c < fields->size(); ++c) {
          std::string name = column_name((*fields)[c]);
          if (name.empty()) {
            return pd::fail(pd::Error::invalid(
                "line 1: the header names a column '" + trim((*fields)[c]) +
                "' the import does not know (known: number, name, callerid, variables, "
                "time_zone, group); nothing is loaded"));
          }
          if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
            return pd::fail(pd::Error::invalid("line 1: the header names the column " + name +
                                               " twice; nothing is loaded"));
          }
          columns.push_back(name);
        }
        continue;
      }
    }
    ++report.lines;
    while (fields->size() > columns.size() && trim(fields->back()).empty()) fields->pop_back();
    const std::size_t least =
        static_cast<std::size_t>(std::find(columns.begin(), columns.end(), "number") -
                                 columns.begin()) +
        1;
    if (fields->size() < least || fields->size() > columns.size()) {
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ",") + c;
      bad(line_no, "expected " + std::to_string(least) +
                       (least == columns.size() ? "" : " to " + std::to_string(columns.size())) +
                       " fields (" + names + "), found " + std::to_string(fields->size()));
      continue;
    }
    std::map<std::string, std::string> by_name;
    for (std::size_t c = 0; c < fields->size(); ++c) by_name[columns[c]] = (*fields)[c];
    Parsed p{line_no, {}};
    p.number.priority = priority;
    std::string why = check_number_fields(by_name["number"], by_name["name"], by_name["callerid"],
                                          by_name["variables"], by_name["time_zone"], p.number);
    if (!why.empty()) {
      bad(line_no, why);
      continue;
    }
    good.push_back(std::move(p));
  }
  return good;
}

Json::Value report_json(const FileReport& r) {
  Json::Value v;
  v["ok"] = true;
  v["lines"] = static_cast<Json::UInt64>(r.lines);
  v["added"] = static_cast<Json::UInt64>(r.added);
  v["duplicates"] = static_cast<Json::UInt64>(r.duplicates);
  v["dnc_skipped"] = static_cast<Json::UInt64>(r.dnc);
  v["bad"] = static_cast<Json::UInt64>(r.bad);
  v["bad_lines"] = Json::Value(Json::arrayValue);
  for (const auto& b : r.bad_lines) {
    Json::Value e;
    e["line"] = static_cast<Json::UInt64>(b.line);
    e["reason"] = b.reason;
    v["bad_lines"].append(e);
  }
  return v;
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
  FileReport report;
  auto good = parse_file(*lines, *priority, report);
  if (!good) return ctx.fail(good.error());
  for (const auto& b : report.bad_lines) {
    std::cerr << "pdctl: line " << b.line << ": " << b.reason << "\n";
  }
  if (report.bad > report.bad_lines.size()) {
    std::cerr << "pdctl: … and " << report.bad - report.bad_lines.size() << " more bad lines\n";
  }
  if (report.bad > 0 && args.has("--strict")) {
    return ctx.fail(kExitRefused,
                    std::to_string(report.bad) + " bad lines and --strict: nothing is loaded");
  }
  pd::store::Store store(**conn, "pdctl");
  std::unordered_set<std::string> seen;
  for (std::size_t at = 0; at < good->size(); at += kChunkLines) {
    const std::size_t end = std::min(good->size(), at + kChunkLines);
    std::vector<NewNumber> chunk;
    std::vector<std::string> numbers;
    for (std::size_t i = at; i < end; ++i) {
      auto& n = (*good)[i].number;
      if (!seen.insert(n.number).second) {
        ++report.duplicates;
        continue;
      }
      numbers.push_back(n.number);
      chunk.push_back(std::move(n));
    }
    auto dnc = store.dnc_lookup(numbers);
    if (!dnc) return ctx.fail(dnc.error());
    std::unordered_set<std::string> blocked(dnc->begin(), dnc->end());
    std::erase_if(chunk, [&](const NewNumber& n) { return blocked.contains(n.number); });
    report.dnc += numbers.size() - chunk.size();
    auto added = store.add_numbers(ref->id, chunk);
    if (!added) return ctx.fail(added.error());
    report.added += *added;
    report.duplicates += chunk.size() - *added;
  }
  if (ctx.json()) {
    Json::Value v = report_json(report);
    v["campaign"] = ref->name;
    ctx.print_json(v);
  } else {
    std::cout << ref->name << ": " << report.added << " added, " << report.duplicates
              << " duplicates, " << report.dnc << " skipped (do-not-call), " << report.bad
              << " bad lines\n";
  }
  return kExitOk;
}

int run_insert(Context& ctx, const Args& args) {
  auto priority = priority_of(args);
  if (!priority) return ctx.fail(priority.error());
  NewNumber n;
  n.priority = *priority;
  std::string why = check_number_fields(
      args.positional[1], args.get("--name").value_or(""), args.get("--caller-id").value_or(""),
      args.get("--variables").value_or(""), args.get("--time-zone").value_or(""), n);
  if (!why.empty()) return ctx.fail(kExitRefused, why);
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
