// panelhost put together: plugins, the AMI client, the agent panel server,
// the tick timer and the signals, on one io_context run by one thread.
// Threads: construct and run() on the thread that will be the host loop.
#pragma once

#include <cstdint>
#include <string>

#include "config.h"

namespace pd::host {

struct RunSummary {
  uint64_t ami_connects = 0;
  uint64_t ami_link_losses = 0;
  uint64_t ami_login_failures = 0;
  uint64_t ami_events = 0;
  uint64_t ami_actions_sent = 0;
  uint64_t ami_actions_dropped = 0;
  uint64_t originate_responses = 0;  // calls the PBX reported an outcome for
  uint64_t calls_answered = 0;       // of which OriginateResponse Reason 4
  uint64_t hangups = 0;
  uint64_t plugins_loaded = 0;
  uint64_t plugins_failed = 0;
  double run_seconds = 0;
};

// Runs until SIGTERM/SIGINT (or `duration_s` > 0 elapsed), then stops the
// plugins, logs off and returns the summary. Returns an error only when
// nothing could start (panel server cannot bind, plugin folder unreadable).
pd::Result<RunSummary> run_host(const HostConfig& config, double duration_s);

// "name: value" lines, one per figure.
std::string format_summary(const RunSummary& summary);

}  // namespace pd::host
