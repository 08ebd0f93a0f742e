#include "event_mask.h"

#include <charconv>

#include "ami_text.h"

namespace pd::sim {
namespace {

struct ClassName {
  std::string_view name;
  uint32_t bit;
};

// Asterisk's perms[] table (manager.c), EVENT_FLAG_* bits.
constexpr ClassName kClasses[] = {
    {"system", 1u << 0},     {"call", 1u << 1},      {"log", 1u << 2},      {"verbose", 1u << 3},
    {"command", 1u << 4},    {"agent", 1u << 5},     {"user", 1u << 6},     {"config", 1u << 7},
    {"dtmf", 1u << 8},       {"reporting", 1u << 9}, {"cdr", 1u << 10},     {"dialplan", 1u << 11},
    {"originate", 1u << 12}, {"agi", 1u << 13},      {"cc", 1u << 15},      {"aoc", 1u << 16},
    {"test", 1u << 17},      {"security", 1u << 18}, {"message", 1u << 19},
};

uint32_t all_classes() {
  uint32_t mask = 0;
  for (const auto& c : kClasses) mask |= c.bit;
  return mask;
}

bool ast_false(std::string_view value) {
  for (const char* no : {"no", "false", "n", "f", "0", "off"})
    if (pd::ami::iequals(value, no)) return true;
  return false;
}

}  // namespace

std::optional<uint32_t> parse_event_mask(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool digits = true;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    uint32_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  if (ast_false(text)) return 0u;
  if (ast_true(text)) return all_classes();
  // get_perm(): every listed class; "all" means every class.
  uint32_t mask = 0;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (pd::ami::iequals(item, "all")) mask |= all_classes();
    for (const auto& c : kClasses)
      if (pd::ami::iequals(item, c.name)) mask |= c.bit;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return mask;
}

}  // namespace pd::sim
