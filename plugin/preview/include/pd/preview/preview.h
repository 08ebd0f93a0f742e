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
// Raw placeholders ({X|s}, {{X:none}}) put contact data into the card as
// markup, so render() refuses a template that has one (the dial button aside)
// unless the admin has allowed raw HTML (setting preview_allow_raw_html); the
// admin Settings page applies the same rule (templates/preview-check-cases.json).
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

// The placeholders that show contact data unescaped, as written, each once, in
// the order they first appear: {X|s} for any X but the dial button's names,
// or in native ctemplate text a marker whose modifiers include :none
// ({{NOTE:none}}). Empty when the template escapes everything.
std::vector<std::string> raw_placeholders(std::string_view text);

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

struct RenderOptions {
  // The admin's explicit choice (setting preview_allow_raw_html = '1'): raw
  // placeholders are rendered as markup. Off: a template with one is refused.
  bool allow_raw_html = false;
  // Off: {DIALBUTTON|s} renders as nothing - the contact card of a call the
  // agent is on (screen pop) is the preview card without its Dial button.
  bool dial_button = true;
};

// Renders the card. kInvalidArgument when the template does not parse
// (message from ctemplate's rules: unclosed section, bad modifier ...), or
// when it has raw placeholders and options.allow_raw_html is off (the message
// names them).
pd::Result<std::string> render(std::string_view template_text, const PreviewData& data,
                               const RenderOptions& options = {});

}  // namespace pd::preview
