// panelhost's HTTP API limits over real TCP, with a plugin (http_probe) that
// answers one route at once and never answers another: a request beyond
// api.max_in_flight is refused 503, one not answered within api.timeout_s
// gets 504 from the host, and the slot is free again afterwards.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "pd/testing/process.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kToken = "probe-read-token-0123456789";

// A connection to 127.0.0.1:port that has sent `GET path` with the token.
class Request {
 public:
  Request(int port, const std::string& path) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval patience{20, 0};  // never hang the suite on a host that does not answer
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(uint16_t(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    const std::string text = "GET " + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken +
                             "\r\nConnection: close\r\n\r\n";
    REQUIRE(send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == ssize_t(text.size()));
  }
  ~Request() { close(fd_); }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  // The whole response (the host closes the connection after it).
  std::string response() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
    return out;
  }
  // The status code of the response; 0 if none came.
  int status() {
    const std::string text = response();
    return text.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(text.c_str() + 9) : 0;
  }

 private:
  int fd_ = -1;
};

}  // namespace

TEST_CASE("the API refuses beyond max_in_flight with 503 and answers 504 for a plugin's silence") {
  char name[] = "/tmp/pd-api-limits-XXXXXX";
  REQUIRE(mkdtemp(name) != nullptr);
  const fs::path root = name;
  fs::create_directories(root / "plugins" / "http_probe");
  fs::create_symlink(PD_HTTP_PROBE_PLUGIN, root / "plugins" / "http_probe" / "http_probe.so");
  std::ofstream(root / "plugins" / "http_probe" / "manifest.json")
      << R"({"id": "http_probe", "version": "1.0.0", "abi": 2, "library": "http_probe.so"})";
  const int ami_port = pd::testing::free_loopback_port();  // no PBX: the API needs none
  const int panel_port = pd::testing::free_loopback_port();
  std::ofstream(root / "host.json")
      << R"({"ami": {"host": "127.0.0.1", "port": )" << ami_port
      << R"(, "user": "dialer", "secret": "dialersecret"}, "plugins_dir": "plugins",
            "panel": {"listen": "127.0.0.1:)"
      << panel_port << R"("},
            "api": {"tokens": [{"name": "probe", "secret": ")"
      << kToken << R"(", "scope": "read"}], "max_in_flight": 1, "timeout_s": 1}})";
  {
    pd::testing::ChildProcess host({PD_PANELHOST, "--config", (root / "host.json").string()},
                                   (root / "panelhost.log").string());
    REQUIRE_MESSAGE(pd::testing::wait_for_port(panel_port, 20s), host.output());
    CHECK(Request(panel_port, "/api/probe/echo").status() == 200);

    // One request waits for a reply that never comes: it holds the one slot.
    Request silent(panel_port, "/api/probe/never");
    CHECK(pd::testing::eventually(
        [&] { return Request(panel_port, "/api/probe/echo").status() == 503; }, 5s));
    // The host gives up on it after api.timeout_s and answers itself.
    const auto asked = std::chrono::steady_clock::now();
    const std::string answer = silent.response();
    CHECK_MESSAGE(answer.rfind("HTTP/1.1 504", 0) == 0, answer);
    CHECK(std::chrono::steady_clock::now() - asked < 10s);
    // The slot is free again.
    CHECK(Request(panel_port, "/api/probe/echo").status() == 200);
    CHECK(host.stop(SIGTERM, 20s) == 0);
  }
  fs::remove_all(root);
}
