// Agents: panels, preview cards (Dial / Skip), dispositions, inbound calls.
#include <algorithm>
#include <deque>
#include <iterator>
#include <unordered_set>

#include "engine.h"
#include "lead_mapping.h"
#include "panel_messages.h"
#include "pd/core/agent_desk.h"
#include "pd/core/callback.h"
#include "pd/core/names.h"
#include "pd/preview/preview.h"

namespace pd::plugin {

namespace {

const std::vector<std::string>& options_of(const PreparedCampaign& campaign,
                                           std::string_view direction) {
  return direction == "inbound" ? campaign.campaign.inbound_dispositions
                                : campaign.campaign.outbound_dispositions;
}

bool offers(const PreparedCampaign& campaign, std::string_view direction,
            const std::string& disposition) {
  const auto& options = options_of(campaign, direction);
  return std::find(options.begin(), options.end(), disposition) != options.end();
}

// The options of `direction` that schedule a callback (outbound only).
std::vector<std::string> callbacks_of(const PreparedCampaign& campaign,
                                      std::string_view direction) {
  if (direction == "inbound") return {};
  return campaign.campaign.callback_dispositions;
}

bool is_callback(const PreparedCampaign& campaign, std::string_view direction,
                 const std::string& disposition) {
  const auto callbacks = callbacks_of(campaign, direction);
  return std::find(callbacks.begin(), callbacks.end(), disposition) != callbacks.end();
}

// The lead as far as a callback's plan needs it: the number's own zone.
pd::core::Lead callback_lead(const pd::core::DispositionPrompt& prompt) {
  pd::core::Lead lead;
  lead.id = prompt.number_id;
  lead.campaign_id = prompt.campaign_id;
  lead.number = prompt.number;
  lead.time_zone = prompt.time_zone;
  lead.zone = prompt.zone;
  return lead;
}

// The zone the customer's callback time is read in ("" when the campaign
// cannot run: no schedule).
std::string callback_zone(const PreparedCampaign& campaign,
                          const pd::core::DispositionPrompt& prompt) {
  if (!campaign.schedule) return {};
  return std::string(pd::core::callback_zone_name(callback_lead(prompt), *campaign.schedule));
}

}  // namespace

void Engine::on_panel_message(std::string_view agent_view, std::string_view json) {
  const std::string agent(agent_view);
  const PanelRequest request = parse_panel_request(json);
  // state.request (a tab that wants everything again) is answered like an open.
  if (request.type == "panel.open" || request.type == "state.request") {
    desk_.open_panel(agent);
    send_agent_state(agent);
    resend_call_view(agent);  // the live call's progress, the contact cards
    // Show the card again (a reload, a second tab).
    if (const pd::core::PreviewCard* card = desk_.card_to_show(agent)) {
      auto run = campaigns_.find(card->campaign_id);
      std::optional<std::string> shown;
      if (run != campaigns_.end())
        shown = render_card(run->second, agent, card->lead, card->callback);
      if (shown) {
        host_.panel_send(agent, *shown);
      } else if (auto taken = desk_.give_back(agent)) {
        release_leads({taken->lead.id});
        send_agent_state(agent);  // no longer "preview"
      }
    }
    // The calls to tag: what the desk lists now, then what the database
    // holds (after a restart of the engine, a prompt past the desk's bound).
    send_pending(agent);
    load_prompts(agent);
    load_agent_day(agent);
    return;
  }
  if (request.type == "panel.close") {
    if (auto card = desk_.close_panel(agent)) {
      release_leads({card->lead.id});
      host_.panel_send(agent, preview_clear_json(card->lead.id, "panel closed"));
    }
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
    set_disposition(agent, request.call_id, request.disposition, request.callback);
    return;
  }
  if (on_agent_control(agent, request)) return;
  host_.panel_send(agent, error_json("unknown request '" + request.type + "'", request.type));
}

void Engine::pace_preview(CampaignRun& run, int64_t now) {
  // No standing hopper: a lead put back (a refused Originate) goes to the
  // store and is claimed again in its priority order.
  if (!run.hopper.empty()) release_leads(run.drain());
  if (now < run.next_claim_ms) return;
  std::vector<std::string> agents;
  for (const auto& seat : desk_.preview_seats(queues_, run.prepared.campaign.queue_name)) {
    if (agents.size() >= kMaxClaimBatch) break;
    if (pauses_.busy(seat.agent)) continue;  // in wrap-up or paused (the view may lag)
    if (!preview_claims_.contains(seat.agent)) agents.push_back(seat.agent);
  }
  if (agents.empty()) return;
  const int64_t id = run.id();
  for (const auto& agent : agents) preview_claims_[agent] = id;
  const size_t n = agents.size();
  std::weak_ptr<bool> alive = alive_;
  // The store drops (and closes) what is on the do-not-call list, and hands
  // out the best leads by priority at this moment.
  store_->claim(id, n, config_.lease,
                [this, alive, id, agents = std::move(agents)](
                    pd::Result<std::vector<pd::core::Lead>> leads) mutable {
                  if (alive.expired() || !*alive.lock()) return;
                  preview_claimed(id, agents, std::move(leads));
                });
}

void Engine::preview_claimed(int64_t campaign_id, const std::vector<std::string>& agents,
                             pd::Result<std::vector<pd::core::Lead>> leads) {
  for (const auto& agent : agents) {
    if (auto it = preview_claims_.find(agent);
        it != preview_claims_.end() && it->second == campaign_id) {
      preview_claims_.erase(it);
    }
  }
  const int64_t now = now_ms();
  auto run = campaigns_.find(campaign_id);
  if (!leads) {
    if (run != campaigns_.end()) run->second.next_claim_ms = now + kEmptyClaimPauseMs;
    return;
  }
  ++stats_.claims;
  std::deque<pd::core::Lead> claimed(std::make_move_iterator(leads->begin()),
                                     std::make_move_iterator(leads->end()));
  if (run != campaigns_.end() && claimed.empty()) {
    run->second.next_claim_ms = now + kEmptyClaimPauseMs;
  }
  const bool showing = run != campaigns_.end() && may_pace() && run->second.dialable() &&
                       run->second.prepared.schedule->is_open(now / 1000);
  if (showing) {
    CampaignRun& campaign = run->second;
    for (const auto& seat : desk_.preview_seats(queues_, campaign.prepared.campaign.queue_name)) {
      if (claimed.empty()) break;
      // Only the seats this claim was made for (another may be waiting for its own).
      if (std::find(agents.begin(), agents.end(), seat.agent) == agents.end()) continue;
      if (pauses_.busy(seat.agent)) continue;
      while (!claimed.empty()) {
        pd::core::Lead lead = std::move(claimed.front());
        claimed.pop_front();
        // A card only for a lead that may be dialed now (its own hours too).
        const auto gate = pd::core::may_offer(lead, campaign.prepared.campaign,
                                              *campaign.prepared.schedule, now / 1000);
        if (gate.dial()) {
          show_card(campaign, seat, std::move(lead));
          break;
        }
        turn_away(campaign, std::move(lead), gate);
      }
    }
  }
  // Not needed any more: back to the store at once, for anyone to claim.
  std::vector<uint64_t> unused;
  for (const auto& lead : claimed) unused.push_back(lead.id);
  if (!unused.empty()) release_leads(std::move(unused));
}

void Engine::show_card(CampaignRun& run, const pd::core::PreviewSeat& seat, pd::core::Lead lead,
                       bool callback) {
  auto shown = render_card(run, seat.agent, lead, callback);
  if (!shown || !desk_.reserve(seat, run.id(), lead, callback)) {
    release_leads({lead.id});
    // A broken template is not claimed against on every tick.
    if (!shown) run.next_claim_ms = now_ms() + kEmptyClaimPauseMs;
    return;
  }
  host_.panel_send(seat.agent, *shown);
  send_agent_state(seat.agent);
}

void Engine::check_card_numbers(int64_t now) {
  if (card_check_in_flight_ || now < next_card_check_ms_ || !migrated_) return;
  next_card_check_ms_ = now + kCardDncCheckMs;
  std::vector<std::pair<std::string, uint64_t>> shown;
  std::vector<std::string> numbers;
  for (const auto& agent : desk_.undialed_cards()) {
    const pd::core::PreviewCard* card = desk_.card(agent);
    if (card == nullptr) continue;
    shown.emplace_back(agent, card->lead.id);
    numbers.push_back(card->lead.number);
  }
  if (numbers.empty()) return;
  card_check_in_flight_ = true;
  std::weak_ptr<bool> alive = alive_;
  store_->dnc_lookup(std::move(numbers), [this, alive, shown = std::move(shown)](
                                             pd::Result<std::vector<std::string>> listed) {
    if (alive.expired() || !*alive.lock()) return;
    card_numbers_checked(shown, std::move(listed));
  });
}

void Engine::card_numbers_checked(const std::vector<std::pair<std::string, uint64_t>>& shown,
                                  pd::Result<std::vector<std::string>> listed) {
  card_check_in_flight_ = false;
  // A failed lookup: the next period asks again (Dial checks the list anyway).
  if (!listed || listed->empty()) return;
  const std::unordered_set<std::string> dnc(listed->begin(), listed->end());
  for (const auto& [agent, lead_id] : shown) {
    const pd::core::PreviewCard* card = desk_.card(agent);
    if (card == nullptr || card->lead.id != lead_id || !dnc.contains(card->lead.number)) continue;
    // A card being dialed stays: the dial's own check refuses it.
    auto withdrawn = desk_.give_back(agent);
    if (!withdrawn) continue;
    ++stats_.dnc_skipped;
    finish_unused({lead_id}, pd::store::NumberState::kDnc);
    host_.panel_send(agent, error_json("This number was put on the do-not-call list; its card "
                                       "was withdrawn.",
                                       "preview.card"));
    host_.panel_send(agent, preview_clear_json(lead_id, "do-not-call"));
    send_agent_state(agent);
  }
}

std::optional<std::string> Engine::render_card(const CampaignRun& run, const std::string& agent,
                                               const pd::core::Lead& lead, bool callback) {
  pd::preview::PreviewData data;
  data.name = lead.name;
  data.number = lead.number;
  data.variables = pd::preview::parse_variables(lead.variables);
  data.lead_id = std::to_string(lead.id);
  const std::string& template_text =
      settings_.preview_template.empty() ? preview_default_ : settings_.preview_template;
  auto html = pd::preview::render(template_text, data,
                                  {.allow_raw_html = settings_.preview_allow_raw_html});
  if (!html) {
    host_.log(PD_LOG_ERROR, "preview card not shown: " + html.error().message);
    host_.panel_send(agent, error_json("The preview template is broken; ask the admin to fix it "
                                       "in Settings.",
                                       "preview.card"));
    return std::nullopt;
  }
  return preview_card_json(lead.id, run.prepared.campaign.name, *html, run.prepared.campaign.script,
                           callback);
}

void Engine::give_back_card(const std::string& agent, std::string_view reason) {
  auto card = desk_.give_back(agent);
  if (!card) return;
  release_leads({card->lead.id});
  host_.panel_send(agent, preview_clear_json(card->lead.id, reason));
  send_agent_state(agent);
}

void Engine::preview_dial(const std::string& agent, uint64_t lead_id) {
  switch (desk_.request_dial(agent, lead_id)) {
    case pd::core::AgentDesk::DialDecision::kNotYours:
      host_.panel_send(agent, error_json("That card is no longer yours to dial.", "preview.dial"));
      return;
    case pd::core::AgentDesk::DialDecision::kAlreadyRequested:
      return;  // a double click dials once
    case pd::core::AgentDesk::DialDecision::kDial:
      break;
  }
  std::weak_ptr<bool> alive = alive_;
  // The do-not-call list and the hours, checked once more just before dialing.
  store_->dnc_lookup({desk_.card(agent)->lead.number},
                     [this, alive, agent, lead_id](pd::Result<std::vector<std::string>> listed) {
                       if (alive.expired() || !*alive.lock()) return;
                       preview_dial_checked(agent, lead_id, std::move(listed));
                     });
}

void Engine::preview_dial_checked(const std::string& agent, uint64_t lead_id,
                                  pd::Result<std::vector<std::string>> listed) {
  const pd::core::PreviewCard* card = desk_.card(agent);
  if (card == nullptr || card->lead.id != lead_id) return;
  auto refuse = [&](const std::string& why, bool keep_card) {
    desk_.dial_refused(agent, lead_id);
    host_.panel_send(agent, error_json(why, "preview.dial"));
    if (!keep_card) give_back_card(agent, why);
  };
  if (!listed) {
    refuse("The database is not reachable; the call was not placed. Try again.", true);
    return;
  }
  auto run = campaigns_.find(card->campaign_id);
  if (run == campaigns_.end() || !run->second.runnable()) {
    refuse("The campaign is paused; the call was not placed.", false);
    return;
  }
  const auto dnc = listed->empty() ? pd::core::DncAnswer::kClear : pd::core::DncAnswer::kListed;
  const auto gate = pd::core::may_dial(card->lead, run->second.prepared.campaign,
                                       *run->second.prepared.schedule, dnc, now_ms() / 1000);
  if (gate.verdict == pd::core::GateVerdict::kDoNotCall) {
    ++stats_.dnc_skipped;
    desk_.drop_card(agent);
    finish_unused({lead_id}, pd::store::NumberState::kDnc);
    host_.panel_send(agent, error_json("This number is on the do-not-call list; it was not "
                                       "dialed.",
                                       "preview.dial"));
    host_.panel_send(agent, preview_clear_json(lead_id, "do-not-call"));
    send_agent_state(agent);
    return;
  }
  if (gate.verdict == pd::core::GateVerdict::kCampaignClosed) {
    refuse("The campaign is outside its calling hours; the call was not placed.", false);
    return;
  }
  if (!gate.dial()) {
    // The number's own hours, zone or attempts: the card goes, the lead is
    // deferred or closed as the gate says.
    auto dropped = desk_.drop_card(agent);
    host_.panel_send(agent, error_json("Not dialed: " + gate.reason + ".", "preview.dial"));
    host_.panel_send(agent, preview_clear_json(lead_id, "not-callable"));
    if (dropped) turn_away(run->second, std::move(dropped->lead), gate);
    send_agent_state(agent);
    return;
  }
  if (!ami_up_) {
    refuse("The PBX is not connected; the call was not placed. Try again.", true);
    return;
  }
  auto call_id = originate(run->second, card->lead, card->interface, agent, dnc);
  if (!call_id) {
    // originate() put the lead back in the hopper or marked it.
    desk_.drop_card(agent);
    host_.panel_send(agent, error_json("The call could not be placed.", "preview.dial"));
    host_.panel_send(agent, preview_clear_json(lead_id, "failed"));
    return;
  }
  desk_.dial_placed(agent, lead_id, *call_id);
  host_.panel_send(agent, preview_clear_json(lead_id, "dialed"));
  if (auto live = live_.find(*call_id); live != live_.end()) {
    pop_contact(agent, *call_id, live->second);
    report_progress(*call_id);
  }
  send_agent_state(agent);
}

void Engine::preview_skip(const std::string& agent, uint64_t lead_id, bool close) {
  if (!desk_.take_card(agent, lead_id)) {
    host_.panel_send(agent, error_json("That card cannot be skipped now.", "preview.skip"));
    return;
  }
  if (close) {
    finish_unused({lead_id}, pd::store::NumberState::kClosed);
  } else {
    release_leads({lead_id});
  }
  // A skipped personal callback is released to its agent again: not shown
  // again at once.
  callback_backoff_[agent] = now_ms() + kCallbackSkipBackoffMs;
  host_.panel_send(agent, preview_clear_json(lead_id, close ? "closed" : "skipped"));
  send_agent_state(agent);
}

void Engine::prompt_disposition(const std::string& agent, pd::core::DispositionPrompt prompt) {
  auto run = campaigns_.find(prompt.campaign_id);
  if (run == campaigns_.end()) return;
  const std::string_view direction = pd::core::to_string(prompt.direction);
  const auto& options = options_of(run->second.prepared, direction);
  if (options.empty()) return;
  prompt.created_ms = now_ms();
  // Stored first, in the write queue after the call's result: it survives a
  // restart of the host; the tag's write removes it.
  pd::store::PendingPrompt row;
  row.call_id = prompt.call_id;
  row.agent = agent;
  row.campaign_id = uint32_t(prompt.campaign_id);
  row.inbound = prompt.direction == pd::core::CallDirection::kInbound;
  row.number_id = prompt.number_id;
  row.number = prompt.number;
  row.created_at = time_of(prompt.created_ms);
  if (auto queued = store_->submit(std::move(row)); !queued) {
    host_.log(PD_LOG_ERROR, "prompt of call " + prompt.call_id + " for agent " + agent +
                                " not stored: " + queued.error().message);
  }
  const std::string shown = disposition_prompt_json(
      prompt.call_id, direction, run->second.prepared.campaign.name, options,
      callbacks_of(run->second.prepared, direction), callback_zone(run->second.prepared, prompt));
  if (!desk_.add_prompt(agent, std::move(prompt))) return;
  if (!desk_.panel_open(agent)) return;
  host_.panel_send(agent, shown);
  send_pending(agent);
}

void Engine::load_prompts(const std::string& agent) {
  // One load per agent at a time: a second open while one is under way is
  // answered by the first (the desk merges, so nothing is missed).
  if (!prompt_loads_.insert(agent).second) return;
  std::weak_ptr<bool> alive = alive_;
  store_->load_prompts(agent, pd::core::AgentDesk::kMaxPromptsPerAgent,
                       [this, alive, agent](pd::Result<pd::store::PendingPrompts> loaded) {
                         if (alive.expired() || !*alive.lock()) return;
                         prompts_loaded(agent, std::move(loaded));
                       });
}

void Engine::prompts_loaded(const std::string& agent,
                            pd::Result<pd::store::PendingPrompts> loaded) {
  prompt_loads_.erase(agent);
  if (!loaded) {
    // The desk's own prompts are listed already; the next open tries again.
    host_.log(PD_LOG_WARN,
              "pending dispositions of agent " + agent + " not loaded: " + loaded.error().message);
    return;
  }
  auto cards = stored_contacts(*loaded);
  pd::core::StoredPrompts stored;
  stored.total = loaded->total;
  stored.oldest.reserve(loaded->oldest.size());
  for (auto& row : loaded->oldest) {
    pd::core::DispositionPrompt prompt;
    prompt.call_id = std::move(row.call_id);
    prompt.direction =
        row.inbound ? pd::core::CallDirection::kInbound : pd::core::CallDirection::kOutbound;
    prompt.campaign_id = row.campaign_id;
    prompt.number_id = row.number_id;
    prompt.number = std::move(row.number);
    prompt.name = std::move(row.name);
    prompt.created_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(row.created_at.time_since_epoch())
            .count();
    stored.oldest.push_back(std::move(prompt));
  }
  const bool changed = desk_.merge_loaded(agent, std::move(stored));
  add_stored_contacts(agent, std::move(cards));
  if (!changed) return;
  send_pending(agent);
  send_agent_state(agent);  // "wrapup" when there are calls to tag
  if (desk_.needs_load(agent)) load_prompts(agent);
}

void Engine::send_pending(const std::string& agent) {
  if (!desk_.panel_open(agent)) return;
  std::vector<PendingDisposition> calls;
  for (const auto& prompt : desk_.prompts(agent)) {
    PendingDisposition call;
    call.call_id = prompt.call_id;
    call.direction = std::string(pd::core::to_string(prompt.direction));
    if (auto run = campaigns_.find(prompt.campaign_id); run != campaigns_.end()) {
      call.campaign = run->second.prepared.campaign.name;
      call.options = options_of(run->second.prepared, call.direction);
      call.callbacks = callbacks_of(run->second.prepared, call.direction);
      call.zone = callback_zone(run->second.prepared, prompt);
    }
    call.number = prompt.number;
    call.name = prompt.name;
    call.ended_ms = prompt.created_ms;
    calls.push_back(std::move(call));
  }
  host_.panel_send(agent, disposition_pending_json(calls, desk_.pending_count(agent)));
}

void Engine::set_disposition(const std::string& agent, const std::string& call_id,
                             const std::string& disposition,
                             const std::optional<PanelRequest::Callback>& callback) {
  const pd::core::DispositionPrompt* prompt = desk_.find_prompt(agent, call_id);
  if (prompt == nullptr) {
    host_.panel_send(agent, error_json("There is no call " + call_id + " of yours to tag.",
                                       "disposition.set", call_id));
    return;
  }
  auto run = campaigns_.find(prompt->campaign_id);
  const bool known =
      run != campaigns_.end() &&
      offers(run->second.prepared, pd::core::to_string(prompt->direction), disposition);
  if (!known) {
    host_.panel_send(agent, error_json("'" + disposition +
                                           "' is not a disposition of this "
                                           "campaign.",
                                       "disposition.set", call_id));
    return;
  }
  // A callback disposition: the time the customer asked for, planned by the
  // core (refused -> the sentence goes to the agent, the prompt stays).
  std::optional<pd::store::ScheduledCallback> scheduled;
  std::optional<SavedCallback> saved;
  if (is_callback(run->second.prepared, pd::core::to_string(prompt->direction), disposition)) {
    if (!callback || callback->local_time.empty()) {
      host_.panel_send(agent, error_json("'" + disposition +
                                             "' is a callback: choose the date and time to "
                                             "call back.",
                                         "disposition.set", call_id));
      return;
    }
    const PreparedCampaign& campaign = run->second.prepared;
    if (!campaign.schedule) {
      host_.panel_send(agent, error_json("The campaign cannot run now (" + campaign.error +
                                             "); no callback can be scheduled.",
                                         "disposition.set", call_id));
      return;
    }
    const pd::core::Lead lead = callback_lead(*prompt);
    auto plan = pd::core::plan_callback({callback->local_time, callback->for_me}, agent, lead,
                                        *campaign.schedule,
                                        campaign.campaign.callback_grace_minutes, now_ms() / 1000);
    if (!plan) {
      host_.panel_send(agent, error_json(plan.error().message, "disposition.set", call_id));
      return;
    }
    scheduled = to_scheduled(*plan);
    const std::string zone_name(pd::core::callback_zone_name(lead, *campaign.schedule));
    const pd::core::TimeZone& zone =
        lead.zone && !lead.time_zone.empty() ? *lead.zone : campaign.schedule->zone();
    saved = SavedCallback{pd::core::format_local_minute(plan->due, zone), zone_name,
                          !plan->agent.empty()};
  }
  // The agent hears "saved" once it is written, and keeps the prompt if not.
  std::weak_ptr<bool> alive = alive_;
  auto written = [this, alive, agent, call_id, disposition, saved](pd::Result<size_t> result) {
    if (alive.expired() || !*alive.lock()) return;
    disposition_written(agent, call_id, disposition, result, saved);
  };
  // Either write also removes the stored prompt, in the same transaction.
  if (prompt->direction == pd::core::CallDirection::kOutbound) {
    // After the call's own result in the write queue (the tag overwrites the
    // disposition the result wrote).
    pd::store::AgentTag tag;
    tag.call_id = call_id;
    tag.number_id = prompt->number_id;
    tag.disposition = disposition;
    tag.agent = agent;
    tag.callback = std::move(scheduled);
    store_->submit_confirmed(std::move(tag), std::move(written));
  } else {
    // Inbound calls have no lead: the call-log row carries the choice.
    pd::store::InboundTag tag{call_id, uint32_t(prompt->campaign_id), prompt->number, agent,
                              disposition};
    store_->submit_confirmed(std::move(tag), std::move(written));
  }
}

void Engine::disposition_written(const std::string& agent, const std::string& call_id,
                                 const std::string& disposition, const pd::Result<size_t>& written,
                                 const std::optional<SavedCallback>& callback) {
  if (!written) {
    host_.panel_send(
        agent, error_json("Not saved: " + written.error().message, "disposition.set", call_id));
    return;
  }
  desk_.remove_prompt(agent, call_id);
  contact_tagged(agent, call_id);
  host_.panel_send(agent, disposition_saved_json(call_id, disposition, callback));
  wrapup_saved(agent, call_id);
  send_pending(agent);
  send_agent_state(agent);
  // Calls past the desk's bound wait in the database: list them now.
  if (desk_.needs_load(agent)) load_prompts(agent);
}

// A queue with a campaign's name delivered a call that is not ours: the agent
// tags it with the campaign's inbound dispositions.
void Engine::inbound_completed(const pd::core::AmiEvent& event) {
  // A call of this instance whose end was handled already (its AgentComplete
  // comes after the customer's Hangup): its linkedid is the call id the
  // Originate chose. It is no inbound call, and the agent was prompted for it
  // as a dialer call if they took it.
  const std::string own_prefix = config_.instance_id + "-";
  if (event.linkedid.starts_with(own_prefix) || event.uniqueid.starts_with(own_prefix)) return;
  const CampaignRun* run = campaign_by_name(event.queue);
  if (run == nullptr || run->prepared.campaign.inbound_dispositions.empty()) return;
  const std::string agent = pd::core::extension_of(event.interface);
  if (agent.empty()) return;
  pd::core::DispositionPrompt prompt;
  prompt.call_id = inbound_call_id(!event.linkedid.empty() ? event.linkedid : event.uniqueid);
  prompt.direction = pd::core::CallDirection::kInbound;
  prompt.campaign_id = run->id();
  prompt.number = std::string(event.caller_id_num);
  if (!pd::core::is_dialable_number(prompt.number)) prompt.number.clear();
  prompt_disposition(agent, std::move(prompt));
}

const CampaignRun* Engine::campaign_by_name(std::string_view name) const {
  for (const auto& [id, run] : campaigns_) {
    if (run.prepared.campaign.name == name) return &run;
  }
  return nullptr;
}

pd::core::AgentStatus Engine::agent_status(const std::string& agent) const {
  std::optional<pd::core::CallPhase> phase;
  if (const std::string* call_id = desk_.live_call(agent)) {
    // As the panel's step bar shows it (pd/core/call_progress.h).
    if (const pd::core::CallState* call = calls_.find(*call_id)) {
      phase = pd::core::shown_phase(pd::core::progress_of(*call));
    }
  }
  // The wrap-up and the own pause too (pd/core/agent_pause.h): the status
  // pill says them, as the agent.controls' wrap-up timer and pause do.
  return desk_.status(agent, phase,
                      {pauses_.wrapup(agent) != nullptr, pauses_.pause_of(agent) != nullptr});
}

void Engine::send_agent_state(const std::string& agent) {
  if (!desk_.panel_open(agent)) return;
  // O(queues × the agent's interfaces), not O(members): this runs on every
  // queue event about an agent whose panel is open.
  std::vector<AgentQueueState> queues;
  std::unordered_set<std::string> queue_names;
  const std::vector<std::string> interfaces = desk_.interfaces(agent);
  if (!interfaces.empty()) {
    for (const auto& queue : queues_.queue_names()) {
      for (const auto& interface : interfaces) {
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
  host_.panel_send(agent,
                   agent_state_json(campaigns, queues, pd::core::to_string(agent_status(agent))));
  send_agent_controls(agent);
}

}  // namespace pd::plugin
