// Compiled by the thread-safety-analysis test (tests/common/CMakeLists.txt)
// with clang's -Wthread-safety -Werror=thread-safety: guarded.cpp with the
// mistakes the analysis exists for, so it must NOT compile, and each line
// whose trailing comment names the mistake must be reported.
#include <condition_variable>
#include <deque>

#include "pd/thread_annotations.h"

class Queue {
 public:
  void push(int value) EXCLUDES(mutex_) {
    items_.push_back(value);  // THREAD-SAFETY-ERROR: no lock
    ready_.notify_one();
  }

  int pop() EXCLUDES(mutex_) {
    {
      pd::MutexLock lock(mutex_);
      while (items_.empty()) lock.wait(ready_);
    }
    return take_front();  // THREAD-SAFETY-ERROR: the lock's scope ended
  }

  bool size() const { return items_.size(); }  // THREAD-SAFETY-ERROR: no lock

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
  return queue.pop() - 1 + queue.size();
}
