#include "pd/store/dsn.h"

#include <doctest/doctest.h>

using pd::store::parse_dsn;

TEST_CASE("dsn: TCP form with every part") {
  auto d = parse_dsn("mysql://paneldialer:paneldialer-secret@127.0.0.1:38753/paneldialer");
  REQUIRE(d.has_value());
  CHECK(d->user == "paneldialer");
  CHECK(d->password == "paneldialer-secret");
  CHECK(d->host == "127.0.0.1");
  CHECK(d->port == 38753);
  CHECK(d->database == "paneldialer");
  CHECK(d->socket.empty());
}

TEST_CASE("dsn: port defaults to 3306 and password and mariadb:// are optional") {
  auto d = parse_dsn("mariadb://reader@db.example.com/dialer");
  REQUIRE(d.has_value());
  CHECK(d->user == "reader");
  CHECK(d->password.empty());
  CHECK(d->host == "db.example.com");
  CHECK(d->port == 3306);
  CHECK(d->database == "dialer");
}

TEST_CASE("dsn: socket form") {
  auto d = parse_dsn("mysql://u:p@localhost/db?socket=/work/.run/db-test/mysqld.sock");
  REQUIRE(d.has_value());
  CHECK(d->host == "localhost");
  CHECK(d->socket == "/work/.run/db-test/mysqld.sock");
  CHECK(d->database == "db");
}

TEST_CASE("dsn: percent-decoding of user and password and database and socket") {
  auto d =
      parse_dsn("mysql://us%40er:p%3Ass%2Fw%40rd%25@localhost/db%5Fx?socket=%2Ftmp%2Fa%20b.sock");
  REQUIRE(d.has_value());
  CHECK(d->user == "us@er");
  CHECK(d->password == "p:ss/w@rd%");
  CHECK(d->database == "db_x");
  CHECK(d->socket == "/tmp/a b.sock");
}

TEST_CASE("dsn: an unencoded '@' in the password splits at the last '@'") {
  auto d = parse_dsn("mysql://u:p@ss@h:1/db");
  REQUIRE(d.has_value());
  CHECK(d->password == "p@ss");
  CHECK(d->host == "h");
}

TEST_CASE("dsn: bracketed IPv6 host") {
  auto d = parse_dsn("mysql://u:p@[::1]:3307/db");
  REQUIRE(d.has_value());
  CHECK(d->host == "::1");
  CHECK(d->port == 3307);
  CHECK(d->to_uri() == "mysql://u:p@[::1]:3307/db");
}

TEST_CASE("dsn: clear errors") {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"", "empty DSN"},
      {"postgres://u:p@h/db", "must start with mysql://"},
      {"mysql://h/db", "missing user"},
      {"mysql://:p@h/db", "missing user"},
      {"mysql://u:p@h", "missing database"},
      {"mysql://u:p@h/", "missing database"},
      {"mysql://u:p@/db", "missing host"},
      {"mysql://u:p@h:99999/db", "bad port '99999'"},
      {"mysql://u:p@h:0/db", "bad port '0'"},
      {"mysql://u:p@h:3x/db", "bad port '3x'"},
      {"mysql://u:p@h:/db", "empty port"},
      {"mysql://u:p@h/db?sslmode=require", "unknown DSN option 'sslmode'"},
      {"mysql://u:p@127.0.0.1/db?socket=/x.sock", "socket= needs the host 'localhost'"},
      {"mysql://u:p@localhost:3306/db?socket=/x.sock", "port makes no sense"},
      {"mysql://u:p@localhost/db?socket=", "empty socket path"},
      {"mysql://u%zz:p@h/db", "bad percent-encoding in the DSN's user"},
      {"mysql://u:p@[::1/db", "unclosed '['"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto d = parse_dsn(c.text);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().code == pd::ErrorCode::kInvalidArgument);
    CHECK(d.error().message.find(c.says) != std::string::npos);
  }
}

TEST_CASE("dsn: errors never echo the password") {
  auto d = parse_dsn("mysql://u:top%zzsecret@h/db");
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error().message.find("password") != std::string::npos);
  CHECK(d.error().message.find("secret") == std::string::npos);
}

TEST_CASE("dsn: to_uri round-trips and redacted() hides the password") {
  auto d = parse_dsn("mysql://us%40er:p%3Ass%2Fw%40rd@localhost/db?socket=/tmp/a%20b.sock");
  REQUIRE(d.has_value());
  auto again = parse_dsn(d->to_uri());
  REQUIRE(again.has_value());
  CHECK(again->user == d->user);
  CHECK(again->password == d->password);
  CHECK(again->socket == d->socket);
  CHECK(again->database == d->database);
  CHECK(d->redacted().find("p:ss") == std::string::npos);
  CHECK(d->redacted().find("***") != std::string::npos);
  CHECK(d->with_database("other").database == "other");
}
