// The pbx-sim scenario of the engine's end-to-end tests: outcome by the last
// digit of the number (as on the Asterisk rig of the traces), two agents in
// queue "sales", the helper contexts of the test campaigns mapped to what
// their dialplan leads to. Numbers 5559XXXXX answer and talk as long as an
// IVR call holds (`ivr_hold_s`), for tests that need calls to stay up. The
// campaigns' destinations (ext-queues, ivr-1, app-blackhole) exist in its
// dialplan (ShowDialPlan); campaign "qinvalid"'s helper finds its destination
// missing at run time. Campaign "qpred" is predictive, with six agents in
// queue "pred": its answered calls wait 2 s in the queue, then hear the
// abandon message (the helper's branch).
#pragma once

#include <string>

namespace pd::testing {

inline std::string engine_scenario(int speed, int ivr_hold_s = 4) {
  const std::string hold = std::to_string(ivr_hold_s);
  return R"({
  "seed": 11, "speed": )" +
         std::to_string(speed) + R"(,
  "users": [{"username": "dialer", "secret": "dialersecret"}],
  "queues": [{"name": "sales", "strategy": "rrmemory", "ring_timeout_s": 15, "retry_s": 1, "wait_timeout_s": 300},
             {"name": "pred", "strategy": "rrmemory", "ring_timeout_s": 15, "retry_s": 1, "wait_timeout_s": 300}],
  "agent_defaults": {"answer_delay_s": 1, "talk_s": [3, 5]},
  "agents": [
    {"interface": "Local/101@sim-agents/n", "name": "Agent 101", "queues": ["sales"]},
    {"interface": "Local/102@sim-agents/n", "name": "Agent 102", "queues": ["sales"]},
    {"interface": "Local/111@sim-agents/n", "name": "Agent 111", "queues": ["pred"]},
    {"interface": "Local/112@sim-agents/n", "name": "Agent 112", "queues": ["pred"]},
    {"interface": "Local/113@sim-agents/n", "name": "Agent 113", "queues": ["pred"]},
    {"interface": "Local/114@sim-agents/n", "name": "Agent 114", "queues": ["pred"]},
    {"interface": "Local/115@sim-agents/n", "name": "Agent 115", "queues": ["pred"]},
    {"interface": "Local/116@sim-agents/n", "name": "Agent 116", "queues": ["pred"]}
  ],
  "contexts": {
    "sim-customers": {"type": "customers"},
    "sim-agents": {"type": "agents"},
    "pd-*-customer": {"type": "customers", "dial_context": "sim-customers"},
    "ext-queues": {"type": "queue", "queue": "sales"},
    "ivr-1": {"type": "ivr", "hold_s": 4},
    "app-blackhole": {"type": "ivr", "hold_s": 0},
    "pd-qinvalid-dest": {"type": "invalid_destination"},
    "pd-qremote-dest": {"type": "queue", "queue": "sales"},
    "pd-qlocal-local": {"type": "queue", "queue": "sales"},
    "pd-qamd-dest": {"type": "queue", "queue": "sales", "amd": true, "amd_s": 2.5},
    "pd-qpred-dest": {"type": "queue", "queue": "pred", "wait_timeout_s": 2,
                      "abandon_event": "PanelDialerAbandon", "abandon_sound": "custom/abandon",
                      "abandon_playback_s": 1},
    "pd-*-dest": {"type": "ivr", "hold_s": )" +
         hold + R"(},
    "pd-*-local": {"type": "ivr", "hold_s": )" +
         hold + R"(}
  },
  "number_rules": [
    {"pattern": "_5559XXXXX", "outcome": "answer", "answer_after_s": 1, "talk_s": )" +
         hold + R"(},
    {"pattern": "_X.[0-3]", "outcome": "answer", "answer_after_s": 1, "talk_s": 3},
    {"pattern": "_X.4", "outcome": "dtmf", "digit": "1", "answer_after_s": 1, "dtmf_after_s": 1, "talk_s": 3},
    {"pattern": "_X.5", "outcome": "busy", "after_s": 1},
    {"pattern": "_X.6", "outcome": "noanswer", "ring_s": 60},
    {"pattern": "_X.7", "outcome": "congestion", "after_s": 1},
    {"pattern": "_X.8", "outcome": "machine", "answer_after_s": 1, "talk_s": 3},
    {"pattern": "_X.9", "outcome": "unallocated"}
  ],
  "default_outcome": {"outcome": "answer", "answer_after_s": 1, "talk_s": 3}
})";
}

}  // namespace pd::testing
