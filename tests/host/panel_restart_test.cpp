// panelhost restarted on the same panel port right after a crash: the old
// process's connections linger (TIME_WAIT), or the old process has not quite
// exited and still holds the listener. Real processes, real TCP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pd::testing::ChildProcess;
using pd::testing::eventually;

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// The test's sockets are close-on-exec: a panelhost started later must not
// inherit them (an inherited listener would keep the port taken, an inherited
// client would keep a connection open after the test closes it).

// A TCP client of the panel server: one HTTP request, kept alive.
class PanelClient {
 public:
  explicit PanelClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    const sockaddr_in addr = loopback(port);
    REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0,
                    "connect to 127.0.0.1:" << port << ": " << std::strerror(errno));
  }
  ~PanelClient() { close(); }
  PanelClient(const PanelClient&) = delete;
  PanelClient& operator=(const PanelClient&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void get(const std::string& path) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
  }
  // True once what arrived contains `needle`.
  bool received(const std::string& needle, std::chrono::milliseconds timeout) {
    return eventually(
        [&] {
          pump();
          return text_.find(needle) != std::string::npos;
        },
        timeout);
  }
  // True once the server closed its side.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    return eventually(
        [&] {
          pump();
          return eof_;
        },
        timeout);
  }

 private:
  void pump() {
    pollfd p{fd_, POLLIN, 0};
    while (!eof_ && ::poll(&p, 1, 0) == 1) {
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof_ = true;  // 0: FIN; <0: a reset, also the end of the connection
        return;
      }
      text_.append(buffer, static_cast<size_t>(n));
    }
  }

  int fd_;
  std::string text_;
  bool eof_ = false;
};

// A listening socket held by the test: what a panelhost that has not quite
// exited yet still holds.
class PortHolder {
 public:
  explicit PortHolder(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    const sockaddr_in addr = loopback(port);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
  }
  ~PortHolder() { release(); }
  PortHolder(const PortHolder&) = delete;
  PortHolder& operator=(const PortHolder&) = delete;
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// True when /proc/net/tcp lists a TIME_WAIT socket (state 06) whose local
// port is `port`: the leftover that SO_REUSEADDR must let a new bind pass.
bool time_wait_on(int port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (local.ends_with(wanted) && state == "06") return true;
  }
  return false;
}

// A scratch folder with a host config: no plugins, an AMI port nobody
// listens on (the host keeps retrying it; the panel server does not need it).
struct PanelRig {
  fs::path root;
  int panel_port = pd::testing::free_loopback_port();
  int runs = 0;

  PanelRig() {
    char name[] = "/tmp/pd-panel-rig-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    root = name;
    fs::create_directories(root / "plugins");
    std::ofstream(root / "host.json")
        << R"({"ami": {"host": "127.0.0.1", "port": )" << pd::testing::free_loopback_port()
        << R"(, "user": "dialer", "secret": "dialersecret"}, "plugins_dir": "plugins"})";
  }
  ~PanelRig() { fs::remove_all(root); }

  std::unique_ptr<ChildProcess> start_host() {
    const std::string log = (root / ("panelhost-" + std::to_string(++runs) + ".log")).string();
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{PD_PANELHOST, "--config", (root / "host.json").string(),
                                 "--panel-listen", "127.0.0.1:" + std::to_string(panel_port)},
        log);
  }
};

constexpr const char* kListening = "panel server listening on";

}  // namespace

TEST_CASE("panelhost killed -9 with a live panel connection restarts on the same port at once") {
  PanelRig rig;
  auto first = rig.start_host();
  REQUIRE_MESSAGE(first->wait_for_output(kListening, 10s), first->output());
  PanelClient agent(rig.panel_port);
  agent.get("/");
  REQUIRE_MESSAGE(agent.received("HTTP/1.1 ", 10s), first->output());

  CHECK(first->stop(SIGKILL) == 128 + SIGKILL);
  // The kernel closed the dead host's side; closing ours leaves its side of
  // the connection in TIME_WAIT on the panel port.
  REQUIRE(agent.closed_by_server(5s));
  agent.close();
  REQUIRE_MESSAGE(eventually([&] { return time_wait_on(rig.panel_port); }, 5s),
                  "no TIME_WAIT socket on the panel port: the test would prove nothing");

  auto second = rig.start_host();
  REQUIRE_MESSAGE(second->wait_for_output(kListening, 10s), second->output());
  // Bound at the first try: SO_REUSEADDR, not the retry for a busy port.
  CHECK(second->output().find("is in use") == std::string::npos);
  PanelClient next(rig.panel_port);
  next.get("/");
  CHECK_MESSAGE(next.received("HTTP/1.1 ", 10s), second->output());
  CHECK(second->stop(SIGTERM) == 0);
}

TEST_CASE("panelhost waits for a panel port a dying panelhost still listens on, then takes it") {
  PanelRig rig;
  PortHolder old_listener(rig.panel_port);
  auto host = rig.start_host();
  REQUIRE_MESSAGE(host->wait_for_output("is in use", 10s), host->output());
  CHECK(host->running());
  old_listener.release();  // the old process is gone at last
  REQUIRE_MESSAGE(host->wait_for_output(kListening, 10s), host->output());
  PanelClient agent(rig.panel_port);
  agent.get("/");
  CHECK_MESSAGE(agent.received("HTTP/1.1 ", 10s), host->output());
  CHECK(host->stop(SIGTERM) == 0);
}

TEST_CASE("a panel port that stays taken: panelhost gives up and says which address") {
  PanelRig rig;
  PortHolder other_program(rig.panel_port);
  auto host = rig.start_host();
  // It retries for 3 s, then exits non-zero.
  REQUIRE_MESSAGE(eventually([&] { return !host->running(); }, 15s), host->output());
  CHECK(host->stop(SIGTERM) == 1);
  const std::string output = host->output();
  CHECK(output.find("panel server cannot listen on 127.0.0.1:" + std::to_string(rig.panel_port)) !=
        std::string::npos);
  CHECK(output.find("in use") != std::string::npos);
}
