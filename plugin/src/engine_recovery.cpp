// What happened while the engine was away: calls an earlier run left in
// flight (adopted after a restart), calls whose events were missed while the
// AMI link was down, and the milestones the helper dialplan wrote for them in
// the Asterisk database (docs/milestones.md).
//
//   restart:   recover_own_leads -> adopt_calls -> reconcile_calls
//   reconnect: on_ami_link(true) -> reconcile_calls
//   then:      CoreShowChannelsComplete -> reconcile_finished
//              -> DBGetTree per call -> milestones_read -> end or go on
#include "engine.h"

namespace pd::plugin {

namespace {

// CoreShowChannels and DBGetTree answers come within a second on a healthy
// PBX; past these the engine stops waiting and decides with what it has.
constexpr int64_t kReconcileTimeoutMs = 30000;
constexpr int64_t kPendingActionMs = 30000;
constexpr std::string_view kNotFound = "Database entry not found";

}  // namespace

// After a restart: leads this instance had only reserved go back; calls it had
// in flight are adopted and matched against the PBX's live channels. Runs once
// the campaigns are loaded, so that every adopted call ends under its
// campaign's own rules.
void Engine::recover_own_leads() {
  recovery_in_flight_ = true;
  std::weak_ptr<bool> alive = alive_;
  store_->recover([this, alive](pd::Result<std::vector<OpenCall>> open) {
    if (alive.expired() || !*alive.lock()) return;
    recovery_in_flight_ = false;
    if (!open) {
      // Dialing waits: a new claim must not race the calls of the earlier run.
      host_.log(PD_LOG_ERROR,
                "could not read the calls an earlier run left in flight: " + open.error().message +
                    "; retrying in 5 s (no new call is placed meanwhile)");
      next_recover_ms_ = now_ms() + 5000;
      return;
    }
    leads_recovered_ = true;
    if (open->empty()) return;
    host_.log(PD_LOG_INFO, "adopting " + std::to_string(open->size()) +
                               " call(s) left in flight by an earlier run");
    if (reconciling_) {
      // Their channels were not in the CoreShowChannels under way.
      for (auto& call : *open) deferred_adoptions_.push_back(std::move(call));
      return;
    }
    adopt_calls(std::move(*open), now_ms());
  });
}

// Follows calls an earlier run of this instance started.
void Engine::adopt_calls(std::vector<OpenCall> calls, int64_t now) {
  for (auto& call : calls) {
    const int64_t campaign_id = call.lead.campaign_id;
    pd::core::CallInfo info{campaign_id, int64_t(call.lead.id), call.lead.attempts + 1, ""};
    pd::core::CallSettings settings;
    settings.ok_disposition = settings_.ok_disposition;
    settings.leg =
        call.local_first ? pd::core::CallLeg::kLocalFirst : pd::core::CallLeg::kRemoteFirst;
    settings.valid_dtmf = call.valid_dtmf;
    auto added = calls_.add(call.call_id, "", info, settings, now);
    if (!added) {
      host_.log(PD_LOG_ERROR, "call " + call.call_id + " not adopted: " + added.error().message);
      continue;
    }
    (*added)->originate_sent(now);
    LiveCall live;
    live.lead = std::move(call.lead);
    live.campaign_id = campaign_id;
    live.campaign_name = std::move(call.campaign_name);
    live.started_at = call.started_at;
    live.adopted = true;
    live_.emplace(std::move(call.call_id), std::move(live));
  }
  if (ami_up_ && !reconciling_) reconcile_calls(now);
}

// Matches the calls in flight against the PBX's live channels
// (CoreShowChannels); reconcile_finished() reads the milestones of each.
void Engine::reconcile_calls(int64_t now) {
  calls_.begin_reconcile();
  auto show = host_.send_action({{"Action", "CoreShowChannels"}});
  if (!show) {
    host_.log(PD_LOG_WARN, "cannot reconcile calls: " + show.error().message);
    return;  // the next link-up tries again
  }
  core_show_action_ = *show;
  reconciling_ = true;
  reconcile_deadline_ms_ = now + kReconcileTimeoutMs;
}

void Engine::reconcile_finished(int64_t now) {
  reconciling_ = false;
  core_show_action_.clear();
  // Calls that never got their Originate's outcome: finish_reconcile() may
  // take an Up channel as answered now, but the real time is in the records.
  pd::core::StringMap<bool> unsure;
  calls_.for_each([&](const pd::core::CallState& call, const pd::core::CallInfo&) {
    if (!call.ended() && !call.originate_outcome_known()) unsure.emplace(call.call_id(), true);
  });
  const std::vector<std::string> gone = calls_.finish_reconcile(now);
  pd::core::StringMap<bool> gone_set;
  for (const auto& id : gone) gone_set.emplace(id, true);
  // The gone calls end from their milestones. Of the live ones, those whose
  // start was missed (adopted, or the Originate's outcome never came) learn
  // their real answer time and agent; the others go on from their events,
  // so that a short link drop does not cost one action per live call.
  std::vector<std::string> ids;
  calls_.for_each([&](const pd::core::CallState& call, const pd::core::CallInfo&) {
    if (call.ended()) return;
    const auto live = live_.find(call.call_id());
    const bool adopted = live != live_.end() && live->second.adopted;
    if (gone_set.contains(call.call_id()) || adopted || unsure.contains(call.call_id())) {
      ids.push_back(call.call_id());
    }
  });
  for (const auto& id : ids) request_milestones(id, gone_set.contains(id), now);
  if (!gone.empty()) {
    host_.log(PD_LOG_INFO, std::to_string(gone.size()) +
                               " call(s) were gone from the PBX; reading what they recorded");
  }
  if (milestone_reads_ == 0) link_lost_ms_ = 0;
  if (!deferred_adoptions_.empty()) {
    auto deferred = std::move(deferred_adoptions_);
    deferred_adoptions_.clear();
    adopt_calls(std::move(deferred), now);
  }
}

void Engine::request_milestones(const std::string& call_id, bool finish, int64_t now) {
  auto sent = host_.send_action({{"Action", "DBGetTree"},
                                 {"Family", std::string(pd::core::kMilestoneFamily)},
                                 {"Key", call_id}});
  if (!sent) {
    // The link went down again (it reconciles again when back), or the send
    // queue is full: decide without milestones rather than wait forever.
    host_.log(PD_LOG_WARN, "milestones of " + call_id + " not asked: " + sent.error().message);
    if (ami_up_) milestones_read(call_id, nullptr, finish);
    return;
  }
  PendingAction read;
  read.kind = PendingAction::Kind::kMilestones;
  read.sent_ms = now;
  read.call_id = call_id;
  read.finish = finish;
  pending_.insert_or_assign(std::move(*sent), std::move(read));
  ++milestone_reads_;
}

void Engine::milestones_read(const std::string& call_id, const pd::core::Milestones* milestones,
                             bool finish) {
  const int64_t now = now_ms();
  const int64_t lost_at = link_lost_ms_ > 0 ? link_lost_ms_ : now;
  const pd::core::CallChanges changes = calls_.recover(call_id, milestones, finish, lost_at);
  if (pd::core::CallState* call = calls_.find(call_id)) {
    handle_call_changes(*call, changes, pd::core::AmiEvent{});
  }
}

// A DBGetTree asked by request_milestones() is over (answered, refused or
// expired): the call learns what it can; once none is left, the link loss is
// history.
void Engine::milestone_read_ended(const PendingAction& read,
                                  const pd::core::Milestones* milestones) {
  --milestone_reads_;
  milestones_read(read.call_id, milestones, read.finish);
  if (milestone_reads_ == 0 && !reconciling_) link_lost_ms_ = 0;
}

// After every call: its records are of no more use, and the Asterisk
// database must not grow with the call count.
void Engine::delete_milestones(const std::string& call_id, int64_t now) {
  if (!ami_up_) return;  // kept; a later reconciliation has nothing to read them for
  auto sent = host_.send_action({{"Action", "DBDelTree"},
                                 {"Family", std::string(pd::core::kMilestoneFamily)},
                                 {"Key", call_id}});
  if (!sent) return;  // link down or queue full: a few stale records, no harm
  PendingAction del;
  del.kind = PendingAction::Kind::kDeleteMilestones;
  del.sent_ms = now;
  del.call_id = call_id;
  pending_.insert_or_assign(std::move(*sent), std::move(del));
}

bool Engine::on_pending_reply(const pd::core::AmiEvent& event, int64_t now) {
  auto it = pending_.find(event.action_id);
  if (it == pending_.end()) return false;
  PendingAction& action = it->second;
  const bool is_response = event.event.empty();
  const bool error = is_response && event.response == "Error";
  switch (action.kind) {
    case PendingAction::Kind::kMilestones: {
      if (event.event == "DBGetTreeResponse" || event.event == "DBGetResponse") {
        action.milestones.take(action.call_id, event.key, event.val);
        return true;
      }
      const bool complete = event.event == "DBGetTreeComplete";
      if (!complete && !error) return true;  // the list's start
      PendingAction done = std::move(action);
      pending_.erase(it);
      const bool unreadable = error && event.message != kNotFound;
      if (unreadable) {
        host_.log(PD_LOG_WARN, "milestones of " + done.call_id +
                                   " cannot be read (DBGetTree: " + std::string(event.message) +
                                   "); does the AMI user have the 'system' class?");
      }
      milestone_read_ended(done, unreadable ? nullptr : &done.milestones);
      return true;
    }
    case PendingAction::Kind::kDeleteMilestones:
      if (!is_response) return true;
      if (error && event.message != kNotFound && !milestone_delete_warned_) {
        milestone_delete_warned_ = true;
        host_.log(PD_LOG_WARN, "the Asterisk database refused to delete a call's milestones (" +
                                   std::string(event.message) +
                                   "); they accumulate under family 'paneldialer'");
      }
      pending_.erase(it);
      return true;
    case PendingAction::Kind::kDialplanCheck: {
      if (!is_response) return true;
      PendingAction check = std::move(action);
      pending_.erase(it);
      dialplan_check_answered(check, !error, event.message, now);
      return true;
    }
    case PendingAction::Kind::kReload:
      if (!is_response) return true;
      pending_.erase(it);
      if (error) {
        host_.log(PD_LOG_ERROR, "dialplan reload refused: " + std::string(event.message));
      }
      check_dialplan(now);
      return true;
  }
  return false;
}

// Answers that never came (a PBX that hangs, an action it does not know and
// did not answer): decide without them.
void Engine::expire_pending(int64_t now) {
  if (reconciling_ && now >= reconcile_deadline_ms_) {
    host_.log(PD_LOG_WARN, "no answer to CoreShowChannels in time; asking again");
    reconciling_ = false;
    if (ami_up_) reconcile_calls(now);
  }
  std::vector<std::string> late;
  for (const auto& [action_id, action] : pending_) {
    if (now - action.sent_ms >= kPendingActionMs) late.push_back(action_id);
  }
  for (const auto& action_id : late) {
    auto it = pending_.find(action_id);
    PendingAction action = std::move(it->second);
    pending_.erase(it);
    switch (action.kind) {
      case PendingAction::Kind::kMilestones:
        host_.log(PD_LOG_WARN, "no answer to DBGetTree for " + action.call_id);
        milestone_read_ended(action, nullptr);
        break;
      case PendingAction::Kind::kDialplanCheck:
        dialplan_check_answered(action, false, "no answer to ShowDialPlan", now);
        break;
      case PendingAction::Kind::kDeleteMilestones:
        break;
      case PendingAction::Kind::kReload:
        check_dialplan(now);
        break;
    }
  }
}

}  // namespace pd::plugin
