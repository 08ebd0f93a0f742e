// Dialing: hoppers, pacing, the Originate, AMI events of calls, results.
#include <algorithm>
#include <cstring>

#include "engine.h"
#include "pd/core/agent_desk.h"
#include "pd/core/originate_builder.h"

namespace pd::plugin {

namespace {

constexpr int64_t kEmptyClaimPauseMs = 2000;   // nothing ready: ask again after this
constexpr int64_t kOriginateMarginMs = 30000;  // beyond the Originate Timeout
constexpr size_t kMaxRequeueCounts = 10000;    // Engine::requeues_

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

pd::store::TimePoint time_of(int64_t epoch_ms) {
  return pd::store::TimePoint(std::chrono::milliseconds(epoch_ms));
}

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

void Engine::pace(int64_t now) {
  for (auto& [id, run] : campaigns_) pace_one(run, now);
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
    if (!run.hopper.empty()) {
      std::vector<uint64_t> ids;
      for (const auto& lead : run.hopper) ids.push_back(lead.id);
      run.hopper.clear();
      release_leads(std::move(ids));
    }
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
  input.live_calls = calls_.live_calls(campaign.id) + run.starting;
  input.awaiting_agent = calls_.awaiting_agent(campaign.id) + run.starting;
  input.free_agents =
      campaign.mode == pd::core::DialMode::kAutomatic ? 0 : queues_.free_count(campaign.queue_name);
  const int wanted = pd::core::calls_wanted(input);
  if (int(run.hopper.size()) < std::max(config_.hopper_size / 2, wanted)) refill(run, now);
  if (wanted <= 0 || run.hopper.empty()) return;
  const int granted = pacer_.limiter().take(std::min<int>(wanted, int(run.hopper.size())), now);
  if (granted <= 0) return;
  std::vector<pd::core::Lead> leads;
  leads.reserve(size_t(granted));
  for (int i = 0; i < granted; ++i) {
    leads.push_back(std::move(run.hopper.front()));
    run.hopper.pop_front();
  }
  start_calls(run, std::move(leads));
}

void Engine::refill(CampaignRun& run, int64_t now) {
  if (run.claim_in_flight || now < run.next_claim_ms) return;
  const size_t target = size_t(config_.hopper_size);
  if (run.hopper.size() >= target) return;
  run.claim_in_flight = true;
  const int64_t id = run.id();
  const size_t n = std::min<size_t>(target - run.hopper.size(), 200);
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
        if (originate(run, lead, "", "") && trigger_us > 0) {
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
    for (auto lead = held.rbegin(); lead != held.rend(); ++lead) {
      run.hopper.push_front(std::move(*lead));
    }
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
      run.hopper.push_front(std::move(lead));
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

std::optional<std::string> Engine::originate(CampaignRun& run, const pd::core::Lead& lead,
                                             const std::string& agent_interface,
                                             const std::string& agent) {
  const pd::core::Campaign& campaign = run.prepared.campaign;
  const int64_t now = now_ms();
  const std::string call_id = next_call_id();
  pd::core::OriginateRequest request;
  request.call_id = call_id;
  request.campaign_name = campaign.name;
  request.campaign_id = campaign.id;
  request.leg = campaign.initial_leg;
  request.preview = !agent_interface.empty();
  request.agent_interface = agent_interface;
  request.dial_context = settings_.dial_context;
  request.dial_prefix = campaign.dial_prefix;
  request.number = lead.number;
  request.number_caller_id = lead.caller_id;
  request.campaign_caller_id = campaign.caller_id;
  request.variables = lead.variables;
  request.timeout_ms = settings_.dial_timeout_s * 1000;
  auto fields = pd::core::build_originate(request);
  if (!fields) {
    host_.log(PD_LOG_WARN, "lead " + std::to_string(lead.id) + " of '" + campaign.name +
                               "' cannot be dialed: " + fields.error().message);
    finish_unused({lead.id}, pd::store::NumberState::kFailed, fields.error().message);
    return std::nullopt;
  }
  Fields wire;
  wire.reserve(fields->size());
  for (auto& f : *fields) wire.emplace_back(std::move(f.key), std::move(f.value));
  auto action_id = host_.send_action(wire);
  if (!action_id) {
    ++stats_.originate_refusals;
    run.hopper.push_front(lead);
    return std::nullopt;
  }
  pd::core::CallSettings settings;
  settings.leg = campaign.initial_leg == pd::core::InitialLeg::kLocal || request.preview
                     ? pd::core::CallLeg::kLocalFirst
                     : pd::core::CallLeg::kRemoteFirst;
  settings.ok_disposition = settings_.ok_disposition;
  settings.valid_dtmf = campaign.valid_dtmf;
  settings.originate_deadline_ms = now + request.timeout_ms + kOriginateMarginMs;
  pd::core::CallInfo info{campaign.id, int64_t(lead.id), lead.attempts + 1, agent_interface};
  auto added = calls_.add(call_id, *action_id, info, settings, now);
  if (!added) {
    host_.log(PD_LOG_ERROR, "call table refused " + call_id + ": " + added.error().message);
    return std::nullopt;
  }
  (*added)->originate_sent(now);
  LiveCall live;
  live.lead = lead;
  live.campaign_id = campaign.id;
  live.campaign_name = campaign.name;
  live.started_at = time_of(now);
  live.agent = agent;
  live.preview = request.preview;
  if (!agent.empty()) desk_.call_started(agent, call_id);
  live_.emplace(call_id, std::move(live));
  ++stats_.originates;

  pd::store::AttemptStart start;
  start.call_id = call_id;
  start.campaign_id = uint32_t(campaign.id);
  start.number_id = lead.id;
  start.number = lead.number;
  start.attempt = uint16_t(lead.attempts + 1);
  start.started_at = time_of(now);
  start.unique_id = call_id;
  if (auto queued = store_->submit(start); !queued) {
    host_.log(PD_LOG_ERROR, "call start not recorded: " + queued.error().message);
  }
  return call_id;
}

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
  if (event.event == "AgentComplete") inbound_completed(event);
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
  if (changes & pd::core::kRinging) send_progress(live, call_id, "ringing");
  if (changes & pd::core::kAnswered) {
    pd::store::AttemptAnswer answer;
    answer.call_id = call_id;
    answer.number_id = live.lead.id;
    // When it happened (a recovered call learns it late, from its milestones).
    answer.answered_at = time_of(call.answered_ms() > 0 ? call.answered_ms() : now_ms());
    answer.unique_id = call_id;
    store_->submit(answer);
    if (live.preview) send_progress(live, call_id, "connected");
  }
  if (changes & pd::core::kAgentConnected) {
    const std::string agent = pd::core::extension_of(
        event.interface.empty() ? std::string_view(call.agent_interface()) : event.interface);
    if (live.agent.empty() && !agent.empty()) {
      live.agent = agent;
      desk_.call_started(agent, call_id);
    }
    send_progress(live, call_id, "connected");
    if (!live.agent.empty()) send_agent_state(live.agent);
  }
  if (changes & pd::core::kEnded) finish_call(call_id);
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

  pd::core::RetryRule rule;
  const CampaignRun* run = nullptr;
  if (auto found = campaigns_.find(live.campaign_id); found != campaigns_.end()) {
    run = &found->second;
    rule.dial_attempts = run->prepared.campaign.dial_attempts;
    rule.retry_minutes = run->prepared.campaign.retry_minutes;
    rule.group_by_name = run->prepared.campaign.group_by_name;
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
  if (decision.close_other_numbers) close_same_name(live.campaign_id, live.lead);
  if (auto queued = store_->submit(op); !queued) {
    host_.log(PD_LOG_ERROR, "result of " + call_id + " not queued: " + queued.error().message);
  }
  ++stats_.calls_ended;

  // A refused Originate never reached the dialplan: nothing was recorded.
  if (!result.originate_refused) delete_milestones(call_id, now);
  send_progress(live, call_id, "ended", dial_status);
  if (!agent.empty()) {
    desk_.call_ended(agent, call_id);
    const bool reached_agent = result.disposition == "Agent" || live.preview;
    if (run != nullptr && reached_agent && !run->prepared.row.outbound_dispositions.empty()) {
      pd::core::DispositionPrompt prompt;
      prompt.call_id = call_id;
      prompt.direction = pd::core::CallDirection::kOutbound;
      prompt.campaign_id = live.campaign_id;
      prompt.number_id = live.lead.id;
      prompt.number = live.lead.number;
      prompt_disposition(agent, std::move(prompt));
    }
    send_agent_state(agent);
  }
  calls_.remove(call_id);
}

// Group by name: the contact has been reached, so its other numbers this
// instance holds (claimed, not dialed) are closed too. The store closes the
// ones still pending or waiting for a retry.
void Engine::close_same_name(int64_t campaign_id, const pd::core::Lead& reached) {
  if (reached.name.empty()) return;
  auto run = campaigns_.find(campaign_id);
  if (run == campaigns_.end()) return;
  std::vector<uint64_t> closed;
  auto& hopper = run->second.hopper;
  for (auto it = hopper.begin(); it != hopper.end();) {
    if (it->name == reached.name && it->id != reached.id) {
      closed.push_back(it->id);
      it = hopper.erase(it);
    } else {
      ++it;
    }
  }
  finish_unused(std::move(closed), pd::store::NumberState::kClosed);
}

void Engine::expire_calls(int64_t now) {
  for (const auto& id : calls_.expire(now)) {
    host_.log(PD_LOG_WARN, "call " + id + ": no outcome from Asterisk in time; ended as lost");
    finish_call(id);
  }
}

double LatencySamples::percentile_ms(double p) const {
  if (us.empty()) return 0;
  std::vector<int64_t> sorted = us;
  const size_t index = std::min(sorted.size() - 1, size_t(p * double(sorted.size())));
  std::nth_element(sorted.begin(), sorted.begin() + long(index), sorted.end());
  return double(sorted[index]) / 1000.0;
}

}  // namespace pd::plugin
