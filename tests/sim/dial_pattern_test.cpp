// Asterisk-style number patterns, regexes and context globs.
#include "dial_pattern.h"

#include <doctest/doctest.h>

using pd::sim::DialPattern;
using pd::sim::glob_matches;

namespace {

DialPattern pattern(const char* text) {
  auto p = DialPattern::asterisk(text);
  REQUIRE_MESSAGE(p.has_value(), text << ": " << p.error().describe());
  return *p;
}

}  // namespace

TEST_CASE("_X.5: anything that ends with 5") {
  const DialPattern p = pattern("_X.5");
  CHECK(p.matches("5551005"));
  CHECK(p.matches("105"));
  CHECK(p.matches("1x5"));       // '.' is anything
  CHECK_FALSE(p.matches("15"));  // '.' needs at least one character
  CHECK_FALSE(p.matches("5551004"));
  CHECK_FALSE(p.matches("55510055a"));
  CHECK_FALSE(p.matches("a5"));  // X is a digit
}

TEST_CASE("_NXXX: four digits, the first 2-9") {
  const DialPattern p = pattern("_NXXX");
  CHECK(p.matches("2000"));
  CHECK(p.matches("9999"));
  CHECK_FALSE(p.matches("1000"));
  CHECK_FALSE(p.matches("0999"));
  CHECK_FALSE(p.matches("200"));
  CHECK_FALSE(p.matches("20000"));
}

TEST_CASE("[1-3]: a set with a range") {
  const DialPattern p = pattern("_[1-3]");
  CHECK(p.matches("1"));
  CHECK(p.matches("2"));
  CHECK(p.matches("3"));
  CHECK_FALSE(p.matches("0"));
  CHECK_FALSE(p.matches("4"));
  CHECK_FALSE(p.matches("12"));

  const DialPattern mixed = pattern("_X.[0-37]");
  CHECK(mixed.matches("5551000"));
  CHECK(mixed.matches("5551003"));
  CHECK(mixed.matches("5551007"));
  CHECK_FALSE(mixed.matches("5551004"));
}

TEST_CASE("Z, !, literals and case") {
  CHECK(pattern("_Z!").matches("1"));
  CHECK(pattern("_Z!").matches("1000"));
  CHECK_FALSE(pattern("_Z!").matches("0"));
  CHECK(pattern("_55!").matches("55"));
  CHECK(pattern("_x.").matches("12"));  // letters are case-insensitive
  CHECK(pattern("100").matches("100"));
  CHECK_FALSE(pattern("100").matches("1000"));
  CHECK(pattern("s").matches("S"));
}

TEST_CASE("malformed patterns are refused") {
  CHECK_FALSE(DialPattern::asterisk("").has_value());
  CHECK_FALSE(DialPattern::asterisk("_").has_value());
  CHECK_FALSE(DialPattern::asterisk("_[12").has_value());
  CHECK_FALSE(DialPattern::asterisk("_[]").has_value());
  CHECK_FALSE(DialPattern::asterisk("_1]").has_value());
  auto bad_regex = DialPattern::regex("([");
  REQUIRE_FALSE(bad_regex.has_value());
  CHECK(bad_regex.error().message.find("bad regex") != std::string::npos);
}

TEST_CASE("regexes search anywhere unless anchored") {
  auto anywhere = DialPattern::regex("99");
  REQUIRE(anywhere.has_value());
  CHECK(anywhere->matches("1995"));
  auto anchored = DialPattern::regex("^99$");
  REQUIRE(anchored.has_value());
  CHECK_FALSE(anchored->matches("1995"));
  CHECK(anchored->matches("99"));
}

TEST_CASE("context globs") {
  CHECK(glob_matches("*", ""));
  CHECK(glob_matches("dialer-*", "dialer-amd"));
  CHECK_FALSE(glob_matches("dialer-*", "sim-customers"));
  CHECK(glob_matches("to-queue-?ales", "to-queue-sales"));
  CHECK(glob_matches("*-queue-*", "to-queue-sales"));
  CHECK_FALSE(glob_matches("to-queue-?", "to-queue-sales"));
}
