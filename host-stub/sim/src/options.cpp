#include "options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace pd::sim {
namespace {

Result<uint64_t> to_uint(const std::string& flag, const std::string& text, uint64_t max) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max)
    return fail(Error::invalid(flag + ": \"" + text + "\" is not an integer in [0, " +
                               std::to_string(max) + "]"));
  return value;
}

Result<double> to_double(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    return fail(Error::invalid(flag + ": \"" + text + "\" is not a number"));
  return value;
}

Status set_listen(Options& o, const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return fail(Error::invalid("--listen: expected HOST:PORT, got \"" + text + "\""));
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = to_uint("--listen", text.substr(colon + 1), 65535);
  if (!port) return fail(port.error());
  o.host = host;
  o.port = static_cast<uint16_t>(*port);
  return {};
}

}  // namespace

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (const size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (flag == "--verbose-events") {  // the default since the full mix is; kept for scripts
      o.verbose_events = true;
      continue;
    }
    if (flag == "--lean-events") {
      o.verbose_events = false;
      continue;
    }
    if (flag == "--restarted") {
      o.restarted = true;
      continue;
    }
    const bool takes_value = flag == "--scenario" || flag == "--speed" || flag == "--seed" ||
                             flag == "--listen" || flag == "--port" || flag == "--stats-interval" ||
                             flag == "--write-limit-mb" || flag == "--astdb" ||
                             flag == "--originate-response-first" || flag == "--originate-rate" ||
                             flag == "--id-in-use";
    if (!takes_value) return fail(Error::invalid("unknown flag \"" + args[i] + "\""));
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= args.size()) return fail(Error::invalid(flag + ": needs a value"));
      value = args[++i];
    }
    if (flag == "--scenario") {
      if (value.empty()) return fail(Error::invalid("--scenario: needs a file name"));
      o.scenario_file = value;
    } else if (flag == "--speed") {
      auto speed = to_double(flag, value);
      if (!speed) return fail(speed.error());
      if (!(*speed > 0) || *speed > 1e6)
        return fail(Error::invalid("--speed: must be in (0, 1000000]"));
      o.speed = *speed;
    } else if (flag == "--seed") {
      auto seed = to_uint(flag, value, UINT64_MAX);
      if (!seed) return fail(seed.error());
      o.seed = *seed;
    } else if (flag == "--listen") {
      if (auto s = set_listen(o, value); !s) return fail(s.error());
    } else if (flag == "--port") {
      auto port = to_uint(flag, value, 65535);
      if (!port) return fail(port.error());
      o.port = static_cast<uint16_t>(*port);
    } else if (flag == "--stats-interval") {
      auto seconds = to_double(flag, value);
      if (!seconds) return fail(seconds.error());
      if (*seconds < 0) return fail(Error::invalid("--stats-interval: must not be negative"));
      o.stats_interval_s = *seconds;
    } else if (flag == "--astdb") {
      if (value.empty()) return fail(Error::invalid("--astdb: needs a file name"));
      o.astdb_file = value;
    } else if (flag == "--originate-response-first") {
      auto p = to_double(flag, value);
      if (!p) return fail(p.error());
      if (*p < 0 || *p > 1)
        return fail(Error::invalid("--originate-response-first: must be in [0, 1]"));
      o.originate_response_first = *p;
    } else if (flag == "--originate-rate") {
      auto rate = to_double(flag, value);
      if (!rate) return fail(rate.error());
      if (*rate < 0 || *rate > 1e6)
        return fail(Error::invalid("--originate-rate: must be in [0, 1000000] (0: no limit)"));
      o.originate_rate = *rate;
    } else if (flag == "--id-in-use") {
      const size_t colon = value.find(':');
      const std::string number = value.substr(0, colon);
      uint64_t count = 1;
      if (colon != std::string::npos) {
        auto n = to_uint(flag, value.substr(colon + 1), 1000000);
        if (!n) return fail(n.error());
        count = *n;
      }
      if (number.empty())
        return fail(Error::invalid("--id-in-use: expected NUMBER[:COUNT], got \"" + value + "\""));
      o.ids_in_use.emplace_back(number, static_cast<int>(count));
    } else if (flag == "--write-limit-mb") {
      auto mb = to_uint(flag, value, 4096);
      if (!mb) return fail(mb.error());
      if (*mb == 0) return fail(Error::invalid("--write-limit-mb: must be at least 1"));
      o.write_limit_bytes = static_cast<size_t>(*mb) << 20;
    }
  }
  return o;
}

std::string usage_text() {
  return R"(Usage: pbx-sim [flags]

A simulated Asterisk 22 PBX that speaks the Asterisk Manager Interface (AMI)
over TCP: banner, Login, Originate, Hangup, Command, CoreShowChannels, Status,
UserEvent, QueueAdd/Remove/Pause/Status/Summary, ShowDialPlan, DBPut, DBGet,
DBGetTree, DBDel, DBDelTree, Ping, Events, Logoff. Calls,
queues and agents follow a scenario; time runs `speed` times faster than the
wall clock.

Flags (also --flag=value):
  --scenario FILE       scenario JSON (default: the built-in asterisk-rig scenario,
                        host-stub/sim/scenarios/asterisk-rig.json)
  --speed X             simulated seconds per real second (overrides "speed")
  --seed N              random seed, unsigned 64-bit (overrides "seed"); the same
                        seed and the same actions give the same events
  --listen HOST:PORT    address to listen on (default 127.0.0.1:5038)
  --port N              port to listen on, host unchanged (0: any free port)
  --stats-interval S    print a one-line stats summary to stderr every S real
                        seconds (default 0: never)
  --lean-events         send only the events a dialer acts on: no VarSet,
                        Newexten, DeviceStateChange, NewCallerid,
                        NewConnectedLine, LocalBridge, MusicOnHold* (default:
                        the full mix of Asterisk 22 with read=all, counted
                        per call from the real transcripts)
  --verbose-events      the full mix (the default; kept for old scripts)
  --originate-rate N    channel set-ups per real second (default 533: a real
                        Asterisk 22 reached 1,600 live calls in 3 s); the
                        Originate is answered at once, its channels come at
                        their turn; 0: no limit
  --id-in-use NUMBER[:COUNT]
                        test hook: the next COUNT (default 1) Originates
                        dialing NUMBER find their ChannelId in use, as if
                        another client's channel had it (repeatable)
  --write-limit-mb N    unsent bytes a session may pile up before it is dropped
                        (default 64)
  --restarted           start as an Asterisk that has just restarted: scenario
                        agents marked "dynamic" are not in their queues
  --astdb FILE          keep the AstDB (DBPut/DBGet..., PanelDialer's call
                        milestones) in FILE: loaded at start, rewritten
                        atomically after every change (default: memory only)
  --originate-response-first P
                        probability that an unallocated number's
                        OriginateResponse comes before its Newchannel
                        (overrides the rules' originate_response_first)
  -h, --help            this text

Scenario (JSON object; durations in seconds, a number or [min, max]):
  seed, speed, epoch (Unix seconds the clock starts at; 0 = now),
  ringing_after_s, users [{username, secret}],
  queues [{name, strategy rrmemory|linear|leastrecent|random|ringall,
           ring_timeout_s, retry_s, wait_timeout_s, servicelevel_s}],
  agent_defaults {answer_delay_s, talk_s},
  agents [{interface "Local/<exten>@<agents context>/n", name, queues, paused,
           paused_reason, penalty, answer_delay_s, talk_s,
           pause_schedule [{at_s, for_s, reason}], dynamic}],
  contexts {"<name or glob>": {type customers|agents|queue|ivr|
           invalid_destination, queue, wait_timeout_s, answer_after_s, hold_s,
           rules, amd, amd_s, amd_total_s, amd_destination, amd_event,
           dial_context, dial_timeout_s}},
  number_rules [{pattern "_X.5" | regex "...", outcome answer|busy|noanswer|
           congestion|unallocated|machine|dtmf|silent, answer_after_s, talk_s,
           after_s, tone_s, ring_s, dtmf_after_s, digit, amd_cause,
           originate_response_first}],
  default_outcome {outcome, ...the same timing keys}.
Full description: host-stub/sim/README.md.

Signals: SIGTERM or SIGINT stop the simulator; it prints
"pbx-sim: originates=N answered=N events=N ..." and exits 0.
)";
}

}  // namespace pd::sim
