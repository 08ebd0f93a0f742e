#include "call_model.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pd::sim {

SimMs LogNormal::draw(Rng& rng) const {
  const double mu = std::log(mean_s) - sigma * sigma / 2;
  const double u1 = std::max(rng.unit(), 1e-12), u2 = rng.unit();
  const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  return static_cast<SimMs>(std::llround(std::exp(mu + sigma * z) * 1000.0));
}

double AnswerRate::at(const DialMoment& moment) const {
  if (points.empty()) return 0;
  const int64_t x = axis == Axis::kTime ? moment.since_start : static_cast<int64_t>(moment.ordinal);
  if (x <= points.front().at) return points.front().rate;
  if (x >= points.back().at) return points.back().rate;
  const auto next = std::upper_bound(points.begin(), points.end(), x,
                                     [](int64_t v, const Point& p) { return v < p.at; });
  const Point& b = *next;
  const Point& a = *(next - 1);
  const double f = static_cast<double>(x - a.at) / static_cast<double>(b.at - a.at);
  return a.rate + (b.rate - a.rate) * f;
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAnswer:
      return "answer";
    case Outcome::kBusy:
      return "busy";
    case Outcome::kNoAnswer:
      return "noanswer";
    case Outcome::kCongestion:
      return "congestion";
    case Outcome::kUnallocated:
      return "unallocated";
    case Outcome::kMachine:
      return "machine";
    case Outcome::kDtmf:
      return "dtmf";
    case Outcome::kSilent:
      return "silent";
  }
  return "?";
}

bool answers(Outcome outcome) {
  return outcome == Outcome::kAnswer || outcome == Outcome::kMachine || outcome == Outcome::kDtmf ||
         outcome == Outcome::kSilent;
}

SimMs NumberRule::draw_talk(Rng& rng) const {
  return talk_lognormal ? talk_lognormal->draw(rng) : talk.draw(rng);
}

const NumberRule& match_rule(std::span<const NumberRule> rules, const NumberRule& fallback,
                             std::string_view number) {
  for (const auto& rule : rules)
    if (rule.pattern && rule.pattern->matches(number)) return rule;
  return fallback;
}

const NumberRule& pick_rule(const NumberRule& rule, const DialMoment& moment, Rng& rng) {
  if (!rule.answer_rate || rule.unanswered.empty()) return rule;
  const double rate = rule.answer_rate->at(moment);
  const double u = rng.unit();
  if (u < rate) return rule;
  // The same draw picks the unanswered rule: u is uniform over [rate, 1) here.
  double total = 0;
  for (const auto& other : rule.unanswered) total += other.share;
  const double v = rate < 1 ? (u - rate) / (1 - rate) * total : 0;
  double sum = 0;
  for (const auto& other : rule.unanswered) {
    sum += other.share;
    if (v < sum) return other;
  }
  return rule.unanswered.back();
}

CallDraw draw_call(const NumberRule& rule, const DialMoment& moment, SimMs ring_timeout, Rng& rng) {
  CallDraw draw;
  const NumberRule& picked = pick_rule(rule, moment, rng);
  draw.rule = &picked;
  draw.outcome = picked.outcome;
  if (answers(picked.outcome)) {
    draw.after = picked.answer_after.draw(rng);
    if (draw.after >= ring_timeout) {
      draw.outcome = Outcome::kNoAnswer;
      draw.after = ring_timeout;
      return draw;
    }
    draw.answered = true;
    draw.talk = picked.draw_talk(rng);
    return draw;
  }
  if (picked.outcome == Outcome::kNoAnswer) {
    draw.after = ring_timeout;
    return draw;
  }
  draw.after = picked.after.draw(rng);
  if (draw.after >= ring_timeout) {
    draw.outcome = Outcome::kNoAnswer;
    draw.after = ring_timeout;
  }
  return draw;
}

}  // namespace pd::sim
