// The guard the plugin's extern "C" functions (plugin/src/entry.cpp, the
// posted-task trampolines in host_link.cpp) run the engine inside: a throwing
// engine path becomes a log line and an error code, and the host carries on.
// If the guard let an exception escape, its noexcept would call
// std::terminate and this test binary would die.
#include <doctest/doctest.h>

#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_edge.h"

namespace {

// A host whose log() keeps the lines.
struct pd_host_lines {
  std::vector<std::string> lines;
};

void keep_line(pd_host* host, pd_log_level level, const char* message) {
  auto* lines = reinterpret_cast<pd_host_lines*>(host);
  lines->lines.push_back(std::to_string(level) + " " + message);
}

pd_host_services_v1 services_for(pd_host_lines& lines) {
  pd_host_services_v1 services{};
  services.struct_size = sizeof services;
  services.abi_version = PD_ABI_VERSION;
  services.host = reinterpret_cast<pd_host*>(&lines);
  services.log = keep_line;
  return services;
}

using pd::plugin::guard_c_edge;

}  // namespace

TEST_CASE("the C-edge guard is noexcept whatever the body") {
  auto throwing = []() -> int { throw std::runtime_error("x"); };
  static_assert(noexcept(guard_c_edge(nullptr, "x", 0, throwing)));
  static_assert(noexcept(guard_c_edge(nullptr, "x", [] { throw 1; })));
}

TEST_CASE("a std::exception becomes an error log line and the fallback code") {
  pd_host_lines lines;
  const pd_host_services_v1 services = services_for(lines);
  const int rc = guard_c_edge(&services, "on_tick", int{PD_EINTERNAL},
                              []() -> int { throw std::runtime_error("engine exploded"); });
  CHECK(rc == PD_EINTERNAL);
  REQUIRE(lines.lines.size() == 1);
  CHECK(lines.lines[0] ==
        std::to_string(PD_LOG_ERROR) + " internal error in on_tick: engine exploded");
}

TEST_CASE("an exception of any type is caught, bad_alloc included") {
  pd_host_lines lines;
  const pd_host_services_v1 services = services_for(lines);
  guard_c_edge(&services, "on_ami_event", [] { throw 42; });
  guard_c_edge(&services, "stop", [] { throw std::bad_alloc(); });
  REQUIRE(lines.lines.size() == 2);
  CHECK(lines.lines[0].find("internal error in on_ami_event: an exception not derived") !=
        std::string::npos);
  CHECK(lines.lines[1].find("internal error in stop: ") != std::string::npos);
}

TEST_CASE("without a usable log() the exception is still contained") {
  // No host at all (a start() handed NULL), and a host table too small to
  // hold log(): nothing to log through, nothing read past struct_size.
  CHECK(guard_c_edge(nullptr, "start", int{PD_EINTERNAL},
                     []() -> int { throw std::logic_error("x"); }) == PD_EINTERNAL);
  pd_host_lines lines;
  pd_host_services_v1 small = services_for(lines);
  small.struct_size = offsetof(pd_host_services_v1, log);
  guard_c_edge(&small, "start", [] { throw std::logic_error("x"); });
  CHECK(lines.lines.empty());
}

TEST_CASE("a body that returns normally passes its value through, nothing logged") {
  pd_host_lines lines;
  const pd_host_services_v1 services = services_for(lines);
  CHECK(guard_c_edge(&services, "start", int{PD_EINTERNAL}, [] { return PD_OK; }) == PD_OK);
  int calls = 0;
  guard_c_edge(&services, "on_tick", [&] { ++calls; });
  CHECK(calls == 1);
  CHECK(lines.lines.empty());
}
