#include <doctest/doctest.h>

#include <algorithm>

#include "db_fixture.h"
#include "pd/store/store.h"

using namespace pd::store;
using pd::store::testing::open_scratch_db;

TEST_CASE("dnc lookup: listed and unexpired numbers only in any batch size") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  REQUIRE(conn.execute("INSERT INTO dialer_dnc (number, reason, expires_at) VALUES"
                       " ('5550001', 'asked', NULL),"
                       " ('5550002', 'expired', NOW(3) - INTERVAL 1 DAY),"
                       " ('5550003', 'until tomorrow', NOW(3) + INTERVAL 1 DAY),"
                       " ('5551199', 'far down the list', NULL)")
              .has_value());
  Store store(conn, "dnc");
  std::vector<std::string> asked{"5550001", "5550002", "5550003", "5550004", "5550001", ""};
  auto listed = store.dnc_lookup(asked);
  REQUIRE(listed.has_value());
  std::sort(listed->begin(), listed->end());
  CHECK(*listed == std::vector<std::string>{"5550001", "5550003"});

  // More numbers than one IN list holds.
  std::vector<std::string> many;
  for (int i = 0; i < 1200; ++i) many.push_back("555" + std::to_string(1000 + i));
  auto found = store.dnc_lookup(many);
  REQUIRE(found.has_value());
  CHECK(*found == std::vector<std::string>{"5551199"});

  auto none = store.dnc_lookup({});
  REQUIRE(none.has_value());
  CHECK(none->empty());
}
