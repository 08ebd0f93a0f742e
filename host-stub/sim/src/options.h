// pbx-sim's command line. Parsing is pure (no I/O) so that it is unit-tested;
// main() prints usage_text() for --help and an Error's message otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pd/result.h"

namespace pd::sim {

struct Options {
  std::string scenario_file;     // empty: the built-in asterisk-rig scenario
  std::optional<double> speed;   // overrides the scenario's "speed"
  std::optional<uint64_t> seed;  // overrides the scenario's "seed"
  std::string host = "127.0.0.1";
  uint16_t port = 5038;                            // 0: any free port (printed at start)
  double stats_interval_s = 0;                     // 0: no periodic stats line
  bool verbose_events = true;                      // the full read=all mix; false: --lean-events
  size_t write_limit_bytes = 64u << 20;            // per session, unsent bytes before it is dropped
  bool restarted = false;                          // start as an Asterisk that just restarted
  std::string astdb_file;                          // empty: the AstDB lives in memory only
  std::optional<double> originate_response_first;  // overrides the scenario's rules
  // Channel set-ups per wall-clock second (0: no limit). The default is the
  // real Asterisk 22 of issue 15: 1,600 calls set up in 3 s.
  double originate_rate = 533;
  std::vector<std::pair<std::string, int>> ids_in_use;  // --id-in-use NUMBER[:COUNT]
  bool help = false;
};

// Parses argv[1..]. Every flag takes "--flag value" or "--flag=value". An
// invalid-argument Error names the flag and what was wrong.
Result<Options> parse_options(const std::vector<std::string>& args);

// The --help text: every flag and a short description of the scenario format.
std::string usage_text();

}  // namespace pd::sim
