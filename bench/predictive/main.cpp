// bench-predictive: pacing strategies against pbx-sim's call model, in virtual
// time.
//
// A discrete-event simulation of a predictive campaign: 30 agents logged in
// for the whole run, 100,000 dials, ring timeout 25 s, wrap-up 10 s. Every
// dial's outcome comes from pbx-sim's call model (host-stub/sim/model,
// pd::sim::draw_call) and a pbx-sim scenario, by default scenario.json beside
// this file: an answer rate drifting from 30 % to 12 % over the 100,000 dials,
// talk time log-normal (mean 120 s), time to answer 3-20 s. An answered call
// no agent takes within the destination queue's wait limit (the scenario's
// pd-bench-dest: 2 s) is abandoned (it hears the message).
// Each strategy sees the same leads: lead i is dial i and draws from its own
// generator, seeded from --seed, so it gets the same outcome, delays and talk
// time under every strategy (an answer rate on the time axis, at_s, would
// make the outcome depend on when the lead is dialed):
//   progressive    one call per free agent, less calls not yet connected
//   fixed_1_5/2_5  over-dial: 1.5 / 2.5 calls per free agent
//   predictive     pd::core::predict_calls with pd::core::PredictiveEstimates
//                  (the engine's code), fed only what the engine would see
// Prints name: value lines: occupancy_pct_<s> (talk / logged-in time),
// abandon_pct_<s>, calls_per_agent_hour_<s>, max_window_abandon_pct_<s> (the
// highest the run's abandonment rate ever was, counted from the 100th
// answered call: the window is the whole run, shorter than 30 days).
//
//   bench-predictive [--dials N] [--agents N] [--seed S] [--scenario FILE]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "call_model.h"
#include "pd/core/predictive.h"
#include "scenario.h"

namespace {

constexpr double kRingTimeoutS = 25.0;
constexpr double kWrapupS = 10.0;
constexpr double kTickS = 0.5;
constexpr double kTarget = 0.03;
constexpr const char* kCustomers = "sim-customers";
constexpr const char* kDestination = "pd-bench-dest";

// What happened to a dialed lead.
struct Lead {
  bool answered = false;    // by a person (a machine counts as not)
  double ends_after_s = 0;  // answered: the answer delay; else when the call fails
  double talk_s = 0;
};

// The leads and the scenario that decides their dials.
class CallModel {
 public:
  CallModel(const pd::sim::Scenario& scenario, uint64_t seed, int dials)
      : scenario_(scenario), customers_(*scenario.find_context(kCustomers)) {
    pd::sim::Rng rng(seed);
    seeds_.reserve(size_t(dials));
    for (int i = 0; i < dials; ++i) seeds_.push_back(rng.next());
  }
  int dials() const { return int(seeds_.size()); }
  // Lead i dialed at `now_s` (the i-th dial of the run).
  Lead dial(int i, double now_s) const {
    pd::sim::Rng own(seeds_[size_t(i)]);
    char number[16];
    std::snprintf(number, sizeof number, "5550%07d", i);
    const pd::sim::DialMoment moment{pd::sim::SimMs(std::llround(now_s * 1000)), uint64_t(i)};
    const pd::sim::CallDraw draw = pd::sim::draw_call(
        scenario_.rule_for(customers_, number), moment, pd::sim::SimMs(kRingTimeoutS * 1000), own);
    Lead lead;
    lead.answered = draw.answered && draw.outcome != pd::sim::Outcome::kMachine;
    lead.ends_after_s = double(draw.after) / 1000;
    lead.talk_s = double(draw.talk) / 1000;
    return lead;
  }

 private:
  const pd::sim::Scenario& scenario_;
  const pd::sim::ContextSpec& customers_;
  std::vector<uint64_t> seeds_;
};

enum class Strategy { kProgressive, kFixed15, kFixed25, kPredictive };
const char* name_of(Strategy s) {
  switch (s) {
    case Strategy::kProgressive:
      return "progressive";
    case Strategy::kFixed15:
      return "fixed_1_5";
    case Strategy::kFixed25:
      return "fixed_2_5";
    case Strategy::kPredictive:
      return "predictive";
  }
  return "?";
}

struct Result {
  double occupancy = 0, abandon = 0, calls_per_agent_hour = 0, max_window = 0, hours = 0;
};

struct Event {
  double at;
  int kind;  // 0 dial ends (answer or failure), 1 talk ends, 2 wrap-up ends, 3 wait limit
  int id;    // call index or agent index
  bool operator>(const Event& o) const { return at > o.at; }
};

Result run(const CallModel& model, int agent_count, double abandon_after_s, Strategy strategy) {
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  enum class AgentState { kFree, kTalking, kWrapup };
  struct Agent {
    AgentState state = AgentState::kFree;
    double since = 0;
  };
  std::vector<Agent> agents(static_cast<size_t>(agent_count));
  std::vector<double> dialed_at(size_t(model.dials()), -1);
  std::vector<Lead> leads(size_t(model.dials()));
  std::vector<int> ringing;  // calls dialed, not ended or answered
  std::deque<int> waiting;   // answered calls waiting for an agent (in answer order)
  std::vector<char> waiting_gone(size_t(model.dials()), 0);
  std::vector<char> ended(size_t(model.dials()), 0);
  std::deque<int> unresolved;  // dialed, in dial order, until recorded
  pd::core::PredictiveEstimates estimates;
  int next = 0;
  uint64_t answered = 0, abandoned = 0;
  double talk_total = 0, now = 0, max_window = 0;

  auto free_agent = [&]() -> int {
    for (int a = 0; a < agent_count; ++a)
      if (agents[size_t(a)].state == AgentState::kFree) return a;
    return -1;
  };
  auto connect = [&](int call, int agent) {
    const Lead& lead = leads[size_t(call)];
    agents[size_t(agent)] = {AgentState::kTalking, now};
    talk_total += lead.talk_s;
    estimates.record_talk(lead.talk_s);
    events.push({now + lead.talk_s, 1, agent});
  };
  auto agent_freed = [&](int agent) {
    agents[size_t(agent)] = {AgentState::kFree, now};
    while (!waiting.empty()) {
      const int call = waiting.front();
      waiting.pop_front();
      if (waiting_gone[size_t(call)]) continue;
      waiting_gone[size_t(call)] = 1;
      connect(call, agent);
      return;
    }
  };
  auto note_window = [&] {
    if (answered >= 100) max_window = std::max(max_window, double(abandoned) / double(answered));
  };

  double next_tick = 0, last_progress = 0;
  while (next < model.dials() || !ringing.empty() || !events.empty()) {
    const double event_at = events.empty() ? 1e300 : events.top().at;
    if (next < model.dials() && next_tick <= event_at) {
      now = next_tick;
      next_tick += kTickS;
      int free_agents = 0;
      std::vector<double> talking, wrapup, rung;
      for (const Agent& a : agents) {
        if (a.state == AgentState::kFree) ++free_agents;
        if (a.state == AgentState::kTalking) talking.push_back(now - a.since);
        if (a.state == AgentState::kWrapup) wrapup.push_back(now - a.since);
      }
      for (int call : ringing) rung.push_back(now - dialed_at[size_t(call)]);
      const int in_flight = int(ringing.size());
      int calls = 0;
      switch (strategy) {
        case Strategy::kProgressive:
          calls = free_agents - in_flight;
          break;
        case Strategy::kFixed15:
          calls = int(std::floor(1.5 * free_agents)) - in_flight;
          break;
        case Strategy::kFixed25:
          calls = int(std::floor(2.5 * free_agents)) - in_flight;
          break;
        case Strategy::kPredictive: {
          pd::core::PredictiveState state;
          state.free_agents = free_agents;
          state.talking_s = talking;
          state.wrapup_s = wrapup;
          state.ringing_s = rung;
          state.ring_timeout_s = kRingTimeoutS;
          state.max_new_calls = 1000;
          state.window_answered = answered;
          state.window_abandoned = abandoned;
          state.target = kTarget;
          calls = pd::core::predict_calls(state, estimates).calls;
          break;
        }
      }
      if (calls <= 0 && ringing.empty() && events.empty()) {
        // Nothing in flight and nothing dialed: a strategy that never dials
        // again would loop for ever.
        if (now - last_progress > 3600) {
          std::fprintf(stderr, "%s stopped dialing at %.0f s with %d leads left\n",
                       name_of(strategy), now, model.dials() - next);
          break;
        }
      } else {
        last_progress = now;
      }
      for (int i = 0; i < calls && next < model.dials(); ++i, ++next) {
        dialed_at[size_t(next)] = now;
        leads[size_t(next)] = model.dial(next, now);
        ringing.push_back(next);
        unresolved.push_back(next);
        events.push({now + leads[size_t(next)].ends_after_s, 0, next});
      }
      continue;
    }
    if (events.empty()) break;
    const Event e = events.top();
    events.pop();
    now = e.at;
    switch (e.kind) {
      case 0: {
        ringing.erase(std::find(ringing.begin(), ringing.end(), e.id));
        const Lead& lead = leads[size_t(e.id)];
        // Outcomes go to the estimates in the order the calls were placed
        // (PredictiveEstimates::record_dial says why).
        ended[size_t(e.id)] = 1;
        while (!unresolved.empty() && ended[size_t(unresolved.front())]) {
          const Lead& first = leads[size_t(unresolved.front())];
          estimates.record_dial(first.answered, first.ends_after_s);
          unresolved.pop_front();
        }
        if (!lead.answered) break;
        ++answered;
        if (const int agent = free_agent(); agent >= 0) {
          connect(e.id, agent);
        } else {
          waiting.push_back(e.id);
          events.push({now + abandon_after_s, 3, e.id});
        }
        note_window();
        break;
      }
      case 1:
        agents[size_t(e.id)] = {AgentState::kWrapup, now};
        events.push({now + kWrapupS, 2, e.id});
        break;
      case 2:
        estimates.record_wrapup(kWrapupS);
        agent_freed(e.id);
        break;
      case 3:
        if (!waiting_gone[size_t(e.id)]) {
          waiting_gone[size_t(e.id)] = 1;
          ++abandoned;
          note_window();
        }
        break;
    }
  }
  Result r;
  r.hours = now / 3600;
  r.occupancy = talk_total / (double(agent_count) * now);
  r.abandon = answered == 0 ? 0 : double(abandoned) / double(answered);
  r.calls_per_agent_hour = double(answered - abandoned) / (double(agent_count) * r.hours);
  r.max_window = max_window;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int dials = 100000, agents = 30;
  std::optional<uint64_t> seed;
  std::string scenario_file = PD_BENCH_PREDICTIVE_SCENARIO;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--dials")
      dials = std::atoi(argv[i + 1]);
    else if (flag == "--agents")
      agents = std::atoi(argv[i + 1]);
    else if (flag == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--scenario")
      scenario_file = argv[i + 1];
    else {
      std::fprintf(stderr,
                   "usage: bench-predictive [--dials N] [--agents N] [--seed S] "
                   "[--scenario FILE]\n");
      return 2;
    }
  }
  auto scenario = pd::sim::load_scenario_file(scenario_file);
  if (!scenario) {
    std::fprintf(stderr, "bench-predictive: %s\n", scenario.error().message.c_str());
    return 2;
  }
  // The contexts the bench dials into and sends the answered calls to.
  const pd::sim::ContextSpec* customers = scenario->find_context(kCustomers);
  const pd::sim::ContextSpec* destination = scenario->find_context(kDestination);
  if (!customers || customers->type != pd::sim::ContextType::kCustomers || !destination ||
      destination->type != pd::sim::ContextType::kQueue) {
    std::fprintf(stderr,
                 "bench-predictive: %s needs a customers context %s and a queue context %s\n",
                 scenario_file.c_str(), kCustomers, kDestination);
    return 2;
  }
  const pd::sim::SimMs wait_limit = destination->queue_wait.value_or(
      scenario->find_queue(destination->queue)->wait_timeout);  // validated by the parser
  const uint64_t lead_seed = seed.value_or(scenario->seed);
  const CallModel model(*scenario, lead_seed, dials);
  std::printf("agents: %d\ndials: %d\nseed: %llu\n", agents, dials,
              static_cast<unsigned long long>(lead_seed));
  for (Strategy s :
       {Strategy::kProgressive, Strategy::kFixed15, Strategy::kFixed25, Strategy::kPredictive}) {
    const Result r = run(model, agents, double(wait_limit) / 1000, s);
    std::printf("occupancy_pct_%s: %.1f\n", name_of(s), r.occupancy * 100);
    std::printf("abandon_pct_%s: %.2f\n", name_of(s), r.abandon * 100);
    std::printf("calls_per_agent_hour_%s: %.1f\n", name_of(s), r.calls_per_agent_hour);
    std::printf("max_window_abandon_pct_%s: %.2f\n", name_of(s), r.max_window * 100);
    std::printf("run_hours_%s: %.1f\n", name_of(s), r.hours);
  }
  return 0;
}
