// Simulated agents on panelhost's agent panel, over the real HTTP login and
// WebSocket (docs/panel-protocol.md), for benchmarks and integration tests.
// Test-only code.
//
// Each agent logs in (POST /api/login with its extension and secret), opens
// the panel WebSocket (/ws, the session token as a Bearer token) and tags
// every call the plugin lists to tag (`disposition.pending`): a
// `disposition.set` with the first option that is not a callback, once per
// call, again only when the plugin answers that call with an `error`.
//
// Threads: every agent runs on one thread of the SimulatedAgents object's own
// (an io_context); the public functions may be called from any thread.
// Bounds: one WebSocket per agent; at most kMaxQueuedMessages messages queued
// to send per agent (more are dropped and counted as problems); the tags an
// agent remembers having sent are bounded by the plugin's list (50 listed);
// problems() keeps the first kMaxProblems.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pd::testing {

struct AgentAccount {
  std::string extension;
  std::string secret;
};

class SimulatedAgents {
 public:
  static constexpr std::size_t kMaxQueuedMessages = 256;
  static constexpr std::size_t kMaxProblems = 20;
  static constexpr int kMaxTagTries = 3;  // per call, when the plugin refuses a tag

  // Starts logging every account in to the panel at 127.0.0.1:port, at once.
  SimulatedAgents(int port, std::vector<AgentAccount> accounts);
  // Closes every connection and joins the thread.
  ~SimulatedAgents();
  SimulatedAgents(const SimulatedAgents&) = delete;
  SimulatedAgents& operator=(const SimulatedAgents&) = delete;

  // True once every agent has its panel open, false when `timeout` passed
  // first (problems() says why).
  bool wait_connected(std::chrono::milliseconds timeout) const;

  std::size_t agents() const { return agents_.size(); }
  std::size_t connected() const;
  std::size_t tags_sent() const;
  std::size_t tags_saved() const;    // disposition.saved received
  std::size_t tags_refused() const;  // an error naming the call
  // What went wrong (a refused login, a closed socket, ...), the first kMaxProblems.
  std::vector<std::string> problems() const;

  class Agent;    // one agent's connection (panel_agents.cpp)
  struct Shared;  // the io_context, the counters and the problems

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<std::shared_ptr<Agent>> agents_;
  std::thread thread_;
};

}  // namespace pd::testing
