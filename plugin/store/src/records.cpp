#include "pd/store/records.h"

#include <charconv>

namespace pd::store {

std::string_view to_string(NumberState s) {
  switch (s) {
    case NumberState::kPending:
      return "pending";
    case NumberState::kReserved:
      return "reserved";
    case NumberState::kDialing:
      return "dialing";
    case NumberState::kAnswered:
      return "answered";
    case NumberState::kRetry:
      return "retry";
    case NumberState::kDone:
      return "done";
    case NumberState::kFailed:
      return "failed";
    case NumberState::kClosed:
      return "closed";
    case NumberState::kDnc:
      return "dnc";
    case NumberState::kUnknown:
      return "unknown";
    case NumberState::kCallback:
      return "callback";
  }
  return "pending";
}

std::optional<NumberState> parse_number_state(std::string_view text) {
  for (NumberState s : kAllNumberStates) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string Settings::get(std::string_view name, std::string_view fallback) const {
  auto it = values.find(name);
  return it == values.end() ? std::string(fallback) : it->second;
}

std::int64_t Settings::get_int(std::string_view name, std::int64_t fallback) const {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  const std::string& v = it->second;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size()) return fallback;
  return out;
}

}  // namespace pd::store
