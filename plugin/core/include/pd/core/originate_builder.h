// Builds the fields of the async Originate for one call, refusing anything
// that could break out of its field or the dialplan.
//
// Shapes (<dest> = the dialed number: dial prefix + number):
//   remote first: Channel=Local/<dest>@<dial context>
//                 Context=pd-<campaign>-dest     Exten=s       Priority=1
//   local first:  Channel=Local/s@pd-<campaign>-local
//                 Context=pd-<campaign>-customer Exten=<dest>  Priority=1
//   preview:      Channel=<agent interface>
//                 Context=pd-<campaign>-customer Exten=<dest>  Priority=1
// then Timeout (ms), CallerID, Async=true, ChannelId=<call id>, one Variable
// line per number variable ("a=1|b=2" -> a=1, b=2) and the engine's own:
// __PD_CALLID=<call id>, __PD_CAMPAIGN=<campaign id>. The "__" makes Asterisk
// copy them to every channel the call spawns (the dial context's trunk
// channel, queue agents), so the helpers and UserEvents can read
// ${PD_CALLID} wherever they run.
//
// No OtherChannelId: Asterisk then names the second Local half
// "<ChannelId>;2" (traces 02-16), which CallTable maps back to the call; an
// OtherChannelId would have to be unique on the PBX too, and a preview
// Channel that is not a Local channel has no second half at all.
//
// Checks (invalid-argument Error naming the field, nothing built):
//   number \+?[0-9*#]+, 32 bytes at most; prefix [0-9*#]{0,16}; campaign name
//   [A-Za-z0-9_-]{1,64}; dial context [A-Za-z0-9_.-]; call id
//   [A-Za-z0-9_.-]{1,64}; agent interface [A-Za-z0-9_.@/:+*#-]; variable
//   names [A-Za-z_][A-Za-z0-9_]* and not PD_* (reserved); variable values,
//   caller id and ActionID without control characters (no CR/LF, no NUL);
//   variable values also without , " and \ (Asterisk splits a Variable
//   header on commas and strips quotes/backslashes, so "x,PD_CALLID=y"
//   would set a second variable);
//   timeout 1..600000 ms.
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pd/core/campaign.h"
#include "pd/result.h"

namespace pd::core {

struct OriginateField {
  std::string key;
  std::string value;
};

struct OriginateRequest {
  std::string_view action_id;      // may be empty (then no ActionID field)
  std::string_view call_id;        // becomes ChannelId and PD_CALLID
  std::string_view campaign_name;  // contexts pd-<name>-...
  int64_t campaign_id = 0;         // PD_CAMPAIGN
  InitialLeg leg = InitialLeg::kRemote;
  bool preview = false;              // the agent's interface is the Channel
  std::string_view agent_interface;  // preview only
  std::string_view dial_context;     // remote first: where Local/<dest>@... dials (setting)
  std::string_view dial_prefix;
  std::string_view number;
  std::string_view number_caller_id;    // the number's own; wins when not empty
  std::string_view campaign_caller_id;  // else the campaign's; both empty: no CallerID field
  std::string_view variables;           // "a=1|b=2"; empty: none
  int timeout_ms = 30000;
};

// The fields in wire order, "Action: Originate" first.
pd::Result<std::vector<OriginateField>> build_originate(const OriginateRequest& request);

// Parses "a=1|b=2" into (name, value) pairs with the checks above; an empty
// string gives none; empty items ("a=1||b=2") are skipped.
pd::Result<std::vector<std::pair<std::string, std::string>>> parse_variables(
    std::string_view variables);

// The rule the admin pages apply before storing a contact's variables
// (pd_check_variables() in admin-php/lib/validate.php; both are held to
// tests/data/validation-cases.json): empty, or at most 1000 bytes of valid
// UTF-8 made of name=value items separated by '|', every item with its '=',
// with the name and value rules of parse_variables(). It is stricter than
// parse_variables() (no empty items, no bare names), so whatever the admin
// stores, the engine can dial; parse_variables() stays lenient about that
// harmless shape for rows written by other means.
pd::Status check_variables(std::string_view variables);

}  // namespace pd::core
