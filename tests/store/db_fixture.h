// Integration-test databases: a scratch database per test process on the
// server PD_MYSQL_DSN names, migrated, dropped at the end.
//
// Without PD_MYSQL_DSN a test FAILS (saying so), unless PD_ALLOW_NO_DB=1, in
// which case it passes without running (and says that too).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pd/store/connection.h"
#include "pd/store/dsn.h"

namespace pd::store::testing {

// PD_MYSQL_DSN, or nullopt after FAIL (or a skip message with PD_ALLOW_NO_DB=1).
std::optional<Dsn> require_test_dsn();

class ScratchDb {
 public:
  // Creates paneldialer_t_<pid>_<n> on `server` (and drops scratch databases
  // left by test processes that no longer exist). With `migrated`, applies
  // sql/migrations. REQUIREs success.
  explicit ScratchDb(const Dsn& server, bool migrated = true);
  ~ScratchDb();
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  const Dsn& dsn() const { return dsn_; }
  const std::string& name() const { return dsn_.database; }
  // A connection to the scratch database, for the test's own checks.
  Connection& conn() { return *conn_; }

  // Inserts an enabled campaign and returns its id.
  std::uint32_t add_campaign(const std::string& name);
  // Adds `count` numbers "<prefix><i>" to the campaign; returns their ids.
  void add_numbers(std::uint32_t campaign_id, int count, const std::string& prefix = "555",
                   int priority = 0);
  // SELECT COUNT(*) … with the given WHERE clause (trusted test text).
  std::uint64_t count(const std::string& table, const std::string& where = "1");
  // The one value of a query that returns one row (trusted test text) as
  // text, "<NULL>" for NULL. REQUIREs one row.
  std::string text(const std::string& sql);

 private:
  Dsn server_;
  Dsn dsn_;
  std::optional<Connection> conn_;
};

// require_test_dsn() + a ScratchDb; nullptr when the test must end (FAIL or
// allowed skip already reported).
std::unique_ptr<ScratchDb> open_scratch_db(bool migrated = true);

}  // namespace pd::store::testing
