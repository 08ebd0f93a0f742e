#include "pd/core/campaign.h"

#include <algorithm>
#include <vector>

#include "pd/core/names.h"

namespace pd::core {
namespace {

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// Shows a value in a message without echoing control characters into logs.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
  }
  return quoted(out);
}

}  // namespace

std::string_view to_string(DialMode mode) noexcept {
  switch (mode) {
    case DialMode::kAutomatic:
      return "automatic";
    case DialMode::kProgressive:
      return "progressive";
    case DialMode::kPreview:
      return "preview";
    case DialMode::kPredictive:
      return "predictive";
  }
  return "?";
}

std::string_view to_string(AbandonWindow window) noexcept {
  return window == AbandonWindow::kCalendarDay ? "day" : "30d";
}

pd::Result<AbandonWindow> parse_abandon_window(std::string_view text) {
  if (text == "30d") return AbandonWindow::kRolling30Days;
  if (text == "day") return AbandonWindow::kCalendarDay;
  return pd::fail(
      pd::Error::invalid("bad abandon window " + shown(text) + " (expected 30d or day)"));
}

bool is_abandon_target(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view decimals = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 2 || !digits(whole)) return false;
  if (dot != std::string_view::npos &&
      (decimals.empty() || decimals.size() > 2 || !digits(decimals)))
    return false;
  double value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  double scale = 0.1;
  for (char c : decimals) {
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value > 0 && value <= kMaxAbandonTargetPct + 1e-9;
}

bool is_sound_name(std::string_view text) {
  if (text.empty() || text.size() > 128 || text.front() == '/' || text.front() == '.') return false;
  if (text.find("..") != std::string_view::npos) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/';
  });
}

std::string_view to_string(InitialLeg leg) noexcept {
  return leg == InitialLeg::kLocal ? "local" : "remote";
}

std::string_view to_string(DestinationKind kind) noexcept {
  switch (kind) {
    case DestinationKind::kQueue:
      return "queue";
    case DestinationKind::kIvr:
      return "ivr";
    case DestinationKind::kCustom:
      return "custom";
  }
  return "?";
}

pd::Result<DialMode> parse_dial_mode(std::string_view text) {
  for (DialMode m :
       {DialMode::kAutomatic, DialMode::kProgressive, DialMode::kPreview, DialMode::kPredictive}) {
    if (text == to_string(m)) return m;
  }
  return pd::fail(pd::Error::invalid("bad mode " + shown(text) +
                                     " (expected automatic, progressive, preview or predictive)"));
}

pd::Result<InitialLeg> parse_initial_leg(std::string_view text) {
  if (text == "remote") return InitialLeg::kRemote;
  if (text == "local") return InitialLeg::kLocal;
  return pd::fail(
      pd::Error::invalid("bad initial leg " + shown(text) + " (expected remote or local)"));
}

pd::Result<DestinationKind> parse_destination_kind(std::string_view text) {
  for (DestinationKind k :
       {DestinationKind::kQueue, DestinationKind::kIvr, DestinationKind::kCustom}) {
    if (text == to_string(k)) return k;
  }
  return pd::fail(pd::Error::invalid("bad destination kind " + shown(text) +
                                     " (expected queue, ivr or custom)"));
}

pd::Result<DialplanTarget> parse_dialplan_target(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return pd::fail(pd::Error::invalid("bad dialplan target " + shown(text) + ": " +
                                       std::string(why) + " (expected context,exten,priority)"));
  };
  const size_t first = text.find(',');
  const size_t second = first == std::string_view::npos ? first : text.find(',', first + 1);
  if (second == std::string_view::npos || text.find(',', second + 1) != std::string_view::npos) {
    return bad("not three comma-separated parts");
  }
  DialplanTarget target{std::string(text.substr(0, first)),
                        std::string(text.substr(first + 1, second - first - 1)),
                        std::string(text.substr(second + 1))};
  if (!is_dialplan_name(target.context)) return bad("the context may hold only A-Z a-z 0-9 _ . -");
  if (!is_extension(target.exten))
    return bad("the extension may hold only A-Z a-z 0-9 _ . * # + -");
  if (!is_priority(target.priority)) return bad("the priority must be a number or a label");
  return target;
}

pd::Status validate(const Campaign& c) {
  std::vector<std::string> problems;
  auto problem = [&](std::string text) { problems.push_back(std::move(text)); };

  if (!is_campaign_name(c.name)) {
    problem("name " + shown(c.name) + " must be 1 to 64 characters of A-Z a-z 0-9 _ -");
  }
  if (c.needs_agents() && c.destination_kind != DestinationKind::kQueue) {
    problem("mode " + std::string(to_string(c.mode)) +
            " needs a queue destination (agents come from the queue), not " +
            std::string(to_string(c.destination_kind)));
  }
  if (c.destination_kind == DestinationKind::kQueue && c.queue_name.empty()) {
    problem("a queue destination needs a queue name");
  }
  if (!c.queue_name.empty() && !is_dialplan_name(c.queue_name)) {
    problem("queue name " + shown(c.queue_name) + " may hold only A-Z a-z 0-9 _ . -");
  }
  if (auto target = parse_dialplan_target(c.destination); !target) {
    problem("destination: " + target.error().message);
  }
  if (!c.destination_amd.empty()) {
    if (auto target = parse_dialplan_target(c.destination_amd); !target) {
      problem("destination AMD: " + target.error().message);
    }
  }
  if (!is_dial_prefix(c.dial_prefix)) {
    problem("dial prefix " + shown(c.dial_prefix) + " may hold only 0-9, * and # (16 at most)");
  }
  if (!is_caller_id(c.caller_id)) {
    problem("caller id must be at most 80 bytes of UTF-8 without control characters");
  }
  if (auto status = validate_schedule(c.schedule); !status) {
    problem("schedule: " + status.error().message);
  }
  if (c.dial_attempts < 1 || c.dial_attempts > 100) problem("dial attempts must be 1 to 100");
  if (c.retry_minutes < 0 || c.retry_minutes > 65535) problem("retry minutes must be 0 to 65535");
  if (c.wrapup_seconds < 0 || c.wrapup_seconds > 3600) {
    problem("wrap-up seconds must be 0 (until the disposition is saved) to 3600");
  }
  if (c.concurrent_calls < 1 || c.concurrent_calls > 65535) {
    problem("concurrent calls must be 1 to 65535");
  }
  const bool dtmf_ok =
      c.valid_dtmf.size() <= 16 &&
      std::all_of(c.valid_dtmf.begin(), c.valid_dtmf.end(), [](char d) {
        return (d >= '0' && d <= '9') || d == '*' || d == '#' || (d >= 'A' && d <= 'D');
      });
  if (!dtmf_ok) problem("valid DTMF " + shown(c.valid_dtmf) + " may hold only 0-9 * # A-D");
  if (!(c.abandon_target_pct > 0 && c.abandon_target_pct <= kMaxAbandonTargetPct)) {
    problem("abandon target must be above 0 and at most 10 %");
  }
  if (c.min_ring_seconds < 1 || c.min_ring_seconds > kMinRingSecondsMax) {
    problem("minimum ring seconds must be 1 to 120");
  }
  if (c.connect_limit_seconds < 1 || c.connect_limit_seconds > kConnectLimitMax) {
    problem("connect limit seconds must be 1 to 30");
  }
  if (c.abandon_recall_hours < 0 || c.abandon_recall_hours > kRecallHoursMax) {
    problem("abandon recall hours must be 0 to 8760");
  }
  if (!c.abandon_message.empty() && !is_sound_name(c.abandon_message)) {
    problem("abandon message " + shown(c.abandon_message) +
            " must be a sound file name: A-Z a-z 0-9 _ - . / (128 at most, no '..')");
  }
  if (c.predictive()) {
    if (c.abandon_message.empty()) {
      problem("mode predictive needs an abandon message (the sound an abandoned call hears)");
    }
    if (c.initial_leg != InitialLeg::kRemote) {
      problem("mode predictive dials the customer first (initial leg remote), not local");
    }
  }

  if (problems.empty()) return {};
  std::string message = "campaign " + shown(c.name) + ": ";
  for (size_t i = 0; i < problems.size(); ++i) {
    if (i) message += "; ";
    message += problems[i];
  }
  return pd::fail(pd::Error::invalid(std::move(message)));
}

}  // namespace pd::core
