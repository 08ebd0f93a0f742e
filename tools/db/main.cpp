// paneldialer-db: the database's command line.
//   paneldialer-db [--dsn DSN] [--migrations DIR] migrate|status
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pd/store/connection.h"
#include "pd/store/dsn.h"
#include "pd/store/migrator.h"
#include "pd/store/records.h"
#include "pd/store/store.h"

namespace {

using namespace pd::store;

constexpr const char* kUsage =
    "usage: paneldialer-db [--dsn DSN] [--migrations DIR] COMMAND\n"
    "\n"
    "commands:\n"
    "  migrate   apply the pending migrations in order (refuses a database whose\n"
    "            schema is newer than this program)\n"
    "  status    schema version, campaigns and their numbers by state\n"
    "\n"
    "options:\n"
    "  --dsn DSN          the database, mysql://user:pass@host:port/db or\n"
    "                     mysql://user:pass@localhost/db?socket=/path\n"
    "                     (default: $PD_MYSQL_DSN)\n"
    "  --migrations DIR   the NNNN_*.sql files (default: $PD_MIGRATIONS_DIR, else\n"
    "                     " PD_DEFAULT_MIGRATIONS_DIR
    ")\n"
    "  -h, --help         this text\n"
    "\n"
    "exit status: 0 done, 1 failed (the reason is printed), 2 bad usage\n";

int usage_error(const std::string& message) {
  std::cerr << "paneldialer-db: " << message << "\n\n" << kUsage;
  return 2;
}

int failure(const pd::Error& error) {
  std::cerr << "paneldialer-db: " << error.describe() << "\n";
  return 1;
}

int run_migrate(Connection& conn, const std::string& dir) {
  auto applied = migrate(conn, dir);
  if (!applied) return failure(applied.error());
  auto status = schema_status(conn, dir);
  if (!status) return failure(status.error());
  if (applied->empty()) {
    std::cout << "schema is up to date (version " << status->database_version << ")\n";
  } else {
    for (const auto& name : *applied) std::cout << "applied " << name << "\n";
    std::cout << "schema version " << status->database_version << "\n";
  }
  return 0;
}

int run_status(Connection& conn, const std::string& dir) {
  auto status = schema_status(conn, dir);
  if (!status) return failure(status.error());
  std::cout << "database:        " << conn.dsn().redacted() << "\n";
  std::cout << "server:          " << conn.server_version() << "\n";
  std::cout << "schema version:  " << status->database_version << " (code " << status->code_version;
  if (status->newer_than_code()) {
    std::cout << "; the database is NEWER than this program: it refuses to use it)\n";
    return 1;
  }
  if (status->pending.empty()) {
    std::cout << ", up to date)\n";
  } else {
    std::cout << ", " << status->pending.size() << " pending:";
    for (const auto& f : status->pending) std::cout << " " << f.name;
    std::cout << "; run `paneldialer-db migrate`)\n";
  }
  if (status->database_version == 0) return 0;

  Store store(conn, "paneldialer-db");
  auto campaigns = store.load_campaigns();
  if (!campaigns) return failure(campaigns.error());
  auto per_campaign = conn.query(
      "SELECT campaign_id, state, COUNT(*) FROM dialer_numbers GROUP BY campaign_id, state");
  if (!per_campaign) return failure(per_campaign.error());
  std::map<std::uint32_t, std::map<std::string, std::uint64_t>> counts;
  std::map<std::string, std::uint64_t> totals;
  for (const Row& r : per_campaign->rows) {
    counts[static_cast<std::uint32_t>(r.u64(0))][std::string(r.str(1))] = r.u64(2);
    totals[std::string(r.str(1))] += r.u64(2);
  }
  auto by_state = [](const std::map<std::string, std::uint64_t>& m) {
    std::string out;
    for (NumberState s : kAllNumberStates) {
      auto it = m.find(std::string(to_string(s)));
      out += " " + std::string(to_string(s)) + "=" + std::to_string(it == m.end() ? 0 : it->second);
    }
    return out;
  };
  std::cout << "campaigns:       " << campaigns->size() << "\n";
  for (const Campaign& c : *campaigns) {
    std::cout << "  #" << c.id << " " << c.name << (c.enabled ? " (enabled)" : " (disabled)") << ":"
              << by_state(counts[c.id]) << "\n";
  }
  std::cout << "numbers:        " << by_state(totals) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dsn_text, dir, command;
  if (const char* env = std::getenv("PD_MYSQL_DSN")) dsn_text = env;
  if (const char* env = std::getenv("PD_MIGRATIONS_DIR"); env && *env) {
    dir = env;
  } else {
    dir = PD_DEFAULT_MIGRATIONS_DIR;
  }
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view flag, std::string& out) -> int {
      if (a.starts_with(std::string(flag) + "=")) {
        out = a.substr(flag.size() + 1);
        return 1;
      }
      if (a == flag) {
        if (i + 1 >= args.size()) return -1;
        out = args[++i];
        return 1;
      }
      return 0;
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
    int r = value("--dsn", dsn_text);
    if (r == 0) r = value("--migrations", dir);
    if (r < 0) return usage_error(std::string(a) + " needs a value");
    if (r > 0) continue;
    if (a.starts_with("-")) return usage_error("unknown option " + std::string(a));
    if (!command.empty()) return usage_error("one command at a time");
    command = a;
  }
  if (command.empty()) return usage_error("no command");
  if (command != "migrate" && command != "status")
    return usage_error("unknown command '" + command + "'");
  if (dsn_text.empty()) return usage_error("no database: pass --dsn or set PD_MYSQL_DSN");

  auto dsn = parse_dsn(dsn_text);
  if (!dsn) return failure(dsn.error());
  auto conn = Connection::open(*dsn);
  if (!conn) return failure(conn.error());
  return command == "migrate" ? run_migrate(*conn, dir) : run_status(*conn, dir);
}
