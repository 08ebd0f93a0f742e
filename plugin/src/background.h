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
#include <thread>

#include "pd/thread_annotations.h"

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

  bool run(std::function<void()> job) override EXCLUDES(mutex_) {
    {
      pd::MutexLock lock(mutex_);
      if (stopping_ || jobs_.size() >= kMaxJobs) return false;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

  void stop() override EXCLUDES(mutex_) {
    {
      pd::MutexLock lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      jobs_.clear();
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() EXCLUDES(mutex_) {
    for (;;) {
      std::function<void()> job;
      {
        pd::MutexLock lock(mutex_);
        while (!stopping_ && jobs_.empty()) lock.wait(wake_);
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  pd::Mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;  // last: starts after the rest exists
};

}  // namespace pd::plugin
