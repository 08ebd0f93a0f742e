// One seed, one story: the same scenario, seed and actions give the same
// events byte for byte, however fast the machine runs the simulation.
#include "pbx.h"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

namespace {

using pd::sim::ActionView;
using pd::sim::Field;

// Everything the PBX says, in order, to one list.
class RecordingOutput : public pd::sim::PbxOutput {
 public:
  void broadcast(uint32_t, std::string_view message) override { log.emplace_back(message); }
  void send(pd::sim::SessionId, std::string_view message) override { log.emplace_back(message); }
  void complete_deferred(pd::sim::SessionId, std::string_view message) override {
    log.emplace_back(message);
  }
  std::vector<std::string> log;
};

// Originates calls with every outcome into a queue, an AMD context and an IVR,
// and runs the simulation to its end (at a million times real speed).
std::vector<std::string> run(uint64_t seed) {
  auto scenario = pd::sim::parse_scenario(pd::sim::default_scenario_json());
  REQUIRE(scenario.has_value());
  scenario->seed = seed;
  boost::asio::io_context io;
  // A fixed epoch: Uniqueids and LoginTime carry it.
  pd::sim::SimClock clock(1e6, 1795347000);
  pd::sim::TimerQueue timers(io, clock);
  RecordingOutput output;
  pd::sim::Pbx pbx(*scenario, clock, timers, output, /*verbose_events=*/true);
  pbx.start();
  // No sync_to_clock(): every action lands at simulated time 0, so the run
  // does not depend on how long the machine takes between two actions.
  int n = 0;
  for (const char* context : {"to-queue-sales", "dialer-amd", "dialer-test", "to-queue-support"}) {
    for (int digit = 0; digit <= 9; ++digit) {
      const std::string id = "call-" + std::to_string(++n);
      const std::string channel = "Local/555100" + std::to_string(digit) + "@sim-customers";
      const std::vector<Field> fields = {
          {"Action", "Originate"}, {"ActionID", id},  {"Channel", channel},
          {"Context", context},    {"Exten", "s"},    {"Priority", "1"},
          {"Async", "true"},       {"ChannelId", id}, {"CallerID", "\"Test\" <100>"}};
      CHECK(pbx.handle(1, ActionView(fields)) == pd::sim::ActionResult::kDone);
    }
  }
  io.run();  // returns once no timer is left: every call has ended
  CHECK(pbx.live_channels() == 0);
  CHECK(pbx.stats().originates == 40);
  CHECK(pbx.stats().current_calls == 0);
  return std::move(output.log);
}

}  // namespace

TEST_CASE("the same seed gives the same sequence of events") {
  const std::vector<std::string> first = run(7);
  const std::vector<std::string> second = run(7);
  REQUIRE(first.size() > 400);
  CHECK(first.size() == second.size());
  for (size_t i = 0; i < std::min(first.size(), second.size()); ++i) {
    if (first[i] != second[i]) {
      FAIL_CHECK("event " << i << " differs:\n" << first[i] << "\n---\n" << second[i]);
      break;
    }
  }
}

TEST_CASE("another seed gives another run") {
  CHECK(run(7) != run(8));
}
