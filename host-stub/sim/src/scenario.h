// The scenario: what the simulated PBX knows (queues, agents, contexts) and how
// called numbers behave. Loaded once from JSON (format: ../README.md) and then
// read-only. All durations are simulated milliseconds. The number rules and
// what they decide are the call model (../model/call_model.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call_model.h"
#include "pd/result.h"
#include "sim_clock.h"

namespace pd::sim {

// kInvalidDestination: a PanelDialer helper context whose campaign destination
// is missing from the dialplan (answers, PanelDialerDest INVALID, hangs up).
enum class ContextType { kCustomers, kAgents, kQueue, kIvr, kInvalidDestination };
std::string_view to_string(ContextType type);

struct ContextSpec {
  std::string name;  // exact name or glob with '*' / '?'
  ContextType type = ContextType::kIvr;
  std::string queue;                // kQueue
  std::optional<SimMs> queue_wait;  // kQueue: overrides the queue's wait timeout
  Range answer_after = {0, 0};      // kIvr as first leg
  Range hold = {10000, 10000};      // kIvr
  std::vector<NumberRule> rules;    // kCustomers: own rules (empty: the scenario's)
  bool amd = false;
  Range amd_time = {2500, 2500};
  std::string amd_destination;  // empty: machines are hung up
  std::string amd_event = "PanelDialerAMD";
  // AMD's totalAnalysisTime: when a silent party gets NOTSURE / TOOLONG-<n>.
  Range amd_total = {5000, 5000};
  // kCustomers as destination: the helper context Dial()s
  // Local/<exten>@<dial_context> on its own Local pair (PanelDialer's
  // pd-*-customer); empty: the customer's dialplan runs on ;1 itself (trace 15).
  std::string dial_context;
  SimMs dial_timeout = 20000;  // Dial(...,<timeout>)
  // kIvr: a UserEvent raised once the context has answered (trace 10's
  // UserEvent(DialerTest,Foo: bar)); empty: none.
  std::string user_event;
  std::vector<std::pair<std::string, std::string>> user_event_fields;
  // kQueue, PanelDialer's predictive helper: an answered caller whose wait
  // ends (wait_timeout_s) without an agent follows the dialplan's message
  // branch - QueueCallerLeave, UserEvent <abandon_event> (Status: TIMEOUT,
  // CallID), Playback(<abandon_sound>) for abandon_playback_s, Hangup.
  // Empty: the caller is hung up at the timeout (plain Queue()).
  std::string abandon_event;
  std::string abandon_sound = "abandon";
  Range abandon_playback = {3000, 3000};
};

enum class Strategy { kRrMemory, kLinear, kLeastRecent, kRandom, kRingAll };
std::string_view to_string(Strategy strategy);

struct QueueSpec {
  std::string name;
  Strategy strategy = Strategy::kRrMemory;
  SimMs ring_timeout = 15000;   // per agent attempt (queues.conf timeout)
  SimMs retry = 1000;           // pause after an agent did not answer
  SimMs wait_timeout = 300000;  // Queue(name,,,,300): how long a caller waits
  int servicelevel_s = 60;
};

struct PauseWindow {
  SimMs at = 0;
  SimMs length = 0;
  std::string reason;
};

struct AgentSpec {
  std::string interface;  // Local/101@sim-agents/n
  std::string name;       // MemberName
  std::vector<std::string> queues;
  bool paused = false;
  std::string paused_reason;
  int penalty = 0;
  Range answer_delay = {1000, 1000};
  Range talk = {5000, 8000};
  std::vector<PauseWindow> pauses;
  // Added at run time like QueueAdd (Membership: dynamic): gone after an
  // Asterisk restart. Otherwise a queues.conf member (static).
  bool dynamic = false;
};

struct User {
  std::string username;
  std::string secret;
};

struct Scenario {
  uint64_t seed = 1;
  double speed = 1.0;
  int64_t epoch = 0;  // 0: the wall clock at start
  SimMs ringing_after = 200;
  std::vector<User> users;
  std::vector<QueueSpec> queues;
  AgentSpec agent_defaults;
  std::vector<AgentSpec> agents;
  std::vector<ContextSpec> contexts;  // exact names first, then globs, most specific first
  std::vector<NumberRule> number_rules;
  NumberRule default_rule;

  const ContextSpec* find_context(std::string_view name) const;
  const NumberRule& rule_for(const ContextSpec& context, std::string_view number) const;
  const QueueSpec* find_queue(std::string_view name) const;
  // By device ("Local/101@sim-agents", without "/n").
  const AgentSpec* find_agent(std::string_view device) const;
};

Result<Scenario> parse_scenario(std::string_view json_text);
Result<Scenario> load_scenario_file(const std::string& path);
// The built-in scenario: the Asterisk 22 rig the traces were captured on.
std::string_view default_scenario_json();

// "Local/101@sim-agents/n" -> "Local/101@sim-agents" (options after the
// second '/' dropped).
std::string_view device_of_interface(std::string_view interface);

}  // namespace pd::sim
