// Starts the real pbx-sim on a free loopback port for one test, and writes the
// scenario files the tests run it with.
#pragma once

#include <json/json.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pd/testing/process.h"

namespace pd::sim::testing {

class SimProcess {
 public:
  // Runs build/bin/pbx-sim --port <free port> <args>; REQUIREs that it listens.
  explicit SimProcess(const std::vector<std::string>& args);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  int port() const { return port_; }
  // SIGTERM, then its exit status (-1 when it had to be killed).
  int stop();
  // SIGKILL: no shutdown code runs (a crash).
  void kill();
  // What it printed to stdout and stderr so far.
  std::string output() const { return child_->output(); }
  bool wait_for_output(const std::string& needle) {
    return child_->wait_for_output(needle, std::chrono::seconds(10));
  }

 private:
  int port_ = 0;
  std::unique_ptr<pd::testing::ChildProcess> child_;
};

// The built-in rig scenario (host-stub/sim/scenarios/asterisk-rig.json),
// changed by `edit`, written to the test's work folder; returns the path.
std::string write_scenario(const std::string& name, const std::function<void(Json::Value&)>& edit);

}  // namespace pd::sim::testing
