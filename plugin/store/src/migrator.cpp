#include "pd/store/migrator.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace pd::store {
namespace {

namespace fs = std::filesystem;

// Same definition as scripts/lib/mariadb.sh: either may create it.
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS dialer_schema_version ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(190) NOT NULL,"
    " applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

// The server-wide lock that serialises migrators of one database.
constexpr const char* kLockName = "SELECT GET_LOCK(CONCAT('pd_migrate:', DATABASE()), 60)";
constexpr const char* kUnlock = "SELECT RELEASE_LOCK(CONCAT('pd_migrate:', DATABASE()))";

bool is_migration_name(const std::string& name) {
  if (name.size() < 10 || name[4] != '_' || !name.ends_with(".sql")) return false;
  return std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
}

pd::Result<std::set<int>> recorded_versions(Connection& conn) {
  auto exists = conn.query(
      "SELECT COUNT(*) FROM information_schema.tables"
      " WHERE table_schema = DATABASE() AND table_name = 'dialer_schema_version'");
  if (!exists) return pd::fail(exists.error());
  std::set<int> versions;
  if (exists->rows.at(0).u64(0) == 0) return versions;
  auto rows = conn.query("SELECT version FROM dialer_schema_version");
  if (!rows) return pd::fail(rows.error());
  for (const Row& r : rows->rows) versions.insert(static_cast<int>(r.i64(0)));
  return versions;
}

pd::Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return pd::fail(pd::Error::io("cannot read " + path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pd::Error newer_error(const SchemaStatus& s) {
  return pd::Error::conflict("database schema version " + std::to_string(s.database_version) +
                             " is newer than this code (" + std::to_string(s.code_version) +
                             "): refusing to use it; run a PanelDialer release that knows "
                             "version " +
                             std::to_string(s.database_version));
}

}  // namespace

pd::Result<std::vector<MigrationFile>> list_migrations(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return pd::fail(pd::Error::not_found("migrations folder " + dir.string() + " not found"));
  std::vector<MigrationFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !is_migration_name(name)) continue;
    files.push_back({std::stoi(name.substr(0, 4)), name, entry.path()});
  }
  if (ec) return pd::fail(pd::Error::io("cannot list " + dir.string() + ": " + ec.message()));
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version)
      return pd::fail(pd::Error::invalid("two migrations with version " +
                                         std::to_string(files[i].version) + ": " +
                                         files[i - 1].name + " and " + files[i].name));
  }
  if (files.empty())
    return pd::fail(pd::Error::not_found("no NNNN_*.sql migrations in " + dir.string()));
  return files;
}

pd::Result<SchemaStatus> schema_status(Connection& conn, const fs::path& dir) {
  auto files = list_migrations(dir);
  if (!files) return pd::fail(files.error());
  auto versions = recorded_versions(conn);
  if (!versions) return pd::fail(versions.error());
  SchemaStatus status;
  status.database_version = versions->empty() ? 0 : *versions->rbegin();
  status.code_version = files->back().version;
  for (const MigrationFile& f : *files) {
    if (!versions->contains(f.version)) status.pending.push_back(f);
  }
  return status;
}

pd::Result<std::vector<std::string>> migrate(Connection& conn, const fs::path& dir) {
  // Fail on a missing folder before touching the database.
  if (auto files = list_migrations(dir); !files) return pd::fail(files.error());
  auto locked = conn.query(kLockName);
  if (!locked) return pd::fail(locked.error());
  if (locked->rows.at(0).i64(0) != 1)
    return pd::fail(pd::Error::unavailable(
        "another migrator holds the migration lock of this database (waited 60 s)"));
  struct Unlock {
    Connection& conn;
    ~Unlock() {
      if (!conn.broken()) (void)conn.query(kUnlock);
    }
  } unlock{conn};

  if (auto st = conn.execute_script(kCreateVersionTable); !st) return pd::fail(st.error());
  auto status = schema_status(conn, dir);
  if (!status) return pd::fail(status.error());
  if (status->newer_than_code()) return pd::fail(newer_error(*status));

  std::vector<std::string> applied;
  for (const MigrationFile& file : status->pending) {
    auto sql = read_file(file.path);
    if (!sql) return pd::fail(sql.error());
    if (auto st = conn.execute_script(*sql); !st) {
      pd::Error e = st.error();
      e.message = "migration " + file.name + " failed: " + e.message;
      return pd::fail(std::move(e));
    }
    auto recorded = conn.execute("INSERT INTO dialer_schema_version (version, name) VALUES (?, ?)",
                                 {file.version, file.name});
    if (!recorded) return pd::fail(recorded.error());
    applied.push_back(file.name);
  }
  return applied;
}

}  // namespace pd::store
