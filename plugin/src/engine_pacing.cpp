// Step 1 of a call: which leads to dial now. For each campaign that may dial,
// the Pacer says how many calls to start; leads come from the campaign's
// hopper (refilled by claims ahead of need); the last do-not-call lookup and
// the dial gate (pd/core/dial_gate.h) decide each lead, and those that pass go
// to originate() (engine_originate.cpp).
#include <algorithm>

#include "engine.h"

namespace pd::plugin {

namespace {

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Engine::pace(int64_t now) {
  refresh_host_queue();
  for (auto& [id, run] : campaigns_) pace_one(run, now);
}

int Engine::starting_total() const {
  int total = 0;
  for (const auto& [id, run] : campaigns_) total += run.starting;
  return total;
}

bool Engine::may_pace() const {
  return ami_up_ && !reconciling_ && config_loaded_ && leads_recovered_ && !refused_ && store_ &&
         store_->healthy();
}

void Engine::pace_one(CampaignRun& run, int64_t now) {
  if (!run.runnable()) return;
  // Closed, or what it dials into is missing from the dialplan: its claimed
  // leads go back for now.
  if (!run.dialable() || !run.prepared.schedule->is_open(now / 1000)) {
    if (!run.hopper.empty()) release_leads(run.drain());
    return;
  }
  if (run.prepared.campaign.mode == pd::core::DialMode::kPreview) {
    pace_preview(run, now);
  } else {
    pace_campaign(run, now);
  }
}

// An agent of `queue` may have become free: its campaigns dial now rather
// than at the next tick.
void Engine::pace_queue(std::string_view queue, int64_t now) {
  if (!may_pace()) return;
  auto it = campaigns_by_queue_.find(std::string(queue));
  if (it == campaigns_by_queue_.end()) return;
  pacing_trigger_us_ = steady_us();
  refresh_host_queue();
  for (int64_t id : it->second) {
    if (auto run = campaigns_.find(id); run != campaigns_.end()) pace_one(run->second, now);
  }
  pacing_trigger_us_ = 0;
}

void Engine::pace_campaign(CampaignRun& run, int64_t now) {
  const pd::core::Campaign& campaign = run.prepared.campaign;
  pd::core::PacingInput input;
  input.mode = campaign.mode;
  input.concurrent_calls = campaign.concurrent_calls;
  // Calls granted but not handed over yet (the last do-not-call lookup) count
  // as live; calls waiting in the host's queue count too, as queued.
  input.live_calls = calls_.live_calls(campaign.id) + run.starting;
  input.queued_calls = calls_.queued_calls(campaign.id);
  input.awaiting_agent = calls_.awaiting_agent(campaign.id) + run.starting;
  input.free_agents =
      campaign.mode == pd::core::DialMode::kAutomatic
          ? 0
          : queues_.free_count(campaign.queue_name) - busy_free_members(campaign.queue_name);
  const int wanted =
      campaign.predictive() ? predictive_wanted(run, input, now) : pd::core::calls_wanted(input);
  if (!campaign.predictive()) {
    run.figures = {};
    run.figures.abandon_target_pct = campaign.abandon_target_pct;
    if (campaign.mode == pd::core::DialMode::kProgressive) run.figures.dial_level = 1;
  }
  if (int(run.hopper.size()) < std::max(config_.hopper_size / 2, wanted)) refill(run, now);
  if (wanted <= 0 || run.hopper.empty()) return;
  // No more than a second of the host's cap waits in its queue: the leads
  // wait in the hopper instead (pd/core/pacer.h, "Queued calls").
  const int room = pd::core::host_room(host_queue_, starting_total());
  if (room <= 0) return;
  const int granted = pacer_.limiter().take(std::min({wanted, int(run.hopper.size()), room}), now);
  if (granted <= 0) return;
  start_calls(run, run.take(size_t(granted)));
}

void Engine::refill(CampaignRun& run, int64_t now) {
  const size_t n = run.claim_wanted(size_t(config_.hopper_size), now);
  if (n == 0) return;
  run.claim_in_flight = true;
  const int64_t id = run.id();
  std::weak_ptr<bool> alive = alive_;
  // The store drops (and closes) what is on the do-not-call list.
  store_->claim(id, n, config_.lease,
                [this, alive, id](pd::Result<std::vector<pd::core::Lead>> leads) {
                  if (alive.expired() || !*alive.lock()) return;
                  auto it = campaigns_.find(id);
                  if (it == campaigns_.end()) {
                    if (leads) {
                      std::vector<uint64_t> ids;
                      for (const auto& lead : *leads) ids.push_back(lead.id);
                      release_leads(std::move(ids));
                    }
                    return;
                  }
                  CampaignRun& run = it->second;
                  run.claim_in_flight = false;
                  if (!leads) {
                    run.next_claim_ms = now_ms() + kEmptyClaimPauseMs;
                    return;
                  }
                  ++stats_.claims;
                  if (leads->empty()) run.next_claim_ms = now_ms() + kEmptyClaimPauseMs;
                  if (!run.runnable()) {
                    std::vector<uint64_t> ids;
                    for (const auto& lead : *leads) ids.push_back(lead.id);
                    release_leads(std::move(ids));
                    return;
                  }
                  for (auto& lead : *leads) run.hopper.push_back(std::move(lead));
                });
}

// The last do-not-call lookup, then the dial gate for each lead, then the
// Originates.
void Engine::start_calls(CampaignRun& run, std::vector<pd::core::Lead> leads) {
  const int64_t id = run.id();
  const int64_t trigger_us = pacing_trigger_us_;
  const int count = int(leads.size());
  run.starting += count;
  std::vector<std::string> numbers;
  numbers.reserve(leads.size());
  for (const auto& lead : leads) numbers.push_back(lead.number);
  std::weak_ptr<bool> alive = alive_;
  store_->dnc_lookup(std::move(numbers), [this, alive, id, count, trigger_us,
                                          leads = std::move(leads)](
                                             pd::Result<std::vector<std::string>> listed) mutable {
    if (alive.expired() || !*alive.lock()) return;
    auto it = campaigns_.find(id);
    if (it == campaigns_.end()) {
      std::vector<uint64_t> give_back;
      for (const auto& lead : leads) give_back.push_back(lead.id);
      release_leads(std::move(give_back));
      return;
    }
    CampaignRun& run = it->second;
    run.starting -= count;
    std::unordered_set<std::string> dnc;
    if (listed) dnc.insert(listed->begin(), listed->end());
    const int64_t now_s = now_ms() / 1000;
    const bool dialing = run.runnable() && ami_up_;
    std::vector<uint64_t> give_back;  // one store job for all of them
    std::vector<pd::core::Lead> held;
    for (auto& lead : leads) {
      const auto answer = !listed                     ? pd::core::DncAnswer::kUnknown
                          : dnc.contains(lead.number) ? pd::core::DncAnswer::kListed
                                                      : pd::core::DncAnswer::kClear;
      const auto decision =
          pd::core::may_dial(lead, run.prepared.campaign, *run.prepared.schedule, answer, now_s);
      if (decision.dial() && dialing) {
        if (originate(run, lead, "", "", answer) && trigger_us > 0) {
          stats_.agent_to_originate.add(steady_us() - trigger_us);
        }
      } else if (decision.dial() || decision.verdict == pd::core::GateVerdict::kCampaignClosed) {
        give_back.push_back(lead.id);
      } else if (decision.verdict == pd::core::GateVerdict::kDncUnknown) {
        held.push_back(std::move(lead));
      } else {
        turn_away(run, std::move(lead), decision);
      }
    }
    release_leads(std::move(give_back));
    // The database is away: these wait first in the hopper, in order.
    run.put_back(std::move(held));
  });
}

void Engine::turn_away(CampaignRun& run, pd::core::Lead lead,
                       const pd::core::GateDecision& decision) {
  using pd::core::GateVerdict;
  switch (decision.verdict) {
    case GateVerdict::kDial:
    case GateVerdict::kCampaignClosed:
      release_leads({lead.id});
      return;
    case GateVerdict::kDncUnknown:
      run.put_back({std::move(lead)});
      return;
    case GateVerdict::kDoNotCall:
      ++stats_.dnc_skipped;
      finish_unused({lead.id}, pd::store::NumberState::kDnc);
      return;
    case GateVerdict::kLeadClosed:
      defer_leads({lead.id}, decision.retry_at);
      return;
    case GateVerdict::kLeadNeverOpen:
    case GateVerdict::kBadLeadZone:
    case GateVerdict::kAttemptsUsed:
      host_.log(PD_LOG_WARN, "lead " + std::to_string(lead.id) + " of '" +
                                 run.prepared.campaign.name + "' not dialed: " + decision.reason);
      finish_unused({lead.id}, pd::store::NumberState::kFailed, decision.reason);
      return;
  }
}

}  // namespace pd::plugin
