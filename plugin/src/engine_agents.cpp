// Agents: panels, preview cards (Dial / Skip), dispositions, inbound calls.
#include <algorithm>

#include "agent_names.h"
#include "engine.h"
#include "panel_messages.h"
#include "pd/core/names.h"
#include "pd/preview/preview.h"

namespace pd::plugin {

namespace {

const std::vector<std::string>& options_of(const PreparedCampaign& campaign,
                                           std::string_view direction) {
  return direction == "inbound" ? campaign.row.inbound_dispositions
                                : campaign.row.outbound_dispositions;
}

bool offers(const PreparedCampaign& campaign, std::string_view direction,
            const std::string& disposition) {
  const auto& options = options_of(campaign, direction);
  return std::find(options.begin(), options.end(), disposition) != options.end();
}

// An id for the call-log row of an inbound queue call: its Linkedid, kept to
// the characters a call id may hold.
std::string inbound_call_id(std::string_view linkedid) {
  std::string id = "in-";
  for (char c : linkedid) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    id.push_back(ok ? c : '_');
  }
  return id.substr(0, 64);
}

}  // namespace

void Engine::on_panel_message(std::string_view agent_view, std::string_view json) {
  const std::string agent(agent_view);
  const PanelRequest request = parse_panel_request(json);
  // state.request (a tab that wants everything again) is answered like an open.
  if (request.type == "panel.open" || request.type == "state.request") {
    open_panels_.insert(agent);
    send_agent_state(agent);
    if (auto r = reservations_.find(agent); r != reservations_.end() && r->second.call_id.empty()) {
      // Show the card again (a reload, a second tab).
      Reservation reservation = std::move(r->second);
      reservations_.erase(r);
      auto run = campaigns_.find(reservation.campaign_id);
      if (run != campaigns_.end()) {
        show_card(run->second, agent, reservation.interface, std::move(reservation.lead));
      } else {
        release_leads({reservation.lead.id});
      }
    }
    if (auto p = prompts_.find(agent); p != prompts_.end()) {
      for (const auto& prompt : p->second) host_.panel_send(agent, prompt.json);
    }
    return;
  }
  if (request.type == "panel.close") {
    open_panels_.erase(agent);
    clear_card(agent, "panel closed", true);
    return;
  }
  if (request.type == "preview.dial") {
    if (!request.lead) {
      host_.panel_send(agent, error_json("preview.dial needs a lead", request.type));
      return;
    }
    preview_dial(agent, *request.lead);
    return;
  }
  if (request.type == "preview.skip") {
    if (!request.lead) {
      host_.panel_send(agent, error_json("preview.skip needs a lead", request.type));
      return;
    }
    preview_skip(agent, *request.lead, request.close);
    return;
  }
  if (request.type == "disposition.set") {
    set_disposition(agent, request.call_id, request.disposition);
    return;
  }
  host_.panel_send(agent, error_json("unknown request '" + request.type + "'", request.type));
}

void Engine::pace_preview(CampaignRun& run, int64_t now) {
  const pd::core::Campaign& campaign = run.prepared.campaign;
  std::unordered_set<std::string> reserved;
  for (const auto& [agent, reservation] : reservations_) reserved.insert(reservation.interface);
  const auto candidates = pd::core::preview_candidates(
      queues_, campaign.queue_name,
      [&](std::string_view interface) { return reserved.contains(std::string(interface)); });
  size_t wanted = 0;
  if (candidates.empty() && queues_.member_count(campaign.queue_name) == 0 && !run.hopper.empty()) {
    host_.log(PD_LOG_DEBUG, "preview '" + campaign.name + "': queue '" + campaign.queue_name +
                                "' has no members");
  }
  for (const auto& interface : candidates) {
    const std::string agent = extension_of(interface);
    // A card only for an agent who can see it and has no call or card already.
    if (!open_panels_.contains(agent) || reservations_.contains(agent) ||
        agent_calls_.contains(agent)) {
      continue;
    }
    ++wanted;
    if (run.hopper.empty()) break;
    pd::core::Lead lead = std::move(run.hopper.front());
    run.hopper.pop_front();
    // A card only for a lead that may be dialed now (its own hours too).
    const auto gate = pd::core::may_offer(lead, campaign, *run.prepared.schedule, now / 1000);
    if (!gate.dial()) {
      turn_away(run, std::move(lead), gate);
      continue;
    }
    show_card(run, agent, interface, std::move(lead));
  }
  if (wanted > 0 || run.hopper.size() < size_t(config_.hopper_size) / 2) refill(run, now);
}

void Engine::show_card(CampaignRun& run, const std::string& agent, const std::string& interface,
                       pd::core::Lead lead) {
  pd::preview::PreviewData data;
  data.name = lead.name;
  data.number = lead.number;
  data.variables = pd::preview::parse_variables(lead.variables);
  data.lead_id = std::to_string(lead.id);
  const std::string& template_text =
      settings_.preview_template.empty() ? preview_default_ : settings_.preview_template;
  auto html = pd::preview::render(template_text, data);
  if (!html) {
    host_.log(PD_LOG_ERROR, "preview card not shown: " + html.error().message);
    host_.panel_send(agent, error_json("The preview template is broken; ask the admin to fix it "
                                       "in Settings.",
                                       "preview.card"));
    run.hopper.push_front(std::move(lead));
    return;
  }
  const std::string json =
      preview_card_json(lead.id, run.prepared.campaign.name, *html, run.prepared.row.script);
  Reservation reservation;
  reservation.campaign_id = run.id();
  reservation.interface = interface;
  reservation.lead = std::move(lead);
  reservations_[agent] = std::move(reservation);
  host_.panel_send(agent, json);
  send_agent_state(agent);
}

// Takes the card away unless its call is under way; `give_back` returns the
// lead to the campaign.
void Engine::clear_card(const std::string& agent, std::string_view reason, bool give_back) {
  auto it = reservations_.find(agent);
  if (it == reservations_.end() || !it->second.call_id.empty() || it->second.dial_requested) {
    return;
  }
  const uint64_t lead = it->second.lead.id;
  reservations_.erase(it);
  if (give_back) release_leads({lead});
  host_.panel_send(agent, preview_clear_json(lead, reason));
  if (open_panels_.contains(agent)) send_agent_state(agent);
}

void Engine::preview_dial(const std::string& agent, uint64_t lead_id) {
  auto it = reservations_.find(agent);
  if (it == reservations_.end() || it->second.lead.id != lead_id) {
    host_.panel_send(agent, error_json("That card is no longer yours to dial.", "preview.dial"));
    return;
  }
  if (it->second.dial_requested) return;  // a double click dials once
  it->second.dial_requested = true;
  const std::string number = it->second.lead.number;
  std::weak_ptr<bool> alive = alive_;
  // The do-not-call list and the hours, checked once more just before dialing.
  store_->dnc_lookup(
      {number}, [this, alive, agent, lead_id](pd::Result<std::vector<std::string>> listed) {
        if (alive.expired() || !*alive.lock()) return;
        auto it = reservations_.find(agent);
        if (it == reservations_.end() || it->second.lead.id != lead_id) return;
        Reservation& reservation = it->second;
        auto refuse = [&](const std::string& why, bool keep_card) {
          reservation.dial_requested = false;
          host_.panel_send(agent, error_json(why, "preview.dial"));
          if (!keep_card) clear_card(agent, why, true);
        };
        if (!listed) {
          refuse("The database is not reachable; the call was not placed. Try again.", true);
          return;
        }
        auto run = campaigns_.find(reservation.campaign_id);
        if (run == campaigns_.end() || !run->second.runnable()) {
          refuse("The campaign is paused; the call was not placed.", false);
          return;
        }
        const auto gate = pd::core::may_dial(
            reservation.lead, run->second.prepared.campaign, *run->second.prepared.schedule,
            listed->empty() ? pd::core::DncAnswer::kClear : pd::core::DncAnswer::kListed,
            now_ms() / 1000);
        if (gate.verdict == pd::core::GateVerdict::kDoNotCall) {
          ++stats_.dnc_skipped;
          reservation.dial_requested = false;
          const uint64_t id = reservation.lead.id;
          reservations_.erase(it);
          finish_unused({id}, pd::store::NumberState::kDnc);
          host_.panel_send(agent, error_json("This number is on the do-not-call list; it was not "
                                             "dialed.",
                                             "preview.dial"));
          host_.panel_send(agent, preview_clear_json(id, "do-not-call"));
          send_agent_state(agent);
          return;
        }
        if (gate.verdict == pd::core::GateVerdict::kCampaignClosed) {
          refuse("The campaign is outside its calling hours; the call was not placed.", false);
          return;
        }
        if (!gate.dial()) {
          // The lead's own hours, zone or attempts: the card goes, the lead
          // is deferred or closed as the gate says.
          reservation.dial_requested = false;
          pd::core::Lead lead = std::move(reservation.lead);
          reservations_.erase(it);
          host_.panel_send(agent, error_json("Not dialed: " + gate.reason + ".", "preview.dial"));
          host_.panel_send(agent, preview_clear_json(lead.id, "not-callable"));
          turn_away(run->second, std::move(lead), gate);
          send_agent_state(agent);
          return;
        }
        if (!ami_up_) {
          refuse("The PBX is not connected; the call was not placed. Try again.", true);
          return;
        }
        auto call_id = originate(run->second, reservation.lead, reservation.interface, agent);
        if (!call_id) {
          // originate() put the lead back in the hopper or marked it.
          reservations_.erase(it);
          host_.panel_send(agent, error_json("The call could not be placed.", "preview.dial"));
          host_.panel_send(agent, preview_clear_json(lead_id, "failed"));
          return;
        }
        reservation.call_id = *call_id;
        host_.panel_send(agent, preview_clear_json(lead_id, "dialed"));
        if (auto live = live_.find(*call_id); live != live_.end()) {
          send_progress(live->second, *call_id, "dialing");
        }
        send_agent_state(agent);
      });
}

void Engine::preview_skip(const std::string& agent, uint64_t lead_id, bool close) {
  auto it = reservations_.find(agent);
  if (it == reservations_.end() || it->second.lead.id != lead_id || it->second.dial_requested) {
    host_.panel_send(agent, error_json("That card cannot be skipped now.", "preview.skip"));
    return;
  }
  reservations_.erase(it);
  if (close) {
    finish_unused({lead_id}, pd::store::NumberState::kClosed);
  } else {
    release_leads({lead_id});
  }
  host_.panel_send(agent, preview_clear_json(lead_id, close ? "closed" : "skipped"));
  send_agent_state(agent);
}

void Engine::prompt_disposition(const std::string& agent, Prompt prompt) {
  auto run = campaigns_.find(prompt.campaign_id);
  if (run == campaigns_.end()) return;
  const auto& options = options_of(run->second.prepared, prompt.direction);
  if (options.empty()) return;
  prompt.json = disposition_prompt_json(prompt.call_id, prompt.direction,
                                        run->second.prepared.campaign.name, options);
  host_.panel_send(agent, prompt.json);
  auto& pending = prompts_[agent];
  pending.push_back(std::move(prompt));
  // An agent who never answers prompts must not grow memory without bound.
  if (pending.size() > 20) pending.erase(pending.begin());
}

void Engine::set_disposition(const std::string& agent, const std::string& call_id,
                             const std::string& disposition) {
  auto list = prompts_.find(agent);
  auto prompt = list == prompts_.end()
                    ? std::vector<Prompt>::iterator()
                    : std::find_if(list->second.begin(), list->second.end(),
                                   [&](const Prompt& p) { return p.call_id == call_id; });
  if (list == prompts_.end() || prompt == list->second.end()) {
    host_.panel_send(
        agent, error_json("There is no call " + call_id + " of yours to tag.", "disposition.set"));
    return;
  }
  auto run = campaigns_.find(prompt->campaign_id);
  const bool known =
      run != campaigns_.end() && offers(run->second.prepared, prompt->direction, disposition);
  if (!known) {
    host_.panel_send(agent, error_json("'" + disposition +
                                           "' is not a disposition of this "
                                           "campaign.",
                                       "disposition.set"));
    return;
  }
  if (prompt->direction == "outbound") {
    pd::store::AgentTag tag;
    tag.call_id = call_id;
    tag.number_id = prompt->number_id;
    tag.disposition = disposition;
    if (auto queued = store_->submit(tag); !queued) {
      host_.panel_send(agent,
                       error_json("Not saved: " + queued.error().message, "disposition.set"));
      return;
    }
  } else {
    // Inbound calls have no lead: the call-log row carries the choice. The
    // agent hears "saved" once it is written, and keeps the prompt if not.
    pd::store::InboundTag tag{call_id, uint32_t(prompt->campaign_id), prompt->number, agent,
                              disposition};
    std::weak_ptr<bool> alive = alive_;
    store_->record_inbound_tag(
        std::move(tag), [this, alive, agent, call_id, disposition](pd::Result<size_t> written) {
          if (alive.expired() || !*alive.lock()) return;
          if (!written) {
            host_.panel_send(
                agent, error_json("Not saved: " + written.error().message, "disposition.set"));
            return;
          }
          forget_prompt(agent, call_id);
          host_.panel_send(agent, disposition_saved_json(call_id, disposition));
          send_agent_state(agent);
        });
    return;
  }
  list->second.erase(prompt);
  if (list->second.empty()) prompts_.erase(list);
  host_.panel_send(agent, disposition_saved_json(call_id, disposition));
  send_agent_state(agent);
}

void Engine::forget_prompt(const std::string& agent, const std::string& call_id) {
  auto list = prompts_.find(agent);
  if (list == prompts_.end()) return;
  std::erase_if(list->second, [&](const Prompt& p) { return p.call_id == call_id; });
  if (list->second.empty()) prompts_.erase(list);
}

// A queue with a campaign's name delivered a call that is not ours: the agent
// tags it with the campaign's inbound dispositions.
void Engine::inbound_completed(const pd::core::AmiEvent& event) {
  const CampaignRun* run = campaign_by_name(event.queue);
  if (run == nullptr || run->prepared.row.inbound_dispositions.empty()) return;
  const std::string agent = extension_of(event.interface);
  if (agent.empty()) return;
  Prompt prompt;
  prompt.call_id = inbound_call_id(!event.linkedid.empty() ? event.linkedid : event.uniqueid);
  prompt.direction = "inbound";
  prompt.campaign_id = run->id();
  prompt.number = std::string(event.caller_id_num);
  if (!pd::core::is_dialable_number(prompt.number)) prompt.number.clear();
  prompt_disposition(agent, std::move(prompt));
}

const Engine::CampaignRun* Engine::campaign_by_name(std::string_view name) const {
  for (const auto& [id, run] : campaigns_) {
    if (run.prepared.campaign.name == name) return &run;
  }
  return nullptr;
}

std::string Engine::agent_status(const std::string& agent) const {
  if (auto call = agent_calls_.find(agent); call != agent_calls_.end()) {
    const pd::core::CallState* state = const_cast<pd::core::CallTable&>(calls_).find(call->second);
    if (state != nullptr) {
      switch (state->phase()) {
        case pd::core::CallPhase::kCreated:
        case pd::core::CallPhase::kOriginating:
          return "dialing";
        case pd::core::CallPhase::kRinging:
          return "ringing";
        default:
          return "connected";
      }
    }
  }
  if (reservations_.contains(agent)) return "preview";
  if (prompts_.contains(agent)) return "wrapup";
  return "idle";
}

// Keeps agent_interfaces_ to the members the PBX has now: an interface that
// left its last queue is forgotten (O(queues), on member events only).
void Engine::note_agent_interface(const std::string& agent, std::string_view interface) {
  bool member_somewhere = false;
  for (const auto& queue : queues_.queue_names()) {
    if (queues_.find(queue, interface) != nullptr) {
      member_somewhere = true;
      break;
    }
  }
  if (member_somewhere) {
    agent_interfaces_[agent].insert(std::string(interface));
    return;
  }
  auto it = agent_interfaces_.find(agent);
  if (it == agent_interfaces_.end()) return;
  it->second.erase(std::string(interface));
  if (it->second.empty()) agent_interfaces_.erase(it);
}

void Engine::send_agent_state(const std::string& agent) {
  if (!open_panels_.contains(agent)) return;
  // O(queues × the agent's interfaces), not O(members): this runs on every
  // queue event about an agent whose panel is open.
  std::vector<AgentQueueState> queues;
  std::unordered_set<std::string> queue_names;
  if (auto interfaces = agent_interfaces_.find(agent); interfaces != agent_interfaces_.end()) {
    for (const auto& queue : queues_.queue_names()) {
      for (const auto& interface : interfaces->second) {
        const pd::core::QueueMember* member = queues_.find(queue, interface);
        if (member == nullptr) continue;
        queues.push_back({queue, member->paused, member->in_call || member->status == 2});
        queue_names.insert(queue);
      }
    }
  }
  std::vector<AgentCampaign> campaigns;
  for (const auto& [id, run] : campaigns_) {
    const auto& c = run.prepared.campaign;
    if (run.runnable() && queue_names.contains(c.queue_name)) {
      campaigns.push_back({id, c.name, std::string(pd::core::to_string(c.mode))});
    }
  }
  host_.panel_send(agent, agent_state_json(campaigns, queues, agent_status(agent)));
}

void Engine::send_progress(const LiveCall& call, const std::string& call_id, std::string_view state,
                           std::string_view dial_status) {
  if (call.agent.empty()) return;
  host_.panel_send(call.agent, call_progress_json(call_id, call.lead.id, state, call.lead.number,
                                                  call.lead.name, dial_status));
}

}  // namespace pd::plugin
