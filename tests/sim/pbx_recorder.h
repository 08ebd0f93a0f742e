// For unit tests that run a Pbx in-process: an output that keeps everything
// the PBX says, and a field reader for the AMI messages it kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pbx.h"

namespace pd::sim::testing {

// Everything the PBX says, in order, to one list (unbounded: a test's run).
class RecordingOutput : public PbxOutput {
 public:
  void broadcast(uint32_t, std::string_view message) override { log.emplace_back(message); }
  void send(SessionId, std::string_view message) override { log.emplace_back(message); }
  void complete_deferred(SessionId, std::string_view message) override {
    log.emplace_back(message);
  }
  std::vector<std::string> log;
};

// The value of `key` in one AMI message ("" when absent).
inline std::string field(const std::string& message, const std::string& key) {
  const std::string needle = key + ": ";
  size_t at = message.rfind("\n" + needle);
  at = at == std::string::npos ? (message.starts_with(needle) ? 0 : std::string::npos) : at + 1;
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return message.substr(start, message.find('\r', start) - start);
}

}  // namespace pd::sim::testing
