#include "panel_messages.h"

#include <algorithm>

#include <charconv>
#include <memory>

#include <json/reader.h>
#include <json/value.h>
#include <json/writer.h>

namespace pd::plugin {

std::string compact_json(const Json::Value& value) {
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  writer["emitUTF8"] = true;
  return Json::writeString(writer, value);
}

namespace {

std::string compact(const Json::Value& value) {
  return compact_json(value);
}

Json::Value message(const char* type) {
  Json::Value value(Json::objectValue);
  value["type"] = type;
  return value;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), 0 if there is none.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

// A JSON string value. JSON texts are UTF-8 and a browser fails a WebSocket
// whose text frame is not, so any byte that does not start a well-formed
// UTF-8 sequence (a Latin-1 template, a caller name off the wire) becomes
// U+FFFD instead of reaching the panel raw.
Json::Value json_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = utf8_sequence(s);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  return Json::Value(out.data(), out.data() + out.size());
}

namespace {

Json::Value text(std::string_view s) {
  return json_text(s);
}

Json::Value options_json(const std::vector<std::string>& options,
                         const std::vector<std::string>& callbacks) {
  Json::Value out(Json::arrayValue);
  for (const auto& name : options) {
    Json::Value option;
    option["id"] = text(name);
    option["name"] = text(name);
    if (std::find(callbacks.begin(), callbacks.end(), name) != callbacks.end()) {
      option["callback"] = true;
    }
    out.append(option);
  }
  return out;
}

}  // namespace

std::string agent_state_json(const std::vector<AgentCampaign>& campaigns,
                             const std::vector<AgentQueueState>& queues, std::string_view status) {
  Json::Value m = message("agent.state");
  m["campaigns"] = Json::Value(Json::arrayValue);
  for (const auto& c : campaigns) {
    Json::Value item;
    item["id"] = Json::Int64(c.id);
    item["name"] = text(c.name);
    item["mode"] = text(c.mode);
    m["campaigns"].append(item);
  }
  m["queues"] = Json::Value(Json::arrayValue);
  for (const auto& q : queues) {
    Json::Value item;
    item["name"] = text(q.name);
    item["paused"] = q.paused;
    item["in_call"] = q.in_call;
    m["queues"].append(item);
  }
  m["status"] = text(status);
  return compact(m);
}

std::string preview_card_json(uint64_t lead, std::string_view campaign, std::string_view html,
                              std::string_view script, bool callback) {
  Json::Value m = message("preview.card");
  m["lead"] = Json::UInt64(lead);
  m["campaign"] = text(campaign);
  m["html"] = text(html);
  m["script"] = text(script);
  if (callback) m["callback"] = true;
  return compact(m);
}

std::string preview_clear_json(uint64_t lead, std::string_view reason) {
  Json::Value m = message("preview.clear");
  m["lead"] = Json::UInt64(lead);
  m["reason"] = text(reason);
  return compact(m);
}

std::string disposition_prompt_json(std::string_view call_id, std::string_view direction,
                                    std::string_view campaign,
                                    const std::vector<std::string>& options,
                                    const std::vector<std::string>& callbacks,
                                    std::string_view zone) {
  Json::Value m = message("disposition.prompt");
  m["call_id"] = text(call_id);
  m["direction"] = text(direction);
  m["campaign"] = text(campaign);
  m["options"] = options_json(options, callbacks);
  if (!callbacks.empty() && !zone.empty()) m["zone"] = text(zone);
  return compact(m);
}

std::string disposition_pending_json(const std::vector<PendingDisposition>& calls, uint64_t count) {
  Json::Value m = message("disposition.pending");
  m["count"] = Json::UInt64(count);
  m["calls"] = Json::Value(Json::arrayValue);
  for (const auto& call : calls) {
    Json::Value c(Json::objectValue);
    c["call_id"] = text(call.call_id);
    c["direction"] = text(call.direction);
    c["campaign"] = text(call.campaign);
    c["number"] = text(call.number);
    c["name"] = text(call.name);
    c["ended_at"] = Json::Int64(call.ended_ms);
    c["options"] = options_json(call.options, call.callbacks);
    if (!call.callbacks.empty() && !call.zone.empty()) c["zone"] = text(call.zone);
    m["calls"].append(c);
  }
  return compact(m);
}

std::string disposition_saved_json(std::string_view call_id, std::string_view disposition,
                                   const std::optional<SavedCallback>& callback) {
  Json::Value m = message("disposition.saved");
  m["call_id"] = text(call_id);
  m["disposition"] = text(disposition);
  if (callback) {
    Json::Value c(Json::objectValue);
    c["local_time"] = text(callback->local_time);
    c["zone"] = text(callback->zone);
    c["for_me"] = callback->for_me;
    m["callback"] = c;
  }
  return compact(m);
}

std::string error_json(std::string_view message_text, std::string_view request,
                       std::string_view call_id) {
  Json::Value m = message("error");
  m["message"] = text(message_text);
  if (!request.empty()) m["request"] = text(request);
  if (!call_id.empty()) m["call_id"] = text(call_id);
  return compact(m);
}

PanelRequest parse_panel_request(std::string_view json) {
  PanelRequest request;
  Json::Value root;
  // As strict as the host's parse (json_text.h): no comments, no trailing
  // text, no duplicate keys, bounded nesting.
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  builder["stackLimit"] = 64;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(json.data(), json.data() + json.size(), &root, &errors);
  } catch (const Json::Exception&) {
    // Past stackLimit jsoncpp throws instead of returning false.
  }
  if (!parsed || !root.isObject() || !root["type"].isString()) return request;
  request.type = root["type"].asString();
  const Json::Value& lead = root["lead"];
  if (lead.isUInt64()) {
    request.lead = lead.asUInt64();
  } else if (lead.isString()) {
    // Decimal digits only: std::stoull took "-1" (as 2^64 - 1), " 7" and "+7".
    const std::string digits = lead.asString();
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (!digits.empty() && ec == std::errc{} && end == digits.data() + digits.size()) {
      request.lead = value;
    }
  }
  request.close = root["close"].isBool() && root["close"].asBool();
  if (root["call_id"].isString()) request.call_id = root["call_id"].asString();
  if (root["disposition"].isString()) request.disposition = root["disposition"].asString();
  if (root["reason"].isString()) request.reason = root["reason"].asString();
  if (const Json::Value& callback = root["callback"]; callback.isObject()) {
    PanelRequest::Callback c;
    if (callback["local_time"].isString()) c.local_time = callback["local_time"].asString();
    c.for_me = callback["for_me"].isBool() && callback["for_me"].asBool();
    request.callback = std::move(c);
  }
  return request;
}

}  // namespace pd::plugin
