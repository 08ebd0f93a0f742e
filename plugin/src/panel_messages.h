// The JSON texts of the agent panel protocol (docs/panel-protocol.md), built
// and read here so the engine deals in plain values.
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

namespace pd::plugin {

// A JSON string of `s`, any byte that does not start well-formed UTF-8 as
// U+FFFD (a browser fails a WebSocket whose text is not UTF-8).
Json::Value json_text(std::string_view s);
// One line of JSON, UTF-8 as is.
std::string compact_json(const Json::Value& value);

struct AgentQueueState {
  std::string name;
  bool paused = false;
  bool in_call = false;
};

struct AgentCampaign {
  int64_t id = 0;
  std::string name;
  std::string mode;
};

std::string agent_state_json(const std::vector<AgentCampaign>& campaigns,
                             const std::vector<AgentQueueState>& queues, std::string_view status);
// `callback`: the card is the agent's own personal callback ("callback": true).
std::string preview_card_json(uint64_t lead, std::string_view campaign, std::string_view html,
                              std::string_view script, bool callback = false);
std::string preview_clear_json(uint64_t lead, std::string_view reason);
// `callbacks`: the options that schedule a callback (each option then says
// "callback": true); `zone`: the customer's zone the callback's time is read
// in (sent when some option is a callback).
std::string disposition_prompt_json(std::string_view call_id, std::string_view direction,
                                    std::string_view campaign,
                                    const std::vector<std::string>& options,
                                    const std::vector<std::string>& callbacks = {},
                                    std::string_view zone = {});
// One call of a disposition.pending list.
struct PendingDisposition {
  std::string call_id;
  std::string direction;  // "outbound" | "inbound"
  std::string campaign;   // its name ("" when the campaign is gone)
  std::string number;
  std::string name;
  int64_t ended_ms = 0;  // epoch ms
  std::vector<std::string> options;
  std::vector<std::string> callbacks;  // of the options, those that schedule a callback
  std::string zone;                    // the customer's zone for a callback's time
};
// Every call the agent has to tag, oldest first (at most the desk's bound),
// and how many there are in all (`count` >= the list's length).
std::string disposition_pending_json(const std::vector<PendingDisposition>& calls, uint64_t count);
// A scheduled callback, as disposition.saved reports it.
struct SavedCallback {
  std::string local_time;  // "2026-12-01 09:00" in `zone`
  std::string zone;
  bool for_me = false;
};
std::string disposition_saved_json(std::string_view call_id, std::string_view disposition,
                                   const std::optional<SavedCallback>& callback = std::nullopt);
// `call_id`: the call a failed disposition.set was about (empty: none).
std::string error_json(std::string_view message, std::string_view request,
                       std::string_view call_id = {});

// A message from a panel. `type` empty when the text is not a JSON object
// with a string "type" (the host already checks that; be safe anyway).
struct PanelRequest {
  std::string type;
  std::optional<uint64_t> lead;  // preview.dial, preview.skip
  bool close = false;            // preview.skip
  std::string call_id;           // disposition.set
  std::string disposition;       // disposition.set
  std::string reason;            // agent.pause
  // disposition.set of a callback disposition: {"callback": {"local_time":
  // "YYYY-MM-DDTHH:MM", "for_me": bool}}; nullopt when absent or not an object.
  struct Callback {
    std::string local_time;
    bool for_me = false;
  };
  std::optional<Callback> callback;
};

PanelRequest parse_panel_request(std::string_view json);

}  // namespace pd::plugin
