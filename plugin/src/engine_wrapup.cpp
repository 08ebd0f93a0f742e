// Wrap-up and the agent's controls: the agent paused in the campaign's queue
// after a call (QueuePause, reason "wrap-up") until the disposition is saved
// or the campaign's timeout, pause / unpause with a reason from the panel,
// the agent's state per queue and the day's figures. The decisions are
// pd::core::PauseDesk's (pd/core/agent_pause.h); this file sends the
// QueuePause actions, records each finished period (dialer_agent_events) and
// tells the panel (agent.controls, agent.today).
#include <algorithm>

#include "engine.h"
#include "panel_controls.h"
#include "panel_messages.h"

namespace pd::plugin {

namespace {

std::string day_text(int64_t local_day_start_s) {
  const auto days = std::chrono::sys_days(std::chrono::days(local_day_start_s / 86400));
  const std::chrono::year_month_day ymd(days);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return out;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

bool Engine::on_agent_control(const std::string& agent, const PanelRequest& request) {
  if (request.type == "agent.pause") {
    const auto& allowed = settings_.pause_reasons;
    if (std::find(allowed.begin(), allowed.end(), request.reason) == allowed.end()) {
      host_.panel_send(agent,
                       error_json("'" + request.reason + "' is not a pause reason.", request.type));
      return true;
    }
    const auto interfaces = desk_.interfaces(agent);
    if (interfaces.empty()) {
      host_.panel_send(agent,
                       error_json("You are in no queue: there is nothing to pause.", request.type));
      return true;
    }
    if (!ami_up_) {
      host_.panel_send(
          agent, error_json("The PBX is not connected; not paused. Try again.", request.type));
      return true;
    }
    apply_pause_effects(agent, pauses_.pause(agent, request.reason, interfaces, now_ms()));
    give_back_card(agent, "paused");
    return true;
  }
  if (request.type == "agent.unpause") {
    const auto interfaces = desk_.interfaces(agent);
    if (interfaces.empty()) {
      host_.panel_send(agent, error_json("You are in no queue.", request.type));
      return true;
    }
    if (!ami_up_) {
      host_.panel_send(
          agent, error_json("The PBX is not connected; not unpaused. Try again.", request.type));
      return true;
    }
    apply_pause_effects(agent, pauses_.unpause(agent, interfaces, queues_, now_ms()));
    return true;
  }
  if (request.type == "agent.today") {
    load_agent_day(agent);
    return true;
  }
  return false;
}

void Engine::wrapup_call_ended(const std::string& agent, const std::string& call_id,
                               const CampaignRun* run, bool prompted) {
  if (run == nullptr) return;
  const auto& campaign = run->prepared.campaign;
  wrapup_known_.insert(agent);
  apply_pause_effects(agent, pauses_.call_ended(agent, call_id, campaign.id, campaign.queue_name,
                                                campaign.wrapup_seconds, prompted,
                                                desk_.interfaces(agent), queues_, now_ms()));
}

void Engine::wrapup_saved(const std::string& agent, const std::string& call_id) {
  apply_pause_effects(
      agent, pauses_.disposition_saved(agent, call_id, desk_.interfaces(agent), queues_, now_ms()));
  load_agent_day(agent);  // the tag counts
}

void Engine::expire_wrapups(int64_t now) {
  // Members paused for wrap-up before this run whose queue event came before
  // the database and the campaigns were there: looked at every 30 s (each
  // agent once; check_stale_wrapup remembers).
  if (now >= next_stale_sweep_ms_ && migrated_ && config_loaded_ && ami_up_) {
    next_stale_sweep_ms_ = now + 30'000;
    std::unordered_set<std::string> agents;
    for (const auto& queue : queues_.queue_names()) {
      queues_.for_each_member(queue, [&](const pd::core::QueueMember& member) {
        if (member.paused && member.paused_reason == pd::core::kWrapupReason) {
          agents.insert(pd::core::extension_of(member.interface));
        }
      });
    }
    for (const auto& agent : agents) check_stale_wrapup(agent);
  }
  const int64_t next = pauses_.next_timeout();
  if (next == 0 || next > now) return;
  for (const auto& agent : pauses_.expired(now)) {
    apply_pause_effects(agent, pauses_.timeout(agent, desk_.interfaces(agent), queues_, now));
  }
}

void Engine::check_stale_wrapup(const std::string& agent) {
  // The agent's own pause lifted elsewhere (the phone, a supervisor).
  if (pauses_.pause_of(agent) != nullptr) {
    auto lifted = pauses_.members_changed(agent, desk_.interfaces(agent), queues_, now_ms());
    if (lifted.ended_pause) apply_pause_effects(agent, std::move(lifted));
  }
  if (wrapup_known_.contains(agent) || wrapup_checks_.contains(agent)) return;
  const auto interfaces = desk_.interfaces(agent);
  if (!pd::core::PauseDesk::paused_for_wrapup(interfaces, queues_)) return;
  if (pauses_.wrapup(agent) != nullptr || !migrated_ || !config_loaded_) return;
  wrapup_checks_.insert(agent);
  std::weak_ptr<bool> alive = alive_;
  // The oldest call the agent has to tag decides: adopted for it, or lifted.
  store_->load_prompts(agent, 1, [this, alive, agent](pd::Result<pd::store::PendingPrompts> got) {
    if (alive.expired() || !*alive.lock()) return;
    wrapup_checks_.erase(agent);
    if (!got) return;  // the next queue event of the agent asks again
    wrapup_known_.insert(agent);
    std::string call_id;
    int64_t campaign_id = 0;
    int seconds = 0;
    if (!got->oldest.empty()) {
      call_id = got->oldest.front().call_id;
      campaign_id = got->oldest.front().campaign_id;
      if (auto run = campaigns_.find(campaign_id); run != campaigns_.end()) {
        seconds = run->second.prepared.campaign.wrapup_seconds;
      }
    }
    host_.log(PD_LOG_INFO,
              "agent " + agent + " was paused for wrap-up before this run: " +
                  (call_id.empty() ? std::string("no call to tag, unpaused")
                                   : "wrap-up resumed until " + call_id + " is tagged"));
    apply_pause_effects(agent, pauses_.resume(agent, call_id, campaign_id, seconds,
                                              desk_.interfaces(agent), queues_, now_ms()));
    send_agent_state(agent);
  });
}

void Engine::record_period(pd::store::AgentPeriod period) {
  const std::string agent = period.agent;
  const std::string what = period.wrapup ? "wrap-up" : "pause";
  std::weak_ptr<bool> alive = alive_;
  // Confirmed, so that the figures read after it count it.
  store_->submit_confirmed(
      std::move(period), [this, alive, agent, what](pd::Result<size_t> written) {
        if (alive.expired() || !*alive.lock()) return;
        if (!written) {
          host_.log(PD_LOG_WARN,
                    what + " of agent " + agent + " not recorded: " + written.error().message);
          return;
        }
        load_agent_day(agent);
      });
}

void Engine::apply_pause_effects(const std::string& agent, pd::core::PauseEffects effects) {
  for (const auto& action : effects.actions) {
    Fields fields{{"Action", "QueuePause"}};
    if (!action.queue.empty()) fields.emplace_back("Queue", action.queue);
    fields.emplace_back("Interface", action.interface);
    fields.emplace_back("Paused", action.paused ? "true" : "false");
    if (action.paused && !action.reason.empty()) fields.emplace_back("Reason", action.reason);
    if (auto sent = host_.send_action(fields); !sent) {
      host_.log(PD_LOG_WARN,
                "QueuePause of " + action.interface + " not sent: " + sent.error().message);
    }
  }
  const std::string how(pd::core::to_string(effects.how));
  if (effects.ended_wrapup) {
    predictive_wrapup_ended(*effects.ended_wrapup, effects.ended_ms);
    pd::store::AgentPeriod period;
    period.call_id = effects.ended_wrapup->call_id;
    period.agent = agent;
    period.wrapup = true;
    period.reason = std::string(pd::core::kWrapupReason);
    period.campaign_id = uint32_t(effects.ended_wrapup->campaign_id);
    period.started_at = time_of(effects.ended_wrapup->started_ms);
    period.ended_at = time_of(std::max(effects.ended_ms, effects.ended_wrapup->started_ms));
    period.ended_by = how;
    record_period(std::move(period));
  }
  if (effects.ended_pause) {
    pd::store::AgentPeriod period;
    period.agent = agent;
    period.reason = effects.ended_pause->reason;
    period.started_at = time_of(effects.ended_pause->since_ms);
    period.ended_at = time_of(std::max(effects.ended_ms, effects.ended_pause->since_ms));
    period.ended_by = how;
    record_period(std::move(period));
  }
  // Recorded as they start too (no end yet): the figures read once the row
  // is written count the call before it, written ahead in the same queue.
  if (effects.started_wrapup) {
    pd::store::AgentPeriod period;
    period.call_id = effects.started_wrapup->call_id;
    period.agent = agent;
    period.wrapup = true;
    period.reason = std::string(pd::core::kWrapupReason);
    period.campaign_id = uint32_t(effects.started_wrapup->campaign_id);
    period.started_at = time_of(effects.started_wrapup->started_ms);
    record_period(std::move(period));
  }
  if (effects.started_pause) {
    pd::store::AgentPeriod period;
    period.agent = agent;
    period.reason = effects.started_pause->reason;
    period.started_at = time_of(effects.started_pause->since_ms);
    record_period(std::move(period));
  }
  send_agent_state(agent);  // the status (wrap-up, paused) and agent.controls
  // Unpaused: its campaigns may dial for it now (the queue event follows too).
  if (!effects.actions.empty() && !pauses_.busy(agent)) {
    for (const auto& queue : queues_.queue_names()) pace_queue(queue, now_ms());
  }
}

int Engine::busy_free_members(std::string_view queue) const {
  int busy = 0;
  for (const pd::core::QueueMember* member : queues_.free_members(queue)) {
    const std::string agent = pd::core::extension_of(member->interface);
    // A card too: a callback card shown in a progressive campaign's queue.
    if (pauses_.busy(agent) || desk_.live_call(agent) != nullptr || desk_.card(agent) != nullptr) {
      ++busy;
    }
  }
  return busy;
}

void Engine::send_agent_controls(const std::string& agent) {
  if (!desk_.panel_open(agent)) return;
  ControlsView view;
  view.reasons = settings_.pause_reasons;
  view.now_ms = now_ms();
  if (const auto* pause = pauses_.pause_of(agent)) {
    view.paused = true;
    view.pause_reason = pause->reason;
    view.paused_since_ms = pause->since_ms;
  }
  if (const auto* wrapup = pauses_.wrapup(agent)) {
    view.wrapup = true;
    view.wrapup_call_id = wrapup->call_id;
    if (auto run = campaigns_.find(wrapup->campaign_id); run != campaigns_.end()) {
      view.wrapup_campaign = run->second.prepared.campaign.name;
    }
    view.wrapup_started_ms = wrapup->started_ms;
    view.wrapup_ends_ms = wrapup->ends_ms;
  }
  const auto interfaces = desk_.interfaces(agent);
  auto names = queues_.queue_names();
  std::sort(names.begin(), names.end());
  for (const auto& queue : names) {
    for (const auto& interface : interfaces) {
      const pd::core::QueueMember* member = queues_.find(queue, interface);
      if (member == nullptr) continue;
      QueueMembership row;
      row.queue = queue;
      if (member->paused) {
        row.state = "paused";
        row.reason = member->paused_reason;
      } else if (member->in_call || member->status == 2 || member->status == 6) {
        row.state = "in call";
      } else if (member->status == 1) {
        row.state = "available";
      } else {
        row.state = "unavailable";
      }
      view.queues.push_back(std::move(row));
      break;  // one line per queue (the agent's first interface in it)
    }
  }
  host_.panel_send(agent, agent_controls_json(view));
}

void Engine::load_agent_day(const std::string& agent) {
  if (!desk_.panel_open(agent) || !migrated_) return;
  if (day_loads_.contains(agent)) {
    day_reloads_.insert(agent);  // a write since the read began: read again after it
    return;
  }
  day_loads_.insert(agent);
  const auto zone = settings_.day_zone ? settings_.day_zone : pd::core::TimeZone::utc();
  const int64_t now_s = now_ms() / 1000;
  const int64_t local_midnight = floor_div(zone->to_local(now_s), 86400) * 86400;
  const int64_t from_s = zone->to_utc(local_midnight);
  const int64_t to_s = zone->to_utc(local_midnight + 86400);
  const std::string day = day_text(local_midnight);
  std::weak_ptr<bool> alive = alive_;
  store_->load_agent_day(agent, time_of(from_s * 1000), time_of(to_s * 1000),
                         [this, alive, agent, day](pd::Result<pd::store::AgentDay> loaded) {
                           if (alive.expired() || !*alive.lock()) return;
                           day_loads_.erase(agent);
                           if (day_reloads_.erase(agent) > 0) load_agent_day(agent);
                           if (!loaded) {
                             host_.log(PD_LOG_WARN, "figures of agent " + agent +
                                                        " not read: " + loaded.error().message);
                             return;
                           }
                           TodayView view;
                           view.day = day;
                           view.calls = loaded->calls;
                           view.talk_seconds = loaded->talk_seconds;
                           view.wrapups = loaded->wrapups;
                           view.wrapup_seconds = loaded->wrapup_seconds;
                           view.pauses = loaded->pauses;
                           view.pause_seconds = loaded->pause_seconds;
                           view.dispositions = loaded->dispositions;
                           if (desk_.panel_open(agent))
                             host_.panel_send(agent, agent_today_json(view));
                         });
}

}  // namespace pd::plugin
