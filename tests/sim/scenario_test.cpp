// The scenario JSON: the built-in rig, every section, and clear errors.
#include "scenario.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

using pd::sim::ContextType;
using pd::sim::Outcome;
using pd::sim::parse_scenario;
using pd::sim::Scenario;
using pd::sim::Strategy;

namespace {

// The error text of a scenario that must not load.
std::string error_of(const std::string& json) {
  auto scenario = parse_scenario(json);
  REQUIRE_MESSAGE(!scenario.has_value(), "expected an error for: " << json);
  CHECK(scenario.error().code == pd::ErrorCode::kInvalidArgument);
  return scenario.error().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the built-in scenario is the Asterisk rig of the traces") {
  auto scenario = parse_scenario(pd::sim::default_scenario_json());
  REQUIRE_MESSAGE(scenario.has_value(), scenario.error().describe());
  const Scenario& sc = *scenario;
  CHECK(sc.seed == 1);
  CHECK(sc.speed == 1.0);
  REQUIRE(sc.users.size() == 1);
  CHECK(sc.users[0].username == "dialer");
  CHECK(sc.users[0].secret == "dialersecret");
  REQUIRE(sc.find_queue("sales") != nullptr);
  CHECK(sc.find_queue("sales")->strategy == Strategy::kRrMemory);
  CHECK(sc.find_queue("sales")->ring_timeout == 15000);
  CHECK(sc.find_queue("support")->strategy == Strategy::kRingAll);
  CHECK(sc.agents.size() == 2);
  CHECK(sc.find_agent("Local/101@sim-agents") != nullptr);

  const auto* customers = sc.find_context("sim-customers");
  REQUIRE(customers != nullptr);
  CHECK(customers->type == ContextType::kCustomers);
  CHECK(sc.find_context("sim-agents")->type == ContextType::kAgents);
  CHECK(sc.find_context("to-queue-sales")->queue == "sales");
  CHECK(sc.find_context("dialer-amd")->amd);
  CHECK(sc.find_context("dialer-amd")->amd_time.min == 2500);
  CHECK(sc.find_context("dialer-test")->user_event == "DialerTest");
  CHECK(sc.find_context("no-such-context") == nullptr);

  // The last digit decides, as in the rig's dialplan.
  const Outcome by_digit[] = {Outcome::kAnswer,     Outcome::kAnswer,     Outcome::kAnswer,
                              Outcome::kAnswer,     Outcome::kDtmf,       Outcome::kBusy,
                              Outcome::kNoAnswer,   Outcome::kCongestion, Outcome::kMachine,
                              Outcome::kUnallocated};
  for (int digit = 0; digit <= 9; ++digit) {
    CAPTURE(digit);
    CHECK(sc.rule_for(*customers, "555100" + std::to_string(digit)).outcome == by_digit[digit]);
  }
  CHECK(sc.rule_for(*customers, "5").outcome == Outcome::kAnswer);  // the default rule
}

TEST_CASE("every section of a scenario is read") {
  auto scenario = parse_scenario(R"({
    // comments are allowed
    "description": "all keys",
    "seed": 42, "speed": 2.5, "epoch": 1700000000, "ringing_after_s": 0.5,
    "users": [{"username": "u", "secret": "s"}],
    "queues": [{"name": "q", "strategy": "leastrecent", "ring_timeout_s": 10, "retry_s": 2,
                "wait_timeout_s": 60, "servicelevel_s": 30}],
    "agent_defaults": {"answer_delay_s": [1, 3], "talk_s": 20},
    "agents": [{"interface": "Local/7@ag/n", "name": "Seven", "queues": ["q"], "paused": true,
                "paused_reason": "lunch", "penalty": 2, "talk_s": [10, 12],
                "pause_schedule": [{"at_s": 5, "for_s": 10, "reason": "break"}]}],
    "contexts": {
      "cust-*": {"type": "customers", "rules": [{"pattern": "_X.1", "outcome": "busy"}]},
      "cust-special": {"type": "ivr", "answer_after_s": 1, "hold_s": [2, 4],
                       "user_event": "Hello", "user_event_fields": {"A": "b"}},
      "ag": {"type": "agents"},
      "*": {"type": "queue", "queue": "q", "wait_timeout_s": 9, "amd": true, "amd_s": [2, 3],
            "amd_destination": "ag", "amd_event": "MyAMD"}
    },
    "number_rules": [{"regex": "^9", "outcome": "noanswer", "ring_s": 30},
                     {"pattern": "_X.2", "outcome": "dtmf", "digit": "#", "dtmf_after_s": 0.25}],
    "default_outcome": {"outcome": "congestion", "after_s": 1}
  })");
  REQUIRE_MESSAGE(scenario.has_value(), scenario.error().describe());
  const Scenario& sc = *scenario;
  CHECK(sc.seed == 42);
  CHECK(sc.speed == 2.5);
  CHECK(sc.epoch == 1700000000);
  CHECK(sc.ringing_after == 500);
  CHECK(sc.queues[0].strategy == Strategy::kLeastRecent);
  CHECK(sc.queues[0].retry == 2000);
  CHECK(sc.queues[0].wait_timeout == 60000);
  CHECK(sc.queues[0].servicelevel_s == 30);
  CHECK(sc.agent_defaults.answer_delay.min == 1000);
  CHECK(sc.agent_defaults.answer_delay.max == 3000);
  const auto& agent = sc.agents[0];
  CHECK(agent.name == "Seven");
  CHECK(agent.paused);
  CHECK(agent.paused_reason == "lunch");
  CHECK(agent.penalty == 2);
  CHECK(agent.answer_delay.max == 3000);  // from agent_defaults
  CHECK(agent.talk.min == 10000);
  REQUIRE(agent.pauses.size() == 1);
  CHECK(agent.pauses[0].at == 5000);
  CHECK(agent.pauses[0].length == 10000);

  // Exact names beat globs; a longer glob beats "*".
  CHECK(sc.find_context("cust-special")->type == ContextType::kIvr);
  CHECK(sc.find_context("cust-other")->type == ContextType::kCustomers);
  CHECK(sc.find_context("anything")->type == ContextType::kQueue);
  CHECK(sc.find_context("anything")->queue_wait == 9000);
  CHECK(sc.find_context("anything")->amd_event == "MyAMD");
  CHECK(sc.find_context("cust-special")->user_event_fields.size() == 1);

  // A context's own rules replace the scenario's; the default rule is the fallback.
  const auto& cust = *sc.find_context("cust-x");
  CHECK(sc.rule_for(cust, "5551").outcome == Outcome::kBusy);
  CHECK(sc.rule_for(cust, "9999").outcome == Outcome::kCongestion);
  const auto& queue_ctx = *sc.find_context("anything");
  CHECK(sc.rule_for(queue_ctx, "9000").outcome == Outcome::kNoAnswer);
  CHECK(sc.rule_for(queue_ctx, "9000").ring.min == 30000);
  CHECK(sc.rule_for(queue_ctx, "5552").outcome == Outcome::kDtmf);
  CHECK(sc.rule_for(queue_ctx, "5552").digit == "#");
  CHECK(sc.rule_for(queue_ctx, "5553").outcome == Outcome::kCongestion);
  CHECK(sc.rule_for(queue_ctx, "5553").after.min == 1000);
}

TEST_CASE("bad scenarios are refused with an error that says where and why") {
  CHECK(contains(error_of("{"), "scenario is not valid JSON"));
  CHECK(contains(error_of("[]"), "scenario: must be an object"));
  CHECK(contains(error_of(R"({"speeed": 2})"), "scenario: unknown key \"speeed\""));
  CHECK(contains(error_of(R"({"seed": 1, "seed": 2})"), "not valid JSON"));
  CHECK(contains(error_of(R"({"speed": 0})"), "scenario.speed: must be in (0, 1e6]"));
  CHECK(contains(error_of(R"({"seed": -1})"), "scenario.seed: must be an unsigned integer"));
  CHECK(contains(error_of(R"({"queues": [{"name": "q", "strategy": "fastest"}]})"),
                 "scenario.queues[0].strategy: unknown strategy \"fastest\""));
  CHECK(contains(error_of(R"({"queues": [{"name": "q"}, {"name": "q"}]})"),
                 "queue \"q\" is listed twice"));
  CHECK(contains(error_of(R"({"agents": [{"interface": "SIP/100"}]})"),
                 "scenario.agents[0].interface: must look like Local/<exten>@<context>/n"));
  CHECK(contains(error_of(R"({"agents": [{"interface": "Local/1@a/n", "queues": ["nope"]}]})"),
                 "unknown queue \"nope\""));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "pbx"}}})"),
                 "scenario.contexts[\"c\"].type: unknown type \"pbx\" (customers, agents, queue, "
                 "ivr, invalid_destination)"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "queue"}}})"),
                 "scenario.contexts[\"c\"].queue: required for type queue"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "queue", "queue": "none"}}})"),
                 "context c: unknown queue \"none\""));
  CHECK(contains(
      error_of(R"({"contexts": {"c": {"type": "ivr", "amd": true, "amd_destination": "x"}}})"),
      "amd_destination \"x\" is not in the contexts map"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "ivr", "hold_s": [3, 1]}}})"),
                 "hold_s: needs 0 <= min <= max seconds"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "ivr", "hold_s": -1}}})"),
                 "hold_s: must not be negative"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "ivr", "hold_s": "long"}}})"),
                 "hold_s: must be seconds or [min, max] seconds"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "ivr", "user_event": "E",
                                 "user_event_fields": {"A": "line\nbreak"}}}})"),
                 "must not hold control characters"));
  CHECK(contains(error_of(R"({"number_rules": [{"outcome": "busy"}]})"),
                 "scenario.number_rules[0]: needs exactly one of \"pattern\" or \"regex\""));
  CHECK(contains(error_of(R"({"number_rules": [{"pattern": "_[12", "outcome": "busy"}]})"),
                 "unclosed or empty [set]"));
  CHECK(
      contains(error_of(R"({"number_rules": [{"regex": "(", "outcome": "busy"}]})"), "bad regex"));
  CHECK(contains(error_of(R"({"number_rules": [{"pattern": "_X", "outcome": "hangs"}]})"),
                 "unknown outcome \"hangs\""));
  CHECK(contains(
      error_of(R"({"number_rules": [{"pattern": "_X", "outcome": "dtmf", "digit": "12"}]})"),
      "digit: one of 0-9 * # A-D"));
  CHECK(contains(error_of(R"({"default_outcome": {"pattern": "_X", "outcome": "busy"}})"),
                 "the default rule takes no pattern"));
  CHECK(contains(error_of(R"({"contexts": {"c": {"type": "ivr", "abandon_event": "E"}}})"),
                 "abandon_event: only for type queue"));
}

TEST_CASE("a predictive helper context: its message branch is read") {
  auto scenario = parse_scenario(R"({"queues": [{"name": "q"}], "contexts": {"pd-*-dest":
      {"type": "queue", "queue": "q", "wait_timeout_s": 2, "abandon_event": "PanelDialerAbandon",
       "abandon_sound": "custom/sorry", "abandon_playback_s": 1.5}}})");
  REQUIRE_MESSAGE(scenario, (scenario ? "" : scenario.error().message));
  const pd::sim::ContextSpec* c = scenario->find_context("pd-x-dest");
  REQUIRE(c != nullptr);
  CHECK(c->queue_wait == 2000);
  CHECK(c->abandon_event == "PanelDialerAbandon");
  CHECK(c->abandon_sound == "custom/sorry");
  CHECK(c->abandon_playback.min == 1500);
  CHECK(c->abandon_playback.max == 1500);
}

TEST_CASE("a scenario file that cannot be read names the file") {
  auto missing = pd::sim::load_scenario_file("/nonexistent/scenario.json");
  REQUIRE(!missing.has_value());
  CHECK(missing.error().code == pd::ErrorCode::kIOError);
  CHECK(contains(missing.error().message, "/nonexistent/scenario.json"));

  const std::string path = "test-sim-bad-scenario.json";
  std::ofstream(path) << R"({"speed": "fast"})";
  auto bad = pd::sim::load_scenario_file(path);
  std::remove(path.c_str());
  REQUIRE(!bad.has_value());
  CHECK(contains(bad.error().message, path + ": scenario.speed: must be a number"));
}

TEST_CASE("the real-behaviour keys: silent, originate_response_first, dial_context, dynamic") {
  auto sc = pd::sim::parse_scenario(R"({
    "queues": [{"name": "q"}],
    "agents": [{"interface": "Local/1@a/n", "queues": ["q"], "dynamic": true}],
    "contexts": {"c": {"type": "customers"},
                 "pd-*-customer": {"type": "customers", "dial_context": "c", "dial_timeout_s": 15},
                 "bad": {"type": "invalid_destination"},
                 "d": {"type": "queue", "queue": "q", "amd": true, "amd_total_s": 4}},
    "number_rules": [{"pattern": "_X.0", "outcome": "silent"},
                     {"pattern": "_X.9", "outcome": "unallocated", "originate_response_first": 0.5}]})");
  REQUIRE_MESSAGE(sc.has_value(), sc.error().describe());
  CHECK(sc->agents[0].dynamic);
  CHECK(sc->number_rules[0].outcome == pd::sim::Outcome::kSilent);
  CHECK(sc->number_rules[1].originate_response_first == 0.5);
  const pd::sim::ContextSpec* helper = sc->find_context("pd-x-customer");
  REQUIRE(helper);
  CHECK(helper->dial_context == "c");
  CHECK(helper->dial_timeout == 15000);
  CHECK(sc->find_context("bad")->type == pd::sim::ContextType::kInvalidDestination);
  CHECK(sc->find_context("d")->amd_total.max == 4000);

  CHECK(contains(error_of(R"({"number_rules": [{"pattern": "_X", "outcome": "busy",
                              "originate_response_first": 0.5}]})"),
                 "originate_response_first: only for the outcome unallocated"));
  CHECK(contains(error_of(R"({"contexts": {"h": {"type": "customers", "dial_context": "x"}}})"),
                 "dial_context \"x\" must be a customers context"));
  CHECK(contains(error_of(R"({"contexts": {"h": {"type": "ivr", "dial_context": "x"}}})"),
                 "dial_context: only for type customers"));
}

TEST_CASE("the call model keys: answer_rate, unanswered, talk_lognormal") {
  auto scenario = parse_scenario(R"({
    "number_rules": [{"pattern": "_X.1", "outcome": "answer", "answer_rate": 0.25}],
    "default_outcome": {
      "outcome": "answer", "talk_lognormal": {"mean_s": 90, "sigma": 0.5},
      "answer_rate": [{"at_s": 0, "rate": 0.3}, {"at_s": 60, "rate": 0.1}],
      "unanswered": [{"outcome": "busy", "after_s": 2, "share": 2}, {"outcome": "noanswer"}]
    }
  })");
  REQUIRE_MESSAGE(scenario.has_value(), scenario.error().describe());
  const pd::sim::NumberRule& rule = scenario->default_rule;
  REQUIRE(rule.talk_lognormal.has_value());
  CHECK(rule.talk_lognormal->mean_s == 90);
  CHECK(rule.talk_lognormal->sigma == 0.5);
  REQUIRE(rule.answer_rate.has_value());
  CHECK(rule.answer_rate->axis == pd::sim::AnswerRate::Axis::kTime);
  REQUIRE(rule.answer_rate->points.size() == 2);
  CHECK(rule.answer_rate->points[1].at == 60000);
  CHECK(rule.answer_rate->at({30000, 0}) == doctest::Approx(0.2));
  REQUIRE(rule.unanswered.size() == 2);
  CHECK(rule.unanswered[0].outcome == Outcome::kBusy);
  CHECK(rule.unanswered[0].share == 2);
  CHECK(rule.unanswered[1].share == 1);
  // A constant rate alone: the unanswered dials never answer.
  const pd::sim::NumberRule& constant = scenario->number_rules.at(0);
  REQUIRE(constant.unanswered.size() == 1);
  CHECK(constant.unanswered[0].outcome == Outcome::kNoAnswer);

  const auto rule_error = [](const std::string& rule_json) {
    return error_of(R"({"default_outcome": )" + rule_json + "}");
  };
  CHECK(contains(rule_error(R"({"answer_rate": 1.5})"), "answer_rate: a share in [0, 1]"));
  CHECK(contains(rule_error(R"({"answer_rate": [{"at_s": 0, "rate": 0.3}, {"at_dial": 9,
                                "rate": 0.1}]})"),
                 "every point on one axis"));
  CHECK(contains(rule_error(R"({"answer_rate": [{"at_s": 9, "rate": 0.3}, {"at_s": 9,
                                "rate": 0.1}]})"),
                 "points must come in increasing order"));
  CHECK(contains(rule_error(R"({"answer_rate": [{"rate": 0.3}]})"),
                 "needs exactly one of \"at_s\" or \"at_dial\""));
  CHECK(contains(rule_error(R"({"unanswered": [{"outcome": "busy"}]})"), "needs \"answer_rate\""));
  CHECK(contains(rule_error(R"({"outcome": "busy", "answer_rate": 0.5})"),
                 "only for an outcome that answers"));
  CHECK(contains(rule_error(R"({"answer_rate": 0.5, "unanswered": [{"outcome": "busy",
                                "answer_rate": 0.1}]})"),
                 "has no answer_rate of its own"));
  CHECK(contains(rule_error(R"({"answer_rate": 0.5, "unanswered": [{"outcome": "busy",
                                "share": 0}]})"),
                 "share: a weight > 0"));
  CHECK(contains(rule_error(R"({"share": 2})"), "only in a rule's \"unanswered\" list"));
  CHECK(contains(rule_error(R"({"talk_s": 5, "talk_lognormal": {"mean_s": 60}})"),
                 "\"talk_s\" or \"talk_lognormal\", not both"));
  CHECK(contains(rule_error(R"({"talk_lognormal": {"mean_s": 0}})"),
                 "talk_lognormal.mean_s: seconds in (0, 86400]"));
}
