// The predictive pacer: how many calls now, from the live state and what the
// campaign learnt, with a fake clock (times are passed in as seconds).
#include "pd/core/predictive.h"

#include "pd/core/campaign.h"
#include "pd/core/predictive_book.h"

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

// ---- what the engine keeps per predictive campaign (pd/core/predictive_book.h)

TEST_CASE("predictive book: the window counts answers and abandons per hour") {
  AbandonCounts counts;
  constexpr EpochMs kHour = 3'600'000;
  const EpochMs now = 10'000 * kHour + 1234;
  const EpochMs month_ago = now - 30 * 24 * kHour;
  counts.seed(10'000 - 30 * 24 - 5, 50, 9);  // before the 30 days: kept, not counted
  counts.seed(10'000 - 40, 100, 2);
  counts.seed(10'000 - 40, 100, 1);  // the same hour again: added
  counts.add(now, false);
  counts.add(now, true);
  auto month = counts.since(month_ago);
  CHECK(month.answered == 202);
  CHECK(month.abandoned == 4);
  CHECK(counts.since(month_ago - 5 * kHour).answered == 252);
  // A window from inside this hour counts the whole hour.
  auto today = counts.since(now - 10);
  CHECK(today.answered == 2);
  CHECK(today.abandoned == 1);
  // 31 days later the ring reuses the bucket of `now`: its old counts go.
  const EpochMs later = now + AbandonCounts::kHours * kHour;
  counts.add(later, false);
  CHECK(counts.since(later - 10).answered == 1);
  CHECK(counts.since(later - 10).abandoned == 0);
  // Never more abandons than answers from a seed.
  AbandonCounts odd;
  odd.seed(5, 1, 4);
  CHECK(odd.since(0).abandoned == 1);
}

TEST_CASE("predictive book: dials reach the estimates in the order they were placed") {
  PredictiveEstimates estimates;
  DialOrder order;
  const uint64_t first = order.placed();
  const uint64_t second = order.placed();
  const uint64_t third = order.placed();
  CHECK(first != 0);
  // The later dials fail fast: nothing is recorded while the first rings.
  order.ended(second, false, 2, estimates);
  order.ended(third, false, 3, estimates);
  CHECK(estimates.dials() == 0);
  CHECK(order.pending() == 3);
  order.ended(first, true, 9, estimates);
  CHECK(estimates.dials() == 3);
  CHECK(order.pending() == 0);
  order.ended(first, true, 9, estimates);  // recorded already: ignored
  order.ended(999, true, 9, estimates);    // never placed: ignored
  CHECK(estimates.dials() == 3);
}

TEST_CASE("predictive book: at most kMaxPending dials wait, the oldest dropped") {
  PredictiveEstimates estimates;
  DialOrder order;
  const uint64_t oldest = order.placed();
  for (size_t i = 1; i < DialOrder::kMaxPending; ++i) order.placed();
  CHECK(order.pending() == DialOrder::kMaxPending);
  const uint64_t newest = order.placed();
  CHECK(order.pending() == DialOrder::kMaxPending);
  order.ended(oldest, true, 5, estimates);  // dropped: ignored
  CHECK(estimates.dials() == 0);
  order.ended(newest, true, 5, estimates);
  CHECK(estimates.dials() == 0);  // earlier dials still ring
}

TEST_CASE("predictive book: where the window starts - 30 days back or the local midnight") {
  constexpr EpochMs kDay = 86'400'000;
  const EpochMs now = 20000 * kDay + 15 * 3'600'000;  // 15:00 UTC
  CHECK(abandon_window_start(AbandonWindow::kRolling30Days, now, nullptr) == now - 30 * kDay);
  CHECK(abandon_window_start(AbandonWindow::kCalendarDay, now, nullptr) == 20000 * kDay);
  auto tokyo = TimeZone::load("Asia/Tokyo");  // UTC+9: 15:00 UTC is 00:00 the next day
  REQUIRE(tokyo.has_value());
  CHECK(abandon_window_start(AbandonWindow::kCalendarDay, now, tokyo->get()) ==
        20000 * kDay + 15 * 3'600'000);
  CHECK(abandon_window_start(AbandonWindow::kCalendarDay, now - 1, tokyo->get()) ==
        19999 * kDay + 15 * 3'600'000);
}

TEST_CASE("predictive book: the figures of a decision") {
  PredictiveDecision decision;
  decision.dial_level = 2.5;
  decision.fallback = true;
  const PredictiveEstimates estimates = learnt(0.25);
  const PacingFigures f = predictive_figures(decision, estimates, {400, 12}, 3);
  CHECK(f.dial_level == doctest::Approx(2.5));
  CHECK(f.answer_rate_pct == doctest::Approx(estimates.answer_rate() * 100));
  CHECK(f.answered_in_window == 400);
  CHECK(f.abandoned_in_window == 12);
  CHECK(f.abandon_rate_pct == doctest::Approx(3.0));
  CHECK(f.abandon_target_pct == doctest::Approx(3.0));
  CHECK(f.fallback);
  CHECK(predictive_figures(decision, estimates, {0, 0}, 3).abandon_rate_pct == 0);
}

TEST_CASE("predictive campaign: settings and validation") {
  Campaign c;
  c.name = "sales";
  c.destination = "ext-queues,400,1";
  c.queue_name = "400";
  c.mode = DialMode::kPredictive;
  c.abandon_message = "custom/abandon";
  CHECK(validate(c).has_value());
  CHECK(parse_dial_mode("predictive").value() == DialMode::kPredictive);
  CHECK(to_string(DialMode::kPredictive) == "predictive");
  CHECK(parse_abandon_window("day").value() == AbandonWindow::kCalendarDay);
  CHECK_FALSE(parse_abandon_window("week").has_value());
  Campaign ivr = c;
  ivr.destination_kind = DestinationKind::kIvr;
  auto refused = validate(ivr);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("mode predictive needs a queue destination") !=
        std::string::npos);
  Campaign silent = c;
  silent.abandon_message.clear();
  REQUIRE_FALSE(validate(silent).has_value());
  CHECK(validate(silent).error().message.find("needs an abandon message") != std::string::npos);
  Campaign local = c;
  local.initial_leg = InitialLeg::kLocal;
  CHECK_FALSE(validate(local).has_value());
  Campaign bad = c;
  bad.abandon_target_pct = 0;
  bad.connect_limit_seconds = 0;
  bad.min_ring_seconds = 500;
  auto problems = validate(bad);
  REQUIRE_FALSE(problems.has_value());
  CHECK(problems.error().message.find("abandon target") != std::string::npos);
  CHECK(problems.error().message.find("connect limit") != std::string::npos);
  CHECK(problems.error().message.find("minimum ring") != std::string::npos);
}

TEST_CASE("predictive book: occupancy - talk over logged-in time, a new day starts again") {
  pd::core::OccupancyMeter meter;
  const pd::core::EpochMs day = 1'700'006'400'000;  // a midnight (UTC)
  CHECK(meter.percent() == 0);
  meter.sample(day + 1000, day, 4, 2);
  CHECK(meter.percent() == 0);          // no time has passed yet
  meter.sample(day + 6000, day, 4, 4);  // 5 s: 4 agents, 2 talking
  CHECK(meter.percent() == doctest::Approx(50));
  meter.sample(day + 11000, day, 4, 9);  // 5 s: all 4 talking; talkers never exceed agents
  CHECK(meter.percent() == doctest::Approx(75));
  // A gap (the link was down) counts at most kMaxStepMs.
  meter.sample(day + 11000 + 3'600'000, day, 0, 0);
  const double logged = 4 * 5000.0 + 4 * 5000.0 + 4 * double(pd::core::OccupancyMeter::kMaxStepMs);
  CHECK(meter.percent() ==
        doctest::Approx(100.0 * (2 * 5000.0 + 4 * 5000.0 + 4 * 10000.0) / logged));
  // The next day starts from nothing.
  const pd::core::EpochMs next = day + 86'400'000;
  meter.sample(next + 500, next, 2, 0);
  CHECK(meter.percent() == 0);
  meter.sample(next + 2500, next, 2, 1);
  CHECK(meter.percent() == 0);  // 2 s of 2 agents, none talking
  meter.sample(next + 4500, next, 2, 1);
  CHECK(meter.percent() == doctest::Approx(25));
}
