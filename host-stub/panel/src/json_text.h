// Small JSON helpers over jsoncpp: compact writing and strict parsing of the
// texts browsers send.
#pragma once

#include <json/json.h>

#include <memory>
#include <string>
#include <string_view>

#include "pd/result.h"

namespace pd::panel {

inline std::string to_json_text(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

// Parses one JSON text strictly (no comments before the value, no trailing
// garbage, duplicate keys refused, nesting bounded). Never throws.
inline pd::Result<Json::Value> parse_json(std::string_view text) {
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  builder["stackLimit"] = 64;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(text.data(), text.data() + text.size(), &value, &errors);
  } catch (const Json::Exception& e) {
    // jsoncpp throws (not returns false) past stackLimit: an unauthenticated
    // login body of 65 nested arrays would otherwise end the host.
    errors = e.what();
  }
  if (!parsed) {
    while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' ')) errors.pop_back();
    return pd::fail(pd::Error::invalid("not valid JSON: " + errors));
  }
  return value;
}

// {"type":"error","message":...} plus "request" when the error answers a type.
inline std::string error_message_json(std::string_view message, std::string_view request = {}) {
  Json::Value value(Json::objectValue);
  value["type"] = "error";
  value["message"] = std::string(message);
  if (!request.empty()) value["request"] = std::string(request);
  return to_json_text(value);
}

}  // namespace pd::panel
