// Thread-safety annotations, checked at compile time by clang's
// -Wthread-safety (the sanitizer build turns them into errors; see README).
//
// What for: a field that threads share says which mutex guards it, and the
// compiler proves that every read and write happens with that mutex held.
// Under GCC (the normal build) every macro expands to nothing and pd::Mutex
// is a plain std::mutex with the same cost.
//
// How to use:
//
//   class Queue {
//    public:
//     void push(int v) EXCLUDES(mutex_) {
//       pd::MutexLock lock(mutex_);
//       items_.push_back(v);
//       ready_.notify_one();
//     }
//     int pop() EXCLUDES(mutex_) {
//       pd::MutexLock lock(mutex_);
//       while (items_.empty()) lock.wait(ready_);  // the condition, spelled
//       return take_front();                        // out where the lock is held
//     }
//    private:
//     int take_front() REQUIRES(mutex_);  // callers must hold mutex_
//     pd::Mutex mutex_;
//     std::condition_variable ready_;
//     std::deque<int> items_ GUARDED_BY(mutex_);
//   };
//
// Waiting: std::condition_variable needs a std::unique_lock<std::mutex>,
// which the analysis knows nothing of, so pd::MutexLock holds one and offers
// wait(), wait_until() and wait_for(). Write the wait loop's condition in the
// function itself (`while (!ready()) lock.wait(cv);`), not as a predicate
// lambda: a lambda's body is analysed on its own, without the lock.
//
// Attributes: https://clang.llvm.org/docs/ThreadSafetyAnalysis.html
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define PD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PD_THREAD_ANNOTATION(x)
#endif

// A type that is a capability (a mutex); the name appears in the messages.
#define CAPABILITY(x) PD_THREAD_ANNOTATION(capability(x))
// An RAII type that acquires a capability in its constructor and releases it
// in its destructor.
#define SCOPED_CAPABILITY PD_THREAD_ANNOTATION(scoped_lockable)
// A field that may be read or written only with the capability held.
#define GUARDED_BY(x) PD_THREAD_ANNOTATION(guarded_by(x))
// A pointer field whose pointee may be used only with the capability held.
#define PT_GUARDED_BY(x) PD_THREAD_ANNOTATION(pt_guarded_by(x))
// The caller must hold the capability (a helper that runs under the lock).
#define REQUIRES(...) PD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The caller must not hold the capability (the function takes it itself).
#define EXCLUDES(...) PD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function acquires / releases the capability (the mutex's own members).
#define ACQUIRE(...) PD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// The function acquires the capability when it returns the given value.
#define TRY_ACQUIRE(...) PD_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// The function returns a reference to the capability.
#define RETURN_CAPABILITY(x) PD_THREAD_ANNOTATION(lock_returned(x))
// The function asserts (at run time or by construction) that the capability
// is held; the analysis takes it as held afterwards.
#define ASSERT_CAPABILITY(x) PD_THREAD_ANNOTATION(assert_capability(x))
// Turns the analysis off for one function. Say why next to it.
#define NO_THREAD_SAFETY_ANALYSIS PD_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace pd {

// std::mutex with annotated members (libstdc++'s std::mutex has none, so the
// analysis cannot see it being locked).
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }
  // For code the analysis cannot follow (a callback that runs under the
  // lock): tells it the lock is held. Checks nothing at run time.
  void assert_held() const ASSERT_CAPABILITY(this) {}

 private:
  friend class MutexLock;
  std::mutex mutex_;
};

// Holds a pd::Mutex for its scope (std::lock_guard's role), and waits on a
// std::condition_variable with it (std::unique_lock's role in a wait).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) {
    mutex.lock();
    lock_ = std::unique_lock<std::mutex>(mutex.mutex_, std::adopt_lock);
  }
  ~MutexLock() RELEASE() {
    lock_.release();  // the std::mutex is locked again after every wait
    mutex_.unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Releases the mutex while blocked, holds it again on return (also on a
  // spurious wake-up: callers loop on their condition).
  void wait(std::condition_variable& cv) { cv.wait(lock_); }
  template <class Clock, class Duration>
  std::cv_status wait_until(std::condition_variable& cv,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    return cv.wait_until(lock_, deadline);
  }
  template <class Rep, class Period>
  std::cv_status wait_for(std::condition_variable& cv,
                          const std::chrono::duration<Rep, Period>& timeout) {
    return cv.wait_for(lock_, timeout);
  }

 private:
  Mutex& mutex_;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace pd
