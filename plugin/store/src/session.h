// The client handle behind a Connection, and how MySQL errors become
// pd::Error values. Private to pd_store.
#pragma once

#include <mysql.h>

#include <string_view>

#include "pd/result.h"
#include "pd/store/dsn.h"

namespace pd::store::detail {

struct Session {
  MYSQL* mysql = nullptr;
  Dsn dsn;
  bool broken = false;

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() {
    if (mysql != nullptr) mysql_close(mysql);
  }

  // Builds the error for a failed call (`what` says which), classifying the
  // server's error number; a lost connection marks the session broken.
  pd::Error error(std::string_view what, unsigned err, std::string_view text,
                  std::string_view sqlstate);
  pd::Error handle_error(std::string_view what);
  pd::Error statement_error(MYSQL_STMT* stmt, std::string_view what);
  pd::Error broken_error() const;
};

// True for errors meaning the session is gone (or never existed).
bool is_connection_lost(unsigned err);
// True for errors after which the whole transaction may be retried.
bool is_retryable_conflict(unsigned err);

}  // namespace pd::store::detail
