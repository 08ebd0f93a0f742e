// The real Asterisk 22 transcripts must frame identically however TCP splits them.
#include "pd/ami/parser.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "pd/ami/writer.h"
#include "recording.h"

namespace fs = std::filesystem;
using pd::ami::FieldView;
using pd::ami::MessageView;
using pd::ami::Parser;
using pd::ami::testing::parse_in_pieces;
using pd::ami::testing::parse_whole;
using pd::ami::testing::Recording;

namespace {

constexpr size_t kSmallTrace = 16 * 1024;  // split at every boundary up to this size
constexpr size_t kBigTraceHead = 4 * 1024;

struct Trace {
  std::string name;
  std::string bytes;
};

std::vector<Trace> load_traces(std::string_view extension) {
  const fs::path folder = PD_AMI_TRACES_DIR;
  REQUIRE_MESSAGE(fs::is_directory(folder),
                  "the AMI transcripts folder is missing: " << folder.string());
  std::vector<Trace> traces;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != extension) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    traces.push_back({entry.path().filename().string(), bytes.str()});
  }
  std::sort(traces.begin(), traces.end(),
            [](const Trace& a, const Trace& b) { return a.name < b.name; });
  REQUIRE_MESSAGE(traces.size() >= 16, "expected the 16 transcripts in " << folder.string());
  return traces;
}

void check_same_at_split(const Trace& trace, const Recording& whole, size_t cut) {
  Parser parser;
  const Recording split = parse_in_pieces(parser, trace.bytes, {cut});
  if (split.failed || split.messages != whole.messages) {
    FAIL_CHECK(trace.name << " differs when split at byte " << cut << " (" << split.error << ")");
  }
}

}  // namespace

TEST_CASE("every transcript parses whole, and writing its messages back gives its bytes") {
  for (const Trace& trace : load_traces(".raw")) {
    CAPTURE(trace.name);
    Parser parser;
    std::string rewritten;
    size_t messages = 0;
    const pd::Status status = parser.feed(trace.bytes, [&](const MessageView& message) {
      ++messages;
      CHECK((message.is_event() || message.is_response()));
      CHECK(pd::ami::append_message(rewritten, message.fields()));
    });
    REQUIRE_MESSAGE(status.has_value(), status.error().describe());
    CHECK(parser.banner() == "Asterisk Call Manager/11.0.0");
    CHECK(parser.buffered_bytes() == 0);
    const size_t banner_end = trace.bytes.find("\r\n") + 2;
    CHECK(rewritten == trace.bytes.substr(banner_end));
    size_t blank_lines = 0;
    for (size_t at = trace.bytes.find("\r\n\r\n"); at != std::string::npos;
         at = trace.bytes.find("\r\n\r\n", at + 4)) {
      ++blank_lines;
    }
    CHECK(messages == blank_lines);
  }
}

TEST_CASE("small transcripts give the same messages split at every byte boundary") {
  for (const Trace& trace : load_traces(".raw")) {
    if (trace.bytes.size() > kSmallTrace) continue;
    CAPTURE(trace.name);
    const Recording whole = parse_whole(trace.bytes);
    REQUIRE_FALSE(whole.failed);
    for (size_t cut = 0; cut <= trace.bytes.size(); ++cut) check_same_at_split(trace, whole, cut);
  }
}

TEST_CASE("big transcripts: every boundary of the first 4 KiB, then random splits") {
  std::mt19937_64 random(20261122);
  for (const Trace& trace : load_traces(".raw")) {
    if (trace.bytes.size() <= kSmallTrace) continue;
    CAPTURE(trace.name);
    const Recording whole = parse_whole(trace.bytes);
    REQUIRE_FALSE(whole.failed);
    for (size_t cut = 0; cut <= kBigTraceHead; ++cut) check_same_at_split(trace, whole, cut);
    for (int round = 0; round < 200; ++round) {
      std::vector<size_t> cuts;
      std::uniform_int_distribution<size_t> step(1, round % 2 ? 64 : 4096);
      for (size_t at = step(random); at < trace.bytes.size(); at += step(random))
        cuts.push_back(at);
      Parser parser;
      const Recording split = parse_in_pieces(parser, trace.bytes, cuts);
      REQUIRE_MESSAGE(split.messages == whole.messages, "round " << round << ": " << split.error);
    }
  }
}

TEST_CASE("every transcript fed one byte at a time gives the same messages") {
  for (const Trace& trace : load_traces(".raw")) {
    CAPTURE(trace.name);
    const Recording whole = parse_whole(trace.bytes);
    std::vector<size_t> cuts(trace.bytes.size());
    for (size_t i = 0; i < cuts.size(); ++i) cuts[i] = i + 1;
    Parser parser;
    const Recording bytewise = parse_in_pieces(parser, trace.bytes, cuts);
    CHECK_FALSE(bytewise.failed);
    CHECK(bytewise.messages == whole.messages);
    CHECK(bytewise.count == whole.count);
  }
}

TEST_CASE("the actions a client sent parse on the server side (no banner)") {
  for (const Trace& trace : load_traces(".sent")) {
    CAPTURE(trace.name);
    Parser parser(Parser::Start::kNoBanner);
    size_t actions = 0;
    const pd::Status status = parser.feed(trace.bytes, [&](const MessageView& message) {
      ++actions;
      CHECK(pd::ami::iequals(message.fields()[0].key, "Action"));
      CHECK(message.has("ActionID"));
    });
    REQUIRE_MESSAGE(status.has_value(), status.error().describe());
    CHECK(actions >= 1);
    CHECK(parser.banner().empty());
  }
}

TEST_CASE("a QueueStatus list keeps its ActionID from response to QueueStatusComplete") {
  const auto traces = load_traces(".raw");
  const auto trace = std::find_if(traces.begin(), traces.end(),
                                  [](const Trace& t) { return t.name.starts_with("01-"); });
  REQUIRE(trace != traces.end());
  std::vector<std::string> list;  // first-field value of every message carrying the ActionID
  Parser parser;
  REQUIRE(parser.feed(trace->bytes, [&](const MessageView& message) {
    if (message.get("ActionID") != "qstatus-1") return;
    list.emplace_back(message.fields()[0].value);
    if (message.is_response()) CHECK(message.get("EventList") == "start");
  }));
  REQUIRE(list.size() >= 3);
  CHECK(list.front() == "Success");
  CHECK(std::count(list.begin(), list.end(), "QueueMember") == 2);
  CHECK(std::count(list.begin(), list.end(), "QueueParams") == 1);
  CHECK(list.back() == "QueueStatusComplete");
}
