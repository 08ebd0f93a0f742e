#include "session.h"

#include <string>

namespace pd::store::detail {

bool is_connection_lost(unsigned err) {
  switch (err) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1077:  // ER_NORMAL_SHUTDOWN
    case 1152:  // ER_ABORTING_CONNECTION
    case 1153:  // ER_NET_PACKET_TOO_LARGE (the server closes the session)
    case 1154:  // ER_NET_READ_ERROR_FROM_PIPE
    case 1156:  // ER_NET_PACKETS_OUT_OF_ORDER
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1184:  // ER_NEW_ABORTING_CONNECTION
    case 1317:  // ER_QUERY_INTERRUPTED (also what a shutting-down server says)
    case 1927:  // ER_CONNECTION_KILLED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default:
      // Client-side errors (CR_*, 2000-2999) and the connector's own
      // (5000+) are about the link, except a few that are plain misuse.
      if (err >= 2000 && err < 3000) {
        return err != 2014 /* commands out of sync */ && err != 2030 /* no prepared stmt */ &&
               err != 2031 /* params not bound */ && err != 2034 /* bad param number */ &&
               err != 2036 /* unsupported buffer type */ && err != 2057 /* unknown fields */;
      }
      return err >= 5000 && err < 6000;
  }
}

bool is_retryable_conflict(unsigned err) {
  return err == 1213 /* ER_LOCK_DEADLOCK */ || err == 1205 /* ER_LOCK_WAIT_TIMEOUT */;
}

pd::Error Session::error(std::string_view what, unsigned err, std::string_view text,
                         std::string_view sqlstate) {
  std::string message = "mysql error " + std::to_string(err);
  if (!sqlstate.empty()) message += " (" + std::string(sqlstate) + ")";
  message += " while " + std::string(what) + " on " + dsn.redacted() + ": " + std::string(text);
  if (is_connection_lost(err)) {
    broken = true;
    return pd::Error::unavailable(std::move(message));
  }
  if (is_retryable_conflict(err)) return pd::Error::conflict(std::move(message));
  return pd::Error::io(std::move(message));
}

pd::Error Session::handle_error(std::string_view what) {
  return error(what, mysql_errno(mysql), mysql_error(mysql), mysql_sqlstate(mysql));
}

pd::Error Session::statement_error(MYSQL_STMT* stmt, std::string_view what) {
  return error(what, mysql_stmt_errno(stmt), mysql_stmt_error(stmt), mysql_stmt_sqlstate(stmt));
}

pd::Error Session::broken_error() const {
  return pd::Error::unavailable("the connection to " + dsn.redacted() +
                                " was lost earlier; open a new one");
}

}  // namespace pd::store::detail
