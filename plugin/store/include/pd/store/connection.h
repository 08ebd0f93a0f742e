// One MySQL/MariaDB session, prepared statements only.
//
// Ownership: a Connection owns its client handle and the statements it caches;
// a Statement (RAII, move-only) must not outlive the Connection that prepared
// it. Threads: a Connection and its Statements belong to one thread at a
// time; nothing here is safe for concurrent use.
//
// Every connection sets time_zone = '+00:00' (DATETIME values are UTC),
// character set utf8mb4 and isolation level READ COMMITTED (claims rely on
// it: a locking read sees the latest committed row, and rows that do not match
// are unlocked at once).
//
// Errors:
//   kUnavailable  the server cannot be reached or the session was lost
//                 (connect failure, "server has gone away", shutdown, killed).
//                 The connection is then broken(): every later call fails the
//                 same way; open a new one. Whether an in-flight COMMIT took
//                 effect is unknown, so writes must be idempotent.
//   kConflict     deadlock or lock wait timeout; the transaction was rolled
//                 back by the server and may be retried as a whole.
//   kIOError      any other server error (syntax, constraint, privilege…);
//                 retrying the same statement fails again.
//   kInvalidArgument  the caller passed a wrong number of parameters.
// Messages carry the server's error number and text.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pd/result.h"
#include "pd/store/dsn.h"
#include "pd/store/time.h"

struct st_mysql_stmt;

namespace pd::store {

namespace detail {
struct Session;  // the client handle and its state; src/session.h
}

// One value bound to a '?' placeholder. A Param holding text refers to the
// caller's characters: they must stay alive until the statement has run.
class Param {
 public:
  enum class Kind { kNull, kInt, kUint, kDouble, kText, kTime };

  Param(std::nullptr_t) {}
  template <std::signed_integral T>
  Param(T v) : kind_(Kind::kInt), i_(v) {}
  template <std::unsigned_integral T>
  Param(T v) : kind_(Kind::kUint), u_(v) {}
  Param(bool v) : kind_(Kind::kInt), i_(v ? 1 : 0) {}
  Param(double v) : kind_(Kind::kDouble), d_(v) {}
  Param(std::string_view v) : kind_(Kind::kText), s_(v) {}
  Param(const std::string& v) : kind_(Kind::kText), s_(v) {}
  Param(const char* v) : kind_(Kind::kText), s_(v) {}
  Param(TimePoint v) : kind_(Kind::kTime), t_(v) {}
  template <class T>
  Param(const std::optional<T>& v) : Param(nullptr) {
    if (v) *this = Param(*v);
  }

  Kind kind() const { return kind_; }
  std::int64_t int_value() const { return i_; }
  std::uint64_t uint_value() const { return u_; }
  double double_value() const { return d_; }
  std::string_view text() const { return s_; }
  TimePoint time() const { return t_; }

 private:
  Kind kind_ = Kind::kNull;
  std::int64_t i_ = 0;
  std::uint64_t u_ = 0;
  double d_ = 0;
  std::string_view s_;
  TimePoint t_{};
};

// One result row; every cell is fetched as text (MySQL's own rendering) and
// converted on access. Accessors on a NULL cell, or on text that does not
// parse as the asked type, return the type's zero; use is_null() / opt() when
// NULL matters. Column indexes are 0-based; an index out of range is a bug
// (checked with an assertion).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  std::size_t size() const { return cells_.size(); }
  bool is_null(std::size_t i) const { return !cells_.at(i).has_value(); }
  std::string_view str(std::size_t i) const;
  std::optional<std::string> opt(std::size_t i) const { return cells_.at(i); }
  std::int64_t i64(std::size_t i) const;
  std::uint64_t u64(std::size_t i) const;
  double f64(std::size_t i) const;
  std::optional<TimePoint> time(std::size_t i) const;

 private:
  std::vector<std::optional<std::string>> cells_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// A prepared statement. Created by Connection::prepare; runs any number of
// times with new parameters.
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // Runs a statement that returns no rows; returns the affected row count
  // (rows changed, not merely matched, as MySQL reports by default).
  pd::Result<std::uint64_t> execute(std::span<const Param> params);
  pd::Result<std::uint64_t> execute(std::initializer_list<Param> params) {
    return execute(std::span<const Param>(params.begin(), params.size()));
  }
  // Runs a query and fetches all its rows.
  pd::Result<Rows> query(std::span<const Param> params);
  pd::Result<Rows> query(std::initializer_list<Param> params) {
    return query(std::span<const Param>(params.begin(), params.size()));
  }
  // The AUTO_INCREMENT id of the last row this statement inserted.
  std::uint64_t insert_id() const;
  unsigned param_count() const;

 private:
  friend class Connection;
  Statement(detail::Session* session, st_mysql_stmt* stmt) : session_(session), stmt_(stmt) {}
  pd::Status bind_and_run(std::span<const Param> params);
  detail::Session* session_ = nullptr;
  st_mysql_stmt* stmt_ = nullptr;
};

struct ConnectOptions {
  std::chrono::seconds connect_timeout{5};
  // A statement waiting longer than this for the server fails (kUnavailable)
  // rather than hanging a worker thread forever on a dead peer.
  std::chrono::seconds read_timeout{60};
  std::chrono::seconds write_timeout{60};
};

class Connection {
 public:
  // Connects and prepares the session (time zone, charset, isolation).
  // kUnavailable when the server cannot be reached; kIOError when it refuses
  // (bad credentials, unknown database).
  static pd::Result<Connection> open(const Dsn& dsn, ConnectOptions options = {});

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // A new statement owned by the caller.
  pd::Result<Statement> prepare(std::string_view sql);

  // Prepare-once-and-run: the statement is cached by its text for the life of
  // the connection (bounded; the least recently added are evicted).
  pd::Result<std::uint64_t> execute(std::string_view sql, std::span<const Param> params);
  pd::Result<std::uint64_t> execute(std::string_view sql,
                                    std::initializer_list<Param> params = {}) {
    return execute(sql, std::span<const Param>(params.begin(), params.size()));
  }
  pd::Result<Rows> query(std::string_view sql, std::span<const Param> params);
  pd::Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
  }

  // Runs trusted SQL text, possibly several statements separated by ';'
  // (migration files, CREATE DATABASE with a checked name). Never pass data
  // that came from outside the program: it is not escaped.
  pd::Status execute_script(std::string_view sql);

  // A round trip to the server (mysql_ping); kUnavailable when it is gone.
  pd::Status ping();

  pd::Status begin();
  pd::Status commit();
  pd::Status rollback();

  // True once a call failed with kUnavailable.
  bool broken() const;
  const Dsn& dsn() const;
  // The server's version text, e.g. "10.11.6-MariaDB-0+deb12u1".
  std::string server_version() const;

 private:
  explicit Connection(std::unique_ptr<detail::Session> session);
  pd::Result<Statement*> cached(std::string_view sql);

  // Heap-allocated so that Statements keep a stable pointer to it when the
  // Connection moves. A moved-from Connection must not be used.
  std::unique_ptr<detail::Session> session_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  std::vector<std::string> cache_order_;
};

// Rolls back on destruction unless commit() succeeded: a transaction left by
// an early return (an error) is never half-applied.
class Transaction {
 public:
  static pd::Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  pd::Status commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;
};

}  // namespace pd::store
