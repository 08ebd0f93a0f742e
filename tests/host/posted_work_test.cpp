// The posted-work rule of pd_plugin.h, held by PluginRuntime: every item a
// plugin's post() accepted is run or dropped, exactly once, on the host loop;
// pending items are dropped before stop(), and after a failed start(). The
// poster plugin (plugins/poster.cpp) posts from three threads while the host
// stops it. Runs under ASan too (label unit), where a leak or a double
// disposal would also fail the run.
#include <doctest/doctest.h>

#include <dlfcn.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "plugin_loader.h"
#include "plugin_runtime.h"
#include "plugins/poster.h"

namespace fs = std::filesystem;

namespace {

// A plugin folder for the poster library, removed at the end.
struct PosterDir {
  fs::path path;
  PosterDir() {
    char name[] = "/tmp/pd-poster-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
    fs::create_symlink(PD_POSTER_PLUGIN, path / "poster.so");
    std::ofstream(path / "manifest.json") << R"({"id": "poster", "version": "1.0.0", "abi": )"
                                          << PD_ABI_VERSION_MAJOR << R"(, "library": "poster.so"})";
  }
  ~PosterDir() { fs::remove_all(path); }
};

// The test's own reference to the poster library: it keeps the library (and
// its counters) loaded after the runtime unloads its copy, and finds
// poster_report.
struct PosterLibrary {
  void* handle = dlopen(PD_POSTER_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  PosterReportFn report_fn = nullptr;
  PosterWaitFn wait_fn = nullptr;
  PosterLibrary() {
    REQUIRE(handle != nullptr);
    report_fn = reinterpret_cast<PosterReportFn>(dlsym(handle, POSTER_REPORT_SYMBOL));
    wait_fn = reinterpret_cast<PosterWaitFn>(dlsym(handle, POSTER_WAIT_SYMBOL));
    REQUIRE(static_cast<bool>(report_fn));
    REQUIRE(static_cast<bool>(wait_fn));
  }
  // Waits for the plugin's threads to get somewhere, woken by each change of
  // its counters; the bound only turns a hang into a failure.
  void wait_until(const std::function<bool(const PosterReport&)>& done) const {
    auto call = [](const PosterReport* snapshot, void* context) -> int {
      return (*static_cast<const std::function<bool(const PosterReport&)>*>(context))(*snapshot);
    };
    REQUIRE(wait_fn(call, const_cast<void*>(static_cast<const void*>(&done)), 30000) == 1);
  }
  ~PosterLibrary() { dlclose(handle); }
  PosterReport report(bool finish = false) const {
    PosterReport out;
    report_fn(&out, finish ? 1 : 0);
    return out;
  }
};

pd::host::RuntimeSinks no_sinks() {
  pd::host::RuntimeSinks sinks;
  sinks.ami_send = [](auto, auto, std::string*) { return PD_ENOLINK; };
  sinks.panel_send = [](auto, auto) { return PD_ENOTFOUND; };
  return sinks;
}

// Runs what is ready on the host loop (this thread).
void run_ready(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

}  // namespace

TEST_CASE("posted work: each accepted item runs or is dropped exactly once, also at stop") {
  PosterLibrary library;
  library.report(true);  // a clean slate
  PosterDir dir;
  auto loaded = pd::host::load_plugin(dir.path.string());
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));

  boost::asio::io_context io;
  pd::host::PluginRuntime runtime(io, no_sinks());
  REQUIRE(runtime.start(std::move(*loaded), "{}"));

  // Some work runs while the plugin runs...
  library.wait_until([](const PosterReport& now) { return now.accepted >= 30; });
  run_ready(io);
  CHECK(library.report().runs >= 30);
  // ...and some is still pending when the host stops it, with the threads
  // still posting.
  library.wait_until(
      [](const PosterReport& now) { return now.accepted >= now.runs + now.drops + 30; });
  runtime.stop_all();
  // Drain handlers queued before the stop find nothing left to run.
  run_ready(io);

  const PosterReport report = library.report(true);
  INFO("accepted " << report.accepted << ", runs " << report.runs << ", drops " << report.drops);
  CHECK(report.runs + report.drops == report.accepted);
  CHECK(report.runs >= 30);
  CHECK(report.drops >= 30);
  CHECK(report.lost == 0);
  CHECK(report.twice == 0);
  CHECK(report.wrong_thread == 0);
  CHECK(report.during_stop == 0);  // dropped before stop(), never during or after it
  CHECK(report.out_of_order == 0);
  // Every thread saw a refusal: post() fails once stopping begins, and stop()
  // could join them.
  CHECK(report.threads_refused == 3);
  CHECK(report.refused == 3);
  CHECK(runtime.running() == 0);
}

TEST_CASE("posted work: what a failed start() posted is dropped, never run") {
  PosterLibrary library;
  library.report(true);
  PosterDir dir;
  auto loaded = pd::host::load_plugin(dir.path.string());
  REQUIRE(loaded);

  boost::asio::io_context io;
  pd::host::PluginRuntime runtime(io, no_sinks());
  auto started = runtime.start(std::move(*loaded), R"({"fail_start": true})");
  REQUIRE_FALSE(started);
  CHECK(started.error().message.find("failed to start") != std::string::npos);
  // Dropped by the time start() returned: the library may be gone after it.
  PosterReport report = library.report();
  CHECK(report.accepted == 10);
  CHECK(report.drops == 10);
  CHECK(report.runs == 0);

  run_ready(io);  // nothing is left to run
  report = library.report(true);
  CHECK(report.runs == 0);
  CHECK(report.drops == 10);
  CHECK(report.lost == 0);
  CHECK(report.twice == 0);
  CHECK(report.wrong_thread == 0);
  CHECK(report.out_of_order == 0);
  CHECK(runtime.running() == 0);
}
