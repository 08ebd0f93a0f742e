// bench-predictive: pacing strategies against one call model, in virtual time.
//
// A discrete-event simulation of a predictive campaign: 30 agents logged in
// for the whole run, 100,000 dials, an answer rate drifting from 30 % to 12 %
// over the run, talk time log-normal (mean 120 s), time to answer 3-20 s, ring
// timeout 25 s, wrap-up 10 s. An answered call no agent takes within 2 s is
// abandoned (the helper dialplan's Queue wait limit; it hears the message).
// Each strategy sees the same leads (the same seed: lead i gets the same
// outcome, delays and talk time under every strategy):
//   progressive    one call per free agent, less calls not yet connected
//   fixed_1_5/2_5  over-dial: 1.5 / 2.5 calls per free agent
//   predictive     pd::core::predict_calls with pd::core::PredictiveEstimates
//                  (the engine's code), fed only what the engine would see
// Prints name: value lines: occupancy_pct_<s> (talk / logged-in time),
// abandon_pct_<s>, calls_per_agent_hour_<s>, max_window_abandon_pct_<s> (the
// highest the run's abandonment rate ever was, counted from the 100th
// answered call: the window is the whole run, shorter than 30 days).
//
// The call model is drawn with the simulator's generator (pd::sim::Rng); it is
// not yet pbx-sim's scenario model, which does not have log-normal talk times
// or drifting answer rates (issue 12 asks for both there).
//
//   bench-predictive [--dials N] [--agents N] [--seed S]
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

#include "pd/core/predictive.h"
#include "rng.h"

namespace {

constexpr double kAbandonAfterS = 2.0;
constexpr double kRingTimeoutS = 25.0;
constexpr double kWrapupS = 10.0;
constexpr double kTickS = 0.5;
constexpr double kTarget = 0.03;

// What happens to lead i when it is dialed.
struct Lead {
  bool answered = false;
  double ends_after_s = 0;  // answered: the answer delay; else when the call fails
  double talk_s = 0;
};

class CallModel {
 public:
  CallModel(uint64_t seed, int dials) : dials_(dials) {
    pd::sim::Rng rng(seed);
    leads_.reserve(size_t(dials));
    const double sigma = 0.8, mu = std::log(120.0) - sigma * sigma / 2;
    for (int i = 0; i < dials; ++i) {
      pd::sim::Rng own = rng.split();
      const double rate = 0.30 - 0.18 * double(i) / double(std::max(dials - 1, 1));
      Lead lead;
      lead.answered = own.unit() < rate;
      if (lead.answered) {
        lead.ends_after_s = 3 + 17 * own.unit();
      } else {
        // Half ring out, half fail early (busy, congestion, unallocated).
        lead.ends_after_s = own.unit() < 0.5 ? kRingTimeoutS : 1 + 9 * own.unit();
      }
      // Box-Muller from two uniforms.
      const double u1 = std::max(own.unit(), 1e-12), u2 = own.unit();
      const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      lead.talk_s = std::exp(mu + sigma * z);
      leads_.push_back(lead);
    }
  }
  int dials() const { return dials_; }
  const Lead& lead(int i) const { return leads_[size_t(i)]; }

 private:
  int dials_;
  std::vector<Lead> leads_;
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

Result run(const CallModel& model, int agent_count, Strategy strategy) {
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  enum class AgentState { kFree, kTalking, kWrapup };
  struct Agent {
    AgentState state = AgentState::kFree;
    double since = 0;
  };
  std::vector<Agent> agents(static_cast<size_t>(agent_count));
  std::vector<double> dialed_at(size_t(model.dials()), -1);
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
    const Lead& lead = model.lead(call);
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
        ringing.push_back(next);
        unresolved.push_back(next);
        events.push({now + model.lead(next).ends_after_s, 0, next});
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
        const Lead& lead = model.lead(e.id);
        // Outcomes go to the estimates in the order the calls were placed
        // (PredictiveEstimates::record_dial says why).
        ended[size_t(e.id)] = 1;
        while (!unresolved.empty() && ended[size_t(unresolved.front())]) {
          const Lead& first = model.lead(unresolved.front());
          estimates.record_dial(first.answered, first.ends_after_s);
          unresolved.pop_front();
        }
        if (!lead.answered) break;
        ++answered;
        if (const int agent = free_agent(); agent >= 0) {
          connect(e.id, agent);
        } else {
          waiting.push_back(e.id);
          events.push({now + kAbandonAfterS, 3, e.id});
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
  uint64_t seed = 12;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--dials")
      dials = std::atoi(argv[i + 1]);
    else if (flag == "--agents")
      agents = std::atoi(argv[i + 1]);
    else if (flag == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: bench-predictive [--dials N] [--agents N] [--seed S]\n");
      return 2;
    }
  }
  const CallModel model(seed, dials);
  std::printf("agents: %d\ndials: %d\nseed: %llu\n", agents, dials,
              static_cast<unsigned long long>(seed));
  for (Strategy s :
       {Strategy::kProgressive, Strategy::kFixed15, Strategy::kFixed25, Strategy::kPredictive}) {
    const Result r = run(model, agents, s);
    std::printf("occupancy_pct_%s: %.1f\n", name_of(s), r.occupancy * 100);
    std::printf("abandon_pct_%s: %.2f\n", name_of(s), r.abandon * 100);
    std::printf("calls_per_agent_hour_%s: %.1f\n", name_of(s), r.calls_per_agent_hour);
    std::printf("max_window_abandon_pct_%s: %.2f\n", name_of(s), r.max_window * 100);
    std::printf("run_hours_%s: %.1f\n", name_of(s), r.hours);
  }
  return 0;
}
