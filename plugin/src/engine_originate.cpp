// Step 2 of a call: the Originate. Builds the action from the campaign and the
// lead (pd/core/originate_builder.h), hands it to the host, enters the call in
// the call table and records its start. Its events come back through
// engine_calls.cpp.
#include "engine.h"
#include "pd/core/agent_desk.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"

namespace pd::plugin {

namespace {

constexpr int64_t kOriginateMarginMs = 30000;  // beyond the Originate Timeout

}  // namespace

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

std::string Engine::next_call_id() {
  return pd::core::make_call_id(call_id_prefix_, ++call_sequence_);
}

}  // namespace pd::plugin
