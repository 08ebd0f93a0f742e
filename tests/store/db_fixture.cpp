#include "db_fixture.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "pd/store/migrator.h"
#include "pd/store/records.h"
#include "pd/store/store.h"

namespace pd::store::testing {
namespace {

// Names of scratch databases whose test process is gone.
void drop_orphans(Connection& admin) {
  auto rows = admin.query(
      "SELECT schema_name FROM information_schema.schemata"
      " WHERE schema_name LIKE 'paneldialer\\_t\\_%'");
  if (!rows) return;
  for (const Row& r : rows->rows) {
    std::string name(r.str(0));
    pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + std::string("paneldialer_t_").size()));
    if (pid > 0 && pid != getpid() && ::kill(pid, 0) != 0 && errno == ESRCH)
      (void)admin.execute_script("DROP DATABASE IF EXISTS `" + name + "`");
  }
}

}  // namespace

std::optional<Dsn> require_test_dsn() {
  auto dsn = dsn_from_environment();
  if (dsn) return *dsn;
  const char* allow = std::getenv("PD_ALLOW_NO_DB");
  if (dsn.error().code == pd::ErrorCode::kNotFound && allow && std::string(allow) == "1") {
    MESSAGE("skipped: PD_MYSQL_DSN is not set and PD_ALLOW_NO_DB=1");
    return std::nullopt;
  }
  FAIL_CHECK("this integration test needs a database: "
             << dsn.error().describe()
             << " (scripts/test starts a private MariaDB and sets it; "
                "set PD_ALLOW_NO_DB=1 to skip these tests instead)");
  return std::nullopt;
}

ScratchDb::ScratchDb(const Dsn& server, bool migrated) : server_(server) {
  static int counter = 0;
  const std::string name =
      "paneldialer_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  auto admin = Connection::open(server_);
  REQUIRE_MESSAGE(admin.has_value(), (admin ? "" : admin.error().describe()));
  drop_orphans(*admin);
  auto created = admin->execute_script("DROP DATABASE IF EXISTS `" + name + "`; CREATE DATABASE `" +
                                       name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error().describe()));
  dsn_ = server_.with_database(name);
  auto conn = Connection::open(dsn_);
  REQUIRE_MESSAGE(conn.has_value(), (conn ? "" : conn.error().describe()));
  conn_.emplace(std::move(*conn));
  if (migrated) {
    auto applied = migrate(*conn_, PD_MIGRATIONS_DIR);
    REQUIRE_MESSAGE(applied.has_value(), (applied ? "" : applied.error().describe()));
  }
}

ScratchDb::~ScratchDb() {
  conn_.reset();
  if (dsn_.database.empty()) return;
  if (auto admin = Connection::open(server_))
    (void)admin->execute_script("DROP DATABASE IF EXISTS `" + dsn_.database + "`");
}

std::uint32_t ScratchDb::add_campaign(const std::string& name) {
  auto inserted = conn_->execute(
      "INSERT INTO dialer_campaigns (name, destination, enabled) VALUES (?, 'ext-queues,100,1', 1)",
      {name});
  REQUIRE_MESSAGE(inserted.has_value(), (inserted ? "" : inserted.error().describe()));
  auto id = conn_->query("SELECT id FROM dialer_campaigns WHERE name = ?", {name});
  REQUIRE(id.has_value());
  REQUIRE(id->rows.size() == 1);
  return static_cast<std::uint32_t>(id->rows[0].u64(0));
}

void ScratchDb::add_numbers(std::uint32_t campaign_id, int count, const std::string& prefix,
                            int priority) {
  std::vector<NewNumber> numbers(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    numbers[i].number = prefix + std::to_string(100000 + i);
    numbers[i].name = "Lead " + std::to_string(i);
    numbers[i].priority = static_cast<std::int16_t>(priority);
  }
  Store store(*conn_, "fixture");
  auto added = store.add_numbers(campaign_id, numbers);
  REQUIRE_MESSAGE(added.has_value(), (added ? "" : added.error().describe()));
  REQUIRE(*added == static_cast<std::size_t>(count));
}

std::uint64_t ScratchDb::count(const std::string& table, const std::string& where) {
  auto rows = conn_->query("SELECT COUNT(*) FROM " + table + " WHERE " + where);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.error().describe()));
  return rows->rows.at(0).u64(0);
}

std::string ScratchDb::text(const std::string& sql) {
  auto rows = conn_->query(sql);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.error().describe()));
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0].is_null(0) ? "<NULL>" : std::string(rows->rows[0].str(0));
}

std::unique_ptr<ScratchDb> open_scratch_db(bool migrated) {
  auto dsn = require_test_dsn();
  if (!dsn) return nullptr;
  return std::make_unique<ScratchDb>(*dsn, migrated);
}

}  // namespace pd::store::testing
