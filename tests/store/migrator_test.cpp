#include "pd/store/migrator.h"

#include <doctest/doctest.h>

#include <csignal>

#include "db_fixture.h"
#include "pd/testing/process.h"

using namespace pd::store;
using pd::store::testing::open_scratch_db;

namespace {

// The schema as information_schema describes it: changes if a migration ran.
std::string schema_signature(Connection& conn) {
  auto rows = conn.query(
      "SELECT GROUP_CONCAT(CONCAT(table_name, '.', column_name, ':', column_type)"
      " ORDER BY table_name, ordinal_position SEPARATOR ';')"
      " FROM information_schema.columns WHERE table_schema = DATABASE()");
  REQUIRE(rows.has_value());
  return std::string(rows->rows.at(0).str(0));
}

}  // namespace

TEST_CASE("migrations: apply in order once and a second run changes nothing") {
  auto db = open_scratch_db(/*migrated=*/false);
  if (!db) return;
  auto files = list_migrations(PD_MIGRATIONS_DIR);
  REQUIRE(files.has_value());

  auto first = migrate(db->conn(), PD_MIGRATIONS_DIR);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().describe()));
  REQUIRE(first->size() == files->size());
  for (std::size_t i = 0; i < files->size(); ++i) CHECK((*first)[i] == (*files)[i].name);
  const std::string signature = schema_signature(db->conn());
  const auto settings = db->count("dialer_settings");
  CHECK(settings > 0);

  auto second = migrate(db->conn(), PD_MIGRATIONS_DIR);
  REQUIRE(second.has_value());
  CHECK(second->empty());
  CHECK(schema_signature(db->conn()) == signature);
  CHECK(db->count("dialer_settings") == settings);
  CHECK(db->count("dialer_schema_version") == files->size());

  auto status = schema_status(db->conn(), PD_MIGRATIONS_DIR);
  REQUIRE(status.has_value());
  CHECK(status->database_version == files->back().version);
  CHECK(status->code_version == files->back().version);
  CHECK(status->pending.empty());
}

TEST_CASE("migrations: a database newer than the code is refused naming both versions") {
  auto db = open_scratch_db();
  if (!db) return;
  auto files = list_migrations(PD_MIGRATIONS_DIR);
  REQUIRE(files.has_value());
  const int code = files->back().version;
  REQUIRE(db->conn()
              .execute("INSERT INTO dialer_schema_version (version, name) VALUES (?, ?)",
                       {code + 1, "from-the-future.sql"})
              .has_value());
  const std::string signature = schema_signature(db->conn());

  auto refused = migrate(db->conn(), PD_MIGRATIONS_DIR);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == pd::ErrorCode::kConflict);
  const std::string& msg = refused.error().message;
  CHECK(msg.find("schema version " + std::to_string(code + 1)) != std::string::npos);
  CHECK(msg.find("(" + std::to_string(code) + ")") != std::string::npos);
  CHECK(schema_signature(db->conn()) == signature);

  auto status = schema_status(db->conn(), PD_MIGRATIONS_DIR);
  REQUIRE(status.has_value());
  CHECK(status->newer_than_code());
}

TEST_CASE("paneldialer-db: status and migrate") {
  REQUIRE_MESSAGE(std::string(PD_DB_TOOL) != "", "paneldialer-db is not part of this build");
  auto db = open_scratch_db(/*migrated=*/false);
  if (!db) return;
  const std::string log =
      pd::testing::build_dir() + "/test-store-db-tool-" + std::to_string(getpid()) + ".log";
  auto run = [&](std::vector<std::string> args) {
    std::remove(log.c_str());
    args.insert(args.begin(), PD_DB_TOOL);
    pd::testing::ChildProcess tool(args, log, {{"PD_MYSQL_DSN", db->dsn().to_uri()}});
    REQUIRE(pd::testing::eventually([&] { return !tool.running(); }, std::chrono::seconds(30)));
    return std::pair{tool.stop(SIGKILL), tool.output()};
  };

  auto [code, out] = run({"status"});
  CHECK(code == 0);
  CHECK(out.find("schema version:  0") != std::string::npos);
  std::tie(code, out) = run({"migrate"});
  CHECK(code == 0);
  CHECK(out.find("applied 0001_initial.sql") != std::string::npos);
  std::tie(code, out) = run({"migrate"});
  CHECK(code == 0);
  CHECK(out.find("up to date") != std::string::npos);
  db->add_campaign("tool-campaign");
  std::tie(code, out) = run({"--dsn", db->dsn().to_uri(), "status"});
  CHECK(code == 0);
  CHECK(out.find("tool-campaign") != std::string::npos);
  CHECK(out.find("pending=0") != std::string::npos);
  CHECK(out.find(db->dsn().password) == std::string::npos);

  REQUIRE(db->conn()
              .execute("INSERT INTO dialer_schema_version (version, name) VALUES (9999, 'x')")
              .has_value());
  std::tie(code, out) = run({"migrate"});
  CHECK(code == 1);
  CHECK(out.find("9999 is newer than this code") != std::string::npos);
  std::tie(code, out) = run({"bogus"});
  CHECK(code == 2);
  std::remove(log.c_str());
}
