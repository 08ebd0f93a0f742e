// TZif reading and local <-> UTC conversion against known DST changes.
#include "pd/core/time_zone.h"

#include <doctest/doctest.h>

#include <string>

#include "test_time.h"

using pd::core::PosixTzRule;
using pd::core::TimeZone;
using pd::core::TimeZoneCache;
using pd::core::testing::utc;
using pd::core::testing::zone;

namespace {

// A v2 TZif file with no transitions at all: every time goes through the footer.
std::string footer_only_tzif(const std::string& footer) {
  std::string header = "TZif2";
  header.append(15, '\0');
  auto counts = [](uint32_t typecnt, uint32_t charcnt) {
    std::string out;
    for (uint32_t v : {0u, 0u, 0u, 0u, typecnt, charcnt}) {
      for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
    }
    return out;
  };
  // One type: UTC+1, not DST, designation "CET\0".
  const std::string type = std::string("\x00\x00\x0e\x10\x00\x00", 6) + std::string("CET\0", 4);
  std::string bytes = header + counts(1, 4) + type;  // v1 block
  bytes += header + counts(1, 4) + type;             // v2 block
  bytes += "\n" + footer + "\n";
  return bytes;
}

}  // namespace

TEST_CASE("Europe/Madrid: offsets around the 2024 DST changes") {
  auto madrid = zone("Europe/Madrid");
  CHECK(madrid->offset_at(utc(2024, 3, 31, 0, 59, 59)) == 3600);
  CHECK(madrid->offset_at(utc(2024, 3, 31, 1, 0, 0)) == 7200);
  CHECK(madrid->offset_at(utc(2024, 10, 27, 0, 59, 59)) == 7200);
  CHECK(madrid->offset_at(utc(2024, 10, 27, 1, 0, 0)) == 3600);
  CHECK(madrid->offset_at(utc(2024, 7, 1)) == 7200);
  CHECK(madrid->offset_at(utc(2024, 1, 15)) == 3600);
}

TEST_CASE("America/New_York: offsets around the 2024 DST changes") {
  auto ny = zone("America/New_York");
  CHECK(ny->offset_at(utc(2024, 3, 10, 6, 59, 59)) == -5 * 3600);
  CHECK(ny->offset_at(utc(2024, 3, 10, 7, 0, 0)) == -4 * 3600);
  CHECK(ny->offset_at(utc(2024, 11, 3, 5, 59, 59)) == -4 * 3600);
  CHECK(ny->offset_at(utc(2024, 11, 3, 6, 0, 0)) == -5 * 3600);
}

TEST_CASE("far future years follow the footer rule (past the file's last transition)") {
  auto madrid = zone("Europe/Madrid");
  CHECK(madrid->offset_at(utc(2060, 3, 28, 0, 59, 59)) == 3600);
  CHECK(madrid->offset_at(utc(2060, 3, 28, 1, 0, 0)) == 7200);
  CHECK(madrid->offset_at(utc(2060, 10, 31, 1, 0, 0)) == 3600);
  auto ny = zone("America/New_York");
  CHECK(ny->offset_at(utc(2060, 3, 14, 7, 0, 0)) == -4 * 3600);
  CHECK(ny->offset_at(utc(2060, 11, 7, 5, 59, 59)) == -4 * 3600);
  CHECK(ny->offset_at(utc(2060, 11, 7, 6, 0, 0)) == -5 * 3600);
  auto sydney = zone("Australia/Sydney");  // southern hemisphere: DST across new year
  CHECK(sydney->offset_at(utc(2060, 1, 1)) == 11 * 3600);
  CHECK(sydney->offset_at(utc(2060, 4, 3, 16, 0, 0)) == 10 * 3600);
  CHECK(sydney->offset_at(utc(2060, 10, 2, 15, 59, 59)) == 10 * 3600);
  CHECK(sydney->offset_at(utc(2060, 10, 2, 16, 0, 0)) == 11 * 3600);
}

TEST_CASE("a TZif file with only a footer") {
  auto z = TimeZone::from_tzif("Test/CET", footer_only_tzif("CET-1CEST,M3.5.0,M10.5.0/3"));
  REQUIRE(z.has_value());
  CHECK(z->offset_at(utc(2024, 3, 31, 0, 59, 59)) == 3600);
  CHECK(z->offset_at(utc(2024, 3, 31, 1, 0, 0)) == 7200);
  CHECK(z->offset_at(utc(2024, 10, 27, 1, 0, 0)) == 3600);
}

TEST_CASE("to_utc: ordinary - repeated and skipped local times") {
  auto madrid = zone("Europe/Madrid");
  // Ordinary: 12:00 CEST.
  CHECK(madrid->to_utc(utc(2024, 7, 1, 12)) == utc(2024, 7, 1, 10));
  // Spring forward: 02:30 does not exist; moved later by the gap -> 03:30 CEST = 01:30 UTC.
  CHECK(madrid->to_utc(utc(2024, 3, 31, 2, 30)) == utc(2024, 3, 31, 1, 30));
  CHECK(madrid->to_utc(utc(2024, 3, 31, 3, 0)) == utc(2024, 3, 31, 1, 0));
  // Fall back: 02:30 happens twice; the first is 02:30 CEST = 00:30 UTC.
  CHECK(madrid->to_utc(utc(2024, 10, 27, 2, 30)) == utc(2024, 10, 27, 0, 30));
  CHECK(madrid->to_utc(utc(2024, 10, 27, 3, 0)) == utc(2024, 10, 27, 2, 0));

  auto ny = zone("America/New_York");
  CHECK(ny->to_utc(utc(2024, 3, 10, 2, 30)) == utc(2024, 3, 10, 7, 30));    // 03:30 EDT
  CHECK(ny->to_utc(utc(2024, 11, 3, 1, 30)) == utc(2024, 11, 3, 5, 30));    // first: EDT
  CHECK(ny->to_local(utc(2024, 11, 3, 6, 30)) == utc(2024, 11, 3, 1, 30));  // second: EST
}

TEST_CASE("POSIX TZ rules") {
  auto fixed = PosixTzRule::parse("<+0330>-3:30");
  REQUIRE(fixed.has_value());
  CHECK(fixed->offset_at(utc(2024, 6, 1)) == 3 * 3600 + 1800);

  auto israel = PosixTzRule::parse("IST-2IDT,M3.4.4/26,M10.5.0");
  REQUIRE(israel.has_value());
  CHECK(israel->dst_start.time_s == 26 * 3600);
  // 2024: DST from Friday 2024-03-29 02:00 local (= Thursday 26:00) to 2024-10-27 02:00.
  CHECK(israel->offset_at(utc(2024, 3, 28, 23, 59, 59)) == 2 * 3600);
  CHECK(israel->offset_at(utc(2024, 3, 29, 0, 0, 0)) == 3 * 3600);

  auto greenland = PosixTzRule::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  REQUIRE(greenland.has_value());
  CHECK(greenland->dst_start.time_s == -3600);

  auto julian = PosixTzRule::parse("XST3XDT,J60/2,J300/2");
  REQUIRE(julian.has_value());
  CHECK(julian->dst_start.day == 60);

  for (const char* bad : {"", "5", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
                          "CET-1CEST,M3.5.0,M10.5.0/3x", "<+03", "CET-1CEST,J0,J300"}) {
    CAPTURE(bad);
    CHECK_FALSE(PosixTzRule::parse(bad).has_value());
  }
}

TEST_CASE("load: bad names - missing zones - non-TZif files") {
  auto traversal = TimeZone::load("../etc/passwd");
  REQUIRE_FALSE(traversal.has_value());
  CHECK(traversal.error().code == pd::ErrorCode::kInvalidArgument);

  auto missing = TimeZone::load("Mars/Olympus_Mons");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == pd::ErrorCode::kNotFound);

  CHECK_FALSE(TimeZone::from_tzif("x", "not a tzif file at all, clearly not").has_value());
  CHECK_FALSE(TimeZone::from_tzif("x", std::string("TZif2") + std::string(10, '\0')).has_value());

  auto utc_zone = TimeZone::load("UTC");
  REQUIRE(utc_zone.has_value());
  CHECK((*utc_zone)->offset_at(utc(2024, 7, 1)) == 0);
}

TEST_CASE("TimeZoneCache hands out one zone per name") {
  TimeZoneCache cache;
  auto a = cache.get("Europe/Madrid");
  auto b = cache.get("Europe/Madrid");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->get() == b->get());
  CHECK_FALSE(cache.get("No/Such_Zone").has_value());
}
