#include "pd/ami/writer.h"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "pd/ami/parser.h"

using pd::ami::append_message;
using pd::ami::FieldView;

TEST_CASE("append_message writes Key: Value lines and a blank line") {
  std::string out = "kept";
  const std::array<FieldView, 3> fields{
      {{"Action", "Originate"}, {"Variable", "a=b: c"}, {"Account_Code-2", "\tx "}}};
  REQUIRE(append_message(out, fields));
  CHECK(out == "keptAction: Originate\r\nVariable: a=b: c\r\nAccount_Code-2: \tx \r\n\r\n");
}

TEST_CASE("append_message refuses control characters in values, leaving out unchanged") {
  const std::vector<std::string> bad_values = {"a\r\nAction: Hangup",
                                               "a\n",
                                               "a\r",
                                               std::string("a\0b", 3),
                                               "\x01",
                                               "\x1f",
                                               "\x7f",
                                               "x\x1b[31m"};
  for (const std::string& bad : bad_values) {
    std::string out = "before";
    const std::array<FieldView, 2> fields{{{"Action", "Ping"}, {"Channel", bad}}};
    const pd::Status status = append_message(out, fields);
    CHECK_FALSE(status.has_value());
    if (!status) {
      CHECK(status.error().code == pd::ErrorCode::kInvalidArgument);
      CHECK(status.error().message.find("Channel") != std::string::npos);
      CHECK(status.error().message.find('\n') == std::string::npos);  // safe to log
    }
    CHECK(out == "before");
  }
}

TEST_CASE("append_message refuses bad keys") {
  for (const std::string_view bad :
       {"", "Act ion", "Action:", "Ac\r\ntion", "Äction", "a.b", "a/b"}) {
    std::string out;
    const std::array<FieldView, 1> fields{{{bad, "x"}}};
    CHECK_FALSE(append_message(out, fields).has_value());
    CHECK(out.empty());
  }
  std::string out;
  CHECK_FALSE(append_message(out, {}).has_value());
  CHECK(out.empty());
}

TEST_CASE("a written message parses back to the same fields") {
  const std::array<FieldView, 3> fields{
      {{"Action", "Originate"}, {"Channel", "Local/5551234@dialer-out"}, {"AccountCode", ""}}};
  std::string wire;
  REQUIRE(append_message(wire, fields));
  pd::ami::Parser parser(pd::ami::Parser::Start::kNoBanner);
  int seen = 0;
  REQUIRE(parser.feed(wire, [&](const pd::ami::MessageView& message) {
    ++seen;
    REQUIRE(message.fields().size() == fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      CHECK(message.fields()[i].key == fields[i].key);
      CHECK(message.fields()[i].value == fields[i].value);
    }
  }));
  CHECK(seen == 1);
}
