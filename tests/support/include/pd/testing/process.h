// Child processes for integration tests: start a real program (pbx-sim,
// panelhost, mariadbd), read what it printed, stop it. Test-only code.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace pd::testing {

class ChildProcess {
 public:
  // Starts argv[0] (a path) with argv, extra environment variables added to
  // ours, stdout+stderr appended to log_path. Throws std::runtime_error when
  // the program cannot be started (tests only).
  ChildProcess(std::vector<std::string> argv, std::string log_path,
               std::map<std::string, std::string> extra_env = {});
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends the signal; returns the exit status (or 128+signal) once it exits,
  // or -1 when it did not exit within `patience` (then it is killed).
  int stop(int signal_number, std::chrono::milliseconds patience = std::chrono::seconds(10));
  // Everything the child wrote so far.
  std::string output() const;
  // Polls output() until it contains `needle`; false on timeout or exit.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string log_path_;
};

// A file's whole text ("" when it cannot be read).
std::string read_text_file(const std::string& path);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();
// True once a TCP connect to 127.0.0.1:port succeeds within timeout.
bool wait_for_port(int port, std::chrono::milliseconds timeout);
// Polls `condition` every 20 ms until true or timeout.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    struct timespec ts {
      0, 20'000'000
    };
    nanosleep(&ts, nullptr);
  }
  return condition();
}
// Repository root and build folder as CMake saw them.
std::string source_dir();
std::string build_dir();

}  // namespace pd::testing
