// bench-db: the store's hot paths against a real server, printed as
// "name: value" lines.
//   claim_p50_ms_10k / claim_p99_ms_10k   claim of 50 leads, campaign of 10,000 ready
//   claim_p50_ms_1m  / claim_p99_ms_1m    the same with 1,000,000 ready
//   insert_1m_s                           add_numbers of 1,000,000 numbers
// Uses PD_MYSQL_DSN or the private instance "bench" (bench/support): a scratch
// database paneldialer_bench_<pid>, dropped at the end.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_db.h"
#include "pd/store/connection.h"
#include "pd/store/dsn.h"
#include "pd/store/migrator.h"
#include "pd/store/store.h"

using namespace pd::store;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBatch = 50;

[[noreturn]] void die(const std::string& what) {
  pd::bench::die("bench-db", what);
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size()) + 0.999999);
  return v[std::min(v.size(), std::max<std::size_t>(i, 1)) - 1];
}

std::uint32_t add_campaign(Connection& conn, const std::string& name) {
  if (auto r = conn.execute("INSERT INTO dialer_campaigns (name, destination) VALUES (?, 'q,1,1')",
                            {name});
      !r)
    die(r.error().describe());
  auto id = conn.query("SELECT id FROM dialer_campaigns WHERE name = ?", {name});
  if (!id) die(id.error().describe());
  return static_cast<std::uint32_t>(id->rows.at(0).u64(0));
}

double insert_numbers(Store& store, std::uint32_t campaign, std::size_t count) {
  std::vector<NewNumber> numbers(count);
  for (std::size_t i = 0; i < count; ++i) {
    numbers[i].number = std::to_string(4400000000ULL + i);
    numbers[i].name = "Lead " + std::to_string(i);
    numbers[i].variables = "crm_id=" + std::to_string(i);
  }
  auto start = Clock::now();
  auto added = store.add_numbers(campaign, numbers);
  if (!added) die(added.error().describe());
  if (*added != count) die("inserted " + std::to_string(*added) + " of " + std::to_string(count));
  return ms_since(start) / 1000.0;
}

// Claims `rounds` batches of 50, timing each claim alone; the claimed leads
// are then marked done (untimed), as the engine would after dialing them.
std::vector<double> claim_latencies(Store& store, Connection& conn, std::uint32_t campaign,
                                    int rounds) {
  std::vector<double> ms;
  for (int i = 0; i < rounds; ++i) {
    auto start = Clock::now();
    auto leads = store.claim(campaign, kBatch, std::chrono::seconds(300));
    ms.push_back(ms_since(start));
    if (!leads) die(leads.error().describe());
    if (leads->size() != kBatch) die("claim returned " + std::to_string(leads->size()));
    std::vector<Param> params;
    for (const Lead& l : *leads) params.emplace_back(l.id);
    std::string sql =
        "UPDATE dialer_numbers SET state = 'done', claim_owner = NULL,"
        " claim_expires_at = NULL WHERE id IN (?";
    for (std::size_t k = 1; k < leads->size(); ++k) sql += ",?";
    sql += ")";
    if (auto r = conn.execute(sql, params); !r) die(r.error().describe());
  }
  return ms;
}

}  // namespace

int main() {
  pd::bench::BenchDatabase db("bench-db");
  {
    Connection* conn = &db.conn();
    std::fprintf(stderr, "bench-db: server %s, database %s\n", conn->server_version().c_str(),
                 db.dsn().database.c_str());
    Store store(*conn, "bench");

    const auto small = add_campaign(*conn, "bench-10k");
    insert_numbers(store, small, 10'000);
    claim_latencies(store, *conn, small, 5);  // warm the statement cache
    auto small_ms = claim_latencies(store, *conn, small, 150);

    const auto big = add_campaign(*conn, "bench-1m");
    const double insert_s = insert_numbers(store, big, 1'000'000);
    claim_latencies(store, *conn, big, 5);
    auto big_ms = claim_latencies(store, *conn, big, 1000);

    // Context for reading the figures: table size against the server's cache.
    if (auto size = conn->query(
            "SELECT (SELECT ROUND((data_length + index_length) / 1048576) FROM"
            " information_schema.tables WHERE table_schema = DATABASE()"
            " AND table_name = 'dialer_numbers'), @@innodb_buffer_pool_size DIV 1048576")) {
      std::fprintf(stderr, "bench-db: dialer_numbers %s MB, buffer pool %s MB\n",
                   std::string(size->rows.at(0).str(0)).c_str(),
                   std::string(size->rows.at(0).str(1)).c_str());
    }
    std::printf("claim_p50_ms_10k: %.3f\n", percentile(small_ms, 0.50));
    std::printf("claim_p99_ms_10k: %.3f\n", percentile(small_ms, 0.99));
    std::printf("claim_p50_ms_1m: %.3f\n", percentile(big_ms, 0.50));
    std::printf("claim_p99_ms_1m: %.3f\n", percentile(big_ms, 0.99));
    std::printf("insert_1m_s: %.2f\n", insert_s);
    std::fflush(stdout);
  }
  return 0;
}
