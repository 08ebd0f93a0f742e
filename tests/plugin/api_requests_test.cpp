// The HTTP API's request bodies (plugin/src/api_requests.h): JSON errors with
// their position, the shared validation rules on every field (the cases of
// tests/data/validation-cases.json that reach the API), RFC 3339 times, and
// refusals that name the field.
#include <doctest/doctest.h>

#include <json/json.h>

#include <fstream>
#include <sstream>
#include <string>

#include "api_requests.h"

using namespace pd::plugin;

namespace {

Json::Value body_of(const std::string& text) {
  Json::Value value;
  auto error = parse_api_body(text, value);
  REQUIRE_FALSE(error);
  return value;
}

}  // namespace

TEST_CASE("an API body is one JSON object and a syntax error gives its line and column") {
  Json::Value out;
  CHECK_FALSE(parse_api_body("", out));
  CHECK(out.isObject());
  auto broken = parse_api_body("{\"numbers\": [1,", out);
  REQUIRE(broken);
  CHECK(broken->status == 400);
  CHECK(broken->field == "body");
  CHECK(broken->message.find("Line 1, Column") != std::string::npos);
  auto array = parse_api_body("[1]", out);
  REQUIRE(array);
  CHECK(array->field == "body");
  auto duplicate = parse_api_body(R"({"a":1,"a":2})", out);
  CHECK(duplicate);
  CHECK(api_error_json({400, "numbers[0].number", "bad"}) ==
        R"({"error":"bad","field":"numbers[0].number"})");
}

TEST_CASE("RFC 3339 times are read with their offset and written in UTC") {
  auto t = parse_rfc3339("2026-11-28T15:00:00Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-11-28T15:00:00.000Z");
  auto offset = parse_rfc3339("2026-11-28T16:30:00.25+01:30");
  REQUIRE(offset);
  CHECK(format_rfc3339(*offset) == "2026-11-28T15:00:00.250Z");
  CHECK_FALSE(parse_rfc3339("2026-11-28 15:00:00"));
  CHECK_FALSE(parse_rfc3339("2026-02-30T15:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-28T15:00:00"));
  CHECK_FALSE(parse_rfc3339("tomorrow"));
}

TEST_CASE("new numbers are normalised and every field is checked by the shared rules") {
  std::vector<pd::store::NewNumber> out;
  auto ok = parse_new_numbers(
      body_of(R"({"numbers":[{"number":"(555) 010-0000","name":"Ann","variables":{"crm":"7","n":2},
        "priority":4,"time_zone":"Europe/Madrid","not_before":"2026-11-28T15:00:00Z"},
        {"number":"+34 91 000 00 00","variables":"a=1|b=2"}]})"),
      out);
  CHECK_FALSE(ok);
  REQUIRE(out.size() == 2);
  CHECK(out[0].number == "5550100000");
  CHECK(out[0].variables == "crm=7|n=2");
  CHECK(out[0].priority == 4);
  CHECK(out[0].time_zone == "Europe/Madrid");
  CHECK(out[0].not_before.has_value());
  CHECK(out[1].number == "+34910000000");
  CHECK_FALSE(out[1].not_before.has_value());

  auto refused = [](const std::string& text) {
    std::vector<pd::store::NewNumber> numbers;
    auto error = parse_new_numbers(body_of(text), numbers);
    REQUIRE(error);
    return error->field;
  };
  CHECK(refused(R"({"numbers":[{"number":"5551"},{"number":"555-CALL"}]})") == "numbers[1].number");
  CHECK(refused(R"({"number":"5551","variables":{"x":"a\r\nAction: Originate"}})") == "variables");
  CHECK(refused(R"({"number":"5551","variables":"1bad=x"})") == "variables");
  CHECK(refused(R"({"number":"5551","caller_id":"Sales\n<1>"})") == "caller_id");
  CHECK(refused(R"({"number":"5551","name":"a\u0007b"})") == "name");
  CHECK(refused(R"({"number":"5551","priority":40000})") == "priority");
  CHECK(refused(R"({"number":"5551","time_zone":"../etc/passwd"})") == "time_zone");
  CHECK(refused(R"({"number":"5551","colour":"red"})") == "colour");
  CHECK(refused(R"({"name":"no number"})") == "number");
  CHECK(refused(R"({"numbers":[{"number":"5551"},{"number":"555 1"}]})") == "numbers[1].number");
  CHECK(refused(R"({"numbers":[]})") == "numbers");
  CHECK(refused(R"({"numbers":[{"number":"1"}],"extra":1})") == "numbers");
}

TEST_CASE("the numbers of validation-cases.json are refused or taken as the engine does") {
  std::ifstream file(PD_VALIDATION_CASES);
  REQUIRE(file);
  Json::Value cases;
  file >> cases;
  int checked = 0;
  for (const Json::Value& c : cases["numbers"]) {
    if (!c.isMember("input")) continue;
    Json::Value body(Json::objectValue);
    body["number"] = c["input"];
    std::vector<pd::store::NewNumber> out;
    const auto error = parse_new_numbers(body, out);
    CAPTURE(c["input"].asString());
    CHECK(!error == c["valid"].asBool());
    if (!error) CHECK(out.at(0).number == c["normalized"].asString());
    ++checked;
  }
  CHECK(checked > 10);
}

TEST_CASE("a number change names at least one known field") {
  pd::store::NumberChange change;
  CHECK_FALSE(parse_number_change(body_of(R"({"name":"B","priority":-3})"), change));
  CHECK(change.name == "B");
  CHECK(change.priority == -3);
  CHECK_FALSE(change.caller_id.has_value());
  pd::store::NumberChange none;
  auto empty = parse_number_change(body_of("{}"), none);
  REQUIRE(empty);
  CHECK(empty->field == "body");
  auto unknown = parse_number_change(body_of(R"({"state":"done"})"), none);
  REQUIRE(unknown);
  CHECK(unknown->field == "state");
}

TEST_CASE("do-not-call entries take a reason and an expiry date") {
  std::vector<pd::store::DncEntry> entries;
  CHECK_FALSE(parse_dnc_entries(
      body_of(R"({"numbers":[{"number":"555-0100","reason":"asked","expires":"2030-01-31"}]})"),
      entries));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].number == "5550100");
  CHECK(entries[0].expires == "2030-01-31 23:59:59.999");
  std::vector<pd::store::DncEntry> bad;
  auto expiry = parse_dnc_entries(body_of(R"({"number":"5550100","expires":"31/01/2030"})"), bad);
  REQUIRE(expiry);
  CHECK(expiry->field == "expires");
  std::string number;
  CHECK_FALSE(parse_path_number("%2B15550100", number));
  CHECK(number == "+15550100");
  CHECK(parse_path_number("abc", number));
}
