// pbx-sim: a simulated Asterisk PBX speaking AMI over TCP. See --help and
// ../README.md.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "ami_server.h"
#include "options.h"
#include "scenario.h"
#include "sim_clock.h"
#include "timer_queue.h"

namespace {

namespace asio = boost::asio;
using pd::sim::AmiServer;

std::string stats_line(const AmiServer& server, const pd::sim::TimerQueue& timers,
                       const pd::sim::SimClock& clock) {
  const pd::sim::PbxStats& p = server.pbx().stats();
  const pd::sim::ServerStats& s = server.stats();
  char line[512];
  std::snprintf(
      line, sizeof line,
      "pbx-sim: sim_s=%.1f sessions=%zu originates=%llu refused=%llu id_conflicts=%llu "
      "waiting=%llu answered=%llu "
      "busy=%llu noanswer=%llu congestion=%llu failed=%llu machines=%llu "
      "agent_connects=%llu calls=%llu max_calls=%llu channels=%zu timers=%zu "
      "events=%llu actions=%llu dropped=%llu",
      static_cast<double>(clock.now()) / 1000.0, server.session_count(),
      static_cast<unsigned long long>(p.originates),
      static_cast<unsigned long long>(p.originates_refused),
      static_cast<unsigned long long>(p.id_conflicts),
      static_cast<unsigned long long>(p.originates_waiting),
      static_cast<unsigned long long>(p.answered), static_cast<unsigned long long>(p.busy),
      static_cast<unsigned long long>(p.noanswer), static_cast<unsigned long long>(p.congestion),
      static_cast<unsigned long long>(p.failed), static_cast<unsigned long long>(p.machines),
      static_cast<unsigned long long>(p.agent_connects),
      static_cast<unsigned long long>(p.current_calls),
      static_cast<unsigned long long>(p.max_concurrent_calls), server.pbx().live_channels(),
      timers.pending(), static_cast<unsigned long long>(p.events),
      static_cast<unsigned long long>(s.actions), static_cast<unsigned long long>(s.dropped));
  return line;
}

// " answer_delay_p50_ms=X answer_delay_p99_ms=Y" in real milliseconds; "" without answers.
std::string answer_delay_text(std::vector<pd::sim::SimMs> delays, double speed) {
  if (delays.empty()) return "";
  std::sort(delays.begin(), delays.end());
  auto at = [&](double p) {
    const size_t i = std::min(delays.size() - 1, static_cast<size_t>(p * double(delays.size())));
    return static_cast<double>(delays[i]) / speed;
  };
  char text[96];
  std::snprintf(text, sizeof text, " answer_delay_p50_ms=%.0f answer_delay_p99_ms=%.0f", at(0.50),
                at(0.99));
  return text;
}

// The periodic --stats-interval line.
class StatsPrinter {
 public:
  StatsPrinter(asio::io_context& io, std::chrono::milliseconds every,
               std::function<std::string()> line)
      : timer_(io), every_(every), line_(std::move(line)) {}
  void start() {
    if (every_.count() <= 0) return;
    timer_.expires_after(every_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      std::cerr << line_() << std::endl;
      start();
    });
  }
  void stop() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
  std::chrono::milliseconds every_;
  std::function<std::string()> line_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = pd::sim::parse_options(args);
  if (!options) {
    std::cerr << "pbx-sim: " << options.error().message << " (see pbx-sim --help)\n";
    return 2;
  }
  if (options->help) {
    std::cout << pd::sim::usage_text();
    return 0;
  }

  auto scenario = options->scenario_file.empty()
                      ? pd::sim::parse_scenario(pd::sim::default_scenario_json())
                      : pd::sim::load_scenario_file(options->scenario_file);
  if (!scenario) {
    std::cerr << "pbx-sim: " << scenario.error().message << "\n";
    return 2;
  }
  if (options->speed) scenario->speed = *options->speed;
  if (options->seed) scenario->seed = *options->seed;
  const int64_t epoch = scenario->epoch != 0 ? scenario->epoch : std::time(nullptr);

  // Loaded before anything listens: a database that cannot be read is a
  // start-up error, not an empty database.
  std::optional<pd::sim::AstDb> astdb;
  if (!options->astdb_file.empty()) {
    auto opened = pd::sim::AstDb::open(options->astdb_file);
    if (!opened) {
      std::cerr << "pbx-sim: " << opened.error().message << "\n";
      return 2;
    }
    astdb.emplace(std::move(*opened));
  }

  asio::io_context io(1);
  pd::sim::SimClock clock(scenario->speed, epoch);
  pd::sim::TimerQueue timers(io, clock);
  pd::sim::ServerConfig config;
  config.host = options->host;
  config.port = options->port;
  config.write_limit_bytes = options->write_limit_bytes;
  config.verbose_events = options->verbose_events;
  config.restarted = options->restarted;
  config.astdb = astdb ? &*astdb : nullptr;
  config.originate_response_first = options->originate_response_first;
  config.originate_rate = options->originate_rate;
  config.ids_in_use = options->ids_in_use;
  AmiServer server(io, *scenario, clock, timers, config);
  if (auto started = server.start(); !started) {
    std::cerr << "pbx-sim: " << started.error().message << "\n";
    return 1;
  }
  std::cerr << "pbx-sim: listening on " << options->host << ":" << server.port() << " (scenario "
            << (options->scenario_file.empty() ? "built-in asterisk-rig" : options->scenario_file)
            << ", speed " << scenario->speed << ", seed " << scenario->seed << ")" << std::endl;

  StatsPrinter stats(
      io, std::chrono::milliseconds(static_cast<int64_t>(options->stats_interval_s * 1000)), [&] {
        // The Originate rate on a line of its own (pbx-sim: originate_rate: ...).
        return stats_line(server, timers, clock) +
               "\npbx-sim: " + server.stats().originate_rate.line();
      });
  stats.start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    stats.stop();
    server.stop();
    io.stop();
  });
  io.run();

  const pd::sim::PbxStats& p = server.pbx().stats();
  std::cerr << "pbx-sim: originates=" << p.originates << " answered=" << p.answered
            << " events=" << p.events << " busy=" << p.busy << " noanswer=" << p.noanswer
            << " congestion=" << p.congestion << " failed=" << p.failed
            << " max_calls=" << p.max_concurrent_calls << " id_conflicts=" << p.id_conflicts
            << answer_delay_text(server.pbx().answer_delays(), clock.speed()) << std::endl;
  std::cerr << "pbx-sim: " << server.stats().originate_rate.line() << std::endl;
  return 0;
}
