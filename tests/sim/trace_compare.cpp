#include "trace_compare.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace pd::sim::testing {

bool traces_available() {
  return fs::is_directory(PD_SIM_TRACES_DIR);
}

std::string trace_bytes(const std::string& number, const std::string& extension) {
  for (const auto& entry : fs::directory_iterator(PD_SIM_TRACES_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(number + "-") && entry.path().extension() == extension) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      return bytes.str();
    }
  }
  FAIL("no transcript " << number << "-*" << extension << " in " << PD_SIM_TRACES_DIR);
  return {};
}

std::vector<Message> trace_messages(const std::string& number) {
  pd::ami::Parser parser;
  std::vector<Message> messages;
  const pd::Status status =
      parser.feed(trace_bytes(number, ".raw"), [&](const pd::ami::MessageView& view) {
        Message message;
        for (const auto& f : view.fields())
          message.fields.emplace_back(std::string(f.key), std::string(f.value));
        messages.push_back(std::move(message));
      });
  REQUIRE(status.has_value());
  return messages;
}

bool is_verbose(const Message& message) {
  static const std::set<std::string> kVerbose = {
      "VarSet",           "Newexten",    "DeviceStateChange", "NewCallerid",
      "NewConnectedLine", "LocalBridge", "MusicOnHoldStart",  "MusicOnHoldStop"};
  return !message.fields.empty() && message.fields[0].first == "Event" &&
         kVerbose.count(message.fields[0].second) > 0;
}

std::vector<Message> call_story(const std::vector<Message>& messages) {
  std::vector<Message> story;
  bool started = false;
  for (const Message& m : messages) {
    if (!started) {
      started = m.is_event("SuccessfulAuth");
      continue;
    }
    if (m.get("Response") == "Goodbye") break;
    if (!is_verbose(m)) story.push_back(m);
  }
  return story;
}

std::string normal_form(const Message& message) {
  // Values that are times, or that Asterisk and the simulator number
  // differently, compare as placeholders.
  static const std::set<std::string> kVolatile = {
      "EventTV",    "SessionTV", "SessionID", "LocalAddress", "RemoteAddress",  "Uptime",
      "LastReload", "LoginTime", "LastCall",  "LastPause",    "BridgeUniqueid", "Timestamp",
      "HoldTime",   "TalkTime",  "RingTime",  "Holdtime",     "Duration",       "Seconds"};
  static const std::regex kChannelSequence("-[0-9a-f]{8};");
  static const std::regex kTimestampUniqueid("^[0-9]{10}\\.[0-9]+$");
  std::string text;
  for (const auto& [key, value] : message.fields) {
    std::string v = value;
    if (kVolatile.count(key)) {
      v = "<varies>";
    } else if (std::regex_match(v, kTimestampUniqueid)) {
      v = "<uniqueid>";
    } else {
      v = std::regex_replace(v, kChannelSequence, ";");
    }
    text += key + ": " + v + "\n";
  }
  return text;
}

namespace {

// Responses differ by what they answer (a list start has EventList): key them
// by their Message too. A response without one (Ping's) has no counterpart.
std::string type_of(const Message& m) {
  if (m.fields.empty() || m.fields[0].first != "Response") return m.first_line();
  if (!m.has("Message")) return {};
  return m.first_line() + " / " + m.get("Message");
}

}  // namespace

TraceShapes::TraceShapes() {
  if (!traces_available()) return;
  for (const auto& entry : fs::directory_iterator(PD_SIM_TRACES_DIR)) {
    if (entry.path().extension() != ".raw") continue;
    const std::string number = entry.path().filename().string().substr(0, 2);
    for (const Message& m : trace_messages(number)) shapes_[type_of(m)].insert(m.keys());
  }
}

size_t TraceShapes::check(const std::vector<Message>& messages) const {
  size_t compared = 0;
  for (const Message& m : messages) {
    auto it = shapes_.find(type_of(m));
    if (it == shapes_.end()) continue;
    ++compared;
    if (!it->second.count(m.keys())) {
      std::string keys;
      for (const auto& k : m.keys()) keys += k + " ";
      FAIL_CHECK(type_of(m) << " has fields [" << keys << "], unlike any in the transcripts");
    }
  }
  return compared;
}

void check_same_story(const std::vector<Message>& got, const std::vector<Message>& want) {
  const size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string g = normal_form(got[i]);
    const std::string w = normal_form(want[i]);
    if (g != w) {
      FAIL_CHECK("message " << i << " differs from the transcript.\n--- pbx-sim:\n"
                            << g << "--- Asterisk:\n"
                            << w);
      return;
    }
  }
  CHECK_MESSAGE(got.size() == want.size(),
                "pbx-sim sent " << got.size() << " messages, the transcript has " << want.size());
}

}  // namespace pd::sim::testing
