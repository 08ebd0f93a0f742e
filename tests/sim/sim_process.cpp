#include "sim_process.h"

#include <doctest/doctest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace pd::sim::testing {

SimProcess::SimProcess(const std::vector<std::string>& args) {
  port_ = pd::testing::free_loopback_port();
  std::vector<std::string> argv = {PD_SIM_BINARY, "--port", std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log =
      std::string(PD_SIM_TEST_WORK_DIR) + "/pbx-sim-" + std::to_string(port_) + ".log";
  std::remove(log.c_str());
  child_ = std::make_unique<pd::testing::ChildProcess>(argv, log);
  REQUIRE_MESSAGE(pd::testing::wait_for_port(port_, std::chrono::seconds(10)),
                  "pbx-sim did not listen on port " << port_ << ":\n"
                                                    << child_->output());
}

SimProcess::~SimProcess() = default;  // ChildProcess kills it if still running

int SimProcess::stop() {
  return child_->stop(SIGTERM);
}

void SimProcess::kill() {
  child_->stop(SIGKILL);
}

std::string write_scenario(const std::string& name, const std::function<void(Json::Value&)>& edit) {
  std::ifstream in(PD_SIM_RIG_SCENARIO);
  REQUIRE_MESSAGE(in.good(), "cannot read " << PD_SIM_RIG_SCENARIO);
  Json::Value root;
  Json::CharReaderBuilder reader;
  std::string errors;
  REQUIRE_MESSAGE(Json::parseFromStream(reader, in, &root, &errors), errors);
  edit(root);
  const std::string path = std::string(PD_SIM_TEST_WORK_DIR) + "/" + name + ".json";
  std::ofstream out(path);
  out << Json::writeString(Json::StreamWriterBuilder(), root);
  REQUIRE(out.good());
  return path;
}

}  // namespace pd::sim::testing
