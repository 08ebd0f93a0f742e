// Test helper: the real Asterisk 22 transcripts in tests/data/ami-traces as
// owned messages, and the Originate each scenario sent.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pd/ami/parser.h"
#include "pd/core/ami_event.h"

namespace pd::core::testing {

struct OwnedField {
  std::string key;
  std::string value;
};
using OwnedMessage = std::vector<OwnedField>;

inline std::string read_trace_file(const std::string& prefix, const std::string& extension) {
  namespace fs = std::filesystem;
  const fs::path folder = PD_CORE_TRACES_DIR;
  REQUIRE_MESSAGE(fs::is_directory(folder), "the AMI transcripts are missing: " << folder.string());
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix + "-") && entry.path().extension() == extension) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      return bytes.str();
    }
  }
  FAIL("no transcript " << prefix << "-*" << extension << " in " << folder.string());
  return {};
}

// Every message of NN-*.raw, in order.
inline std::vector<OwnedMessage> load_raw(const std::string& prefix) {
  const std::string bytes = read_trace_file(prefix, ".raw");
  std::vector<OwnedMessage> messages;
  pd::ami::Parser parser;
  const pd::Status status = parser.feed(bytes, [&](const pd::ami::MessageView& view) {
    OwnedMessage message;
    for (const auto& field : view.fields()) {
      message.push_back({std::string(field.key), std::string(field.value)});
    }
    messages.push_back(std::move(message));
  });
  REQUIRE_MESSAGE(status.has_value(), prefix << ": " << status.error().describe());
  return messages;
}

// The first Originate of NN-*.sent: its ActionID and ChannelId.
struct SentOriginate {
  std::string action_id;
  std::string channel_id;
};

inline SentOriginate load_sent_originate(const std::string& prefix) {
  std::istringstream in(read_trace_file(prefix, ".sent"));
  SentOriginate sent;
  bool in_originate = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (in_originate) break;
      continue;
    }
    if (line == "Action: Originate") in_originate = true;
    if (!in_originate) continue;
    if (line.starts_with("ActionID: ")) sent.action_id = line.substr(10);
    if (line.starts_with("ChannelId: ")) sent.channel_id = line.substr(11);
  }
  REQUIRE_MESSAGE(!sent.action_id.empty(), prefix << ".sent has no Originate");
  return sent;
}

// A file of real-behaviours/: one flat JSON object a line ({"t": 0.0,
// "Event": "...", ...}), values as
// the strings Asterisk sent; "t" is dropped.
inline std::vector<OwnedMessage> load_jsonl(const std::string& name) {
  const std::string path = std::string(PD_CORE_TRACES_DIR) + "/real-behaviours/" + name;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing " << path);
  std::vector<OwnedMessage> out;
  std::string line;
  while (std::getline(in, line)) {
    OwnedMessage message;
    size_t at = 0;
    auto string_at = [&](size_t& i) {
      std::string text;
      REQUIRE(line[i] == '"');
      for (++i; line[i] != '"'; ++i) {
        if (line[i] == '\\') ++i;
        text += line[i];
      }
      ++i;
      return text;
    };
    while ((at = line.find('"', at)) != std::string::npos) {
      std::string key = string_at(at);
      at = line.find(':', at) + 1;
      while (line[at] == ' ') ++at;
      if (line[at] == '"') {
        std::string value = string_at(at);
        if (key != "t") message.push_back({key, value});
      } else {
        at = line.find_first_of(",}", at);
      }
    }
    if (!message.empty()) out.push_back(std::move(message));
  }
  return out;
}

inline AmiEvent to_event(const OwnedMessage& message) {
  return AmiEvent::from_fields(message);
}

}  // namespace pd::core::testing
