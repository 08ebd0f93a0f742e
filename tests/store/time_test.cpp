#include "pd/store/time.h"

#include <doctest/doctest.h>

using namespace pd::store;
using namespace std::chrono;

TEST_CASE("time: DATETIME(3) text round-trips in UTC") {
  TimePoint t = sys_days{2024y / March / 5} + 13h + 7min + 9s + 42ms;
  CHECK(format_datetime(t) == "2024-03-05 13:07:09.042");
  CHECK(parse_datetime("2024-03-05 13:07:09.042") == t);
  CHECK(parse_datetime("2024-03-05 13:07:09") == t - 42ms);
  CHECK(parse_datetime("2024-03-05 13:07:09.042000") == t);
  CHECK_FALSE(parse_datetime("2024-03-05T13:07:09").has_value());
  CHECK_FALSE(parse_datetime("2024-02-30 00:00:00").has_value());
}

TEST_CASE("time: DATE and TIME columns") {
  CHECK(parse_date("2025-12-31") == 2025y / December / 31);
  CHECK_FALSE(parse_date("2025-13-01").has_value());
  CHECK(parse_time_of_day("09:30:00") == seconds{9 * 3600 + 30 * 60});
  CHECK(parse_time_of_day("24:00:00") == seconds{86400});
  CHECK_FALSE(parse_time_of_day("25:00:00").has_value());
}
