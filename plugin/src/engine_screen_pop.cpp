// Screen pop: the contact card of a call that reached an agent - the preview
// template without its Dial button, the number's variables, the campaign's
// script and CRM link - from what the engine holds already (the live call's
// lead; for prompts stored by an earlier run, what the store read with them):
// no database read on the host loop. How long a card stays is
// pd::core::ContactCards' decision.
#include "desk_messages.h"
#include "engine.h"
#include "pd/core/names.h"
#include "pd/core/url_template.h"
#include "pd/preview/preview.h"

namespace pd::plugin {

std::string inbound_call_id(std::string_view linkedid) {
  std::string id = "in-";
  for (char c : linkedid) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    id.push_back(ok ? c : '_');
  }
  return id.substr(0, 64);
}

namespace {

// A caller id field as Asterisk sends it: "<unknown>" is nothing.
std::string_view known(std::string_view value) {
  return value == "<unknown>" ? std::string_view{} : value;
}

}  // namespace

void Engine::pop_contact(const std::string& agent, const std::string& call_id,
                         const LiveCall& live) {
  pd::core::ContactCard card;
  card.call_id = call_id;
  card.direction = pd::core::CallDirection::kOutbound;
  card.campaign_id = live.campaign_id;
  card.lead_id = live.lead.id;
  card.name = live.lead.name;
  card.number = live.lead.number;
  card.variables = live.lead.variables;
  contacts_.pop(agent, std::move(card));
  if (const auto* shown = contacts_.find(agent, call_id)) send_contact(agent, *shown);
}

// Is this AgentConnect / AgentComplete about a call of a campaign-named
// queue that is not ours? Fills the agent and the card's call id.
static bool inbound_of(const pd::core::AmiEvent& event, std::string_view own_prefix,
                       std::string& agent, std::string& call_id) {
  if (event.linkedid.starts_with(own_prefix) || event.uniqueid.starts_with(own_prefix)) {
    return false;  // a dialer call of this instance (handled as one)
  }
  agent = pd::core::extension_of(event.interface);
  call_id = inbound_call_id(!event.linkedid.empty() ? event.linkedid : event.uniqueid);
  return !agent.empty();
}

void Engine::pop_inbound_contact(const pd::core::AmiEvent& event) {
  std::string agent;
  std::string call_id;
  if (!inbound_of(event, config_.instance_id + "-", agent, call_id)) return;
  const CampaignRun* run = campaign_by_name(event.queue);
  if (run == nullptr) return;
  pd::core::ContactCard card;
  card.call_id = call_id;
  card.direction = pd::core::CallDirection::kInbound;
  card.campaign_id = run->id();
  // What is known: the caller's number (when it is one) and name.
  card.number = std::string(event.caller_id_num);
  if (!pd::core::is_dialable_number(card.number)) card.number.clear();
  card.name = std::string(known(event.caller_id_name));
  contacts_.pop(agent, std::move(card));
  if (const auto* shown = contacts_.find(agent, call_id)) send_contact(agent, *shown);
}

void Engine::inbound_contact_done(const pd::core::AmiEvent& event) {
  std::string agent;
  std::string call_id;
  if (!inbound_of(event, config_.instance_id + "-", agent, call_id)) return;
  contact_call_ended(agent, call_id);
}

void Engine::contact_call_ended(const std::string& agent, const std::string& call_id) {
  if (contacts_.find(agent, call_id) == nullptr) return;
  // The card belongs with the prompt: it stays while the call is to tag.
  const bool prompted = desk_.find_prompt(agent, call_id) != nullptr;
  if (contacts_.call_ended(agent, call_id, prompted)) {
    if (desk_.panel_open(agent)) host_.panel_send(agent, contact_clear_json(call_id, "ended"));
    return;
  }
  if (const auto* card = contacts_.find(agent, call_id)) send_contact(agent, *card);  // not live
}

void Engine::contact_tagged(const std::string& agent, const std::string& call_id) {
  if (contacts_.tagged(agent, call_id) && desk_.panel_open(agent)) {
    host_.panel_send(agent, contact_clear_json(call_id, "tagged"));
  }
}

std::vector<pd::core::ContactCard> Engine::stored_contacts(
    const pd::store::PendingPrompts& loaded) const {
  std::vector<pd::core::ContactCard> cards;
  cards.reserve(loaded.oldest.size());
  for (const auto& row : loaded.oldest) {
    pd::core::ContactCard card;
    card.call_id = row.call_id;
    card.direction =
        row.inbound ? pd::core::CallDirection::kInbound : pd::core::CallDirection::kOutbound;
    card.campaign_id = row.campaign_id;
    card.lead_id = row.number_id;
    card.name = row.name;
    card.number = row.number;
    card.variables = row.variables;
    card.live = false;
    cards.push_back(std::move(card));
  }
  return cards;
}

void Engine::add_stored_contacts(const std::string& agent,
                                 std::vector<pd::core::ContactCard> cards) {
  for (auto& card : cards) {
    // Only for a call the desk lists to tag (not one saved meanwhile).
    if (desk_.find_prompt(agent, card.call_id) == nullptr) continue;
    const std::string call_id = card.call_id;
    if (!contacts_.add_if_absent(agent, std::move(card))) continue;
    if (const auto* shown = contacts_.find(agent, call_id)) send_contact(agent, *shown);
  }
}

void Engine::send_contact(const std::string& agent, const pd::core::ContactCard& card) {
  if (!desk_.panel_open(agent)) return;
  ContactMessage m;
  m.call_id = card.call_id;
  m.direction = std::string(pd::core::to_string(card.direction));
  m.lead = card.lead_id;
  m.name = card.name;
  m.number = card.number;
  m.variables = pd::core::split_variables(card.variables);
  m.live = card.live;
  auto run = campaigns_.find(card.campaign_id);
  if (run != campaigns_.end()) {
    const pd::core::Campaign& campaign = run->second.prepared.campaign;
    m.campaign = campaign.name;
    m.script = campaign.script;
    if (card.direction == pd::core::CallDirection::kOutbound) {
      // The preview template, without its Dial button (one template for the
      // admin to keep; the variables are listed beside it anyway).
      pd::preview::PreviewData data;
      data.name = card.name;
      data.number = card.number;
      data.variables = pd::preview::parse_variables(card.variables);
      data.lead_id = std::to_string(card.lead_id);
      const std::string& text =
          settings_.preview_template.empty() ? preview_default_ : settings_.preview_template;
      auto html = pd::preview::render(
          text, data, {.allow_raw_html = settings_.preview_allow_raw_html, .dial_button = false});
      if (html) {
        m.html = std::move(*html);
      } else {
        // The panel shows name, number and variables itself.
        host_.log(PD_LOG_WARN, "contact card of " + card.call_id +
                                   " without the template: " + html.error().message);
      }
    }
    if (!campaign.crm_url_template.empty()) {
      pd::core::UrlValues values;
      values.number = card.number;
      values.name = card.name;
      values.lead_id = card.lead_id == 0 ? std::string() : std::to_string(card.lead_id);
      values.call_id = card.call_id;
      values.campaign = campaign.name;
      values.agent = agent;
      values.variables = m.variables;
      auto url = pd::core::render_url_template(campaign.crm_url_template, values);
      if (url) {
        m.crm_url = std::move(*url);
      } else {
        m.crm_error = url.error().message;
      }
    }
  }
  host_.panel_send(agent, contact_card_json(m));
}

}  // namespace pd::plugin
