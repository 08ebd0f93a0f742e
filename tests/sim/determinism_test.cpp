// One seed, one story: the same scenario, seed and actions give the same
// events byte for byte, however fast the machine runs the simulation.
#include "pbx.h"
#include "pbx_recorder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

namespace {

using pd::sim::ActionView;
using pd::sim::Field;
using pd::sim::testing::field;
using pd::sim::testing::InProcessPbx;

// Originates calls with every outcome into a queue, an AMD context and an IVR,
// and runs the simulation to its end (at a million times real speed).
std::vector<std::string> run(uint64_t seed) {
  auto scenario = pd::sim::parse_scenario(pd::sim::default_scenario_json());
  REQUIRE(scenario.has_value());
  scenario->seed = seed;
  InProcessPbx sim(*scenario, /*verbose_events=*/true);
  pd::sim::Pbx& pbx = sim.pbx;
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
  sim.io.run();  // returns once no timer is left: every call has ended
  CHECK(pbx.live_channels() == 0);
  CHECK(pbx.stats().originates == 40);
  CHECK(pbx.stats().current_calls == 0);
  return std::move(sim.output.log);
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

namespace {

struct Story {
  std::vector<std::string> reasons;  // OriginateResponse Reason per call, in call order
  std::vector<std::string> endings;  // the calls, in the order their own channel hung up
};

Story story_of(const std::vector<std::string>& log) {
  Story story;
  std::vector<std::string> by_call(41);
  for (const auto& message : log) {
    if (message.starts_with("Event: OriginateResponse")) {
      const std::string id = field(message, "ActionID");
      by_call.at(std::stoul(id.substr(5))) = field(message, "Reason");
    } else if (message.starts_with("Event: Hangup\r\n") &&
               field(message, "Uniqueid").starts_with("call-") &&
               field(message, "Uniqueid").find(';') == std::string::npos) {
      story.endings.push_back(field(message, "Uniqueid"));
    }
  }
  story.reasons.assign(by_call.begin() + 1, by_call.end());
  return story;
}

}  // namespace

TEST_CASE("another seed: the same outcomes, at other moments") {
  // The outcome of each call is the scenario's rule (its number's last
  // digit); the seed draws the durations. So another seed must keep every
  // outcome and change when the calls end.
  const Story seven = story_of(run(7));
  const Story eight = story_of(run(8));
  REQUIRE(seven.reasons.size() == 40);
  CHECK(std::count(seven.reasons.begin(), seven.reasons.end(), "") == 0);
  CHECK(seven.reasons == eight.reasons);
  REQUIRE(seven.endings.size() == 40);
  REQUIRE(eight.endings.size() == 40);
  CHECK(seven.endings != eight.endings);
}
