// Test helper: feeds a Parser and records every message as one flat string,
// so two parses of the same stream can be compared exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pd/ami/parser.h"

namespace pd::ami::testing {

struct Recording {
  std::string messages;  // "key\x1fvalue\x1e..." per field, "\x1d<output>\x1c" per message
  size_t count = 0;
  bool failed = false;
  std::string error;
};

inline void record(Recording& recording, const MessageView& message) {
  for (const FieldView& field : message.fields()) {
    recording.messages.append(field.key);
    recording.messages.push_back('\x1f');
    recording.messages.append(field.value);
    recording.messages.push_back('\x1e');
  }
  recording.messages.push_back('\x1d');
  recording.messages.append(message.command_output());
  recording.messages.push_back('\x1c');
  ++recording.count;
}

// Feeds `stream` cut at each of `cuts` (ascending offsets), stopping at the first error.
inline Recording parse_in_pieces(Parser& parser, std::string_view stream,
                                 const std::vector<size_t>& cuts) {
  Recording recording;
  size_t from = 0;
  auto feed_until = [&](size_t to) {
    if (recording.failed) return;
    const pd::Status status = parser.feed(stream.substr(from, to - from),
                                          [&](const MessageView& m) { record(recording, m); });
    if (!status) {
      recording.failed = true;
      recording.error = status.error().describe();
    }
    from = to;
  };
  for (size_t cut : cuts) feed_until(cut);
  feed_until(stream.size());
  return recording;
}

inline Recording parse_whole(std::string_view stream,
                             Parser::Start start = Parser::Start::kExpectBanner,
                             ParserLimits limits = {}) {
  Parser parser(start, limits);
  return parse_in_pieces(parser, stream, {});
}

}  // namespace pd::ami::testing
