// The panel server's JSON helpers: strict parsing of what browsers send
// (login bodies, WebSocket texts) and compact writing of what it answers.
#include <doctest/doctest.h>

#include <string>

#include "json_text.h"

using pd::panel::error_message_json;
using pd::panel::parse_json;
using pd::panel::to_json_text;

namespace {

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

}  // namespace

TEST_CASE("parse_json reads one JSON text") {
  const auto value = parse_json(R"({"extension":"201","secret":"s"})");
  REQUIRE(value);
  CHECK((*value)["extension"] == "201");
  CHECK((*value)["secret"] == "s");
}

TEST_CASE("parse_json refuses trailing text, duplicate keys and comments before the value") {
  for (const std::string text : {"", "{", R"({"a":1} x)", R"({"a":1}{"a":2})", R"({"a":1,"a":2})",
                                 "// c\n{\"a\":1}", R"({"a":1,})", "{a:1}", "'x'", "NaN"}) {
    CAPTURE(text);
    const auto value = parse_json(text);
    REQUIRE_FALSE(value);
    CHECK(value.error().code == pd::ErrorCode::kInvalidArgument);
    CHECK(value.error().message.starts_with("not valid JSON: "));
  }
}

TEST_CASE("parse_json refuses deep nesting with an error, never an exception") {
  // jsoncpp throws past its stackLimit (64 here): an unauthenticated login
  // body like this one used to escape the host loop and end panelhost.
  CHECK(parse_json(nested(60)));
  for (const int depth : {65, 100, 100'000}) {
    CAPTURE(depth);
    CHECK_NOTHROW(parse_json(nested(depth)));
    const auto value = parse_json(nested(depth));
    REQUIRE_FALSE(value);
    CHECK(value.error().message.starts_with("not valid JSON: "));
  }
  CHECK_NOTHROW(parse_json(R"({"extension":)" + nested(1000) + "}"));
  CHECK_FALSE(parse_json(R"({"extension":)" + nested(1000) + "}"));
}

TEST_CASE("to_json_text is compact and keeps UTF-8 as it is") {
  Json::Value value(Json::objectValue);
  value["name"] = "Grüße \"x\"\n";
  CHECK(to_json_text(value) == "{\"name\":\"Grüße \\\"x\\\"\\n\"}");
}

TEST_CASE("error_message_json has a request only when given one") {
  CHECK(error_message_json("bad") == R"({"message":"bad","type":"error"})");
  CHECK(error_message_json("bad", "preview.dial") ==
        R"({"message":"bad","request":"preview.dial","type":"error"})");
}
