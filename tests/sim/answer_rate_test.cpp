// The call model's answer rate over time (issue 12): a scenario whose answer
// rate drifts answers about the expected share early, midway and late, in
// pbx-sim itself (Originates into a Pbx run in virtual time) and in the model
// alone (call_model.h). Fixed seeds; the bounds are about five standard
// deviations wide.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "call_model.h"
#include "pbx.h"
#include "pbx_recorder.h"

namespace {

using pd::sim::ActionView;
using pd::sim::Field;
using pd::sim::testing::field;
using pd::sim::testing::InProcessPbx;

// 60 % answered at the start, 10 % after an hour; the rest are busy.
constexpr const char* kDrifting = R"({
  "seed": 5,
  "contexts": {"sim-customers": {"type": "customers"}, "hold": {"type": "ivr", "hold_s": 1}},
  "default_outcome": {
    "outcome": "answer", "answer_after_s": [1, 3], "talk_s": 1,
    "answer_rate": [{"at_s": 0, "rate": 0.6}, {"at_s": 3600, "rate": 0.1}],
    "unanswered": [{"outcome": "busy", "after_s": 1}]
  }
})";

constexpr int kCallsPerBatch = 1000;

// How many of each batch's Originates were answered (Reason 4): batches
// originated at the simulated seconds `at_s`.
std::vector<int> answered_per_batch(const std::vector<int>& at_s) {
  auto scenario = pd::sim::parse_scenario(kDrifting);
  REQUIRE_MESSAGE(scenario.has_value(), scenario.error().describe());
  InProcessPbx sim(*scenario, /*verbose_events=*/false);
  pd::sim::Pbx& pbx = sim.pbx;
  for (size_t batch = 0; batch < at_s.size(); ++batch) {
    sim.timers.schedule(at_s[batch] * 1000LL, [&pbx, batch] {
      for (int i = 0; i < kCallsPerBatch; ++i) {
        const std::string id = "b" + std::to_string(batch) + "-" + std::to_string(i);
        const std::string channel = "Local/55520" + std::to_string(10000 + i) + "@sim-customers";
        const std::vector<Field> fields = {
            {"Action", "Originate"}, {"ActionID", id},  {"Channel", channel}, {"Context", "hold"},
            {"Exten", "s"},          {"Priority", "1"}, {"Async", "true"},    {"Timeout", "30000"}};
        CHECK(pbx.handle(1, ActionView(fields)) == pd::sim::ActionResult::kDone);
      }
    });
  }
  sim.io.run();  // returns once every call has ended
  std::vector<int> answered(at_s.size(), 0);
  int responses = 0;
  for (const auto& message : sim.output.log) {
    if (!message.starts_with("Event: OriginateResponse")) continue;
    ++responses;
    const std::string id = field(message, "ActionID");
    if (field(message, "Reason") == "4") ++answered.at(std::stoul(id.substr(1, id.find('-') - 1)));
  }
  CHECK(responses == kCallsPerBatch * int(at_s.size()));
  return answered;
}

}  // namespace

TEST_CASE("pbx-sim: a drifting answer rate answers about its share early, midway and late") {
  // Expected 600, 350 and 100 of 1000 (sd 15.5, 15.1, 9.5).
  const std::vector<int> answered = answered_per_batch({0, 1800, 7200});
  REQUIRE(answered.size() == 3);
  CHECK(answered[0] >= 520);
  CHECK(answered[0] <= 680);
  CHECK(answered[1] >= 275);
  CHECK(answered[1] <= 425);
  CHECK(answered[2] >= 55);
  CHECK(answered[2] <= 145);
}

TEST_CASE("call model: an answer rate is piecewise linear on its axis, flat outside") {
  pd::sim::AnswerRate rate;
  rate.axis = pd::sim::AnswerRate::Axis::kDials;
  rate.points = {{100, 0.3}, {200, 0.1}, {400, 0.5}};
  CHECK(rate.at({0, 0}) == doctest::Approx(0.3));
  CHECK(rate.at({0, 150}) == doctest::Approx(0.2));
  CHECK(rate.at({999999, 200}) == doctest::Approx(0.1));  // the time does not count
  CHECK(rate.at({0, 300}) == doctest::Approx(0.3));
  CHECK(rate.at({0, 5000}) == doctest::Approx(0.5));
  rate.axis = pd::sim::AnswerRate::Axis::kTime;
  CHECK(rate.at({150, 0}) == doctest::Approx(0.2));
}

TEST_CASE("call model: draw_call follows the rate, the shares and the ring timeout") {
  auto scenario = pd::sim::parse_scenario(R"({
    "default_outcome": {
      "outcome": "answer", "answer_after_s": [3, 20],
      "talk_lognormal": {"mean_s": 120, "sigma": 0.8},
      "answer_rate": [{"at_dial": 0, "rate": 0.3}, {"at_dial": 9999, "rate": 0.1}],
      "unanswered": [{"outcome": "noanswer", "share": 3},
                     {"outcome": "busy", "after_s": [1, 10], "share": 1}]
    }
  })");
  REQUIRE_MESSAGE(scenario.has_value(), scenario.error().describe());
  const pd::sim::NumberRule& rule = scenario->default_rule;
  pd::sim::Rng rng(42);
  int answered_early = 0, answered_late = 0, noanswer = 0, busy = 0;
  double talk_sum = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    const pd::sim::CallDraw draw = pd::sim::draw_call(rule, {0, i < 5000 ? 0u : 9999u}, 25000, rng);
    if (draw.answered) {
      (i < 5000 ? answered_early : answered_late)++;
      CHECK(draw.after >= 3000);
      CHECK(draw.after <= 20000);
      talk_sum += double(draw.talk) / 1000;
    } else if (draw.outcome == pd::sim::Outcome::kNoAnswer) {
      ++noanswer;
      CHECK(draw.after == 25000);
    } else {
      CHECK(draw.outcome == pd::sim::Outcome::kBusy);
      ++busy;
      CHECK(draw.after <= 10000);
    }
  }
  // Expected 1500 and 500 of 5000 (sd 32, 21); unanswered 3:1.
  CHECK(answered_early >= 1340);
  CHECK(answered_early <= 1660);
  CHECK(answered_late >= 395);
  CHECK(answered_late <= 605);
  CHECK(noanswer > 2 * busy);
  CHECK(noanswer < 4 * busy);
  // Log-normal mean 120 s, sd ~ 120 * sqrt(e^0.64 - 1) ~ 106 s: over ~2000 calls
  // the mean is within ~2.4 s.
  const double talk_mean = talk_sum / (answered_early + answered_late);
  CHECK(talk_mean >= 108);
  CHECK(talk_mean <= 132);
}

TEST_CASE("call model: a rule without an answer rate draws nothing to pick itself") {
  pd::sim::NumberRule rule;
  pd::sim::Rng rng(7), same(7);
  CHECK(&pd::sim::pick_rule(rule, {0, 0}, rng) == &rule);
  CHECK(rng.next() == same.next());
}
