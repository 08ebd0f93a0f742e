// Step 3 of a call: its AMI events and its result. The call table (core)
// follows each call's channels; the changes it reports are carried out here:
// the answer and the result written, the retry rule applied, the agent's
// panel told, a disposition prompted (engine_agents.cpp).
#include <algorithm>
#include <cstring>

#include "engine.h"
#include "pd/core/agent_desk.h"
#include "pd/core/originate_refusal.h"

namespace pd::plugin {

namespace {

constexpr size_t kMaxRequeueCounts = 10000;  // Engine::requeues_

pd::store::NumberState state_after(pd::core::NextStep step) {
  switch (step) {
    case pd::core::NextStep::kDone:
      return pd::store::NumberState::kDone;
    case pd::core::NextStep::kRetry:
      return pd::store::NumberState::kRetry;
    case pd::core::NextStep::kUnknown:
      return pd::store::NumberState::kUnknown;
    case pd::core::NextStep::kFailed:
      break;
  }
  return pd::store::NumberState::kFailed;
}

}  // namespace

// Events no part of the engine reads (most of a busy PBX's stream: VarSet,
// Newexten, DeviceStateChange ...) are dropped on their name alone.
bool Engine::wanted(const pd_ami_field* fields, size_t n_fields) {
  if (n_fields == 0 || std::strcmp(fields[0].key, "Event") != 0) return n_fields > 0;
  const std::string_view name = fields[0].value;
  return pd::core::CallTable::may_concern(name) || name.starts_with("Queue") ||
         name == "CoreShowChannelsComplete" || name.starts_with("DBGet");
}

void Engine::on_ami_message(const pd_ami_field* fields, size_t n_fields) {
  if (!wanted(fields, n_fields)) return;
  event_fields_.clear();
  for (size_t i = 0; i < n_fields; ++i) event_fields_.push_back({fields[i].key, fields[i].value});
  const pd::core::AmiEvent event = pd::core::AmiEvent::from_fields(event_fields_);
  const int64_t now = now_ms();
  if (!event.action_id.empty() && on_pending_reply(event, now)) return;

  if (!event.event.empty()) {
    const std::string_view name = event.event;
    if (name.starts_with("QueueMember") || name == "QueueParams" || name == "QueueStatusComplete") {
      if (queues_.apply(event) && !event.interface.empty()) {
        if (!event.queue.empty()) pace_queue(event.queue, now);
        const std::string agent = pd::core::extension_of(event.interface);
        desk_.note_interface(agent, event.interface, queues_);
        check_stale_wrapup(agent);
        send_agent_state(agent);
        // A preview agent who paused or went away loses the card.
        if (const auto* member = queues_.find(event.queue, event.interface);
            member == nullptr || member->paused) {
          give_back_card(agent, member == nullptr ? "left the queue" : "paused");
        }
      }
      return;
    }
    if (name == "CoreShowChannelsComplete" && event.action_id == core_show_action_) {
      reconcile_finished(now);
      return;
    }
  }
  auto applied = calls_.apply(event, now);
  if (applied.call != nullptr) {
    handle_call_changes(*applied.call, applied.changes, event);
    return;
  }
  if (event.event == "AgentConnect") pop_inbound_contact(event);
  if (event.event == "AgentComplete") {
    inbound_completed(event);
    inbound_contact_done(event);
  }
}

void Engine::handle_call_changes(pd::core::CallState& call, pd::core::CallChanges changes,
                                 const pd::core::AmiEvent& event) {
  const std::string call_id = call.call_id();
  auto it = live_.find(call_id);
  if (it == live_.end()) {
    if (changes & pd::core::kEnded) calls_.remove(call_id);
    return;
  }
  LiveCall& live = it->second;
  if (changes & pd::core::kAnswered) {
    pd::store::AttemptAnswer answer;
    answer.call_id = call_id;
    answer.number_id = live.lead.id;
    // When it happened (a recovered call learns it late, from its milestones).
    answer.answered_at = time_of(call.answered_ms() > 0 ? call.answered_ms() : now_ms());
    answer.unique_id = call_id;
    store_->submit(answer);
  }
  if (changes & pd::core::kAgentConnected) {
    const std::string agent = pd::core::extension_of(
        event.interface.empty() ? std::string_view(call.agent_interface()) : event.interface);
    if (live.agent.empty() && !agent.empty()) {
      live.agent = agent;
      desk_.call_started(agent, call_id);
      pop_contact(agent, call_id, live);  // screen pop
    }
  }
  if (changes & pd::core::kAbandoned) predictive_abandoned(live, call);
  if (changes & pd::core::kEnded) {
    finish_call(call_id);
    return;
  }
  // Ringing, connected: what the events reported, when the panel's view changed
  // (progress_of reads only what these bits announce).
  if (changes & (pd::core::kRinging | pd::core::kAnswered | pd::core::kAgentConnected)) {
    report_progress(call_id);
  }
}

void Engine::finish_call(const std::string& call_id) {
  pd::core::CallState* call = calls_.find(call_id);
  auto it = live_.find(call_id);
  if (call == nullptr || it == live_.end()) {
    calls_.remove(call_id);
    return;
  }
  const pd::core::CallResult& result = call->result();
  LiveCall live = std::move(it->second);
  live_.erase(it);
  const int64_t now = now_ms();
  predictive_ended(live, *call);

  // Refused before any channel existed (an id in use): not an attempt.
  // Preview calls are the agent's own and adopted ones predate this run:
  // both go the usual way (a preview refusal requeues as "never dialed").
  if (!live.preview && !live.adopted) {
    const auto refusal = pd::core::decide_refusal(result, live.lead.id_retries);
    if (refusal.step != pd::core::RefusalStep::kNone) {
      withdraw_refused(call_id, std::move(live), refusal);
      calls_.remove(call_id);
      return;
    }
  }

  pd::core::RetryRule rule;
  const CampaignRun* run = nullptr;
  if (auto found = campaigns_.find(live.campaign_id); found != campaigns_.end()) {
    run = &found->second;
    rule.dial_attempts = run->prepared.campaign.dial_attempts;
    rule.retry_minutes = run->prepared.campaign.retry_minutes;
    rule.group_by_name = run->prepared.campaign.group_by_name;
    rule.abandon_recall_hours = run->prepared.campaign.abandon_recall_hours;
  }
  const int requeues_before = requeues_.contains(live.lead.id) ? requeues_[live.lead.id] : 0;
  const auto decision = pd::core::decide_retry(rule, live.lead.attempts, requeues_before,
                                               pd::core::AttemptOutcome::from(result), now);
  if (decision.requeues == 0 || decision.step != pd::core::NextStep::kRetry) {
    requeues_.erase(live.lead.id);
  } else {
    // A stale count (its lead went to another instance) only costs a broken
    // setup a few more loops: clearing at the bound is safe.
    if (requeues_.size() >= kMaxRequeueCounts) requeues_.clear();
    requeues_[live.lead.id] = decision.requeues;
  }

  pd::store::AttemptResult op;
  op.call_id = call_id;
  op.campaign_id = uint32_t(live.campaign_id);
  op.number_id = live.lead.id;
  op.number = live.lead.number;
  op.attempt = uint16_t(live.lead.attempts + 1);
  op.started_at = live.started_at;
  if (result.answered_ms > 0) op.answered_at = time_of(result.answered_ms);
  op.ended_at = time_of(result.ended_ms > 0 ? result.ended_ms : now);
  op.new_state = state_after(decision.step);
  if (decision.step == pd::core::NextStep::kRetry) op.next_try_at = time_of(decision.retry_at_ms);
  const std::string dial_status(pd::core::to_string(result.dial_status));
  if (!dial_status.empty()) op.dial_status = dial_status;
  if (result.hangup_cause >= 0) op.hangup_cause = result.hangup_cause;
  op.disposition = result.disposition;
  if (!result.dtmf.empty()) op.dtmf = result.dtmf;
  const std::string agent =
      !live.agent.empty() ? live.agent : pd::core::extension_of(result.agent_interface);
  if (!agent.empty()) op.agent = agent;
  op.unique_id = call_id;
  op.close_same_name = decision.close_other_numbers;
  op.counts_attempt = decision.attempts > live.lead.attempts;
  op.abandoned = result.abandoned;
  op.machine = result.dial_status == pd::core::DialStatus::kMachine;
  if (decision.close_other_numbers) close_same_name(live.campaign_id, live.lead);
  if (auto queued = store_->submit(op); !queued) {
    host_.log(PD_LOG_ERROR, "result of " + call_id + " not queued: " + queued.error().message);
  }
  ++stats_.calls_ended;

  // A refused Originate never reached the dialplan: nothing was recorded.
  if (!result.originate_refused) delete_milestones(call_id, now);
  report_ended(live, *call);
  if (!agent.empty()) {
    desk_.call_ended(agent, call_id);
    // Only a call the agent took: the queue connected them (AgentConnect,
    // answered), or the agent dialed it from a card and the customer answered.
    const bool customer_answered = result.dial_status == pd::core::DialStatus::kAnswer ||
                                   result.dial_status == pd::core::DialStatus::kMachine;
    const bool reached_agent = result.disposition == "Agent" || (live.preview && customer_answered);
    const bool prompted =
        run != nullptr && reached_agent && !run->prepared.campaign.outbound_dispositions.empty();
    if (prompted) {
      pd::core::DispositionPrompt prompt;
      prompt.call_id = call_id;
      prompt.direction = pd::core::CallDirection::kOutbound;
      prompt.campaign_id = live.campaign_id;
      prompt.number_id = live.lead.id;
      prompt.number = live.lead.number;
      prompt.name = live.lead.name;
      prompt.time_zone = live.lead.time_zone;
      prompt.zone = live.lead.zone;
      prompt_disposition(agent, std::move(prompt));
    }
    contact_call_ended(agent, call_id);  // kept while the call is to tag
    // Paused for wrap-up (pd/core/agent_pause.h) before anything can pace.
    if (reached_agent) wrapup_call_ended(agent, call_id, run, prompted);
    send_agent_state(agent);
  }
  calls_.remove(call_id);
}

// An Originate Asterisk refused before creating any channel (its ChannelId in
// use by a live channel, compared by prefix: pd/core/originate_refusal.h).
// The customer was not dialed: the call row goes, the attempt is not used,
// and the lead is originated again under a new call id (next_call_id) from
// the front of the hopper, at most kMaxIdRetries times; then it goes back to
// the store as it was (pending/retry), to be claimed again later.
void Engine::withdraw_refused(const std::string& call_id, LiveCall live,
                              const pd::core::RefusalDecision& refusal) {
  ++stats_.id_refusals;
  auto run = campaigns_.find(live.campaign_id);
  const bool retry = refusal.step == pd::core::RefusalStep::kRetryNewId && run != campaigns_.end();
  pd::store::AttemptWithdrawn op;
  op.call_id = call_id;
  op.number_id = live.lead.id;
  op.give_back = !retry;
  if (auto queued = store_->submit(op); !queued) {
    host_.log(PD_LOG_ERROR,
              "refused call " + call_id + " not withdrawn: " + queued.error().message);
  }
  const std::string lead = "lead " + std::to_string(live.lead.id) + " (" + live.lead.number +
                           ") of '" + live.campaign_name + "'";
  if (retry) {
    host_.log(PD_LOG_WARN, "Originate " + call_id + " refused by Asterisk before any channel " +
                               "existed (call id in use?): " + lead + " dialed again under a " +
                               "new id, retry " + std::to_string(refusal.retries) + " of " +
                               std::to_string(pd::core::kMaxIdRetries) + "; no attempt used");
    live.lead.id_retries = refusal.retries;
    run->second.put_back({std::move(live.lead)});
    return;
  }
  host_.log(PD_LOG_WARN, "Originate " + call_id + " refused by Asterisk before any channel " +
                             "existed (call id in use?), " +
                             std::to_string(pd::core::kMaxIdRetries) +
                             " retries under new ids used up: " + lead +
                             " given back to the store, attempts unchanged (" +
                             std::to_string(live.lead.attempts) + "), not failed");
}

// Group by name: the contact has been reached, so its other numbers this
// instance holds (claimed, not dialed) are closed too. The store closes the
// ones still pending or waiting for a retry.
void Engine::close_same_name(int64_t campaign_id, const pd::core::Lead& reached) {
  auto run = campaigns_.find(campaign_id);
  if (run == campaigns_.end()) return;
  finish_unused(run->second.close_same_name(reached.name, reached.id),
                pd::store::NumberState::kClosed);
}

void Engine::expire_calls(int64_t now) {
  for (const auto& id : calls_.expire(now)) {
    host_.log(PD_LOG_WARN, "call " + id + ": no outcome from Asterisk in time; ended as lost");
    finish_call(id);
  }
}

}  // namespace pd::plugin
