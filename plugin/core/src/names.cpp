#include "pd/core/names.h"

#include <algorithm>
#include <cstdio>

namespace pd::core {
namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

template <class Allowed>
bool all_of(std::string_view text, size_t min_size, size_t max_size, Allowed allowed) noexcept {
  if (text.size() < min_size || text.size() > max_size) return false;
  return std::all_of(text.begin(), text.end(), allowed);
}

bool in(char c, std::string_view set) noexcept {
  return set.find(c) != std::string_view::npos;
}

}  // namespace

bool is_campaign_name(std::string_view name) noexcept {
  return all_of(name, 1, 64, [](char c) { return is_alnum(c) || in(c, "_-"); });
}

bool is_dialplan_name(std::string_view name) noexcept {
  return all_of(name, 1, 64, [](char c) { return is_alnum(c) || in(c, "_.-"); });
}

bool is_extension(std::string_view exten) noexcept {
  return all_of(exten, 1, 64, [](char c) { return is_alnum(c) || in(c, "_.*#+-"); });
}

bool is_priority(std::string_view priority) noexcept {
  if (all_of(priority, 1, 5, is_digit)) return priority != "0" && priority.front() != '0';
  return all_of(priority, 1, 64, [](char c) { return is_alnum(c) || c == '_'; }) &&
         !is_digit(priority.front());
}

bool is_dialable_number(std::string_view number) noexcept {
  if (number.size() > 32) return false;
  if (number.starts_with('+')) number.remove_prefix(1);
  return all_of(number, 1, 32, [](char c) { return is_digit(c) || in(c, "*#"); });
}

std::string normalize_number(std::string_view number) {
  std::string out;
  out.reserve(number.size());
  for (char c : number) {
    if (!in(c, " -.()")) out += c;
  }
  return out;
}

bool is_dial_prefix(std::string_view prefix) noexcept {
  return all_of(prefix, 0, 16, [](char c) { return is_digit(c) || in(c, "*#"); });
}

bool is_variable_name(std::string_view name) noexcept {
  return all_of(name, 1, 64, [](char c) { return is_alnum(c) || c == '_'; }) &&
         !is_digit(name.front());
}

bool is_call_id(std::string_view id) noexcept {
  return all_of(id, 1, 64, [](char c) { return is_alnum(c) || in(c, "_.-"); });
}

std::string make_call_id(std::string_view prefix, uint64_t sequence) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%010llu", static_cast<unsigned long long>(sequence));
  std::string id;
  id.reserve(prefix.size() + 1 + 10);
  id.append(prefix).append("-").append(digits);
  return id;
}

bool is_interface(std::string_view interface) noexcept {
  return all_of(interface, 1, 128, [](char c) { return is_alnum(c) || in(c, "_.@/:+*#-"); });
}

bool is_time_zone_name(std::string_view name) noexcept {
  if (!all_of(name, 1, 64, [](char c) { return is_alnum(c) || in(c, "_+/-"); })) return false;
  // Every path part must be a real name: no "", ".", ".." (no escaping the zoneinfo root).
  size_t begin = 0;
  while (begin <= name.size()) {
    size_t end = name.find('/', begin);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    begin = end + 1;
  }
  return true;
}

bool is_caller_id(std::string_view caller_id) noexcept {
  return caller_id.size() <= 80 && !has_control_chars(caller_id) && is_valid_utf8(caller_id);
}

bool is_valid_utf8(std::string_view text) noexcept {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    char32_t point = 0;
    char32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, point = lead & 0x1F, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, point = lead & 0x0F, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, point = lead & 0x07, min = 0x10000;
    } else {
      return false;  // a continuation byte first, C0/C1 (always overlong) or F5..FF
    }
    if (text.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      point = (point << 6) | (next & 0x3F);
    }
    if (point < min || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

bool has_control_chars(std::string_view text) noexcept {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

}  // namespace pd::core
