// Store::heartbeat: the instance's dialer_heartbeat row, with the result
// writes the server refused (migration 0008) that the dashboard shows.
#include <doctest/doctest.h>

#include <string>

#include "db_fixture.h"
#include "pd/store/store.h"

using namespace pd::store;
using pd::store::testing::open_scratch_db;

namespace {

std::string text_of(Connection& conn, const std::string& sql) {
  auto rows = conn.query(sql);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.error().describe()));
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0].is_null(0) ? "<NULL>" : std::string(rows->rows[0].str(0));
}

std::string health_of(Connection& conn, const std::string& instance) {
  return text_of(conn,
                 "SELECT CONCAT_WS('|', ami_up, writes_refused, IFNULL(last_write_error, '<NULL>'),"
                 " IFNULL(DATE_FORMAT(last_write_error_at, '%Y-%m-%d %H:%i:%s.%f'), '<NULL>'))"
                 " FROM dialer_heartbeat WHERE instance = '" +
                     instance + "'");
}

}  // namespace

TEST_CASE("heartbeat: refused writes, the last error and its time are written, then updated") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  Store store(conn, "engine-h");

  Heartbeat beat{"0.1.0", "host-h", now_ms(), 2, true};
  REQUIRE(store.heartbeat(beat).has_value());
  CHECK(health_of(conn, "engine-h") == "1|0|<NULL>|<NULL>");

  const auto at = *parse_datetime("2026-11-25 12:34:56.789");
  beat.ami_up = false;
  beat.writes_refused = 2;
  beat.last_write_error = "Data too long for column 'disposition' at row 1";
  beat.last_write_error_at = at;
  REQUIRE(store.heartbeat(beat).has_value());
  CHECK(health_of(conn, "engine-h") ==
        "0|2|Data too long for column 'disposition' at row 1|2026-11-25 12:34:56.789000");
  CHECK(db->count("dialer_heartbeat") == 1);

  // A restarted engine counts from 0 again: nothing of the last run is kept.
  beat.writes_refused = 0;
  beat.last_write_error.clear();
  beat.last_write_error_at.reset();
  REQUIRE(store.heartbeat(beat).has_value());
  CHECK(health_of(conn, "engine-h") == "0|0|<NULL>|<NULL>");
}

TEST_CASE("heartbeat: a long or ill-formed error message is cut to its column, never refused") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  Store store(conn, "engine-l");

  // 300 characters of two bytes each, then a byte that is no UTF-8.
  std::string message;
  for (int i = 0; i < 300; ++i) message += "\xC3\xA9";  // é
  Heartbeat beat{"0.1.0", "host-l", now_ms(), 0, true};
  beat.writes_refused = 1;
  beat.last_write_error = "\xFFvalue " + message;
  beat.last_write_error_at = now_ms();
  auto written = store.heartbeat(beat);
  REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().describe()));
  CHECK(text_of(conn,
                "SELECT CHAR_LENGTH(last_write_error) FROM dialer_heartbeat"
                " WHERE instance = 'engine-l'") == "255");
  const std::string kept = text_of(conn,
                                   "SELECT last_write_error FROM dialer_heartbeat"
                                   " WHERE instance = 'engine-l'");
  CHECK(kept.rfind("?value \xC3\xA9\xC3\xA9", 0) == 0);
  CHECK(kept.size() == 7 + 248 * 2);
}
