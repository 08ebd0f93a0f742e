#include "bench_db.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "pd/store/migrator.h"

namespace pd::bench {

namespace {

std::string run_script(const std::string& program, const std::string& body) {
  const std::string cmd = std::string("bash -c 'source \"") + PD_SOURCE_DIR +
                          "/scripts/lib/common.sh\"; source \"" + PD_SOURCE_DIR +
                          "/scripts/lib/mariadb.sh\"; " + body + "' 2>&1";
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) die(program, "cannot run bash");
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (::pclose(pipe) != 0) die(program, "script failed: " + out);
  return out;
}

}  // namespace

void die(const std::string& program, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), what.c_str());
  std::exit(1);
}

BenchDatabase::BenchDatabase(std::string program) : program_(std::move(program)) {
  auto server = pd::store::dsn_from_environment();
  if (!server) {
    if (server.error().code != pd::ErrorCode::kNotFound) die(server.error().describe());
    const std::string out =
        run_script(program_, "pd_db_start bench; echo PD_MYSQL_DSN=$PD_MYSQL_DSN");
    const size_t at = out.find("PD_MYSQL_DSN=");
    if (at == std::string::npos) die("no DSN from pd_db_start: " + out);
    const std::string text = out.substr(at + 13);
    server = pd::store::parse_dsn(text.substr(0, text.find('\n')));
    if (!server) die(server.error().describe());
    started_private_ = true;
  }
  server_ = *server;
  const std::string name = "paneldialer_bench_" + std::to_string(::getpid());
  auto admin = pd::store::Connection::open(server_);
  if (!admin) die(admin.error().describe());
  if (auto created = admin->execute_script("CREATE DATABASE `" + name +
                                           "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      !created) {
    die(created.error().describe());
  }
  dsn_ = server_.with_database(name);
  auto conn = pd::store::Connection::open(dsn_);
  if (!conn) die(conn.error().describe());
  if (auto migrated = pd::store::migrate(*conn, PD_MIGRATIONS_DIR); !migrated) {
    die(migrated.error().describe());
  }
  conn_.emplace(std::move(*conn));
}

BenchDatabase::~BenchDatabase() {
  conn_.reset();
  if (auto admin = pd::store::Connection::open(server_)) {
    (void)admin->execute_script("DROP DATABASE IF EXISTS `" + dsn_.database + "`");
  }
  if (started_private_) run_script(program_, "pd_db_stop bench");
}

}  // namespace pd::bench
