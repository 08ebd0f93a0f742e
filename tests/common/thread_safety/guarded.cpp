// Compiled by the thread-safety-analysis test (tests/common/CMakeLists.txt)
// with clang's -Wthread-safety -Werror=thread-safety: every use of
// pd/thread_annotations.h done right, so it must compile.
#include <condition_variable>
#include <deque>

#include "pd/thread_annotations.h"

class Queue {
 public:
  void push(int value) EXCLUDES(mutex_) {
    {
      pd::MutexLock lock(mutex_);
      items_.push_back(value);
    }
    ready_.notify_one();
  }

  int pop() EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    while (items_.empty()) lock.wait(ready_);
    return take_front();
  }

  bool try_pop(int& out) EXCLUDES(mutex_) {
    if (!mutex_.try_lock()) return false;
    const bool got = !items_.empty();
    if (got) out = take_front();
    mutex_.unlock();
    return got;
  }

  bool wait_briefly() EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    (void)lock.wait_for(ready_, std::chrono::milliseconds(1));
    return items_.empty();
  }

 private:
  int take_front() REQUIRES(mutex_) {
    const int value = items_.front();
    items_.pop_front();
    return value;
  }

  pd::Mutex mutex_;
  std::condition_variable ready_;
  std::deque<int> items_ GUARDED_BY(mutex_);
};

int main() {
  Queue queue;
  queue.push(1);
  int out = 0;
  return queue.pop() + (queue.try_pop(out) ? 1 : 0) + (queue.wait_briefly() ? 0 : 1) - 1;
}
