// Step 2 of a call: the Originate. Builds the action from the campaign and the
// lead (pd/core/originate_builder.h), hands it to the host, enters the call in
// the call table, queues its compliance audit row (pd/core/compliance.h) and
// records its start. Its events come back through engine_calls.cpp.
#include "engine.h"
#include "lead_mapping.h"
#include "pd/core/agent_desk.h"
#include "pd/core/compliance.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"

namespace pd::plugin {

namespace {

constexpr int64_t kOriginateMarginMs = 30000;  // beyond the Originate Timeout

}  // namespace

std::optional<std::string> Engine::originate(CampaignRun& run, const pd::core::Lead& lead,
                                             const std::string& agent_interface,
                                             const std::string& agent, pd::core::DncAnswer dnc) {
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
  request.timeout_ms =
      request.preview ? settings_.dial_timeout_s * 1000 : dial_timeout_ms(campaign);
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
    run.put_back({lead});
    return std::nullopt;
  }
  pd::core::CallSettings settings;
  settings.leg = campaign.initial_leg == pd::core::InitialLeg::kLocal || request.preview
                     ? pd::core::CallLeg::kLocalFirst
                     : pd::core::CallLeg::kRemoteFirst;
  settings.ok_disposition = settings_.ok_disposition;
  settings.valid_dtmf = campaign.valid_dtmf;
  settings.originate_deadline_ms = now + request.timeout_ms + kOriginateMarginMs;
  settings.originate_timeout_ms = request.timeout_ms + kOriginateMarginMs;
  pd::core::CallInfo info{campaign.id, int64_t(lead.id), lead.attempts + 1, agent_interface};
  // A host that reports writes (ABI 2.2): the call is queued until it is on
  // the wire, and starts then (on_ami_written); else it starts now.
  const bool queued = host_.reports_writes();
  auto added = calls_.add(call_id, *action_id, info, settings, now, queued);
  if (!added) {
    host_.log(PD_LOG_ERROR, "call table refused " + call_id + ": " + added.error().message);
    return std::nullopt;
  }
  if (!queued) (*added)->originate_sent(now);
  LiveCall live;
  live.lead = lead;
  live.campaign_id = campaign.id;
  live.campaign_name = campaign.name;
  live.started_at = time_of(now);
  live.agent = agent;
  live.preview = request.preview;
  live.handed_ms = now;
  if (!agent.empty()) desk_.call_started(agent, call_id);
  LiveCall& entered = live_.emplace(call_id, std::move(live)).first->second;
  if (!request.preview) predictive_placed(run, entered);
  ++stats_.originates;
  record_audit(run, lead, call_id, dnc, now);
  if (!queued) record_start(call_id, entered);
  return call_id;
}

void Engine::record_audit(const CampaignRun& run, const pd::core::Lead& lead,
                          const std::string& call_id, pd::core::DncAnswer dnc, int64_t now) {
  const pd::core::Campaign& campaign = run.prepared.campaign;
  const pd::core::ComplianceFacts facts =
      pd::core::make_facts({call_id, lead, campaign, *run.prepared.schedule, dnc, now, run.figures,
                            std::string(pd::core::to_string(campaign.abandon_window))});
  if (auto queued = store_->submit(to_audit_row(facts)); !queued) {
    ++stats_.audits_unqueued;
    host_.log(PD_LOG_ERROR,
              "compliance audit of " + call_id + " not recorded: " + queued.error().message);
  }
}

void Engine::record_start(const std::string& call_id, LiveCall& live) {
  if (live.start_recorded) return;
  live.start_recorded = true;
  pd::store::AttemptStart start;
  start.call_id = call_id;
  start.campaign_id = uint32_t(live.campaign_id);
  start.number_id = live.lead.id;
  start.number = live.lead.number;
  start.attempt = uint16_t(live.lead.attempts + 1);
  start.started_at = live.started_at;
  start.unique_id = call_id;
  if (auto submitted = store_->submit(start); !submitted) {
    host_.log(PD_LOG_ERROR, "call start not recorded: " + submitted.error().message);
  }
}

void Engine::on_ami_written(std::string_view action_id, int64_t written_ms) {
  if (!store_) return;
  pd::core::CallState* call = calls_.written(action_id, written_ms);
  if (call == nullptr) return;  // not a queued Originate (QueueStatus, DBDelTree ...)
  auto it = live_.find(call->call_id());
  if (it == live_.end()) return;
  LiveCall& live = it->second;
  // The host's wall clock and ours are the same clock in one process; never
  // before the hand-off all the same.
  const int64_t at = std::max(written_ms, live.handed_ms);
  live.started_at = time_of(at);
  if (at > live.handed_ms) {
    ++stats_.originates_queued;
    stats_.host_wait_max_ms = std::max(stats_.host_wait_max_ms, at - live.handed_ms);
  }
  record_start(call->call_id(), live);
}

void Engine::end_queued_calls(int64_t now) {
  for (const std::string& id : calls_.queued_ids()) {
    pd::core::CallState* call = calls_.find(id);
    if (call == nullptr) continue;
    // Never written: the customer was not dialed; the lead goes back
    // without using an attempt, as for a refused Originate.
    const pd::core::CallChanges changes = call->originate_rejected(
        "not sent: the AMI link went down while it waited in panelhost's queue", now);
    ++stats_.queued_dropped;
    if (changes & pd::core::kEnded) finish_call(id);
  }
}

std::string Engine::next_call_id() {
  return pd::core::make_call_id(call_id_prefix_, ++call_sequence_);
}

}  // namespace pd::plugin
