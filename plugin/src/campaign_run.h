// A campaign as the engine runs it: its prepared configuration, its hopper of
// claimed leads, the leads between the pacer and the Originate, and the state
// of its dialplan check and dashboard problem.
//
// The hopper holds leads this instance claimed and has neither dialed nor
// shown: at most PluginConfig::hopper_size (claims stop there) plus the few
// put back after a refused Originate or a failed lookup. Every lead leaves it
// through take() (to be dialed or shown), drain() (given back) or
// close_same_name() (closed), so none is forgotten.
//
// A preview campaign keeps no standing hopper: it claims one lead per agent
// who can take a card, at the moment the card is made, so the card is the
// best lead by priority at that moment (Engine::pace_preview). Its hopper only
// ever holds a lead put back after a refused Originate, and that goes back to
// the store at the next pacing.
//
// Threads: the host loop only (it is the engine's).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "campaign_setup.h"
#include "pd/core/lead.h"
#include "pd/core/pacing_figures.h"
#include "pd/core/predictive.h"
#include "pd/core/predictive_book.h"

namespace pd::plugin {

// Most leads asked for in one claim.
inline constexpr size_t kMaxClaimBatch = 200;
// After a claim that found nothing ready (or failed), ask again after this.
inline constexpr int64_t kEmptyClaimPauseMs = 2000;

// What a predictive campaign learns and counts (docs/predictive.md, "In the
// engine"): the pacer's estimates, fed from its calls' ends and its agents'
// wrap-ups; the abandonment window's hourly counts (fixed size), read from
// dialer_calls once, then kept from the events; the dials waiting to be
// recorded in placement order (at most DialOrder::kMaxPending).
struct PredictiveRun {
  pd::core::PredictiveEstimates estimates;
  pd::core::AbandonCounts window;
  pd::core::DialOrder dials;
  pd::core::OccupancyMeter occupancy;
  bool window_loaded = false;  // until then the campaign dials one call per free agent
  bool window_loading = false;
  int64_t next_window_load_ms = 0;  // after a failed read, try again then
  bool fallback_logged = false;     // the fallback as last logged
};

struct CampaignRun {
  PreparedCampaign prepared;
  std::deque<pd::core::Lead> hopper;
  bool claim_in_flight = false;
  int64_t next_claim_ms = 0;  // after an empty claim, wait before asking again
  int starting = 0;           // leads between the pacer and the Originate (DNC lookup)
  // The dialplan check (ShowDialPlan of the helper context and the
  // destinations) since the last load, reconnect or dialplan reload: the
  // campaign dials only once every answer said "exists".
  int checks_pending = 0;
  int checks_failed = 0;
  int check_generation = 0;
  bool dialplan_checked = false;
  std::string dialplan_problem;  // what is missing; empty when all exist
  int64_t dialplan_problem_ms = 0;
  // What the dashboard shows: the current problem and when it began.
  std::string problem;
  int64_t problem_since_ms = 0;
  // The live pacing figures (dashboard, compliance audit); see pacing_figures.h.
  pd::core::PacingFigures figures;
  // Set the first time the campaign paces in predictive mode, kept across
  // configuration reloads (shared: CampaignRun stays copyable).
  std::shared_ptr<PredictiveRun> predictive;

  int64_t id() const { return prepared.campaign.id; }
  bool runnable() const { return prepared.runnable() && prepared.campaign.enabled; }
  bool dialable() const { return runnable() && dialplan_checked && dialplan_problem.empty(); }

  // How many leads to claim now to fill the hopper to `target`; 0 while a
  // claim is under way, after an empty one until next_claim_ms, or when full.
  size_t claim_wanted(size_t target, int64_t now_ms) const {
    if (claim_in_flight || now_ms < next_claim_ms || hopper.size() >= target) return 0;
    return std::min(target - hopper.size(), kMaxClaimBatch);
  }
  // Up to n leads from the front, in order.
  std::vector<pd::core::Lead> take(size_t n) {
    std::vector<pd::core::Lead> out;
    out.reserve(std::min(n, hopper.size()));
    while (out.size() < n && !hopper.empty()) {
      out.push_back(std::move(hopper.front()));
      hopper.pop_front();
    }
    return out;
  }
  // Leads back at the front, keeping their order (they go first next time).
  void put_back(std::vector<pd::core::Lead> leads) {
    for (auto lead = leads.rbegin(); lead != leads.rend(); ++lead) {
      hopper.push_front(std::move(*lead));
    }
  }
  // Empties the hopper; the ids of what it held, to give back.
  std::vector<uint64_t> drain() {
    std::vector<uint64_t> ids;
    ids.reserve(hopper.size());
    for (const auto& lead : hopper) ids.push_back(lead.id);
    hopper.clear();
    return ids;
  }
  // Group by name: removes the other leads of the contact `name` (all but
  // `reached`); their ids, to close.
  std::vector<uint64_t> close_same_name(const std::string& name, uint64_t reached) {
    std::vector<uint64_t> closed;
    if (name.empty()) return closed;
    for (auto it = hopper.begin(); it != hopper.end();) {
      if (it->name == name && it->id != reached) {
        closed.push_back(it->id);
        it = hopper.erase(it);
      } else {
        ++it;
      }
    }
    return closed;
  }
};

}  // namespace pd::plugin
