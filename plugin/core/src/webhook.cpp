#include "pd/core/webhook.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "pd/core/originate_builder.h"

namespace pd::core {
namespace {

// Appends `text` as a JSON string: control characters escaped, invalid UTF-8
// replaced by U+FFFD, so the body is always valid JSON.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, every continuation
    // byte checked, no overlong forms or surrogates.
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, cp = c & 0x07;
    }
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      ok = !(n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) &&
           !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    }
    if (ok) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out += '"';
}

void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  append_string(out, key);
  out += ':';
}

void put(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_string(out, value);
}

void put_optional(std::string& out, std::string_view key, const std::optional<std::string>& value) {
  append_key(out, key);
  if (value) {
    append_string(out, *value);
  } else {
    out += "null";
  }
}

void put_number(std::string& out, std::string_view key, std::int64_t value) {
  append_key(out, key);
  out += std::to_string(value);
}

void put_time(std::string& out, std::string_view key, const std::optional<EpochMs>& t) {
  append_key(out, key);
  if (t) {
    append_string(out, iso8601_utc(*t));
  } else {
    out += "null";
  }
}

}  // namespace

std::string_view to_string(WebhookEvent event) noexcept {
  switch (event) {
    case WebhookEvent::kDialing:
      return "call.dialing";
    case WebhookEvent::kAnswered:
      return "call.answered";
    case WebhookEvent::kResult:
      return "call.result";
    case WebhookEvent::kDisposition:
      return "call.disposition";
  }
  return "call.result";
}

int sequence_of(WebhookEvent event) noexcept {
  switch (event) {
    case WebhookEvent::kDialing:
      return 1;
    case WebhookEvent::kAnswered:
      return 2;
    case WebhookEvent::kResult:
      return 3;
    case WebhookEvent::kDisposition:
      return 4;
  }
  return 3;
}

std::string iso8601_utc(EpochMs t) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds(t)};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::string webhook_event_id(const WebhookCall& call) {
  std::string id = call.call_id + "." + std::string(to_string(call.event).substr(5));
  if (call.event == WebhookEvent::kDisposition && call.agent_disposition) {
    id += "." + *call.agent_disposition;
  }
  if (id.size() > 200) id.resize(200);
  return id;
}

std::string webhook_payload(const WebhookCall& call) {
  std::string out = "{";
  put(out, "event_id", webhook_event_id(call));
  put(out, "event", to_string(call.event));
  put_number(out, "sequence", sequence_of(call.event));
  put_time(out, "occurred_at", call.occurred_at);
  put(out, "call_id", call.call_id);
  append_key(out, "campaign");
  out += '{';
  put_number(out, "id", call.campaign_id);
  put(out, "name", call.campaign);
  out += '}';
  append_key(out, "number");
  out += '{';
  put_number(out, "id", static_cast<std::int64_t>(call.number_id));
  put(out, "number", call.number);
  put(out, "name", call.name);
  append_key(out, "variables");
  out += '{';
  // A row written by other means may not parse: its variables are left out
  // rather than the event lost.
  if (auto vars = parse_variables(call.variables)) {
    for (const auto& [name, value] : *vars) put(out, name, value);
  }
  out += "}}";
  put_number(out, "attempt", call.attempt);
  put(out, "state", call.state);
  put_optional(out, "dial_status", call.dial_status);
  put_optional(out, "result", call.result);
  append_key(out, "hangup_cause");
  out += call.hangup_cause ? std::to_string(*call.hangup_cause) : "null";
  put_optional(out, "agent_disposition", call.agent_disposition);
  put_optional(out, "dtmf", call.dtmf);
  put_optional(out, "agent", call.agent);
  put_optional(out, "unique_id", call.unique_id);
  put_time(out, "started_at", call.started_at);
  put_time(out, "answered_at", call.answered_at);
  put_time(out, "ended_at", call.ended_at);
  append_key(out, "retry");
  out += '{';
  append_key(out, "will_retry");
  out += call.retry_at ? "true" : "false";
  put_time(out, "at", call.retry_at);
  out += "}}";
  return out;
}

WebhookNext next_delivery(const WebhookPolicy& policy, int attempts, const WebhookAttempt& attempt,
                          EpochMs now) {
  WebhookNext next;
  if (attempt.transport_error.empty() && attempt.http_status >= 200 && attempt.http_status < 300) {
    next.kind = WebhookNext::kDelivered;
    return next;
  }
  next.error = attempt.transport_error.empty() ? "HTTP " + std::to_string(attempt.http_status)
                                               : attempt.transport_error;
  if (attempt.transport_error.empty() && attempt.http_status == 410) {
    next.kind = WebhookNext::kGiveUp;
    next.error += " (Gone: not retried)";
    return next;
  }
  const int max_attempts = std::max(1, policy.max_attempts);
  if (attempts >= max_attempts || policy.backoff_ms.empty()) {
    next.kind = WebhookNext::kGiveUp;
    next.error += " (after " + std::to_string(attempts) + " attempts)";
    return next;
  }
  const std::size_t step = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, attempts)),
                                                 policy.backoff_ms.size());
  next.kind = WebhookNext::kRetry;
  next.retry_at = now + policy.backoff_ms[step - 1];
  return next;
}

pd::Status check_webhook_url(std::string_view url) {
  auto bad = [](std::string why) { return pd::fail(pd::Error::invalid("Webhook URL: " + why)); };
  if (url.empty()) return {};
  if (url.size() > 1000) return bad("longer than 1000 characters");
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E) {
      return bad("printable ASCII only, no spaces (write %20) or control characters");
    }
  }
  auto starts_ci = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  std::size_t start = 0;
  if (starts_ci("https://")) {
    start = 8;
  } else if (starts_ci("http://")) {
    start = 7;
  } else {
    return bad("must start with http:// or https://");
  }
  const std::string_view rest = url.substr(start);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return bad("no user@ before the host");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 host is written [address]");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("an IPv6 host is written [address]");
      port = after.substr(1);
      if (port.empty()) return bad("the port after the host is a number from 1 to 65535");
    }
    if (host.empty() ||
        host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return bad("an IPv6 host is written [address]");
    }
  } else {
    const std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("the port after the host is a number from 1 to 65535");
    }
    const bool shape = !host.empty() &&
                       host.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
                           std::string_view::npos &&
                       host.front() != '.' && host.front() != '-' && host.back() != '.' &&
                       host.back() != '-';
    if (!shape)
      return bad("the host is letters, digits, '.' and '-' (e.g. https://crm.example.com/)");
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return bad("the port after the host is a number from 1 to 65535");
    }
  }
  return {};
}

pd::Status check_webhook_secret(std::string_view secret) {
  auto bad = [](std::string why) { return pd::fail(pd::Error::invalid("Webhook secret: " + why)); };
  if (secret.empty()) return {};
  if (secret.size() < 16 || secret.size() > 255) return bad("16 to 255 characters");
  for (char ch : secret) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E) return bad("printable ASCII only, no spaces");
  }
  return {};
}

}  // namespace pd::core
