// The agent's view of the call they are on: the steps events reported
// (pd::core::progress_of), the outcome in words at the end, and the agent's
// status told from the same progress (Engine::agent_status), so the panel's
// status pill and step bar never disagree.
#include "desk_messages.h"
#include "engine.h"
#include "pd/core/call_progress.h"

namespace pd::plugin {

void Engine::send_progress(const LiveCall& live, const std::string& call_id,
                           const pd::core::CallProgress& progress, std::string_view dial_status) {
  if (live.agent.empty() || !desk_.panel_open(live.agent)) return;
  ProgressMessage m;
  m.call_id = call_id;
  m.lead = live.lead.id;
  m.campaign = live.campaign_name;
  m.number = live.lead.number;
  m.name = live.lead.name;
  m.progress = progress;
  m.dial_status = std::string(dial_status);
  host_.panel_send(live.agent, call_progress_json(m));
}

void Engine::report_progress(const std::string& call_id) {
  const pd::core::CallState* call = calls_.find(call_id);
  auto it = live_.find(call_id);
  if (call == nullptr || it == live_.end() || it->second.agent.empty()) return;
  LiveCall& live = it->second;
  const pd::core::CallProgress progress = pd::core::progress_of(*call);
  if (live.shown == progress) return;  // nothing the panel shows changed
  live.shown = progress;
  send_progress(live, call_id, progress);
  send_agent_state(live.agent);
}

void Engine::report_ended(LiveCall& live, const pd::core::CallState& call) {
  if (live.agent.empty()) return;
  const pd::core::CallProgress progress = pd::core::progress_of(call);
  live.shown = progress;
  send_progress(live, call.call_id(), progress, pd::core::to_string(call.result().dial_status));
}

void Engine::resend_call_view(const std::string& agent) {
  if (const std::string* call_id = desk_.live_call(agent)) {
    const pd::core::CallState* call = calls_.find(*call_id);
    auto it = live_.find(*call_id);
    if (call != nullptr && it != live_.end()) {
      it->second.shown = pd::core::progress_of(*call);
      send_progress(it->second, *call_id, *it->second.shown);
    }
  }
  for (const auto& card : contacts_.cards(agent)) send_contact(agent, card);
}

}  // namespace pd::plugin
