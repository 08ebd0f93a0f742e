#include "pd/preview/preview.h"

#include <ctemplate/template.h>

#include "pd/template_cache.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_set>

namespace pd::preview {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_dial_button_name(std::string_view name) {
  return name == "DIALBUTTON" || name == "DIALERBUTTON";
}

std::string escape_attribute(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// ctemplate keeps parsed templates in a process-wide cache keyed by name; the
// key is the text so an edited template is parsed anew (bounded: see
// pd/template_cache.h).
pd::Result<std::string> cache_key_for(const std::string& ctemplate_text) {
  static pd::TemplateCache cache("pd-preview:");
  if (auto key = cache.key_for(ctemplate_text)) return *key;
  return pd::fail(pd::Error::invalid(
      "the preview template does not parse (check {{#SECTION}}/{{/SECTION}} pairs and "
      "modifiers)"));
}

}  // namespace

std::string translate_template(std::string_view text) {
  if (text.find("{{") != std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 32);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      out += text[i++];
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && is_name_char(text[j])) ++j;
    const std::string_view name = text.substr(i + 1, j - i - 1);
    bool raw = false;
    size_t end = j;
    if (text.substr(j, 3) == "|s}") {
      raw = true;
      end = j + 3;
    } else if (j < text.size() && text[j] == '}') {
      end = j + 1;
    } else {
      end = 0;  // not a placeholder
    }
    if (name.empty() || end == 0) {
      out += text[i++];
      continue;
    }
    const std::string target = is_dial_button_name(name) ? "DIALBUTTON" : std::string(name);
    out += "{{" + target + (raw ? ":none" : "") + "}}";
    i = end;
  }
  return out;
}

bool has_dial_button(std::string_view text) {
  for (std::string_view needle :
       {"{DIALBUTTON|s}", "{DIALERBUTTON|s}", "{{DIALBUTTON:none}}", "{{DIALERBUTTON:none}}"}) {
    if (text.find(needle) != std::string_view::npos) return true;
  }
  return false;
}

std::vector<std::string> raw_placeholders(std::string_view text) {
  std::vector<std::string> found;
  auto add = [&found](std::string_view marker) {
    if (std::find(found.begin(), found.end(), marker) == found.end()) found.emplace_back(marker);
  };
  const bool native = text.find("{{") != std::string_view::npos;
  const std::string_view open = native ? "{{" : "{";
  for (size_t i = text.find(open); i != std::string_view::npos; i = text.find(open, i + 1)) {
    size_t j = i + open.size();
    while (j < text.size() && is_name_char(text[j])) ++j;
    const std::string_view name = text.substr(i + open.size(), j - i - open.size());
    if (name.empty() || is_dial_button_name(name)) continue;
    if (!native) {
      if (text.substr(j, 3) == "|s}") add(text.substr(i, j + 3 - i));
      continue;
    }
    // {{NAME:mod:mod=value}}: raw when one of the modifiers is none.
    const size_t close = text.find("}}", j);
    if (close == std::string_view::npos) continue;
    const std::string_view modifiers = text.substr(j, close - j);
    if (modifiers.empty() || modifiers[0] != ':' ||
        modifiers.find_first_of("{}") != std::string_view::npos) {
      continue;
    }
    bool raw = false;
    for (size_t at = 1; at <= modifiers.size();) {
      size_t next = modifiers.find(':', at);
      if (next == std::string_view::npos) next = modifiers.size();
      const std::string_view modifier = modifiers.substr(at, next - at);
      raw = raw || modifier.substr(0, modifier.find('=')) == "none";
      at = next + 1;
    }
    if (raw) add(text.substr(i, close + 2 - i));
  }
  return found;
}

std::vector<std::pair<std::string, std::string>> parse_variables(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> variables;
  while (!text.empty()) {
    const size_t bar = text.find('|');
    const std::string_view pair = text.substr(0, bar);
    text = bar == std::string_view::npos ? std::string_view() : text.substr(bar + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    const std::string_view name = pair.substr(0, equals);
    bool valid = true;
    for (char c : name) valid = valid && is_name_char(c);
    if (valid) variables.emplace_back(std::string(name), std::string(pair.substr(equals + 1)));
  }
  return variables;
}

std::string dial_button_html(std::string_view lead_id) {
  return "<button type=\"button\" class=\"btn btn-success pd-dial\" data-pd-action=\"dial\" "
         "data-pd-lead=\"" +
         escape_attribute(lead_id) + "\">Dial</button>";
}

pd::Result<std::string> render(std::string_view template_text, const PreviewData& data,
                               const RenderOptions& options) {
  if (!options.allow_raw_html) {
    const auto raw = raw_placeholders(template_text);
    if (!raw.empty()) {
      std::string list;
      for (const auto& marker : raw) list += (list.empty() ? "" : ", ") + marker;
      return pd::fail(pd::Error::invalid(
          "the preview template shows contact data unescaped (" + list +
          ") and raw HTML is not allowed (Settings: \"Allow raw HTML\")"));
    }
  }
  const std::string ctemplate_text =
      "{{%AUTOESCAPE context=\"HTML\"}}" + translate_template(template_text);
  auto key = cache_key_for(ctemplate_text);
  if (!key) return pd::fail(key.error());

  ctemplate::TemplateDictionary dictionary("preview");
  for (const auto& [name, value] : data.variables) {
    dictionary.SetValue(name, value);
    std::string upper = name;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    dictionary.SetValue(upper, value);
  }
  // The card's own fields win over same-named number variables.
  dictionary.SetValue("NAME", data.name);
  dictionary.SetValue("NUMBER", data.number);
  dictionary.SetValue("DIALBUTTON", options.dial_button ? dial_button_html(data.lead_id) : "");
  std::string html;
  if (!ctemplate::ExpandTemplate(*key, ctemplate::DO_NOT_STRIP, &dictionary, &html)) {
    return pd::fail(pd::Error::invalid("the preview template could not be expanded"));
  }
  return html;
}

}  // namespace pd::preview
