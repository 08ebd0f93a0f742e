// pdctl numbers: loading files (bad lines with their numbers, do-not-call
// skipped and counted), insert's refusals, dumps, delete, truncate, and
// recycle, which never touches a number in a call.
#include <doctest/doctest.h>

#include <algorithm>

#include "run_pdctl.h"

namespace {

using pd::pdctl_test::pdctl;
using pd::pdctl_test::temp_file;
using pd::store::testing::open_scratch_db;

TEST_CASE("numbers file reports bad lines by number and skips do-not-call numbers") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  REQUIRE(db->conn().execute("INSERT INTO dialer_dnc (number) VALUES ('5550004'), ('5550005')"));
  // An expired entry no longer blocks.
  REQUIRE(db->conn().execute(
      "INSERT INTO dialer_dnc (number, expires_at) VALUES ('5550006', '2000-01-01')"));
  const std::string file = temp_file(
      "name,number,caller id,variables,tz\n"   // 1 header, any order
      "Ann,555-0001,,lang=en,Europe/Madrid\n"  // 2 ok, normalised
      "\"Bob, Jr\",5550002\n"                  // 3 ok, quoted comma
      "Bad,abc\n"                              // 4 not a number
      "Cy,5550003,,PD_X=1\n"                   // 5 reserved variable
      "Dee,5550004\n"                          // 6 dnc
      "Eve,5550005\n"                          // 7 dnc
      "\n"                                     //   blank: ignored
      "Fay,5550006\n"                          // 9 ok (dnc expired)
      "Ann again,5550001\n"                    // 10 duplicate in the file
      "Gus,\"5550007\n"                        // 11 unclosed quote
      "Hal,5550008,,,Mars/Base\n"              // 12 unknown zone
      "Ivy,5550009,,,,extra\n");               // 13 too many fields
  auto r = pdctl(*db, {"--json", "numbers", "file", "c1", file});
  REQUIRE(r.exit == 0);
  Json::Value v = r.json();
  CHECK(v["added"].asInt() == 3);
  CHECK(v["dnc_skipped"].asInt() == 2);
  CHECK(v["duplicates"].asInt() == 1);
  CHECK(v["bad"].asInt() == 5);
  std::vector<int> lines;
  for (const auto& b : v["bad_lines"]) lines.push_back(b["line"].asInt());
  CHECK(lines == std::vector<int>{4, 5, 11, 12, 13});
  CHECK(v["bad_lines"][0]["reason"].asString().find("Number") == 0);
  CHECK(v["bad_lines"][1]["reason"].asString().find("Variables") == 0);
  CHECK(v["bad_lines"][3]["reason"].asString().find("Time zone") == 0);
  CHECK(r.err.find("line 4: Number") != std::string::npos);
  CHECK(r.err.find("line 13: expected") != std::string::npos);
  CHECK(db->count("dialer_numbers", "campaign_id = " + std::to_string(id)) == 3);
  CHECK(db->count("dialer_numbers",
                  "number = '5550001' AND name = 'Ann' AND variables = 'lang=en' AND "
                  "time_zone = 'Europe/Madrid'") == 1);
  CHECK(db->count("dialer_numbers", "number = '5550002' AND name = 'Bob, Jr'") == 1);

  // Loading again: everything is a duplicate now.
  auto again = pdctl(*db, {"--json", "numbers", "file", "c1", file});
  CHECK(again.json()["added"].asInt() == 0);
  CHECK(again.json()["duplicates"].asInt() == 4);

  // --strict: one bad line and nothing is loaded.
  auto strict = pdctl(*db, {"numbers", "file", "c1", temp_file("5551000\nnope\n"), "--strict"});
  CHECK(strict.exit == 4);
  CHECK(strict.err.find("line 2") != std::string::npos);
  CHECK(db->count("dialer_numbers", "number = '5551000'") == 0);
}

TEST_CASE("numbers file reads one number a line from stdin in 1000-row chunks") {
  auto db = open_scratch_db();
  if (!db) return;
  db->add_campaign("c1");
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "+34600" + std::to_string(100000 + i) + "\r\n";
  auto r = pdctl(*db, {"numbers", "file", "c1", "-"}, temp_file(text));
  CHECK(r.exit == 0);
  CHECK(r.out.find("2500 added") != std::string::npos);
  CHECK(db->count("dialer_numbers") == 2500);
  auto count = pdctl(*db, {"--json", "numbers", "count", "c1", "--state", "pending"});
  CHECK(count.json()["count"].asInt() == 2500);
}

TEST_CASE("numbers file refuses a header with an unknown column and a missing file") {
  auto db = open_scratch_db();
  if (!db) return;
  db->add_campaign("c1");
  auto r = pdctl(*db, {"numbers", "file", "c1", temp_file("number,colour\n5550001,red\n")});
  CHECK(r.exit == 4);
  CHECK(r.err.find("line 1") != std::string::npos);
  CHECK(r.err.find("colour") != std::string::npos);
  CHECK(db->count("dialer_numbers") == 0);
  CHECK(pdctl(*db, {"numbers", "file", "c1", "/nonexistent/file.csv"}).exit == 1);
  CHECK(pdctl(*db, {"numbers", "file", "nope", temp_file("5550001\n")}).exit == 3);
}

TEST_CASE("numbers insert refuses bad, do-not-call and duplicate numbers") {
  auto db = open_scratch_db();
  if (!db) return;
  db->add_campaign("c1");
  auto ok =
      pdctl(*db, {"--json", "numbers", "insert", "c1", "(555) 000-1", "--name", "Ann",
                  "--variables", "a=1|b=2", "--time-zone", "America/New_York", "--priority", "5"});
  REQUIRE(ok.exit == 0);
  CHECK(ok.json()["number"].asString() == "5550001");
  CHECK(ok.json()["id"].asUInt() > 0);
  CHECK(db->count("dialer_numbers",
                  "number = '5550001' AND priority = 5 AND "
                  "time_zone = 'America/New_York' AND variables = 'a=1|b=2'") == 1);
  auto dup = pdctl(*db, {"numbers", "insert", "c1", "5550001"});
  CHECK(dup.exit == 4);
  CHECK(dup.err.find("already in campaign") != std::string::npos);
  REQUIRE(db->conn().execute("INSERT INTO dialer_dnc (number) VALUES ('5550002')"));
  auto dnc = pdctl(*db, {"numbers", "insert", "c1", "5550002"});
  CHECK(dnc.exit == 4);
  CHECK(dnc.err.find("do-not-call") != std::string::npos);
  auto bad = pdctl(*db, {"numbers", "insert", "c1", "12ab"});
  CHECK(bad.exit == 4);
  CHECK(bad.err.find("Number") != std::string::npos);
  auto var = pdctl(*db, {"numbers", "insert", "c1", "5550003", "--variables", "a=1,2"});
  CHECK(var.exit == 4);
  CHECK(var.err.find("Variables") != std::string::npos);
  CHECK(db->count("dialer_numbers") == 1);
}

TEST_CASE("numbers dump round-trips through file and fulldump has a header") {
  auto db = open_scratch_db();
  if (!db) return;
  db->add_campaign("c1");
  db->add_campaign("c2");
  REQUIRE(pdctl(*db, {"numbers", "file", "c1",
                      temp_file("5550001,\"Ann \"\"A\"\", Sr\",Sales <1>,x=1,UTC\n5550002\n")})
              .exit == 0);
  auto dump = pdctl(*db, {"numbers", "dump", "c1"});
  REQUIRE(dump.exit == 0);
  CHECK(dump.out == "5550001,\"Ann \"\"A\"\", Sr\",Sales <1>,x=1,UTC\n5550002,,,,\n");
  REQUIRE(pdctl(*db, {"numbers", "file", "c2", temp_file(dump.out)}).exit == 0);
  CHECK(pdctl(*db, {"numbers", "dump", "c2"}).out == dump.out);
  auto full = pdctl(*db, {"numbers", "fulldump", "c1", "--state", "pending"});
  CHECK(full.out.starts_with("id,number,name,caller_id,variables,time_zone,priority,state,"));
  CHECK(std::count(full.out.begin(), full.out.end(), '\n') == 3);
}

TEST_CASE("numbers recycle re-queues finished numbers by filter and never one in a call") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  db->add_numbers(id, 10, "");  // 100000 … 100009
  auto set = [&](const std::string& number, const std::string& state,
                 const std::string& extra = "") {
    REQUIRE(db->conn().execute("UPDATE dialer_numbers SET state = '" + state +
                               "', attempts = 2, last_error = 'x'" + extra + " WHERE number = '" +
                               number + "'"));
  };
  set("100000", "failed", ", disposition = 'Busy'");
  set("100001", "failed", ", disposition = 'NoAnswer'");
  set("100002", "done", ", agent_disposition = 'Sale'");
  set("100003", "reserved", ", disposition = 'Busy'");
  set("100004", "dialing", ", disposition = 'Busy'");
  set("100005", "answered", ", disposition = 'Busy'");
  set("100006", "dnc", ", disposition = 'Busy'");
  set("100007", "failed", ", disposition = 'Busy'");
  REQUIRE(db->conn().execute("INSERT INTO dialer_dnc (number) VALUES ('100007')"));
  set("100008", "unknown");

  auto dry = pdctl(*db, {"--json", "numbers", "recycle", "c1", "--result", "Busy", "--dry-run"});
  CHECK(dry.exit == 0);
  CHECK(dry.json()["matching"].asInt() == 6);
  CHECK(dry.json()["would_recycle"].asInt() == 1);
  CHECK(db->count("dialer_numbers", "state = 'pending'") == 1);

  auto busy = pdctl(*db, {"--json", "numbers", "recycle", "c1", "--result", "Busy"});
  CHECK(busy.exit == 0);
  CHECK(busy.json()["recycled"].asInt() == 1);
  CHECK(db->count("dialer_numbers",
                  "number = '100000' AND state = 'pending' AND attempts = 0 AND "
                  "last_error IS NULL") == 1);
  auto tag = pdctl(*db, {"--json", "numbers", "recycle", "c1", "--agent-disposition", "Sale"});
  CHECK(tag.json()["recycled"].asInt() == 1);
  auto all = pdctl(*db, {"--json", "numbers", "recycle", "c1"});
  CHECK(all.json()["recycled"].asInt() == 2);  // 100001 failed, 100008 unknown
  // In a call, claimed, dnc: untouched.
  CHECK(db->count("dialer_numbers", "number = '100003' AND state = 'reserved'") == 1);
  CHECK(db->count("dialer_numbers", "number = '100004' AND state = 'dialing'") == 1);
  CHECK(db->count("dialer_numbers", "number = '100005' AND state = 'answered'") == 1);
  CHECK(db->count("dialer_numbers", "number = '100006' AND state = 'dnc'") == 1);
  CHECK(db->count("dialer_numbers", "number = '100007' AND state = 'failed'") == 1);

  auto refused = pdctl(*db, {"numbers", "recycle", "c1", "--state", "dialing"});
  CHECK(refused.exit == 4);
  CHECK(refused.err.find("--state") != std::string::npos);
}

TEST_CASE("numbers delete and truncate keep numbers in a call") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto id = db->add_campaign("c1");
  db->add_numbers(id, 5, "");
  REQUIRE(
      db->conn().execute("UPDATE dialer_numbers SET state = 'dialing' WHERE number = '100001'"));
  auto del = pdctl(*db, {"--json", "numbers", "delete", "c1", "100000", "100001", "9999"});
  CHECK(del.exit == 4);
  CHECK(del.json()["deleted"].asInt() == 1);
  CHECK(del.json()["numbers"][1]["result"].asString() == "in a call");
  CHECK(del.json()["numbers"][2]["result"].asString() == "not found");
  CHECK(pdctl(*db, {"numbers", "delete", "c1", "100002"}).exit == 0);
  CHECK(pdctl(*db, {"numbers", "delete", "c1", "9999"}).exit == 3);
  CHECK(pdctl(*db, {"numbers", "truncate", "c1"}).exit == 4);
  auto t = pdctl(*db, {"--json", "numbers", "truncate", "c1", "--yes"});
  CHECK(t.exit == 0);
  CHECK(t.json()["deleted"].asInt() == 2);
  CHECK(t.json()["kept_in_call"].asInt() == 1);
  CHECK(db->count("dialer_numbers") == 1);
}

}  // namespace
