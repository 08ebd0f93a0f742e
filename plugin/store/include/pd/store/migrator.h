// Schema migrations: sql/migrations/NNNN_name.sql, applied in order and each
// recorded in dialer_schema_version (version INT PK, name, applied_at) — the
// same table scripts/lib/mariadb.sh uses, so either may prepare a database.
//
// Rules: a file's version is its 4-digit prefix; versions are unique; files
// are trusted SQL run as one multi-statement script (no DELIMITER lines).
// DDL commits implicitly in MySQL, so a file is not atomic: a failed file is
// not recorded and its error names it; fix the database by hand or restore.
// Concurrent migrators (two engines starting together) are serialised with a
// named server lock.
//
// Threads: the functions use the given Connection on the calling thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pd/result.h"
#include "pd/store/connection.h"

namespace pd::store {

struct MigrationFile {
  int version = 0;
  std::string name;  // file name, e.g. "0001_initial.sql"
  std::filesystem::path path;
};

// The migration files in `dir`, by version. kNotFound: no such folder;
// kInvalidArgument: two files with one version.
pd::Result<std::vector<MigrationFile>> list_migrations(const std::filesystem::path& dir);

struct SchemaStatus {
  int database_version = 0;            // highest version recorded; 0: none
  int code_version = 0;                // highest version among the files
  std::vector<MigrationFile> pending;  // files not recorded yet, in order
  bool newer_than_code() const { return database_version > code_version; }
};

// Reads the recorded versions (a missing table means version 0).
pd::Result<SchemaStatus> schema_status(Connection& conn, const std::filesystem::path& dir);

// Applies the pending files in order and returns the names applied (empty
// when the database was current). kConflict when the database is newer than
// the code: "database schema version N is newer than this code (M)…" and
// nothing is touched. kIOError (naming the file) when a file fails.
pd::Result<std::vector<std::string>> migrate(Connection& conn, const std::filesystem::path& dir);

}  // namespace pd::store
