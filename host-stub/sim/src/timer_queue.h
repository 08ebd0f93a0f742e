// Simulated-time timers on the Asio loop: one binary heap, one steady_timer
// armed for the earliest entry. Entries due at the same instant run in the
// order they were scheduled, so a run is repeatable.
//
// Thread: everything runs on the io_context's single thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim_clock.h"

namespace pd::sim {

class TimerQueue {
 public:
  using Callback = std::function<void()>;

  TimerQueue(boost::asio::io_context& io, const SimClock& clock);

  // Runs `callback` `delay` simulated ms after base_time().
  void schedule(SimMs delay, Callback callback);

  // The instant new timers count from: inside a timer callback the due time of
  // that timer (so a call's timeline does not drift with loop latency),
  // otherwise the instant of the last sync_to_clock().
  SimMs base_time() const { return base_; }

  // Called when outside input (a client's action) arrives.
  void sync_to_clock() { base_ = clock_.now(); }

  size_t pending() const { return heap_.size(); }

 private:
  struct Entry {
    SimMs due;
    uint64_t seq;
    Callback callback;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  void arm();
  void on_expiry();

  const SimClock& clock_;
  boost::asio::steady_timer timer_;
  std::vector<Entry> heap_;
  uint64_t next_seq_ = 0;
  SimMs base_ = 0;
  SimMs armed_for_ = -1;
  bool running_ = false;
};

}  // namespace pd::sim
