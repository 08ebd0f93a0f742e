#include "pd/ami/parser.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "recording.h"

using pd::ami::MessageView;
using pd::ami::Parser;
using pd::ami::ParserLimits;
using pd::ami::testing::parse_in_pieces;
using pd::ami::testing::parse_whole;
using pd::ami::testing::Recording;

namespace {

constexpr std::string_view kBanner = "Asterisk Call Manager/11.0.0\r\n";

// Parses `stream` whole and at every split; all must agree. Returns the whole parse.
Recording parse_at_every_split(std::string_view stream,
                               Parser::Start start = Parser::Start::kExpectBanner,
                               ParserLimits limits = {}) {
  const Recording whole = parse_whole(stream, start, limits);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    Parser parser(start, limits);
    const Recording split = parse_in_pieces(parser, stream, {cut});
    CHECK_MESSAGE(split.messages == whole.messages, "split at " << cut);
    CHECK_MESSAGE(split.failed == whole.failed, "split at " << cut);
  }
  return whole;
}

struct Collected {
  std::vector<std::vector<std::pair<std::string, std::string>>> messages;
  std::vector<std::string> outputs;
};

pd::Status collect(Parser& parser, std::string_view bytes, Collected& into) {
  return parser.feed(bytes, [&](const MessageView& message) {
    auto& fields = into.messages.emplace_back();
    for (const auto& field : message.fields()) fields.emplace_back(field.key, field.value);
    into.outputs.emplace_back(message.command_output());
  });
}

}  // namespace

TEST_CASE("values keep ': ' and trailing spaces - one optional space is dropped") {
  Parser parser;
  Collected got;
  const std::string stream = std::string(kBanner) +
                             "Event: UserEvent\r\nUserEvent: a: b: c\r\nAccountCode: \r\n"
                             "NoSpace:x\r\nTwoSpaces:  y \r\nEmpty:\r\n\r\n";
  REQUIRE(collect(parser, stream, got));
  REQUIRE(got.messages.size() == 1);
  const auto& fields = got.messages[0];
  REQUIRE(fields.size() == 6);
  CHECK(fields[1] == std::pair<std::string, std::string>{"UserEvent", "a: b: c"});
  CHECK(fields[2].second.empty());
  CHECK(fields[3].second == "x");
  CHECK(fields[4].second == " y ");
  CHECK(fields[5].second.empty());
  CHECK(parser.banner() == "Asterisk Call Manager/11.0.0");
}

TEST_CASE("bare LF line ends and blank lines between messages") {
  const std::string stream =
      "Asterisk Call Manager/2.10.3\n\n\r\nEvent: A\nX: 1\n\nResponse: Pong\r\nActionID: "
      "9\r\n\r\n\n";
  const Recording recording = parse_at_every_split(stream);
  CHECK_FALSE(recording.failed);
  CHECK(recording.count == 2);
  Parser parser;
  Collected got;
  REQUIRE(collect(parser, stream, got));
  CHECK(got.messages[0][1].second == "1");
  CHECK(got.messages[1][1].second == "9");
  CHECK(parser.banner() == "Asterisk Call Manager/2.10.3");
}

TEST_CASE("a message arriving in pieces is delivered once it ends, not before") {
  Parser parser;
  Collected got;
  REQUIRE(collect(parser, "Asterisk Call Manager/11.0.0\r\nEvent: Hangup\r\nCha", got));
  CHECK(got.messages.empty());
  REQUIRE(collect(parser, "nnel: Local/1@x;1\r\n", got));
  CHECK(got.messages.empty());
  REQUIRE(collect(parser, "\r", got));
  CHECK(got.messages.empty());
  REQUIRE(collect(parser, "\n", got));
  REQUIRE(got.messages.size() == 1);
  CHECK(got.messages[0][1].second == "Local/1@x;1");
  CHECK(parser.buffered_bytes() == 0);
}

TEST_CASE("Command output, Asterisk 13 form: Response: Follows ... --END COMMAND--") {
  const std::string stream = std::string(kBanner) +
                             "Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\n"
                             "Name/username    Host\nChannel: looks like a field\n\n"
                             "2 sip peers--END COMMAND--\r\n\r\n"
                             "Event: After\r\n\r\n";
  const Recording recording = parse_at_every_split(stream);
  CHECK_FALSE(recording.failed);
  Parser parser;
  Collected got;
  REQUIRE(collect(parser, stream, got));
  REQUIRE(got.messages.size() == 2);
  CHECK(got.messages[0].size() == 3);
  CHECK(got.messages[0][2].second == "cmd-1");
  CHECK(got.outputs[0] == "Name/username    Host\nChannel: looks like a field\n\n2 sip peers");
  CHECK(got.outputs[1].empty());
  CHECK(got.messages[1][0].second == "After");
}

TEST_CASE("Command output, Asterisk 13 form with the marker on its own line and CRLF output") {
  const std::string stream = std::string(kBanner) +
                             "Response: Follows\r\nPrivilege: Command\r\n"
                             "Asterisk 13.38.3 built by root\r\n--END COMMAND--\r\n\r\n"
                             "Response: Follows\r\nActionID: 2\r\n--END COMMAND--\r\n\r\n";
  parse_at_every_split(stream);
  Parser parser;
  Collected got;
  REQUIRE(collect(parser, stream, got));
  REQUIRE(got.outputs.size() == 2);
  CHECK(got.outputs[0] == "Asterisk 13.38.3 built by root");
  CHECK(got.outputs[1].empty());
}

TEST_CASE("Command output, Asterisk 14+ form: Output: lines joined with LF") {
  const std::string stream = std::string(kBanner) +
                             "Response: Success\r\nActionID: cmd-2\r\n"
                             "Message: Command output follows\r\nOutput: Name/username  Host\r\n"
                             "Output: \r\nOutput: 1 sip peers: 1 online\r\n\r\n";
  parse_at_every_split(stream);
  Parser parser;
  Collected got;
  REQUIRE(collect(parser, stream, got));
  REQUIRE(got.outputs.size() == 1);
  CHECK(got.outputs[0] == "Name/username  Host\n\n1 sip peers: 1 online");
  CHECK(got.messages[0].size() == 6);  // the Output fields stay fields too
}

TEST_CASE("a line without ':' is a framing error, messages before it are delivered") {
  const std::string stream =
      std::string(kBanner) + "Event: Good\r\n\r\nEvent: Bad\r\nno colon here\r\n\r\n";
  const Recording recording = parse_at_every_split(stream);
  CHECK(recording.failed);
  CHECK(recording.count == 1);
  CHECK(recording.error.find("without ':'") != std::string::npos);
}

TEST_CASE("an empty key is a framing error") {
  CHECK(parse_whole(std::string(kBanner) + ": value\r\n\r\n").failed);
}

TEST_CASE("the first line must be an AMI banner when one is expected") {
  const Recording recording = parse_whole("HTTP/1.1 400 Bad Request\r\n\r\n");
  CHECK(recording.failed);
  CHECK(recording.error.find("banner") != std::string::npos);
  CHECK_FALSE(parse_whole("Action: Ping\r\n\r\n", Parser::Start::kNoBanner).failed);
}

TEST_CASE("a NUL byte fails the stream after the messages before it - reset() recovers") {
  const std::string stream = std::string(kBanner) + "Event: A\r\n\r\nEvent: B\r\nX: a" +
                             std::string(1, '\0') + "b\r\n\r\n";
  const Recording recording = parse_at_every_split(stream);
  CHECK(recording.failed);
  CHECK(recording.count == 1);
  CHECK(recording.error.find("NUL") != std::string::npos);

  Parser parser;
  Collected got;
  CHECK_FALSE(collect(parser, stream, got).has_value());
  CHECK(parser.failed());
  CHECK_FALSE(collect(parser, "Event: C\r\n\r\n", got).has_value());  // stays failed
  CHECK(got.messages.size() == 1);
  parser.reset();
  CHECK_FALSE(parser.failed());
  CHECK(parser.banner().empty());
  REQUIRE(collect(parser, std::string(kBanner) + "Event: C\r\n\r\n", got));
  CHECK(got.messages.size() == 2);
}

TEST_CASE("an over-long line fails with bounded memory, even without a line end") {
  ParserLimits limits;
  limits.max_line = 100;
  Parser parser(Parser::Start::kNoBanner, limits);
  const std::string chunk(64, 'x');
  pd::Status status;
  size_t fed = 0;
  while (status && fed < (1u << 20)) {
    status = parser.feed(chunk, [](const MessageView&) {});
    fed += chunk.size();
    CHECK(parser.buffered_bytes() <= limits.max_line + 1 + chunk.size());
  }
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().code == pd::ErrorCode::kLimit);
  CHECK(fed <= 256);
  CHECK(parser.buffered_bytes() == 0);
  // Exactly at the limit is fine, one more byte is not (CRLF and LF alike).
  const std::string at_limit = "K: " + std::string(97, 'v');
  CHECK_FALSE(parse_whole(at_limit + "\r\n\r\n", Parser::Start::kNoBanner, limits).failed);
  CHECK(parse_whole(at_limit + "v\r\n\r\n", Parser::Start::kNoBanner, limits).failed);
  CHECK(parse_whole(at_limit + "v\n\n", Parser::Start::kNoBanner, limits).failed);
  parse_at_every_split(at_limit + "v\r\n\r\n", Parser::Start::kNoBanner, limits);
}

TEST_CASE("an over-long message fails with bounded memory") {
  ParserLimits limits;
  limits.max_message = 4096;
  Parser parser(Parser::Start::kNoBanner, limits);
  pd::Status status;
  size_t fed = 0;
  while (status && fed < (1u << 22)) {
    status = parser.feed("Variable: x=1\r\n", [](const MessageView&) {});
    fed += 15;
    CHECK(parser.buffered_bytes() <= limits.max_message + 15);
  }
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().code == pd::ErrorCode::kLimit);
  CHECK(fed <= limits.max_message + 15);
}

TEST_CASE("too many fields fail") {
  ParserLimits limits;
  limits.max_fields = 8;
  std::string stream;
  for (int i = 0; i < 8; ++i) stream += "K: v\r\n";
  CHECK_FALSE(parse_whole(stream + "\r\n", Parser::Start::kNoBanner, limits).failed);
  const Recording recording =
      parse_at_every_split(stream + "K: v\r\n\r\n", Parser::Start::kNoBanner, limits);
  CHECK(recording.failed);
}

TEST_CASE("random garbage never crashes and never holds more than the limits allow") {
  ParserLimits limits;
  limits.max_line = 512;
  limits.max_message = 8192;
  std::mt19937_64 random(7);
  const std::string alphabet =
      std::string("Event: \r\n\r\n:AbC x-") + std::string(1, '\0') + "\x7f\xff";
  for (int round = 0; round < 300; ++round) {
    Parser parser(round % 2 ? Parser::Start::kNoBanner : Parser::Start::kExpectBanner, limits);
    std::string garbage(std::uniform_int_distribution<size_t>(0, 20000)(random), ' ');
    const bool letters_only = round % 3 == 0;
    for (char& c : garbage) {
      c = letters_only ? alphabet[random() % alphabet.size()] : char(random());
    }
    pd::Status status;
    for (size_t at = 0; at < garbage.size() && status;) {
      const size_t n = std::min<size_t>(garbage.size() - at, 1 + random() % 700);
      status = parser.feed(std::string_view(garbage).substr(at, n), [&](const MessageView& m) {
        CHECK(m.fields().size() <= limits.max_fields);
      });
      CHECK(parser.buffered_bytes() <= limits.max_message + 700);
      at += n;
    }
    if (!status) CHECK(parser.failed());
  }
}
