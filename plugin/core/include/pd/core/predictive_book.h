// What the engine keeps for one predictive campaign besides the pacer's
// estimates (pd/core/predictive.h), pure: the abandonment window's counts,
// the order dials are recorded into the estimates, the window's start and
// the figures the dashboard and the audit read (pd/core/pacing_figures.h).
// docs/predictive.md, "In the engine", says which events feed what.
//
// Threads: not thread-safe; the engine keeps one of each per predictive
// campaign on the host loop.
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "pd/core/campaign.h"
#include "pd/core/clock.h"
#include "pd/core/pacing_figures.h"
#include "pd/core/predictive.h"
#include "pd/core/time_zone.h"

namespace pd::core {

// Answered live calls and abandons per hour, for the last kHours hours:
// a fixed ring of hourly buckets (O(1) to add, O(kHours) to sum). Hours
// older than the ring are forgotten; the window (at most 30 days and an
// hour) always fits.
class AbandonCounts {
 public:
  static constexpr int kHours = 31 * 24;
  struct Totals {
    int64_t answered = 0;
    int64_t abandoned = 0;
  };
  // Adds what the store counted for `hour` (epoch seconds / 3600), at start.
  void seed(int64_t hour, uint32_t answered, uint32_t abandoned);
  // One answered live call at `at`; `abandoned`: it was abandoned too.
  void add(EpochMs at, bool abandoned);
  // The sums over the hours from the one holding `from` on (a window that
  // starts inside an hour counts that whole hour: never fewer calls).
  Totals since(EpochMs from) const;

 private:
  struct Bucket {
    int64_t hour = -1;
    uint32_t answered = 0;
    uint32_t abandoned = 0;
  };
  Bucket& bucket(int64_t hour);
  std::array<Bucket, kHours> buckets_{};
};

// Feeds dials into the estimates in the order they were placed, each once
// every earlier one has ended (PredictiveEstimates::record_dial says why).
// At most kMaxPending dials wait; beyond, the oldest is dropped unrecorded.
class DialOrder {
 public:
  static constexpr size_t kMaxPending = 4096;
  // A dial placed now: its sequence number (never 0).
  uint64_t placed();
  // The dial `seq` ended: answered by a person or not, after `delay_s` (to
  // the answer, or to its end). Records it and every later one already
  // ended. An unknown or already recorded `seq` is ignored.
  void ended(uint64_t seq, bool answered, double delay_s, PredictiveEstimates& estimates);
  size_t pending() const { return entries_.size(); }

 private:
  struct Entry {
    bool done = false;
    bool answered = false;
    double delay_s = 0;
  };
  void flush(PredictiveEstimates& estimates);
  std::deque<Entry> entries_;
  uint64_t first_ = 1;  // the sequence number of entries_.front()
  uint64_t next_ = 1;
};

// Where the campaign's window starts at `now`: 30 days back (rolling), or
// the last local midnight in `zone` (calendar day; UTC when null).
EpochMs abandon_window_start(AbandonWindow window, EpochMs now, const TimeZone* zone);

// Agent occupancy over the campaign's day: talk time / logged-in time of the
// agents in its queue, integrated from the live state the engine samples at
// each pacing step (agents in the queue, agents talking on the campaign's
// calls). Between two samples the earlier counts hold; a gap longer than
// kMaxStepMs (the engine stopped, the link was down) counts only that long,
// so an outage is not taken for hours of idle agents. A new day (a sample
// past the day's start given by the caller: the local midnight) starts the
// sums again. Fixed size.
class OccupancyMeter {
 public:
  static constexpr EpochMs kMaxStepMs = 10'000;
  void sample(EpochMs now, EpochMs day_start, int logged_in, int talking);
  // Talk / logged-in time since the day's start, in %; 0 before any
  // logged-in time.
  double percent() const;

 private:
  EpochMs day_start_ = -1;
  EpochMs last_ = -1;
  int logged_in_ = 0;
  int talking_ = 0;
  double logged_in_ms_ = 0;
  double talking_ms_ = 0;
};

// The figures after a decision: dial level, the answer rate the pacer used,
// the window's counts and rate against the target, the fallback.
// occupancy_pct is the caller's (OccupancyMeter).
PacingFigures predictive_figures(const PredictiveDecision& decision,
                                 const PredictiveEstimates& estimates,
                                 const AbandonCounts::Totals& window, double target_pct);

}  // namespace pd::core
