// Callbacks (pd/core/callback.h): the personal callbacks that came due go to
// their agent as a preview card, whatever the campaign's mode; those whose
// grace is over are opened to anyone.
#include <algorithm>
#include <unordered_set>

#include "engine.h"
#include "pd/core/dial_gate.h"
#include "pd/store/store.h"

namespace pd::plugin {

void Engine::claim_due_callbacks(int64_t now) {
  if (callback_claim_in_flight_ || now < next_callback_claim_ms_ || !migrated_ ||
      !leads_recovered_ || !may_pace()) {
    return;
  }
  next_callback_claim_ms_ = now + kCallbackClaimMs;
  std::erase_if(callback_backoff_, [now](const auto& entry) { return entry.second <= now; });
  std::unordered_set<std::string> busy;
  for (const auto& agent : desk_.open_agents()) {
    if (pauses_.busy(agent) || callback_backoff_.contains(agent)) busy.insert(agent);
  }
  std::vector<std::string> agents;
  for (auto& seat : desk_.callback_seats(busy)) {
    if (agents.size() >= pd::store::Store::kMaxCallbackAgents) break;
    if (preview_claims_.contains(seat.agent)) continue;  // a preview card is on its way
    agents.push_back(std::move(seat.agent));
  }
  if (agents.empty()) return;
  callback_claim_in_flight_ = true;
  std::weak_ptr<bool> alive = alive_;
  const size_t n = agents.size();
  // One callback per agent at most is shown; a second one claimed for the
  // same agent goes back at once (and comes due again on the next claim).
  store_->claim_callbacks(std::move(agents), n, config_.lease,
                          [this, alive](pd::Result<std::vector<ClaimedCallback>> claimed) {
                            if (alive.expired() || !*alive.lock()) return;
                            callbacks_claimed(std::move(claimed));
                          });
}

void Engine::callbacks_claimed(pd::Result<std::vector<ClaimedCallback>> claimed) {
  callback_claim_in_flight_ = false;
  if (!claimed) {
    host_.log(PD_LOG_WARN, "personal callbacks not claimed: " + claimed.error().message);
    return;
  }
  const int64_t now = now_ms();
  std::unordered_set<std::string> busy;
  for (const auto& agent : desk_.open_agents()) {
    if (pauses_.busy(agent)) busy.insert(agent);
  }
  std::vector<uint64_t> unused;
  for (auto& callback : *claimed) {
    ++stats_.claims;
    auto run = campaigns_.find(callback.lead.campaign_id);
    // The agent may have taken a call, a card or a pause meanwhile.
    const auto seats = desk_.callback_seats(busy);
    auto seat = std::find_if(seats.begin(), seats.end(), [&](const pd::core::PreviewSeat& s) {
      return s.agent == callback.agent;
    });
    if (seat == seats.end()) {
      unused.push_back(callback.lead.id);  // claimed again once the agent is free
      continue;
    }
    if (run == campaigns_.end() || !run->second.dialable() ||
        !run->second.prepared.schedule->is_open(now / 1000)) {
      // The campaign is gone, paused or closed: back to the agent, and not
      // claimed again for them every period meanwhile.
      unused.push_back(callback.lead.id);
      callback_backoff_[callback.agent] = now + kCallbackSkipBackoffMs;
      continue;
    }
    CampaignRun& campaign = run->second;
    const auto gate = pd::core::may_offer(callback.lead, campaign.prepared.campaign,
                                          *campaign.prepared.schedule, now / 1000);
    if (!gate.dial()) {
      turn_away(campaign, std::move(callback.lead), gate);
      continue;
    }
    host_.log(PD_LOG_INFO, "personal callback of number " + std::to_string(callback.lead.id) +
                               " shown to agent " + callback.agent);
    show_card(campaign, *seat, std::move(callback.lead), /*callback=*/true);
  }
  if (!unused.empty()) release_leads(std::move(unused));
}

void Engine::open_expired_callbacks(int64_t now) {
  if (callback_open_in_flight_ || now < next_callback_open_ms_ || !migrated_) return;
  next_callback_open_ms_ = now + kCallbackOpenMs;
  callback_open_in_flight_ = true;
  std::weak_ptr<bool> alive = alive_;
  store_->open_expired_callbacks(kCallbackOpenLimit, [this, alive](pd::Result<size_t> opened) {
    if (alive.expired() || !*alive.lock()) return;
    callback_open_in_flight_ = false;
    if (!opened) {
      host_.log(PD_LOG_WARN, "expired personal callbacks not opened: " + opened.error().message);
      return;
    }
    // A full batch: more may wait; ask again on the next tick.
    if (*opened >= kCallbackOpenLimit) next_callback_open_ms_ = 0;
  });
}

}  // namespace pd::plugin
