// Benchmarks' database: PD_MYSQL_DSN, or the private instance "bench" started
// through scripts/lib/mariadb.sh (and stopped at the end); a scratch database on it, migrated,
// dropped at the end. Failures end the program with a message (benchmarks only).
#pragma once

#include <optional>
#include <string>

#include "pd/store/connection.h"
#include "pd/store/dsn.h"

namespace pd::bench {

[[noreturn]] void die(const std::string& program, const std::string& what);

class BenchDatabase {
 public:
  // `program` prefixes messages; the scratch database is paneldialer_bench_<pid>.
  explicit BenchDatabase(std::string program);
  ~BenchDatabase();
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  const pd::store::Dsn& dsn() const { return dsn_; }  // of the scratch database
  pd::store::Connection& conn() { return *conn_; }
  [[noreturn]] void die(const std::string& what) const { pd::bench::die(program_, what); }

 private:
  std::string program_;
  pd::store::Dsn server_;
  pd::store::Dsn dsn_;
  std::optional<pd::store::Connection> conn_;
  bool started_private_ = false;  // stopped again at the end
};

}  // namespace pd::bench
