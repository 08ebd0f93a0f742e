#include "pd/core/predictive_book.h"

#include <algorithm>

namespace pd::core {

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayS = 86'400;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

AbandonCounts::Bucket& AbandonCounts::bucket(int64_t hour) {
  Bucket& b = buckets_[size_t(((hour % kHours) + kHours) % kHours)];
  if (b.hour != hour) b = Bucket{hour, 0, 0};
  return b;
}

void AbandonCounts::seed(int64_t hour, uint32_t answered, uint32_t abandoned) {
  Bucket& b = bucket(hour);
  b.answered += answered;
  b.abandoned += std::min(abandoned, answered);
}

void AbandonCounts::add(EpochMs at, bool abandoned) {
  Bucket& b = bucket(floor_div(at, kHourMs));
  ++b.answered;
  if (abandoned) ++b.abandoned;
}

AbandonCounts::Totals AbandonCounts::since(EpochMs from) const {
  const int64_t first = floor_div(from, kHourMs);
  Totals t;
  for (const Bucket& b : buckets_) {
    if (b.hour < 0 || b.hour < first) continue;
    t.answered += b.answered;
    t.abandoned += b.abandoned;
  }
  return t;
}

uint64_t DialOrder::placed() {
  if (entries_.size() >= kMaxPending) {
    entries_.pop_front();
    ++first_;
  }
  entries_.push_back({});
  return next_++;
}

void DialOrder::ended(uint64_t seq, bool answered, double delay_s, PredictiveEstimates& estimates) {
  if (seq < first_ || seq >= next_) return;
  Entry& e = entries_[size_t(seq - first_)];
  if (e.done) return;
  e = {true, answered, delay_s};
  flush(estimates);
}

void DialOrder::flush(PredictiveEstimates& estimates) {
  while (!entries_.empty() && entries_.front().done) {
    const Entry& e = entries_.front();
    estimates.record_dial(e.answered, e.delay_s);
    entries_.pop_front();
    ++first_;
  }
}

EpochMs abandon_window_start(AbandonWindow window, EpochMs now, const TimeZone* zone) {
  if (window == AbandonWindow::kRolling30Days) return now - 30 * kDayS * 1000;
  const EpochS utc = floor_div(now, 1000);
  const int32_t offset = zone ? zone->offset_at(utc) : 0;
  const EpochS local = utc + offset;
  const EpochS midnight_local = local - (((local % kDayS) + kDayS) % kDayS);
  return (midnight_local - offset) * 1000;
}

void OccupancyMeter::sample(EpochMs now, EpochMs day_start, int logged_in, int talking) {
  if (day_start != day_start_) {
    // A new day (or the first sample): the sums start again from its start
    // or from now, whichever is later.
    day_start_ = day_start;
    logged_in_ms_ = talking_ms_ = 0;
    if (last_ < day_start) last_ = -1;
  }
  if (last_ >= 0 && now > last_) {
    const double step = double(std::min(now - last_, kMaxStepMs));
    logged_in_ms_ += step * logged_in_;
    talking_ms_ += step * talking_;
  }
  last_ = now;
  logged_in_ = std::max(0, logged_in);
  talking_ = std::clamp(talking, 0, logged_in_);
}

double OccupancyMeter::percent() const {
  return logged_in_ms_ > 0 ? 100.0 * talking_ms_ / logged_in_ms_ : 0;
}

PacingFigures predictive_figures(const PredictiveDecision& decision,
                                 const PredictiveEstimates& estimates,
                                 const AbandonCounts::Totals& window, double target_pct) {
  PacingFigures f;
  f.dial_level = decision.dial_level;
  f.answer_rate_pct = estimates.answer_rate() * 100;
  f.answered_in_window = window.answered;
  f.abandoned_in_window = window.abandoned;
  f.abandon_rate_pct =
      window.answered > 0 ? 100.0 * double(window.abandoned) / double(window.answered) : 0;
  f.abandon_target_pct = target_pct;
  f.fallback = decision.fallback;
  return f;
}

}  // namespace pd::core
