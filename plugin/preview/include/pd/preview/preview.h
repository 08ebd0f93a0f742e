// The agent's preview card: the Preview Template setting rendered with
// ctemplate, HTML auto-escaping on, so a contact's data can never inject markup.
//
// Template syntax. Two are accepted:
//  - the FOP2 style users already have: `{NAME}`, `{NUMBER}`, any `{VARIABLE}`
//    of the number (escaped), `{X|s}` (raw), and the mandatory dial button
//    `{DIALBUTTON|s}` (also spelled `{DIALERBUTTON|s}`). Anything else in
//    braces (CSS rules, for instance) is left as written.
//  - native ctemplate (the text holds `{{`): used as is, with the same
//    dictionary (`{{NAME}}`, `{{DIALBUTTON:none}}`, sections ...).
// Either way the card is rendered in ctemplate's HTML auto-escape mode.
//
// Threads: every function is safe from any thread (ctemplate's cache is
// thread-safe); rendering is meant for the plugin's worker, not the host loop.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/result.h"

namespace pd::preview {

// FOP2-style text → ctemplate text (without the auto-escape pragma). Native
// ctemplate text comes back unchanged.
std::string translate_template(std::string_view text);

// True when the template has a raw dial button ({DIALBUTTON|s},
// {DIALERBUTTON|s} or {{DIALBUTTON:none}}): without one the agent could not
// dial. The admin settings page runs the same check.
bool has_dial_button(std::string_view text);

struct PreviewData {
  std::string name;    // the contact's name, as stored
  std::string number;  // the number the engine will dial
  // The number's variables ("a=1|b=2" parsed), available as {a} and {A}.
  std::vector<std::pair<std::string, std::string>> variables;
  std::string lead_id;  // put on the dial button (data-pd-lead) so a click names its lead
};

// "a=1|b=2" → {{"a","1"},{"b","2"}}; pairs without '=' or with a name outside
// [A-Za-z0-9_] are dropped (they could not be addressed from a template).
std::vector<std::pair<std::string, std::string>> parse_variables(std::string_view text);

// The HTML of the dial button put in place of {DIALBUTTON|s}.
std::string dial_button_html(std::string_view lead_id);

// Renders the card. kInvalidArgument when the template does not parse
// (message from ctemplate's rules: unclosed section, bad modifier ...).
pd::Result<std::string> render(std::string_view template_text, const PreviewData& data);

}  // namespace pd::preview
