// For unit tests that run a Pbx in-process: an output that keeps everything
// the PBX says, a Pbx with its clock and timers, and a field reader for the
// AMI messages it kept.
#pragma once

#include <boost/asio/io_context.hpp>
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

// A started Pbx on `scenario` (which must outlive it), at a million times
// real speed from a fixed epoch (Uniqueids and LoginTime carry it). Actions
// sent without sync_to_clock() land at simulated time 0; io.run() returns
// once no timer is left.
struct InProcessPbx {
  InProcessPbx(const Scenario& scenario, bool verbose_events)
      : pbx(scenario, clock, timers, output, verbose_events) {
    pbx.start();
  }
  boost::asio::io_context io;
  SimClock clock{1e6, 1795347000};
  TimerQueue timers{io, clock};
  RecordingOutput output;
  Pbx pbx;
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
