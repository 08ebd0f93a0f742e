// pdctl dispositions add|remove|list: the agents' dispositions, as
// admin-php/dispositions.php (a name of 1 to 80 letters, digits, spaces or
// _ . -, a description, is_callback from migration 0015).
#include <iostream>
#include <string>

#include "cli.h"

namespace pdctl {
namespace {

int run_add(Context& ctx, const Args& args) {
  const std::string& name = args.positional[0];
  if (auto why = check_label_name(name, "Name"); !why.empty()) return ctx.fail(kExitRefused, why);
  const std::string description = args.get("--description").value_or("");
  if (auto why = check_plain(description, "Description", 255); !why.empty()) {
    return ctx.fail(kExitRefused, why);
  }
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto taken = (*conn)->query("SELECT 1 FROM dialer_dispositions WHERE name = ?", {name});
  if (!taken) return ctx.fail(taken.error());
  if (!taken->rows.empty()) {
    return ctx.fail(kExitRefused, "Name: the disposition '" + name + "' exists already");
  }
  const bool callback = args.has("--callback");
  auto stmt = (*conn)->prepare(
      "INSERT INTO dialer_dispositions (name, description, is_callback) VALUES (?, ?, ?)");
  if (!stmt) return ctx.fail(stmt.error());
  if (auto r = stmt->execute({name, description, callback}); !r) return ctx.fail(r.error());
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["id"] = static_cast<Json::UInt64>(stmt->insert_id());
    v["name"] = name;
    v["is_callback"] = callback;
    ctx.print_json(v);
  } else {
    std::cout << "disposition " << name << " added" << (callback ? " (a callback)" : "") << "\n";
  }
  return kExitOk;
}

int run_remove(Context& ctx, const Args& args) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto r = (*conn)->execute("DELETE FROM dialer_dispositions WHERE name = ?", {args.positional[0]});
  if (!r) return ctx.fail(r.error());
  if (*r == 0) return ctx.fail(kExitNotFound, "no disposition '" + args.positional[0] + "'");
  if (ctx.json()) {
    Json::Value v;
    v["ok"] = true;
    v["name"] = args.positional[0];
    ctx.print_json(v);
  } else {
    std::cout << "disposition " << args.positional[0]
              << " removed (and from the campaigns that offered it)\n";
  }
  return kExitOk;
}

int run_list(Context& ctx, const Args&) {
  auto conn = ctx.db();
  if (!conn) return ctx.fail(conn.error());
  auto rows = (*conn)->query(
      "SELECT d.id, d.name, d.description, d.is_callback, COUNT(DISTINCT cd.campaign_id)"
      " FROM dialer_dispositions d LEFT JOIN dialer_campaign_dispositions cd"
      " ON cd.disposition_id = d.id GROUP BY d.id ORDER BY d.name");
  if (!rows) return ctx.fail(rows.error());
  if (ctx.json()) {
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows->rows) {
      Json::Value v;
      v["id"] = static_cast<Json::UInt64>(r.u64(0));
      v["name"] = std::string(r.str(1));
      v["description"] = std::string(r.str(2));
      v["is_callback"] = r.u64(3) != 0;
      v["campaigns"] = static_cast<Json::UInt64>(r.u64(4));
      list.append(v);
    }
    ctx.print_json(list);
    return kExitOk;
  }
  std::printf("%-6s %-24s %-9s %-10s %s\n", "ID", "NAME", "CALLBACK", "CAMPAIGNS", "DESCRIPTION");
  for (const auto& r : rows->rows) {
    std::printf("%-6llu %-24s %-9s %-10llu %s\n", static_cast<unsigned long long>(r.u64(0)),
                std::string(r.str(1)).c_str(), r.u64(3) ? "yes" : "no",
                static_cast<unsigned long long>(r.u64(4)), std::string(r.str(2)).c_str());
  }
  return kExitOk;
}

}  // namespace

Group dispositions_group() {
  Group g{"dispositions", "the dispositions agents tag calls with", {}};
  g.commands.push_back({"add",
                        "NAME",
                        "a new disposition",
                        "NAME: 1 to 80 letters, digits, spaces or _ . - (exit 4 otherwise, or\n"
                        "when it exists already).",
                        {{"--description", "TEXT", "shown to admins (255 characters at most)"},
                         {"--callback", "", "choosing it schedules a callback (asks the time)"}},
                        1,
                        1,
                        run_add});
  g.commands.push_back({"remove",
                        "NAME",
                        "delete a disposition (campaigns stop offering it)",
                        "",
                        {},
                        1,
                        1,
                        run_remove});
  g.commands.push_back({"list",
                        "",
                        "every disposition, whether it is a callback, how many "
                        "campaigns offer it",
                        "",
                        {},
                        0,
                        0,
                        run_list});
  return g;
}

}  // namespace pdctl
