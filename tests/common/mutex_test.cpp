// pd::Mutex and pd::MutexLock (pd/thread_annotations.h) at run time: the lock
// excludes, a wait releases it and holds it again, a timed wait times out.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "pd/thread_annotations.h"

namespace {

class Counter {
 public:
  void add() EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    ++value_;
  }
  int value() EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    return value_;
  }

 private:
  pd::Mutex mutex_;
  int value_ GUARDED_BY(mutex_) = 0;
};

class Channel {
 public:
  void send(int v) EXCLUDES(mutex_) {
    {
      pd::MutexLock lock(mutex_);
      items_.push_back(v);
    }
    ready_.notify_one();
  }
  int receive() EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    while (items_.empty()) lock.wait(ready_);
    const int v = items_.front();
    items_.pop_front();
    return v;
  }
  // Waits until `deadline` for an item; false when none came.
  bool receive_until(std::chrono::steady_clock::time_point deadline, int& out) EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    while (items_.empty()) {
      if (lock.wait_until(ready_, deadline) == std::cv_status::timeout) break;
    }
    if (items_.empty()) return false;
    out = items_.front();
    items_.pop_front();
    return true;
  }
  bool try_empty(bool& empty) EXCLUDES(mutex_) {
    if (!mutex_.try_lock()) return false;
    empty = items_.empty();
    mutex_.unlock();
    return true;
  }
  pd::Mutex& mutex() RETURN_CAPABILITY(mutex_) { return mutex_; }

 private:
  pd::Mutex mutex_;
  std::condition_variable ready_;
  std::deque<int> items_ GUARDED_BY(mutex_);
};

}  // namespace

TEST_CASE("MutexLock excludes: four threads count to 40000 without losing an increment") {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10000; ++i) counter.add();
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.value() == 40000);
}

TEST_CASE("MutexLock wait releases the mutex while blocked and holds it again on return") {
  Channel channel;
  std::thread producer([&channel] {
    for (int i = 1; i <= 100; ++i) channel.send(i);
  });
  int sum = 0;
  for (int i = 0; i < 100; ++i) sum += channel.receive();
  producer.join();
  CHECK(sum == 5050);
  bool empty = false;
  CHECK(channel.try_empty(empty));  // the receiver released it
  CHECK(empty);
}

TEST_CASE("MutexLock wait_until times out when nothing comes, and returns an item that is there") {
  Channel channel;
  int out = 0;
  CHECK_FALSE(channel.receive_until(std::chrono::steady_clock::now(), out));
  channel.send(7);
  CHECK(channel.receive_until(std::chrono::steady_clock::now(), out));
  CHECK(out == 7);
}

TEST_CASE("Mutex try_lock fails while another scope holds it") {
  Channel channel;
  pd::MutexLock lock(channel.mutex());
  bool empty = false;
  std::thread other([&] { CHECK_FALSE(channel.try_empty(empty)); });
  other.join();
}
