// The panel messages of the call the agent is on (docs/panel-protocol.md):
// call.progress (the steps events reported, the outcome in words),
// contact.card and contact.clear (screen pop). Built here so the engine deals
// in plain values.
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/core/call_progress.h"

namespace pd::plugin {

struct ProgressMessage {
  std::string call_id;
  uint64_t lead = 0;
  std::string campaign;
  std::string number;
  std::string name;
  pd::core::CallProgress progress;
  std::string dial_status;  // the raw DIALSTATUS at ended ("" before)
};
std::string call_progress_json(const ProgressMessage& message);

struct ContactMessage {
  std::string call_id;
  std::string direction;  // "outbound" | "inbound"
  std::string campaign;
  uint64_t lead = 0;  // 0 inbound
  std::string name;
  std::string number;
  std::string html;    // the preview template without Dial, rendered and escaped; may be empty
  std::string script;  // plain text
  std::vector<std::pair<std::string, std::string>> variables;
  std::string crm_url;    // "" none
  std::string crm_error;  // why the campaign's link is not shown ("" none)
  bool live = true;       // the call is still on
};
std::string contact_card_json(const ContactMessage& message);
std::string contact_clear_json(std::string_view call_id, std::string_view reason);

}  // namespace pd::plugin
