// Where the database is: the PD_MYSQL_DSN / --dsn text, parsed.
//
//   mysql://user:pass@host:port/db                 TCP (port defaults to 3306)
//   mysql://user:pass@localhost/db?socket=/path    Unix socket
//
// User, password, database and socket path are percent-decoded ("%40" is
// '@'), so any character can be written. An IPv6 host goes in brackets:
// mysql://u:p@[::1]:3306/db. "mariadb://" is accepted as a synonym.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pd/result.h"

namespace pd::store {

struct Dsn {
  std::string user;
  std::string password;  // may be empty
  std::string host;      // "localhost" when a socket is used
  std::uint16_t port = 3306;
  std::string database;
  std::string socket;  // empty: TCP

  // The DSN again, percent-encoded, password included: for handing to a child
  // process. Never log it; log redacted() instead.
  std::string to_uri() const;
  // The DSN with the password replaced by "***", for logs and messages.
  std::string redacted() const;
  // The same server and credentials, another database.
  Dsn with_database(std::string name) const;
};

// Parses a DSN. Errors (kInvalidArgument) name what is wrong ("missing user",
// "bad port '99999'", "unknown option 'sslmode'"…) and never echo the
// password.
pd::Result<Dsn> parse_dsn(std::string_view text);

// PD_MYSQL_DSN from the environment, parsed. kNotFound when unset or empty.
pd::Result<Dsn> dsn_from_environment();

}  // namespace pd::store
