// pdctl groups import|list|add-to-campaign: the address book (call groups),
// as admin-php/import.php and groups.php: the CSV import's columns and rules,
// and a group added to a campaign skipping do-not-call numbers.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli.h"
#include "pd/core/names.h"

namespace pdctl {
namespace {

using pd::store::Param;

// Contacts inserted a statement.
constexpr std::size_t kInsertChunk = 1000;

int run_import(Context& ctx, const Args& args) {
  auto lines = read_lines(args.positional[0]);
  if (!lines) return ctx.fail(lines.error());
  const auto group = args.get("--group");
  if (group) {
    if (auto why = check_label_name(*group, "--group"); !why.empty()) {
      return ctx.fail(kExitRefused, why);
    }
  }
  // With --group the lines hold no group (name,number,... / a header without
  // group); without it, the admin import's columns.
  auto file =
      group ? parse_contact_lines(*lines, {"number", "name", "callerid", "variables", "time_zone"},
                                  {"number"})
            : parse_contact_lines(*lines,
                                  {"group", "name", "number", "callerid", "variables", "time_zone"},
                                  {"group", "number"});
  if (!file) return ctx.fail(file.error());
  if (group) {
    for (auto& c : file->good) c.group = *group;
  }
  Json::Value v;
  v["ok"] = true;
  report_bad_lines(*file, v);
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  // A number a group has already (or had on an earlier line) is a duplicate.
  // Both containers hold at most the file's lines (kMaxFileLines).
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<const ContactLine*> rows;
  std::size_t duplicates = 0;
  std::map<std::string, std::vector<std::string>> by_group;
  for (const auto& c : file->good) by_group[c.group].push_back(c.number);
  for (const auto& [g, numbers] : by_group) {
    for (std::size_t at = 0; at < numbers.size(); at += kInsertChunk) {
      const std::size_t n = std::min(kInsertChunk, numbers.size() - at);
      std::vector<Param> params = {g};
      std::string in;
      for (std::size_t i = at; i < at + n; ++i) {
        in += i > at ? ",?" : "?";
        params.emplace_back(numbers[i]);
      }
      auto existing = (*conn)->query(
          "SELECT number FROM dialer_contacts WHERE group_name = ? AND number IN (" + in + ")",
          params);
      if (!existing) return ctx.fail(existing.error());
      for (const auto& r : existing->rows) seen.insert({g, std::string(r.str(0))});
    }
  }
  for (const auto& c : file->good) {
    if (!seen.insert({c.group, c.number}).second) {
      ++duplicates;
      continue;
    }
    rows.push_back(&c);
  }
  std::uint64_t added = 0;
  for (std::size_t at = 0; at < rows.size(); at += kInsertChunk) {
    const std::size_t n = std::min(kInsertChunk, rows.size() - at);
    std::vector<Param> params;
    std::string values;
    for (std::size_t i = at; i < at + n; ++i) {
      values += i > at ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
      params.emplace_back(rows[i]->group);
      params.emplace_back(rows[i]->name);
      params.emplace_back(rows[i]->number);
      params.emplace_back(rows[i]->caller_id);
      params.emplace_back(rows[i]->variables);
      params.emplace_back(rows[i]->time_zone);
    }
    auto r = (*conn)->execute(
        "INSERT INTO dialer_contacts (group_name, name, number, caller_id, variables, time_zone)"
        " VALUES " +
            values,
        params);
    if (!r) return ctx.fail(r.error());
    added += *r;
  }
  if (ctx.json()) {
    v["added"] = static_cast<Json::UInt64>(added);
    v["duplicates"] = static_cast<Json::UInt64>(duplicates);
    v["groups"] = Json::Value(Json::arrayValue);
    for (const auto& [g, numbers] : by_group) v["groups"].append(g);
    ctx.print_json(v);
  } else {
    std::cout << added << " contacts added, " << duplicates << " duplicates, " << file->bad
              << " bad lines\n";
  }
  return kExitOk;
}

int run_list(Context& ctx, const Args&) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto rows = (*conn)->query(
      "SELECT group_name, COUNT(*) FROM dialer_contacts GROUP BY group_name ORDER BY group_name");
  if (!rows) return ctx.fail(rows.error());
  if (ctx.json()) {
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows->rows) {
      Json::Value v;
      v["group"] = std::string(r.str(0));
      v["contacts"] = static_cast<Json::UInt64>(r.u64(1));
      list.append(v);
    }
    ctx.print_json(list);
    return kExitOk;
  }
  for (const auto& r : rows->rows) {
    std::printf("%-40s %10llu\n", std::string(r.str(0)).c_str(),
                static_cast<unsigned long long>(r.u64(1)));
  }
  return kExitOk;
}

int run_add_to_campaign(Context& ctx, const Args& args) {
  const std::string& group = args.positional[0];
  const std::string caller_id = args.get("--caller-id").value_or("");
  if (!pd::core::is_caller_id(caller_id)) {
    return ctx.fail(kExitRefused,
                    "--caller-id: at most 80 bytes of UTF-8 text without control characters");
  }
  long long priority = 0;
  if (auto p = args.get("--priority")) {
    auto v = parse_int("--priority", *p, -32768, 32767);
    if (!v) return ctx.fail(v.error());
    priority = *v;
  }
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto ref = find_campaign(**conn, args.positional[1]);
  if (!ref) return ctx.fail(ref.error());
  auto& c = **conn;
  const std::string dnc_now =
      "(SELECT 1 FROM dialer_dnc d WHERE d.number = c.number AND (d.expires_at IS NULL OR "
      "d.expires_at > UTC_TIMESTAMP(3)))";
  auto tx = pd::store::Transaction::begin(c);
  if (!tx) return ctx.fail(tx.error());
  auto counts = c.query("SELECT COUNT(*), COALESCE(SUM(EXISTS " + dnc_now +
                            "), 0) FROM dialer_contacts c WHERE c.group_name = ?",
                        {group});
  if (!counts) return ctx.fail(counts.error());
  const std::uint64_t total = counts->rows[0].u64(0), dnc = counts->rows[0].u64(1);
  if (total == 0) return ctx.fail(kExitNotFound, "no contacts in a group '" + group + "'");
  auto added = c.execute(
      "INSERT IGNORE INTO dialer_numbers (campaign_id, contact_id, name, number, caller_id,"
      " variables, time_zone, priority)"
      " SELECT ?, c.id, c.name, c.number, IF(c.caller_id = '', ?, c.caller_id), c.variables,"
      " c.time_zone, ? FROM dialer_contacts c WHERE c.group_name = ? AND NOT EXISTS " +
          dnc_now + " ORDER BY c.id",
      {ref->id, caller_id, priority, group});
  if (!added) return ctx.fail(added.error());
  if (auto st = tx->commit(); !st) return ctx.fail(st.error());
  const std::uint64_t duplicates = total - dnc - *added;
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["campaign"] = ref->name;
    v["group"] = group;
    v["added"] = static_cast<Json::UInt64>(*added);
    v["duplicates"] = static_cast<Json::UInt64>(duplicates);
    v["dnc_skipped"] = static_cast<Json::UInt64>(dnc);
    ctx.print_json(v);
  } else {
    std::cout << "group " << group << " -> " << ref->name << ": " << *added << " added, "
              << duplicates << " duplicates, " << dnc << " skipped (do-not-call)\n";
  }
  return kExitOk;
}

}  // namespace

Group groups_group() {
  Group g{"groups", "contact groups (the address book) and adding them to campaigns", {}};
  g.commands.push_back(
      {"import",
       "FILE",
       "load contacts from a CSV file (FILE - reads stdin)",
       "The admin import's format: group,name,number,callerid,variables,time_zone\n"
       "(a first line naming the columns, with group and number, sets their order).\n"
       "With --group the lines hold no group: number,name,callerid,variables,time_zone.\n"
       "Bad lines are reported with their line numbers and skipped; a number the\n"
       "group has already is a duplicate.",
       {{"--group", "NAME", "put every line in this group"}},
       1,
       1,
       run_import});
  g.commands.push_back(
      {"list", "", "every group with its number of contacts", "", {}, 0, 0, run_list});
  g.commands.push_back({"add-to-campaign",
                        "GROUP CAMPAIGN",
                        "add a group's contacts to a campaign",
                        "As the Groups page: do-not-call numbers are skipped and counted, numbers\n"
                        "the campaign has already are duplicates, each number keeps its contact's\n"
                        "time zone. A group without contacts is not found (exit 3).",
                        {{"--caller-id", "TEXT", "caller id for contacts that have none"},
                         {"--priority", "N", "priority of the numbers added (default 0)"}},
                        2,
                        2,
                        run_add_to_campaign});
  return g;
}

}  // namespace pdctl
