#include "panel_controls.h"

#include <json/value.h>
#include <json/writer.h>

#include "pd/core/names.h"

namespace pd::plugin {
namespace {

std::string compact(const Json::Value& value) {
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  writer["emitUTF8"] = true;
  return Json::writeString(writer, value);
}

// Names off the wire (queue names) may not be UTF-8: such a name is shown
// with '?' for every byte outside ASCII rather than breaking the WebSocket.
Json::Value text(std::string_view s) {
  if (pd::core::is_valid_utf8(s)) return Json::Value(std::string(s));
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return Json::Value(out);
}

}  // namespace

std::string agent_controls_json(const ControlsView& view) {
  Json::Value root(Json::objectValue);
  root["type"] = "agent.controls";
  Json::Value reasons(Json::arrayValue);
  for (const auto& reason : view.reasons) reasons.append(text(reason));
  root["reasons"] = reasons;
  if (view.paused) {
    Json::Value pause(Json::objectValue);
    pause["reason"] = text(view.pause_reason);
    pause["since"] = Json::Int64(view.paused_since_ms);
    root["pause"] = pause;
  } else {
    root["pause"] = Json::Value(Json::nullValue);
  }
  if (view.wrapup) {
    Json::Value wrapup(Json::objectValue);
    wrapup["call_id"] = text(view.wrapup_call_id);
    wrapup["campaign"] = text(view.wrapup_campaign);
    wrapup["started_at"] = Json::Int64(view.wrapup_started_ms);
    wrapup["ends_at"] = Json::Int64(view.wrapup_ends_ms);
    root["wrapup"] = wrapup;
  } else {
    root["wrapup"] = Json::Value(Json::nullValue);
  }
  Json::Value queues(Json::arrayValue);
  for (const auto& q : view.queues) {
    Json::Value item(Json::objectValue);
    item["name"] = text(q.queue);
    item["state"] = q.state;
    item["reason"] = text(q.reason);
    queues.append(item);
  }
  root["queues"] = queues;
  root["now"] = Json::Int64(view.now_ms);
  return compact(root);
}

std::string agent_today_json(const TodayView& view) {
  Json::Value root(Json::objectValue);
  root["type"] = "agent.today";
  root["day"] = view.day;
  root["calls"] = Json::UInt64(view.calls);
  root["talk_seconds"] = Json::Int64(view.talk_seconds);
  root["wrapups"] = Json::UInt64(view.wrapups);
  root["wrapup_seconds"] = Json::Int64(view.wrapup_seconds);
  root["pauses"] = Json::UInt64(view.pauses);
  root["pause_seconds"] = Json::Int64(view.pause_seconds);
  Json::Value dispositions(Json::arrayValue);
  for (const auto& [name, count] : view.dispositions) {
    Json::Value item(Json::objectValue);
    item["name"] = text(name);
    item["count"] = Json::UInt64(count);
    dispositions.append(item);
  }
  root["dispositions"] = dispositions;
  return compact(root);
}

}  // namespace pd::plugin
