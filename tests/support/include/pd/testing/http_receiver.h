// A webhook receiver for tests and benchmarks: an HTTP/1.1 server on
// 127.0.0.1 (a port of its own) that records every request and answers with
// the status and after the delay it is told. Keep-alive connections, one
// thread each (the sender's concurrency bounds them: at most
// kMaxConnections at once, more are closed at accept). Test-only code.
//
// Threads: every member may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "pd/thread_annotations.h"

namespace pd::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point at;    // when the body was read
  std::chrono::system_clock::time_point wall;  // the same, by the wall clock
  int answered = 0;                            // the status it got
};

class HttpReceiver {
 public:
  static constexpr std::size_t kMaxConnections = 128;
  HttpReceiver();
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  // The status every request gets from now on (e.g. 503: "down") and how long
  // the answer waits.
  void set_status(int status);
  void set_delay(std::chrono::milliseconds delay);
  // Called with each request (on its connection's thread) as it is recorded.
  void on_request(std::function<void(const ReceivedRequest&)> hook);

  // Every request so far, in arrival order.
  std::vector<ReceivedRequest> requests() const;
  std::size_t count() const;
  // Requests answered 2xx.
  std::size_t accepted() const;

 private:
  void accept_loop() EXCLUDES(mutex_);
  void serve(int fd) EXCLUDES(mutex_);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> status_{200};
  std::atomic<long> delay_ms_{0};
  mutable pd::Mutex mutex_;
  std::vector<ReceivedRequest> requests_ GUARDED_BY(mutex_);
  std::function<void(const ReceivedRequest&)> hook_ GUARDED_BY(mutex_);
  // Joined by the destructor only, after the acceptor (its one writer).
  std::vector<std::thread> connections_;
  std::vector<int> open_fds_ GUARDED_BY(mutex_);  // at most kMaxConnections
  std::thread acceptor_;
};

}  // namespace pd::testing
