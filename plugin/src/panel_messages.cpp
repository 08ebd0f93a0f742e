#include "panel_messages.h"

#include <memory>

#include <json/reader.h>
#include <json/value.h>
#include <json/writer.h>

namespace pd::plugin {

namespace {

std::string compact(const Json::Value& value) {
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  writer["emitUTF8"] = true;
  return Json::writeString(writer, value);
}

Json::Value message(const char* type) {
  Json::Value value(Json::objectValue);
  value["type"] = type;
  return value;
}

Json::Value text(std::string_view s) {
  return Json::Value(s.data(), s.data() + s.size());
}

}  // namespace

std::string agent_state_json(const std::vector<AgentCampaign>& campaigns,
                             const std::vector<AgentQueueState>& queues, std::string_view status) {
  Json::Value m = message("agent.state");
  m["campaigns"] = Json::Value(Json::arrayValue);
  for (const auto& c : campaigns) {
    Json::Value item;
    item["id"] = Json::Int64(c.id);
    item["name"] = c.name;
    item["mode"] = c.mode;
    m["campaigns"].append(item);
  }
  m["queues"] = Json::Value(Json::arrayValue);
  for (const auto& q : queues) {
    Json::Value item;
    item["name"] = q.name;
    item["paused"] = q.paused;
    item["in_call"] = q.in_call;
    m["queues"].append(item);
  }
  m["status"] = text(status);
  return compact(m);
}

std::string preview_card_json(uint64_t lead, std::string_view campaign, std::string_view html,
                              std::string_view script) {
  Json::Value m = message("preview.card");
  m["lead"] = Json::UInt64(lead);
  m["campaign"] = text(campaign);
  m["html"] = text(html);
  m["script"] = text(script);
  return compact(m);
}

std::string preview_clear_json(uint64_t lead, std::string_view reason) {
  Json::Value m = message("preview.clear");
  m["lead"] = Json::UInt64(lead);
  m["reason"] = text(reason);
  return compact(m);
}

std::string call_progress_json(std::string_view call_id, uint64_t lead, std::string_view state,
                               std::string_view number, std::string_view name,
                               std::string_view dial_status) {
  Json::Value m = message("call.progress");
  m["call_id"] = text(call_id);
  m["lead"] = Json::UInt64(lead);
  m["state"] = text(state);
  m["number"] = text(number);
  m["name"] = text(name);
  if (!dial_status.empty()) m["dial_status"] = text(dial_status);
  return compact(m);
}

std::string disposition_prompt_json(std::string_view call_id, std::string_view direction,
                                    std::string_view campaign,
                                    const std::vector<std::string>& options) {
  Json::Value m = message("disposition.prompt");
  m["call_id"] = text(call_id);
  m["direction"] = text(direction);
  m["campaign"] = text(campaign);
  m["options"] = Json::Value(Json::arrayValue);
  for (const auto& name : options) {
    Json::Value option;
    option["id"] = name;
    option["name"] = name;
    m["options"].append(option);
  }
  return compact(m);
}

std::string disposition_saved_json(std::string_view call_id, std::string_view disposition) {
  Json::Value m = message("disposition.saved");
  m["call_id"] = text(call_id);
  m["disposition"] = text(disposition);
  return compact(m);
}

std::string error_json(std::string_view message_text, std::string_view request) {
  Json::Value m = message("error");
  m["message"] = text(message_text);
  if (!request.empty()) m["request"] = text(request);
  return compact(m);
}

PanelRequest parse_panel_request(std::string_view json) {
  PanelRequest request;
  Json::Value root;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  if (!reader->parse(json.data(), json.data() + json.size(), &root, &errors) || !root.isObject() ||
      !root["type"].isString()) {
    return request;
  }
  request.type = root["type"].asString();
  const Json::Value& lead = root["lead"];
  if (lead.isUInt64()) {
    request.lead = lead.asUInt64();
  } else if (lead.isString()) {
    try {
      size_t used = 0;
      const uint64_t value = std::stoull(lead.asString(), &used);
      if (used == lead.asString().size()) request.lead = value;
    } catch (const std::exception&) {
    }
  }
  request.close = root["close"].isBool() && root["close"].asBool();
  if (root["call_id"].isString()) request.call_id = root["call_id"].asString();
  if (root["disposition"].isString()) request.disposition = root["disposition"].asString();
  return request;
}

}  // namespace pd::plugin
