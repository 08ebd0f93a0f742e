#include "pd/store/connection.h"

#include <mysql.h>

#include <algorithm>
#include <mutex>

#include "session.h"

namespace pd::store {
namespace {

// Statements cached per connection: enough for every fixed statement of the
// store plus the multi-row variants of a few batch sizes.
constexpr std::size_t kStatementCacheSize = 256;

// mysql_init() initialises the library on first use, which is not
// thread-safe; do it once, before any worker thread gets there.
void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

}  // namespace

pd::Result<Connection> Connection::open(const Dsn& dsn, ConnectOptions options) {
  init_library_once();
  auto session = std::make_unique<detail::Session>();
  session->dsn = dsn;
  session->mysql = mysql_init(nullptr);
  if (session->mysql == nullptr) return pd::fail(pd::Error::internal("mysql_init: out of memory"));
  MYSQL* m = session->mysql;

  unsigned connect_timeout = static_cast<unsigned>(options.connect_timeout.count());
  unsigned read_timeout = static_cast<unsigned>(options.read_timeout.count());
  unsigned write_timeout = static_cast<unsigned>(options.write_timeout.count());
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  // Never reconnect behind our back: it would silently drop the transaction
  // and the prepared statements. The worker reconnects deliberately.
  my_bool reconnect = 0;
  mysql_options(m, MYSQL_OPT_RECONNECT, &reconnect);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // "localhost" without ?socket= still means TCP: the system's default socket
  // belongs to a server this project must not touch by accident.
  unsigned protocol = dsn.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);

  if (mysql_real_connect(m, dsn.host.c_str(), dsn.user.c_str(), dsn.password.c_str(),
                         dsn.database.c_str(), dsn.socket.empty() ? dsn.port : 0,
                         dsn.socket.empty() ? nullptr : dsn.socket.c_str(), 0) == nullptr) {
    unsigned err = mysql_errno(m);
    pd::Error e = session->handle_error("connecting");
    // Refusals (credentials, unknown database) are not outages.
    if (err == 1044 || err == 1045 || err == 1049 || err == 1698) e.code = pd::ErrorCode::kIOError;
    return pd::fail(std::move(e));
  }

  Connection conn(std::move(session));
  for (const char* setup :
       {"SET time_zone = '+00:00'", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
        // A value too long for its column is an error, never
        // a silent truncation, whatever the server's default.
        "SET SESSION sql_mode = IF(@@SESSION.sql_mode = '',"
        " 'STRICT_ALL_TABLES',"
        " CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))",
        // A writer must not hang for the default 50 s on a
        // row someone else holds.
        "SET SESSION innodb_lock_wait_timeout = 10"}) {
    if (auto st = conn.execute_script(setup); !st) return pd::fail(st.error());
  }
  return conn;
}

Connection::Connection(std::unique_ptr<detail::Session> session) : session_(std::move(session)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    cache_.clear();  // statements first: they belong to the old handle
    cache_order_.clear();
    session_ = std::move(other.session_);
    cache_ = std::move(other.cache_);
    cache_order_ = std::move(other.cache_order_);
  }
  return *this;
}
Connection::~Connection() {
  cache_.clear();
}

bool Connection::broken() const {
  return session_->broken;
}
const Dsn& Connection::dsn() const {
  return session_->dsn;
}

std::string Connection::server_version() const {
  const char* v = mysql_get_server_info(session_->mysql);
  return v ? v : "";
}

pd::Result<Statement> Connection::prepare(std::string_view sql) {
  if (session_->broken) return pd::fail(session_->broken_error());
  MYSQL_STMT* stmt = mysql_stmt_init(session_->mysql);
  if (stmt == nullptr) return pd::fail(session_->handle_error("creating a statement"));
  Statement result(session_.get(), stmt);
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0)
    return pd::fail(
        session_->statement_error(stmt, "preparing: " + std::string(sql.substr(0, 80))));
  // Lets query() size its buffers from the stored rows' real lengths.
  my_bool update_max_length = 1;
  mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max_length);
  return result;
}

pd::Result<Statement*> Connection::cached(std::string_view sql) {
  std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second.get();
  auto stmt = prepare(sql);
  if (!stmt) return pd::fail(stmt.error());
  if (cache_.size() >= kStatementCacheSize) {
    cache_.erase(cache_order_.front());
    cache_order_.erase(cache_order_.begin());
  }
  auto owned = std::make_unique<Statement>(std::move(*stmt));
  Statement* raw = owned.get();
  cache_.emplace(key, std::move(owned));
  cache_order_.push_back(std::move(key));
  return raw;
}

pd::Result<std::uint64_t> Connection::execute(std::string_view sql, std::span<const Param> params) {
  auto stmt = cached(sql);
  if (!stmt) return pd::fail(stmt.error());
  return (*stmt)->execute(params);
}

pd::Result<Rows> Connection::query(std::string_view sql, std::span<const Param> params) {
  auto stmt = cached(sql);
  if (!stmt) return pd::fail(stmt.error());
  return (*stmt)->query(params);
}

pd::Status Connection::execute_script(std::string_view sql) {
  if (session_->broken) return pd::fail(session_->broken_error());
  MYSQL* m = session_->mysql;
  if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
    return pd::fail(session_->handle_error("enabling multi-statements"));
  pd::Status status;
  int index = 1;
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    status = pd::fail(session_->handle_error("running statement 1 of a script"));
  } else {
    while (true) {
      if (MYSQL_RES* res = mysql_store_result(m)) {
        mysql_free_result(res);
      } else if (mysql_field_count(m) != 0) {
        status = pd::fail(session_->handle_error("reading a script's result"));
        break;
      }
      int next = mysql_next_result(m);
      if (next < 0) break;
      ++index;
      if (next > 0) {
        status = pd::fail(
            session_->handle_error("running statement " + std::to_string(index) + " of a script"));
        break;
      }
    }
  }
  if (!session_->broken) mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
  return status;
}

pd::Status Connection::ping() {
  if (session_->broken) return pd::fail(session_->broken_error());
  if (mysql_ping(session_->mysql) != 0) {
    pd::Error e = session_->handle_error("pinging");
    session_->broken = true;  // without auto-reconnect a failed ping is final
    return pd::fail(pd::Error::unavailable(e.message));
  }
  return {};
}

pd::Status Connection::begin() {
  // One round trip: execute_script would also switch multi-statements on and off.
  if (session_->broken) return pd::fail(session_->broken_error());
  static constexpr std::string_view kStart = "START TRANSACTION";
  if (mysql_real_query(session_->mysql, kStart.data(), kStart.size()) != 0)
    return pd::fail(session_->handle_error("starting a transaction"));
  return {};
}

pd::Status Connection::commit() {
  if (session_->broken) return pd::fail(session_->broken_error());
  if (mysql_commit(session_->mysql) != 0) return pd::fail(session_->handle_error("committing"));
  return {};
}

pd::Status Connection::rollback() {
  if (session_->broken) return pd::fail(session_->broken_error());
  if (mysql_rollback(session_->mysql) != 0) return pd::fail(session_->handle_error("rolling back"));
  return {};
}

pd::Result<Transaction> Transaction::begin(Connection& conn) {
  if (auto st = conn.begin(); !st) return pd::fail(st.error());
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr && !conn_->broken()) (void)conn_->rollback();
}

pd::Status Transaction::commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr) return pd::fail(pd::Error::internal("transaction already finished"));
  return conn->commit();
}

}  // namespace pd::store
