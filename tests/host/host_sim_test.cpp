// panelhost + pbx-sim + the probe plugin, over real TCP.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pd::testing::ChildProcess;
using pd::testing::eventually;

namespace {

std::string read_text(const fs::path& path) {
  return pd::testing::read_text_file(path.string());
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// A scratch folder with a plugins/ tree and a host config.
struct HostRig {
  fs::path root;
  fs::path probe_out;
  int ami_port;

  explicit HostRig(int port, const std::string& secret = "dialersecret") : ami_port(port) {
    char name[] = "/tmp/pd-host-rig-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
    probe_out = root / "probe.out";
    fs::create_directories(root / "plugins" / "probe");
    fs::create_symlink(PD_PROBE_PLUGIN, root / "plugins" / "probe" / "probe.so");
    std::ofstream(root / "plugins" / "probe" / "manifest.json")
        << R"({"id": "probe", "version": "1.0.0", "abi": 2, "library": "probe.so",)"
           R"( "settings": {"out": "unset"}})";
    std::ofstream(root / "host.json")
        << R"({"ami": {"host": "127.0.0.1", "port": )" << port
        << R"(, "user": "dialer", "secret": ")" << secret
        << R"(", "ping_interval": 2}, "plugins_dir": "plugins", "panel": {"listen": "127.0.0.1:0"},
              "plugins": {"probe": {"out": ")"
        << probe_out.string() << R"("}}})";
  }
  ~HostRig() { fs::remove_all(root); }

  std::string log(const std::string& name) const { return (root / (name + ".log")).string(); }
  std::string probe() const { return read_text(probe_out); }
  ChildProcess start_host(std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv = {PD_PANELHOST, "--config", (root / "host.json").string(),
                                     "--panel-listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return ChildProcess(argv, log("panelhost"));
  }
};

std::vector<std::string> sim_argv(int port) {
  return {PD_PBX_SIM, "--port", std::to_string(port), "--speed", "20"};
}

}  // namespace

TEST_CASE("the probe plugin originates through panelhost and sees the outcome") {
  const int port = pd::testing::free_loopback_port();
  HostRig rig(port);
  ChildProcess sim(sim_argv(port), rig.log("sim"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));

  ChildProcess host = rig.start_host();
  CHECK(eventually([&] { return rig.probe().find("link 1") != std::string::npos; }, 10s));
  CHECK(eventually(
      [&] { return rig.probe().find("event OriginateResponse Reason=4") != std::string::npos; },
      20s));
  CHECK(eventually([&] { return rig.probe().find("event Hangup") != std::string::npos; }, 20s));
  const std::string seen = rig.probe();
  CHECK(seen.find("start") == 0);
  CHECK(seen.find("tick") != std::string::npos);
  CHECK(seen.find("sent 0 p0-1") != std::string::npos);            // PD_OK and the host's ActionID
  CHECK(seen.find("response p0-1 Success") != std::string::npos);  // routed to its sender
  CHECK(seen.find("inject -1") != std::string::npos);              // CR/LF refused: PD_EINVAL
  // ABI 2.2: the write of each action is reported, before its response.
  CHECK(seen.find("written p0-1 ") != std::string::npos);
  CHECK(seen.find("written p0-1 ") < seen.find("response p0-1 Success"));
  // The default cap; what is queued then waits only for the write in flight.
  CHECK(seen.find(" rate=2500\n") != std::string::npos);

  CHECK(host.stop(SIGTERM) == 0);
  const std::string summary = host.output();
  CHECK(summary.find("ami_events: ") != std::string::npos);
  CHECK(summary.find("calls_originated: 1") != std::string::npos);
  CHECK(summary.find("plugins_loaded: 1") != std::string::npos);
  CHECK(rig.probe().find("stop") != std::string::npos);
  CHECK(sim.stop(SIGTERM) == 0);
}

TEST_CASE("a PBX restart makes panelhost reconnect and the plugin sees link down and up") {
  const int port = pd::testing::free_loopback_port();
  HostRig rig(port);
  auto sim = std::make_unique<ChildProcess>(sim_argv(port), rig.log("sim"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));
  ChildProcess host = rig.start_host();
  REQUIRE(eventually([&] { return count_of(rig.probe(), "link 1") == 1; }, 10s));

  sim->stop(SIGKILL);
  CHECK(eventually([&] { return rig.probe().find("link 0") != std::string::npos; }, 10s));
  sim = std::make_unique<ChildProcess>(sim_argv(port), rig.log("sim2"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));
  CHECK(eventually([&] { return count_of(rig.probe(), "link 1") == 2; }, 20s));
  // After the new link-up the probe's second call goes through the new PBX.
  CHECK(eventually([&] { return count_of(rig.probe(), "event OriginateResponse Reason=4") >= 1; },
                   20s));

  CHECK(host.stop(SIGTERM) == 0);
  CHECK(host.output().find("ami_link_losses: 1") != std::string::npos);
  CHECK(host.output().find("ami_connects: 2") != std::string::npos);
}

TEST_CASE("a failed login is reported clearly and retried") {
  const int port = pd::testing::free_loopback_port();
  HostRig rig(port, "wrong-secret");
  ChildProcess sim(sim_argv(port), rig.log("sim"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));
  ChildProcess host = rig.start_host();
  CHECK(host.wait_for_output("authentication failed", 10s));
  CHECK(host.wait_for_output("retrying in", 10s));
  CHECK(host.running());
  CHECK(rig.probe().find("link 1") == std::string::npos);
  CHECK(host.stop(SIGTERM) == 0);
  CHECK(host.output().find("ami_login_failures: 0") == std::string::npos);
}

TEST_CASE("one broken plugin does not stop the others") {
  const int port = pd::testing::free_loopback_port();
  HostRig rig(port);
  fs::create_directories(rig.root / "plugins" / "broken");
  std::ofstream(rig.root / "plugins" / "broken" / "manifest.json") << "{\"id\": 5}";
  ChildProcess sim(sim_argv(port), rig.log("sim"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));
  ChildProcess host = rig.start_host({"--duration", "3"});
  CHECK(eventually([&] { return !host.running(); }, 15s));
  const std::string output = host.output();
  CHECK(output.find("manifest.json lacks the string field \"id\"") != std::string::npos);
  CHECK(output.find("plugins_loaded: 1") != std::string::npos);
  CHECK(output.find("plugins_failed: 1") != std::string::npos);
  CHECK(rig.probe().find("link 1") != std::string::npos);
}

// panelhost's AMI rate cap (ami.rate): actions beyond it wait in its queue;
// the plugin sees how many (ami_pacing), and each one's write time
// (on_ami_written), a cap's interval apart.
TEST_CASE("a low ami.rate queues the plugin's actions: it sees the queue and each write's time") {
  const int port = pd::testing::free_loopback_port();
  HostRig rig(port);
  ChildProcess sim(sim_argv(port), rig.log("sim"));
  REQUIRE(pd::testing::wait_for_port(port, 10s));
  ChildProcess host = rig.start_host({"--ami-rate", "2"});
  // The Originate goes at once (the bucket starts full), the two Pings wait.
  REQUIRE(eventually(
      [&] { return rig.probe().find("pacing queued=2 queued_all=2 rate=2") != std::string::npos; },
      10s));
  // The write report comes before the response; wait for both (under load
  // the response may follow the report by a while).
  REQUIRE(eventually([&] { return rig.probe().find("response p0-3 Success") != std::string::npos; },
                     10s));
  const std::string seen = rig.probe();
  auto written_at = [&](const std::string& id) {
    const size_t at = seen.find("written " + id + " ");
    REQUIRE(at != std::string::npos);
    return std::stoll(seen.substr(at + 9 + id.size()));
  };
  const long long first = written_at("p0-1");
  const long long second = written_at("p0-2");
  const long long third = written_at("p0-3");
  // p0-4 is the refused injection: never queued, never reported.
  CHECK(seen.find("written p0-4 ") == std::string::npos);
  CHECK(second - first >= 400);  // 2 a second: about 500 ms apart
  CHECK(third - second >= 400);
  CHECK(seen.find("written p0-3 ") < seen.find("response p0-3 Success"));
  CHECK(seen.find("response p0-3 Success") != std::string::npos);
  CHECK(host.stop(SIGTERM) == 0);
  CHECK(sim.stop(SIGTERM) == 0);
}
