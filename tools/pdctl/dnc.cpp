// pdctl dnc add|remove|import|list: the do-not-call list, as admin-php/dnc.php
// (numbers normalised like contacts, a reason, an optional expiry date; waiting
// campaign numbers on the list are marked dnc at once).
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "pd/core/names.h"
#include "pd/core/schedule.h"
#include "pd/store/store.h"

namespace pdctl {
namespace {

using pd::store::Connection;
using pd::store::Param;

using Entry = pd::store::DncEntry;

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// pd_dnc_entry: the reason names the field, or "".
std::string check_entry(const std::string& number, const std::string& reason,
                        const std::string& expires, Entry& e) {
  e.number = pd::core::normalize_number(trim(number));
  e.reason = trim(reason);
  const std::string day = trim(expires);
  if (!pd::core::is_dialable_number(e.number)) {
    return "Number: '" + trim(number) +
           "': a phone number is 1 to 32 digits, optionally starting with + (also * and #)";
  }
  if (auto why = check_plain(e.reason, "Reason", 255); !why.empty()) return why;
  if (!day.empty()) {
    if (day.size() != 10 || !pd::core::parse_date(day)) {
      return "Expiry must be a date (YYYY-MM-DD) or empty (never expires)";
    }
    e.expires = day + " 23:59:59.999";
  }
  return {};
}

int run_add(Context& ctx, const Args& args) {
  Entry e;
  if (auto why = check_entry(args.positional[0], args.get("--reason").value_or(""),
                             args.get("--expires").value_or(""), e);
      !why.empty()) {
    return ctx.fail(kExitRefused, why);
  }
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  pd::store::Store store(**conn, "pdctl");
  auto marked = store.add_dnc(std::span<const Entry>(&e, 1));
  if (!marked) return ctx.fail(marked.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["number"] = e.number;
    v["marked"] = static_cast<Json::UInt64>(*marked);
    ctx.print_json(v);
  } else {
    std::cout << e.number << " is on the do-not-call list; " << *marked
              << " waiting campaign numbers marked dnc\n";
  }
  return kExitOk;
}

int run_remove(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  pd::store::Store store(**conn, "pdctl");
  std::uint64_t removed = 0;
  Json::Value missing(Json::arrayValue);
  for (const auto& typed : args.positional) {
    const std::string number = pd::core::normalize_number(trim(typed));
    auto r = store.remove_dnc(number);
    if (!r) return ctx.fail(r.error());
    removed += *r ? 1 : 0;
    if (!*r) {
      std::cerr << "pdctl: " << number << ": not on the do-not-call list\n";
      missing.append(number);
    }
  }
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = missing.empty();
    v["removed"] = static_cast<Json::UInt64>(removed);
    v["not_found"] = missing;
    ctx.print_json(v);
  } else {
    std::cout << removed
              << " numbers removed from the do-not-call list (campaign numbers already marked "
                 "dnc stay so)\n";
  }
  return missing.empty() ? kExitOk : kExitNotFound;
}

int run_import(Context& ctx, const Args& args) {
  auto lines = read_lines(args.positional[0]);
  if (!lines) return ctx.fail(lines.error());
  std::vector<Entry> entries;
  ContactFile report;  // only its line counts and bad lines are used
  const std::string default_reason = args.get("--reason").value_or("");
  for (std::size_t i = 0; i < lines->size(); ++i) {
    if (trim((*lines)[i]).empty()) continue;
    ++report.lines;
    auto fields = split_csv_line((*lines)[i]);
    Entry e;
    std::string why;
    if (!fields) {
      why = "unclosed quote: a field opened with \" is not closed on this line";
    } else if (fields->size() > 3) {
      why =
          "expected 1 to 3 fields (number,reason,expires), found " + std::to_string(fields->size());
    } else {
      fields->resize(3);
      why = check_entry((*fields)[0], (*fields)[1].empty() ? default_reason : (*fields)[1],
                        (*fields)[2], e);
    }
    if (!why.empty()) {
      ++report.bad;
      if (report.bad_lines.size() < kMaxBadLinesListed) report.bad_lines.push_back({i + 1, why});
      continue;
    }
    entries.push_back(std::move(e));
  }
  Json::Value v;
  v["ok"] = true;
  report_bad_lines(report, v);
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  pd::store::Store store(**conn, "pdctl");
  auto marked = store.add_dnc(entries);
  if (!marked) return ctx.fail(marked.error());
  if (ctx.json()) {
    v["stored"] = static_cast<Json::UInt64>(entries.size());
    v["marked"] = static_cast<Json::UInt64>(*marked);
    ctx.print_json(v);
  } else {
    std::cout << entries.size() << " numbers on the do-not-call list; " << *marked
              << " waiting campaign numbers marked dnc; " << report.bad << " bad lines skipped\n";
  }
  return kExitOk;
}

int run_list(Context& ctx, const Args& args) {
  long long limit = 1000;
  if (auto l = args.get("--limit")) {
    auto v = parse_int("--limit", *l, 1, 1'000'000);
    if (!v) return ctx.fail(v.error());
    limit = *v;
  }
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto rows = (*conn)->query(
      "SELECT number, reason, added_at, expires_at FROM dialer_dnc WHERE number LIKE CONCAT(?, "
      "'%') ORDER BY number LIMIT " +
          std::to_string(limit),
      {args.get("--prefix").value_or("")});
  if (!rows) return ctx.fail(rows.error());
  if (ctx.json()) {
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows->rows) {
      Json::Value e;
      e["number"] = std::string(r.str(0));
      e["reason"] = std::string(r.str(1));
      e["added_at"] = std::string(r.str(2));
      e["expires_at"] = r.is_null(3) ? Json::Value() : Json::Value(std::string(r.str(3)));
      list.append(e);
    }
    ctx.print_json(list);
    return kExitOk;
  }
  for (const auto& r : rows->rows) {
    write_csv_row(std::cout, {std::string(r.str(0)), std::string(r.str(1)), std::string(r.str(2)),
                              r.opt(3).value_or("")});
  }
  return kExitOk;
}

}  // namespace

Group dnc_group() {
  Group g{"dnc", "the do-not-call list", {}};
  g.commands.push_back(
      {"add",
       "NUMBER",
       "put a number on the list",
       "Punctuation is removed (555-0051 -> 5550051) as for contacts. Waiting\n"
       "(pending, retry) campaign numbers with it are marked dnc at once; the\n"
       "engine checks the list again before each call.",
       {{"--reason", "TEXT", "why (255 characters at most)"},
        {"--expires", "YYYY-MM-DD", "last day it applies (default: never expires)"}},
       1,
       1,
       run_add});
  g.commands.push_back({"remove",
                        "NUMBER...",
                        "take numbers off the list",
                        "Numbers already marked dnc in campaigns stay so. A number not on the\n"
                        "list is reported (exit 3).",
                        {},
                        1,
                        SIZE_MAX,
                        run_remove});
  g.commands.push_back({"import",
                        "FILE",
                        "add the numbers of a file (FILE - reads stdin)",
                        "One entry a line: number[,reason[,expires YYYY-MM-DD]]. Bad lines are\n"
                        "reported with their line numbers and skipped.",
                        {{"--reason", "TEXT", "reason for lines that give none"}},
                        1,
                        1,
                        run_import});
  g.commands.push_back({"list",
                        "",
                        "the list, by number (CSV: number,reason,added,expires)",
                        "",
                        {{"--prefix", "DIGITS", "only numbers starting with these"},
                         {"--limit", "N", "at most N entries (default 1000)"}},
                        0,
                        0,
                        run_list});
  return g;
}

}  // namespace pdctl
