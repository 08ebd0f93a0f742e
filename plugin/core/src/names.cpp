#include "pd/core/names.h"

#include <algorithm>

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
  return all_of(number, 1, 32, [](char c) { return is_digit(c) || in(c, "*#+"); });
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

bool has_control_chars(std::string_view text) noexcept {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

}  // namespace pd::core
