// pbx-sim's default event mix against a real Asterisk 22 with read=all: for
// each kind of call of the transcripts (answered into a queue, busy, ring
// timeout, congestion, unallocated, DTMF, local first, AMD) the same
// Originate is replayed and the events are counted by name, against the
// counts computed from the .raw transcript itself (no number copied by hand).
// --lean-events keeps only what a dialer acts on.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "ami_client.h"
#include "sim_process.h"
#include "trace_compare.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Fields;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;
namespace t = pd::sim::testing;

namespace {

using Counts = std::map<std::string, int>;

// Not part of a call: the login's events and list replies.
bool counted(const std::string& event) {
  return !event.empty() && event != "FullyBooted" && event != "SuccessfulAuth";
}

Counts count_by_name(const std::vector<Message>& messages) {
  Counts out;
  for (const Message& m : messages)
    if (counted(m.get("Event"))) ++out[m.get("Event")];
  return out;
}

int total(const Counts& c) {
  int n = 0;
  for (const auto& [name, k] : c) n += k;
  return n;
}

// The actions of a .sent transcript but Login and Logoff.
std::vector<Fields> trace_actions(const std::string& number) {
  std::vector<Fields> out;
  std::istringstream in(t::trace_bytes(number, ".sent"));
  std::string line;
  Fields current;
  auto flush = [&] {
    if (!current.empty() && current[0].second != "Login" && current[0].second != "Logoff")
      out.push_back(current);
    current.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      flush();
      continue;
    }
    const size_t colon = line.find(": ");
    if (colon != std::string::npos)
      current.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  flush();
  return out;
}

struct Kind {
  const char* trace;
  const char* what;
  const char* scenario_edit;  // "" or a tweak the rig had when the trace was taken
};

// Replays the transcript's actions on a fresh pbx-sim and counts its events.
Counts replay(const Kind& kind, const std::vector<std::string>& flags, int hangups) {
  std::vector<std::string> args = {"--speed", "20"};
  if (std::string(kind.scenario_edit) == "caller-hangs-up") {
    args.push_back("--scenario");
    args.push_back(t::write_scenario(
        "mix-caller-hangs-up", [](Json::Value& root) { root["agent_defaults"]["talk_s"] = 30; }));
  } else if (std::string(kind.scenario_edit) == "amd-result") {
    args.push_back("--scenario");
    args.push_back(t::write_scenario("mix-amd-result", [](Json::Value& root) {
      root["contexts"]["dialer-amd"]["amd_event"] = "AMDResult";
    }));
  }
  args.insert(args.end(), flags.begin(), flags.end());
  SimProcess sim(args);
  AmiClient client(sim.port());
  client.login();
  for (const Fields& action : trace_actions(kind.trace)) client.send(action);
  const auto hung_up = [&](const Message&) {
    return client.count([](const Message& m) { return m.is_event("Hangup"); }) >= size_t(hangups);
  };
  REQUIRE_MESSAGE(client.wait_for(hung_up, 0, std::chrono::seconds(20)), kind.what);
  // What the last Hangup set off (device states, queue member status) comes
  // in the same simulated instant or within a simulated second.
  client.request({{"Action", "Ping"}, {"ActionID", "flush"}});
  std::vector<Message> after_login;
  bool logged_in = false;
  for (const Message& m : client.messages()) {
    if (m.is_event("FullyBooted")) logged_in = true;
    if (logged_in) after_login.push_back(m);
  }
  return count_by_name(after_login);
}

constexpr Kind kKinds[] = {
    {"02", "answered, into a queue, to an agent", "caller-hangs-up"},
    {"03", "busy", ""},
    {"04", "ring timeout", ""},
    {"05", "congestion", ""},
    {"06", "unallocated", ""},
    {"07", "answered, presses a key (DTMF)", ""},
    {"15", "local first: queue, then the customer", "caller-hangs-up"},
    {"16", "answering machine, AMD", "amd-result"},
};

// Lean: the events a dialer acts on; the rest only with the full mix.
const std::set<std::string> kVerboseOnly = {
    "VarSet",           "Newexten",    "DeviceStateChange", "NewCallerid",
    "NewConnectedLine", "LocalBridge", "MusicOnHoldStart",  "MusicOnHoldStop"};

}  // namespace

TEST_CASE("the default event mix per call matches Asterisk 22 with read=all, by event name") {
  if (!t::traces_available()) {
    MESSAGE("AMI transcripts not found: event mix not compared");
    return;
  }
  for (const Kind& kind : kKinds) {
    const std::string trace = kind.trace, what = kind.what;
    CAPTURE(trace);
    CAPTURE(what);
    const Counts want = count_by_name(t::trace_messages(kind.trace));
    const Counts got = replay(kind, {}, want.count("Hangup") ? want.at("Hangup") : 0);
    std::set<std::string> names;
    for (const auto& [name, n] : want) names.insert(name);
    for (const auto& [name, n] : got) names.insert(name);
    for (const std::string& name : names) {
      const int w = want.count(name) ? want.at(name) : 0;
      const int g = got.count(name) ? got.at(name) : 0;
      // Within 10 % of the real count, and never more than 2 off.
      const int tolerance = std::max(w / 10, name == "VarSet" || name == "Newexten" ? 2 : 0);
      CHECK_MESSAGE(std::abs(g - w) <= tolerance,
                    trace << " " << name << ": pbx-sim " << g << ", Asterisk " << w);
    }
    const int wt = total(want), gt = total(got);
    CHECK_MESSAGE(std::abs(gt - wt) <= std::max(2, wt / 20),
                  trace << " total: pbx-sim " << gt << ", Asterisk " << wt);
  }
}

TEST_CASE("--lean-events: only the events a dialer acts on, the same call story") {
  const Kind& answered = kKinds[0];
  const Counts full = replay(answered, {}, 4);
  const Counts lean = replay(answered, {"--lean-events"}, 4);
  for (const auto& [name, n] : lean) CHECK_MESSAGE(kVerboseOnly.count(name) == 0, name);
  for (const auto& [name, n] : full) {
    if (kVerboseOnly.count(name)) continue;
    CHECK_MESSAGE(lean.count(name) == 1, name);
    if (lean.count(name)) CHECK_MESSAGE(lean.at(name) == n, name);
  }
  CHECK(total(lean) < total(full) / 2);
}
