#include "pd/core/url_template.h"

#include <algorithm>

namespace pd::core {
namespace {

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool is_var_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!(name[0] == '_' || (is_alnum(name[0]) && !(name[0] >= '0' && name[0] <= '9')))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

// RFC 3986 characters allowed after the host, placeholders aside.
bool is_url_char(char c) {
  if (is_alnum(c)) return true;
  static constexpr std::string_view kOthers = "-._~:/?#[]@!$&'()*+,;=%";
  return kOthers.find(c) != std::string_view::npos;
}

pd::Error bad(std::string_view why) {
  return pd::Error::invalid("CRM link: " + std::string(why));
}

// Length of "http://" / "https://" at the start (any case), 0 if neither.
size_t scheme_length(std::string_view text) {
  auto starts = [&](std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (starts("https://")) return 8;
  if (starts("http://")) return 7;
  return 0;
}

enum class Field { kNumber, kName, kLeadId, kCallId, kCampaign, kAgent, kVariable };

// Walks the template: calls literal(text) and field(kind, variable name) in
// order; the error of the first rule broken.
template <class Literal, class Placeholder>
pd::Status walk(std::string_view text, Literal literal, Placeholder placeholder) {
  if (text.size() > kMaxUrlTemplateBytes) {
    return pd::fail(bad("longer than " + std::to_string(kMaxUrlTemplateBytes) + " characters"));
  }
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) {
      return pd::fail(bad("printable ASCII only, no spaces (write %20) or other characters"));
    }
  }
  const size_t scheme = scheme_length(text);
  if (scheme == 0) return pd::fail(bad("must start with http:// or https://"));
  const size_t host_end = std::min(text.find_first_of("/?#", scheme), text.size());
  std::string_view authority = text.substr(scheme, host_end - scheme);
  if (authority.find_first_of("{}") != std::string_view::npos) {
    return pd::fail(bad("no placeholder in the host (the server is written as is)"));
  }
  if (authority.find('@') != std::string_view::npos) {
    return pd::fail(bad("no user@ before the host"));
  }
  std::string_view host = authority;
  if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) > 65535) {
      return pd::fail(bad("the port after the host is a number from 0 to 65535"));
    }
  }
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.' ||
      host.back() == '-' || !std::all_of(host.begin(), host.end(), [](char c) {
        return is_alnum(c) || c == '.' || c == '-';
      })) {
    return pd::fail(
        bad("the host is letters, digits, '.' and '-' (e.g. https://crm.example.com/)"));
  }
  literal(text.substr(0, host_end));
  size_t i = host_end;
  size_t literal_start = i;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{') {
      literal(text.substr(literal_start, i - literal_start));
      const size_t close = text.find('}', i);
      if (close == std::string_view::npos) return pd::fail(bad("a '{' without its '}'"));
      const std::string_view name = text.substr(i + 1, close - i - 1);
      static constexpr std::pair<std::string_view, Field> kFields[] = {
          {"NUMBER", Field::kNumber},  {"NAME", Field::kName},         {"LEAD_ID", Field::kLeadId},
          {"CALL_ID", Field::kCallId}, {"CAMPAIGN", Field::kCampaign}, {"AGENT", Field::kAgent}};
      bool known = false;
      for (const auto& [word, field] : kFields) {
        if (name == word) {
          placeholder(field, std::string_view{});
          known = true;
          break;
        }
      }
      if (!known) {
        constexpr std::string_view kVariable = "VARIABLE:";
        if (!name.starts_with(kVariable) || !is_var_name(name.substr(kVariable.size()))) {
          return pd::fail(bad("unknown placeholder {" + std::string(name) +
                              "}; use {NUMBER}, {NAME}, {LEAD_ID}, {CALL_ID}, {CAMPAIGN}, "
                              "{AGENT} or {VARIABLE:name}"));
        }
        placeholder(Field::kVariable, name.substr(kVariable.size()));
      }
      i = close + 1;
      literal_start = i;
      continue;
    }
    if (c == '}') return pd::fail(bad("a '}' without its '{'"));
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
        return pd::fail(bad("'%' is written only as %XX (two hex digits)"));
      }
      i += 3;
      continue;
    }
    if (!is_url_char(c)) {
      return pd::fail(bad(std::string("the character '") + c + "' must be written as %XX"));
    }
    ++i;
  }
  literal(text.substr(literal_start));
  return {};
}

}  // namespace

pd::Status check_url_template(std::string_view text) {
  if (text.empty()) return {};
  return walk(
      text, [](std::string_view) {}, [](Field, std::string_view) {});
}

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out;
}

pd::Result<std::string> render_url_template(std::string_view text, const UrlValues& values) {
  std::string out;
  if (text.empty()) return out;
  auto status = walk(
      text, [&](std::string_view part) { out += part; },
      [&](Field field, std::string_view variable) {
        switch (field) {
          case Field::kNumber:
            out += percent_encode(values.number);
            return;
          case Field::kName:
            out += percent_encode(values.name);
            return;
          case Field::kLeadId:
            out += percent_encode(values.lead_id);
            return;
          case Field::kCallId:
            out += percent_encode(values.call_id);
            return;
          case Field::kCampaign:
            out += percent_encode(values.campaign);
            return;
          case Field::kAgent:
            out += percent_encode(values.agent);
            return;
          case Field::kVariable:
            for (const auto& [name, value] : values.variables) {
              if (name == variable) {
                out += percent_encode(value);
                return;
              }
            }
            return;
        }
      });
  if (!status) return pd::fail(status.error());
  return out;
}

}  // namespace pd::core
