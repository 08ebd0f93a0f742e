// The predictive pacer: how many calls now, from the live state and what the
// campaign learnt, with a fake clock (times are passed in as seconds).
#include "pd/core/predictive.h"

#include <doctest/doctest.h>

#include <vector>

using namespace pd::core;

namespace {

// No agents talking, no calls ringing. PredictiveState only points at the
// caller's vectors: each must outlive the state (no temporaries).
const std::vector<double> kNone;

// A campaign well into its window, under the target: the pacer may over-dial.
PredictiveState settled(int free_agents, const std::vector<double>& talking,
                        const std::vector<double>& ringing) {
  PredictiveState s;
  s.free_agents = free_agents;
  s.talking_s = talking;
  s.ringing_s = ringing;
  s.max_new_calls = 1000;
  s.window_answered = 20000;
  s.window_abandoned = 200;  // 1 %
  s.target = 0.03;
  return s;
}

PredictiveEstimates learnt(double answer_rate, int dials = 5000) {
  PredictiveEstimates e;
  for (int i = 0; i < dials; ++i) {
    // Every 1/answer_rate-th dial answered after 8 s; the others fail after 15 s.
    const bool answered = (i * answer_rate) - int(i * answer_rate) + answer_rate >= 1.0;
    e.record_dial(answered, answered ? 8 : 15);
  }
  return e;
}

}  // namespace

TEST_CASE("predictive: no agents, no calls") {
  PredictiveEstimates e;
  const PredictiveState s = settled(0, kNone, kNone);
  const auto d = predict_calls(s, e);
  CHECK(d.calls == 0);
  CHECK(d.agents_expected == 0);
}

TEST_CASE("predictive: free agents and a low answer rate - several calls per agent") {
  const auto e = learnt(0.2);
  CHECK(e.answer_rate() == doctest::Approx(0.2).epsilon(0.05));
  const std::vector<double> talking(20, 30.0);  // 20 agents 30 s into their calls
  const auto d = predict_calls(settled(10, talking, kNone), e);
  CHECK(d.calls > 10);   // more than progressive's one per free agent
  CHECK(d.calls <= 40);  // at most max_dial_level (4) per expected agent
  CHECK(d.abandon_expected <= d.allowed);
  CHECK(d.why.find("calls:") != std::string::npos);
}

TEST_CASE("predictive: no free agent, but calls about to end - dials ahead of them") {
  auto e = learnt(0.3);
  for (int i = 0; i < 3000; ++i) e.record_talk(60);  // calls last a minute, give or take little
  // 30 agents 58 s into their calls: nearly all end within the time to answer.
  const std::vector<double> ending(30, 58.0);
  const auto ahead = predict_calls(settled(0, ending, kNone), e);
  CHECK(ahead.agents_expected > 20);
  CHECK(ahead.calls > 30);
  // The same agents only 5 s into their calls: none ends within the horizon.
  const std::vector<double> fresh(30, 5.0);
  const auto none = predict_calls(settled(0, fresh, kNone), e);
  CHECK(none.agents_expected < 1);
  CHECK(none.calls <= 1);
}

TEST_CASE("predictive: calls already ringing count against the agents") {
  const auto e = learnt(0.5);
  const auto idle = predict_calls(settled(10, kNone, kNone), e);
  const std::vector<double> ringing(20, 2.0);
  const auto busy = predict_calls(settled(10, kNone, ringing), e);
  CHECK(busy.calls < idle.calls);
  CHECK(busy.answers_expected > 5);
}

TEST_CASE("predictive: the window at the target falls back to one call per free agent") {
  const auto e = learnt(0.2);
  const std::vector<double> ringing{1.0, 1.0};
  PredictiveState s = settled(6, kNone, ringing);
  s.window_abandoned = 600;  // 3 % of 20,000
  const auto d = predict_calls(s, e);
  CHECK(d.fallback);
  CHECK(d.calls == 4);  // 6 free agents, 2 calls not yet connected
  CHECK(d.why.find("one call per free agent") != std::string::npos);
  // Just under the fallback line it over-dials again.
  s.window_abandoned = 400;  // 2 %
  CHECK_FALSE(predict_calls(s, e).fallback);
}

TEST_CASE("predictive: a cold start dials carefully and a young window even more") {
  PredictiveEstimates cold;  // the prior: 30 % answered
  PredictiveState s = settled(10, kNone, kNone);
  s.window_answered = 0;
  s.window_abandoned = 0;
  const auto first = predict_calls(s, cold);
  CHECK(first.calls >= 10);               // at least as many as progressive
  CHECK(first.calls <= 40);               // bounded by the dial level
  CHECK(first.abandon_expected < 0.001);  // nothing allowed yet: almost no risk taken
  s.window_answered = 20000;
  s.window_abandoned = 0;
  CHECK(predict_calls(s, cold).calls >= first.calls);
}

TEST_CASE("predictive: a young window dials one call per free agent until it can take a burst") {
  const auto e = learnt(0.2);
  const std::vector<double> talking(20, 30.0);
  PredictiveState s = settled(10, talking, kNone);
  // 200 answered calls, none abandoned: 8 more abandons at once would be 4 %.
  s.window_answered = 200;
  s.window_abandoned = 0;
  const auto young = predict_calls(s, e);
  CHECK(young.calls == 10);  // progressive: no call an agent is not there for
  CHECK(young.abandon_expected == 0);
  CHECK_FALSE(young.fallback);
  // With 1,000 answered calls the window holds a burst: it over-dials.
  s.window_answered = 1000;
  CHECK(predict_calls(s, e).calls > 10);
  // Without the room for a burst a young window over-dials too.
  s.window_answered = 200;
  s.burst_abandons = 0;
  CHECK(predict_calls(s, e).calls > 10);
}

TEST_CASE("predictive: all calls failing - bounded by the dial level, not unlimited") {
  const auto e = learnt(0.0);
  CHECK(e.answer_rate() < 0.01);
  const auto d = predict_calls(settled(5, kNone, kNone), e);
  CHECK(d.calls <= 20);  // 4 per agent
  CHECK(d.calls > 5);
}

TEST_CASE("predictive: an answer rate that jumps up is followed, and dialing slows") {
  auto e = learnt(0.1);
  const std::vector<double> talking(10, 30.0);
  const int before = predict_calls(settled(10, talking, kNone), e).calls;
  for (int i = 0; i < 3000; ++i) e.record_dial(i % 2 == 0, 8);  // now 50 %
  CHECK(e.answer_rate() > 0.4);
  const int after = predict_calls(settled(10, talking, kNone), e).calls;
  CHECK(after < before);
}

TEST_CASE("predictive: estimates - talk-time survival and the chance a ringing call is answered") {
  PredictiveEstimates e;
  CHECK(e.talk_mean_s() == doctest::Approx(120).epsilon(0.01));
  for (int i = 0; i < 2000; ++i) e.record_talk(60);
  CHECK(e.talk_mean_s() < 70);
  CHECK(e.talk_survival(0) == 1);
  CHECK(e.talk_survival(1e6) < 1e-6);
  CHECK(e.talk_ends_within(30, 60) > e.talk_ends_within(30, 5));
  // Answers come after 8 s, failures after 15 s: a call ringing for 10 s
  // is one that will fail.
  const auto learned = learnt(0.3);
  CHECK(learned.answer_chance_while_ringing(0) == doctest::Approx(0.3).epsilon(0.1));
  CHECK(learned.answer_chance_while_ringing(10) < 0.05);
  CHECK(learned.answer_delay_s() == doctest::Approx(8.5).epsilon(0.1));
}
