// Predictive mode (docs/predictive.md, "In the engine"). The decisions are
// the core's: pd::core::predict_calls() from the live state and the
// campaign's estimates, the dial gate's recall rule, the retry rule for an
// abandoned number. This file gathers the state, feeds the estimates and
// the window from the calls' events, and fills run.figures.
//
//   estimates   record_dial   each call's end, in placement order (answered
//                             by a person or not, and after how long)
//               record_talk   a call an agent took ends (connect to hang-up)
//               record_wrapup an agent's wrap-up for the campaign ends
//   window      answered live calls (ANSWER, AMD machines excluded) and the
//               abandons (UserEvent PanelDialerAbandon), per hour; read from
//               dialer_calls once at start, then kept from the events
#include <algorithm>

#include "engine.h"

namespace pd::plugin {

namespace {

constexpr int64_t kWindowRetryMs = 5000;

}  // namespace

int Engine::dial_timeout_ms(const pd::core::Campaign& campaign) const {
  int seconds = settings_.dial_timeout_s;
  if (campaign.predictive()) seconds = std::max(seconds, campaign.min_ring_seconds);
  return seconds * 1000;
}

void Engine::load_abandon_window(CampaignRun& run, int64_t now) {
  PredictiveRun& p = *run.predictive;
  if (p.window_loaded || p.window_loading || now < p.next_window_load_ms) return;
  p.window_loading = true;
  const int64_t id = run.id();
  std::weak_ptr<bool> alive = alive_;
  std::weak_ptr<PredictiveRun> target = run.predictive;
  // The whole ring: the window (30 days, or today) always lies inside it.
  const int64_t from = now - int64_t(pd::core::AbandonCounts::kHours - 1) * 3'600'000;
  store_->load_abandon_hours(
      id, time_of(from),
      [this, alive, target, id](pd::Result<std::vector<pd::store::AbandonHour>> hours) {
        if (alive.expired() || !*alive.lock()) return;
        auto p = target.lock();
        if (!p) return;
        p->window_loading = false;
        if (!hours) {
          p->next_window_load_ms = now_ms() + kWindowRetryMs;
          host_.log(PD_LOG_WARN, "campaign " + std::to_string(id) +
                                     ": abandonment window not read (dials one call per free "
                                     "agent meanwhile): " +
                                     hours.error().message);
          return;
        }
        for (const auto& h : *hours) p->window.seed(h.hour, h.answered, h.abandoned);
        p->window_loaded = true;
      });
}

int Engine::predictive_wanted(CampaignRun& run, const pd::core::PacingInput& input, int64_t now) {
  const pd::core::Campaign& campaign = run.prepared.campaign;
  if (!run.predictive) run.predictive = std::make_shared<PredictiveRun>();
  PredictiveRun& p = *run.predictive;
  load_abandon_window(run, now);
  const auto totals = p.window.since(pd::core::abandon_window_start(
      campaign.abandon_window, now,
      run.prepared.schedule ? &run.prepared.schedule->zone() : nullptr));

  talking_scratch_.clear();
  wrapup_scratch_.clear();
  ringing_scratch_.clear();
  int answered_waiting = 0;  // answered, in the queue: each takes the next free agent
  for (const auto& [call_id, live] : live_) {
    if (live.campaign_id != campaign.id) continue;
    const pd::core::CallState* call = calls_.find(call_id);
    if (call == nullptr || call->ended()) continue;
    if (call->agent_connected()) {
      talking_scratch_.push_back(double(std::max<int64_t>(0, now - call->agent_connected_ms())) /
                                 1000.0);
    } else if (call->answered_ms() > 0) {
      ++answered_waiting;
    } else {
      const int64_t since = call->sent_ms() > 0 ? call->sent_ms() : live.handed_ms;
      ringing_scratch_.push_back(double(std::max<int64_t>(0, now - since)) / 1000.0);
    }
  }
  // Leads between the pacer and the Originate ring from now on.
  for (int i = 0; i < run.starting; ++i) ringing_scratch_.push_back(0);
  pauses_.wrapup_elapsed(campaign.id, now, wrapup_scratch_);

  pd::core::PredictiveState state;
  state.free_agents = std::max(0, input.free_agents - answered_waiting);
  state.talking_s = talking_scratch_;
  state.wrapup_s = wrapup_scratch_;
  state.ringing_s = ringing_scratch_;
  state.ring_timeout_s = double(dial_timeout_ms(campaign)) / 1000.0;
  state.max_new_calls =
      std::max(0, campaign.concurrent_calls - input.live_calls - input.queued_calls);
  state.window_answered = uint64_t(std::max<int64_t>(0, totals.answered));
  state.window_abandoned = uint64_t(std::max<int64_t>(0, totals.abandoned));
  state.target = campaign.abandon_target_pct / 100.0;

  pd::core::PredictiveDecision decision;
  if (p.window_loaded) {
    decision = pd::core::predict_calls(state, p.estimates);
  } else {
    // The window is not known yet: one call per free agent, as the fallback.
    decision.fallback = true;
    decision.calls = std::min(pd::core::calls_wanted(input), state.max_new_calls);
    decision.why = "abandonment window not read yet: one call per free agent";
  }
  run.figures =
      pd::core::predictive_figures(decision, p.estimates, totals, campaign.abandon_target_pct);
  // Occupancy over the campaign's day: its logged-in agents are the queue's
  // members whose device is there (paused ones too; AST_DEVICE_INVALID 4 and
  // UNAVAILABLE 5 are not), its talkers the calls connected to an agent.
  // O(members) once a pacing step, like the scan of live calls above.
  int logged_in = 0;
  queues_.for_each_member(campaign.queue_name, [&](const pd::core::QueueMember& member) {
    if (member.status != 4 && member.status != 5) ++logged_in;
  });
  const pd::core::TimeZone* zone = run.prepared.schedule ? &run.prepared.schedule->zone() : nullptr;
  p.occupancy.sample(
      now, pd::core::abandon_window_start(pd::core::AbandonWindow::kCalendarDay, now, zone),
      logged_in, int(talking_scratch_.size()));
  run.figures.occupancy_pct = p.occupancy.percent();
  if (p.window_loaded && decision.fallback != p.fallback_logged) {
    p.fallback_logged = decision.fallback;
    host_.log(
        decision.fallback ? PD_LOG_WARN : PD_LOG_INFO,
        "campaign '" + campaign.name + "': " +
            (decision.fallback ? "falls back to one call per free agent: " : "predictive again: ") +
            decision.why);
  }
  return std::max(0, decision.calls);
}

void Engine::predictive_placed(CampaignRun& run, LiveCall& live) {
  if (!run.prepared.campaign.predictive()) return;
  if (!run.predictive) run.predictive = std::make_shared<PredictiveRun>();
  live.dial_seq = run.predictive->dials.placed();
}

void Engine::predictive_abandoned(LiveCall& live, const pd::core::CallState& call) {
  auto it = campaigns_.find(live.campaign_id);
  if (it == campaigns_.end() || !it->second.predictive || live.window_counted) return;
  live.window_counted = true;
  it->second.predictive->window.add(call.answered_ms() > 0 ? call.answered_ms() : now_ms(), true);
  host_.log(PD_LOG_INFO, "call " + call.call_id() + " of '" + live.campaign_name +
                             "' abandoned: no agent within the connect limit");
}

void Engine::predictive_ended(LiveCall& live, const pd::core::CallState& call) {
  auto it = campaigns_.find(live.campaign_id);
  if (it == campaigns_.end() || !it->second.predictive) return;
  PredictiveRun& p = *it->second.predictive;
  const pd::core::CallResult& result = call.result();
  const bool person = result.dial_status == pd::core::DialStatus::kAnswer;
  const int64_t ended = result.ended_ms > 0 ? result.ended_ms : now_ms();
  if (live.dial_seq != 0) {
    const int64_t sent = call.sent_ms() > 0 ? call.sent_ms() : live.handed_ms;
    const int64_t until = person && result.answered_ms > 0 ? result.answered_ms : ended;
    p.dials.ended(live.dial_seq, person, double(std::max<int64_t>(0, until - sent)) / 1000.0,
                  p.estimates);
  }
  if (person && !live.window_counted) {
    live.window_counted = true;
    p.window.add(result.answered_ms > 0 ? result.answered_ms : ended, result.abandoned);
  }
  if (call.agent_connected_ms() > 0 && ended > call.agent_connected_ms()) {
    p.estimates.record_talk(double(ended - call.agent_connected_ms()) / 1000.0);
  }
}

void Engine::predictive_wrapup_ended(const pd::core::Wrapup& wrapup, int64_t ended_ms) {
  auto it = campaigns_.find(wrapup.campaign_id);
  if (it == campaigns_.end() || !it->second.predictive || wrapup.adopted) return;
  it->second.predictive->estimates.record_wrapup(
      double(std::max<int64_t>(0, ended_ms - wrapup.started_ms)) / 1000.0);
}

}  // namespace pd::plugin
