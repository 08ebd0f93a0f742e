// The decimal fields of AMI events (Reason, Cause, Status), read without
// exceptions. Internal to the core.
#pragma once

#include <charconv>
#include <string_view>

namespace pd::core::detail {

// The whole of `text` as an int, else `fallback`.
inline int to_int(std::string_view text, int fallback) {
  int value = fallback;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return fallback;
  return value;
}

}  // namespace pd::core::detail
