#include "desk_messages.h"

#include <json/value.h>

#include "panel_messages.h"

namespace pd::plugin {

std::string call_progress_json(const ProgressMessage& m) {
  using pd::core::ProgressStep;
  Json::Value v(Json::objectValue);
  v["type"] = "call.progress";
  v["call_id"] = json_text(m.call_id);
  v["lead"] = Json::UInt64(m.lead);
  v["campaign"] = json_text(m.campaign);
  v["number"] = json_text(m.number);
  v["name"] = json_text(m.name);
  v["state"] = json_text(pd::core::to_string(m.progress.step()));
  v["reached"] = Json::Value(Json::arrayValue);
  for (const auto step : {ProgressStep::kDialing, ProgressStep::kRinging, ProgressStep::kConnected,
                          ProgressStep::kEnded}) {
    if (m.progress.reached(step)) v["reached"].append(json_text(pd::core::to_string(step)));
  }
  if (m.progress.outcome) {
    Json::Value outcome(Json::objectValue);
    outcome["code"] = json_text(m.progress.outcome->code);
    outcome["text"] = json_text(m.progress.outcome->words);
    v["outcome"] = outcome;
  }
  if (!m.dial_status.empty()) v["dial_status"] = json_text(m.dial_status);
  return compact_json(v);
}

std::string contact_card_json(const ContactMessage& m) {
  Json::Value v(Json::objectValue);
  v["type"] = "contact.card";
  v["call_id"] = json_text(m.call_id);
  v["direction"] = json_text(m.direction);
  v["campaign"] = json_text(m.campaign);
  v["lead"] = Json::UInt64(m.lead);
  v["name"] = json_text(m.name);
  v["number"] = json_text(m.number);
  v["html"] = json_text(m.html);
  v["script"] = json_text(m.script);
  v["variables"] = Json::Value(Json::arrayValue);
  for (const auto& [name, value] : m.variables) {
    Json::Value item(Json::objectValue);
    item["name"] = json_text(name);
    item["value"] = json_text(value);
    v["variables"].append(item);
  }
  if (!m.crm_url.empty()) v["crm_url"] = json_text(m.crm_url);
  if (!m.crm_error.empty()) v["crm_error"] = json_text(m.crm_error);
  v["live"] = m.live;
  return compact_json(v);
}

std::string contact_clear_json(std::string_view call_id, std::string_view reason) {
  Json::Value v(Json::objectValue);
  v["type"] = "contact.clear";
  v["call_id"] = json_text(call_id);
  v["reason"] = json_text(reason);
  return compact_json(v);
}

}  // namespace pd::plugin
