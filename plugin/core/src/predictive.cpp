#include "pd/core/predictive.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace pd::core {
namespace {

constexpr double kTalkAlpha = 0.02;    // EWMA weight of one talk time (log space)
constexpr double kWrapupAlpha = 0.05;  // EWMA weight of one wrap-up
// Share of the campaign's target one decision may spend, when the window is
// at 0 %; it falls linearly to 0 as the window's rate reaches the target.
constexpr double kTargetShare = 0.8;
// The window after this decision - its abandoned and answered calls plus the
// ones this decision expects - stays under this share of the target, so the
// rate never crosses it, not even early in a window with few calls.
constexpr double kWindowShare = 0.9;
// Abandons in the window's check: the expected ones plus this many of their
// standard deviations (a Poisson count: the square root of the mean).
constexpr double kAbandonMargin = 1.5;
// A window with few answered calls moves a lot with each abandoned one: the
// share allowed grows with the answered calls, half of it at this many.
constexpr double kWarmupAnswers = 3000;

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

}  // namespace

DelayHistogram::DelayHistogram(double from_s, double to_s, double weight) {
  const int first = std::clamp(int(from_s), 0, kBuckets - 1);
  const int last = std::clamp(int(to_s), first, kBuckets - 1);
  for (int b = first; b <= last; ++b) weights_[b] = weight / (last - first + 1);
  total_ = weight;
}

void DelayHistogram::add(double seconds, double decay) {
  for (double& w : weights_) w *= decay;
  total_ = total_ * decay + 1;
  weights_[std::clamp(int(std::max(seconds, 0.0)), 0, kBuckets - 1)] += 1;
}

double DelayHistogram::survival(double seconds) const {
  if (total_ <= 0) return 0;
  // Bucket b holds [b, b+1): spread evenly inside it.
  const double t = std::max(seconds, 0.0);
  const int b = int(t);
  if (b >= kBuckets) return 0;
  double after = weights_[b] * (b + 1 - t);
  for (int i = b + 1; i < kBuckets; ++i) after += weights_[i];
  return std::clamp(after / total_, 0.0, 1.0);
}

double DelayHistogram::mean_s() const {
  if (total_ <= 0) return 0;
  double sum = 0;
  for (int b = 0; b < kBuckets; ++b) sum += weights_[b] * (b + 0.5);
  return sum / total_;
}

PredictiveEstimates::PredictiveEstimates(const PredictivePrior& prior)
    : prior_(prior),
      decay_(std::pow(0.5, 1.0 / std::max(prior.half_life_calls, 1.0))),
      answered_weight_(std::clamp(prior.answer_rate, 0.0, 1.0) *
                       std::max(prior.answer_weight, 0.0)),
      unanswered_weight_((1 - std::clamp(prior.answer_rate, 0.0, 1.0)) *
                         std::max(prior.answer_weight, 0.0)),
      answer_delays_(std::max(prior.answer_delay_s, 1.0) / 2,
                     std::max(prior.answer_delay_s, 1.0) * 1.5, std::max(prior.answer_weight, 1.0)),
      failure_delays_(1, std::max(prior.ring_timeout_s, 2.0), std::max(prior.answer_weight, 1.0)),
      wrapup_mean_s_(std::max(prior.wrapup_mean_s, 0.0)) {
  // A log-normal with this mean and shape: mean = exp(mu + sigma^2 / 2).
  const double sigma = std::max(prior.talk_sigma, 0.05);
  log_talk_var_ = sigma * sigma;
  log_talk_mean_ = std::log(std::max(prior.talk_mean_s, 1.0)) - log_talk_var_ / 2;
}

void PredictiveEstimates::record_dial(bool answered, double delay_s) {
  ++dials_;
  answered_weight_ = answered_weight_ * decay_ + (answered ? 1 : 0);
  unanswered_weight_ = unanswered_weight_ * decay_ + (answered ? 0 : 1);
  (answered ? answer_delays_ : failure_delays_).add(delay_s, decay_);
}

void PredictiveEstimates::record_talk(double talk_s) {
  const double x = std::log(std::max(talk_s, 1.0));
  const double diff = x - log_talk_mean_;
  log_talk_mean_ += kTalkAlpha * diff;
  log_talk_var_ = std::max((1 - kTalkAlpha) * (log_talk_var_ + kTalkAlpha * diff * diff), 0.0025);
}

void PredictiveEstimates::record_wrapup(double wrapup_s) {
  wrapup_mean_s_ += kWrapupAlpha * (std::max(wrapup_s, 0.0) - wrapup_mean_s_);
}

double PredictiveEstimates::answer_rate() const {
  const double total = answered_weight_ + unanswered_weight_;
  return total <= 0 ? 0 : answered_weight_ / total;
}

double PredictiveEstimates::answer_chance_while_ringing(double rung_s) const {
  const double p = answer_rate();
  const double answered_still = p * answer_delays_.survival(rung_s);
  const double unanswered_still = (1 - p) * failure_delays_.survival(rung_s);
  const double total = answered_still + unanswered_still;
  return total <= 0 ? 0 : answered_still / total;
}

double PredictiveEstimates::talk_mean_s() const {
  return std::exp(log_talk_mean_ + log_talk_var_ / 2);
}

double PredictiveEstimates::talk_survival(double t_s) const {
  if (t_s <= 0) return 1;
  return 1 - normal_cdf((std::log(t_s) - log_talk_mean_) / std::sqrt(log_talk_var_));
}

double PredictiveEstimates::talk_ends_within(double elapsed_s, double horizon_s) const {
  const double alive = talk_survival(elapsed_s);
  if (alive < 1e-12) return 1;
  return std::clamp(1 - talk_survival(elapsed_s + horizon_s) / alive, 0.0, 1.0);
}

namespace {

// The distribution of a count that is `offset` plus a sum of independent
// Bernoulli trials: pmf[k] = P(count = offset + k).
struct CountDistribution {
  int offset = 0;
  std::vector<double> pmf{1.0};
  void add(double chance) {
    const double q = std::clamp(chance, 0.0, 1.0);
    pmf.push_back(0);
    for (size_t k = pmf.size() - 1; k > 0; --k) pmf[k] = pmf[k] * (1 - q) + pmf[k - 1] * q;
    pmf[0] *= 1 - q;
  }
  double mean() const {
    double m = 0;
    for (size_t k = 0; k < pmf.size(); ++k) m += pmf[k] * double(k);
    return offset + m;
  }
};

// excess[x] = E[max(0, x - A)] for x = 0..max_x: the answers beyond the
// agents A when x calls are answered. O(max_x + |A|) with running sums.
std::vector<double> excess_table(const CountDistribution& agents, int max_x) {
  std::vector<double> table(size_t(max_x) + 1, 0.0);
  double below = 0, below_sum = 0;  // P(A < x), E[A; A < x]
  size_t next = 0;                  // agents.pmf index not yet counted
  for (int x = 0; x <= max_x; ++x) {
    while (next < agents.pmf.size() && agents.offset + int(next) < x) {
      below += agents.pmf[next];
      below_sum += agents.pmf[next] * double(agents.offset + int(next));
      ++next;
    }
    table[size_t(x)] = double(x) * below - below_sum;
  }
  return table;
}

}  // namespace

PredictiveDecision predict_calls(const PredictiveState& s, const PredictiveEstimates& e) {
  PredictiveDecision d;
  const double p = e.answer_rate();
  const double horizon = std::max(e.answer_delay_s(), 1.0);

  // Agents free by the time a call placed now is answered: the free ones,
  // those whose wrap-up ends by then, and each talker with the chance that
  // the call ends by then.
  CountDistribution agents;
  agents.offset = std::max(s.free_agents, 0);
  for (double wrapped : s.wrapup_s) {
    if (wrapped + horizon >= e.wrapup_mean_s()) ++agents.offset;
  }
  for (double talked : s.talking_s) agents.add(e.talk_ends_within(std::max(talked, 0.0), horizon));
  d.agents_expected = agents.mean();

  // Answers still to come from the calls ringing: the odds a call that has
  // rung `t` seconds is answered, from how long answered and unanswered
  // dials last.
  CountDistribution answers;
  for (double rung : s.ringing_s) {
    if (rung < s.ring_timeout_s) answers.add(e.answer_chance_while_ringing(rung));
  }
  const double ring_answers = answers.mean();

  // The window's budget: near the target, one call per free agent.
  const double rate =
      s.window_answered == 0 ? 0 : double(s.window_abandoned) / double(s.window_answered);
  const int in_flight = int(s.ringing_s.size());
  if (s.target <= 0 || rate >= kWindowShare * s.target) {
    d.fallback = true;
    d.calls = std::clamp(s.free_agents - in_flight, 0, std::max(s.max_new_calls, 0));
    d.dial_level = d.agents_expected > 0 ? (in_flight + d.calls) / d.agents_expected : 0;
    char why[200];
    std::snprintf(why, sizeof why,
                  "abandonment %.2f%% of the window is at %.0f%% of the %.2f%% target: one call "
                  "per free agent",
                  rate * 100, kWindowShare * 100, s.target * 100);
    d.why = why;
    return d;
  }
  d.allowed = kTargetShare * s.target * (1 - rate / s.target) * double(s.window_answered) /
              (double(s.window_answered) + kWarmupAnswers);

  // The most new calls whose expected share of unstaffed answers stays within
  // `allowed` (and keeps the window under kWindowShare of the target), with at
  // most max_dial_level calls in flight per expected agent. Each new call
  // adds one trial of chance p to the answers.
  const int by_level = int(std::floor(s.max_dial_level * d.agents_expected)) - in_flight;
  const int limit = std::max(0, std::min(s.max_new_calls, by_level));
  const std::vector<double> excess = excess_table(agents, int(answers.pmf.size()) - 1 + limit);
  auto expected_excess = [&] {
    double sum = 0;
    for (size_t x = 0; x < answers.pmf.size(); ++x) sum += answers.pmf[x] * excess[x];
    return sum;
  };
  // Abandons are counts: the window must hold the expected ones plus a margin
  // of their spread (Poisson: sqrt of the mean) and, when any is expected, a
  // burst of s.burst_abandons, which matters while the window is young and a few
  // abandons move its rate a lot.
  const auto within_window = [&](double abandons, double expected_answers) {
    const double burst = abandons > 1e-9 ? std::max(s.burst_abandons, 0.0) : 0;
    return double(s.window_abandoned) + abandons + kAbandonMargin * std::sqrt(abandons) + burst <=
           kWindowShare * s.target * (double(s.window_answered) + expected_answers);
  };
  int best = 0;
  double mean = ring_answers;
  double excess_now = expected_excess();
  d.answers_expected = mean;
  d.abandon_expected = mean > 0 ? excess_now / mean : 0;
  for (int n = 1; n <= limit; ++n) {
    answers.add(p);
    mean += p;
    const double ex = expected_excess();
    const double share = mean > 0 ? ex / mean : 0;
    if (share > d.allowed || !within_window(ex, mean)) break;
    best = n;
    d.answers_expected = mean;
    d.abandon_expected = share;
  }
  d.calls = best;
  d.dial_level = d.agents_expected > 0 ? (in_flight + best) / d.agents_expected : 0;
  char why[200];
  std::snprintf(why, sizeof why,
                "%d calls: %.1f agents expected within %.0f s, answer rate %.0f%%, expected "
                "abandonment %.2f%% (allowed %.2f%%), dial level %.2f",
                best, d.agents_expected, horizon, p * 100, d.abandon_expected * 100,
                d.allowed * 100, d.dial_level);
  d.why = why;
  return d;
}

}  // namespace pd::core
