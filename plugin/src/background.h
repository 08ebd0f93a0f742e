// Blocking work off the host loop that is not the database's (reading zone
// files, rendering and writing the dialplan file): a thread of its own, so a
// slow disk never holds up a claim or the pre-dial do-not-call lookup.
//
// Threads: run() and stop() on the host loop; jobs run on the background
// thread, one at a time, in order. A job hands its result back with the
// host's post(). Bound: at most kMaxJobs wait; run() refuses one more.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace pd::plugin {

class Background {
 public:
  virtual ~Background() = default;
  // False when the job was not taken (kMaxJobs waiting, or stopped).
  virtual bool run(std::function<void()> job) = 0;
  // Drops the jobs not started, waits for the running one. Idempotent.
  virtual void stop() = 0;
};

class ThreadBackground final : public Background {
 public:
  static constexpr size_t kMaxJobs = 16;

  ThreadBackground() : thread_([this] { loop(); }) {}
  ~ThreadBackground() override { stop(); }

  bool run(std::function<void()> job) override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || jobs_.size() >= kMaxJobs) return false;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      jobs_.clear();
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::thread thread_;                      // last: starts after the rest exists
};

}  // namespace pd::plugin
