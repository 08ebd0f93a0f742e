// A stand-in for the host loop: StoreWorker posts tasks here and the test
// thread runs them while it waits, as the host's event loop would.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <thread>

#include "pd/thread_annotations.h"

namespace pd::store::testing {

class TestLoop {
 public:
  // The post service handed to StoreWorker: any thread, never blocks.
  std::function<void(std::function<void()>)> post_fn() {
    return [this](std::function<void()> task) EXCLUDES(mutex_) {
      pd::MutexLock lock(mutex_);
      tasks_.push_back(std::move(task));
    };
  }

  // Runs posted tasks on this thread until `done()` holds or the timeout
  // passes; returns done().
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      run_pending();
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  void run_pending() EXCLUDES(mutex_) {
    std::deque<std::function<void()>> now;
    {
      pd::MutexLock lock(mutex_);
      now.swap(tasks_);
    }
    for (auto& task : now) task();
  }

 private:
  pd::Mutex mutex_;
  std::deque<std::function<void()>> tasks_ GUARDED_BY(mutex_);
};

}  // namespace pd::store::testing
