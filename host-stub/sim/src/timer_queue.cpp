#include "timer_queue.h"

#include <algorithm>

namespace pd::sim {

TimerQueue::TimerQueue(boost::asio::io_context& io, const SimClock& clock)
    : clock_(clock), timer_(io) {}

void TimerQueue::schedule(SimMs delay, Callback callback) {
  const SimMs due = base_ + std::max<SimMs>(delay, 0);
  heap_.push_back(Entry{due, next_seq_++, std::move(callback)});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  if (!running_ && (armed_for_ < 0 || due < armed_for_)) arm();
}

void TimerQueue::arm() {
  if (heap_.empty()) {
    armed_for_ = -1;
    return;
  }
  armed_for_ = heap_.front().due;
  timer_.expires_at(clock_.real_time_of(armed_for_));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed for an earlier entry, or shutting down
    on_expiry();
  });
}

void TimerQueue::on_expiry() {
  armed_for_ = -1;
  running_ = true;
  const SimMs now = clock_.now();
  while (!heap_.empty() && heap_.front().due <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Entry entry = std::move(heap_.back());
    heap_.pop_back();
    base_ = entry.due;
    entry.callback();
  }
  running_ = false;
  base_ = now;
  arm();
}

}  // namespace pd::sim
