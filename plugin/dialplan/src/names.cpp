#include <cctype>

#include "pd/dialplan/dialplan.h"

namespace pd::dialplan {

namespace {

bool all_of(std::string_view text, bool (*allowed)(char)) {
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Extensions may be patterns (_X., _[1-5]XX!) as well as plain names.
bool exten_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '*' ||
         c == '#' || c == '+' || c == '.' || c == '!' || c == '[' || c == ']';
}

bool priority_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

pd::Error refuse(std::string_view what, std::string_view value, std::string_view rule) {
  return pd::Error::invalid(std::string(what) + ": '" + std::string(value) + "' is not allowed (" +
                            std::string(rule) + ")");
}

}  // namespace

pd::Status check_name(std::string_view value, std::string_view what) {
  if (value.empty() || value.size() > 64 || !all_of(value, name_char)) {
    return pd::fail(refuse(what, value, "1 to 64 of A-Z a-z 0-9 _ -"));
  }
  return {};
}

pd::Result<Destination> parse_destination(std::string_view text, std::string_view what) {
  Destination destination;
  const size_t first = text.find(',');
  if (first == std::string_view::npos) {
    return pd::fail(refuse(what, text, "expected context,exten,priority"));
  }
  const size_t second = text.find(',', first + 1);
  destination.context = std::string(text.substr(0, first));
  destination.exten = std::string(text.substr(
      first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1));
  destination.priority =
      second == std::string_view::npos ? "1" : std::string(text.substr(second + 1));
  if (auto ok = check_name(destination.context, std::string(what) + " context"); !ok) {
    return pd::fail(ok.error());
  }
  if (destination.exten.empty() || destination.exten.size() > 80 ||
      !all_of(destination.exten, exten_char)) {
    return pd::fail(refuse(std::string(what) + " extension", destination.exten,
                           "A-Z a-z 0-9 _ - * # + . ! [ ]"));
  }
  if (destination.priority.empty() || destination.priority.size() > 32 ||
      !all_of(destination.priority, priority_char)) {
    return pd::fail(refuse(std::string(what) + " priority", destination.priority,
                           "a number or a label of A-Z a-z 0-9 _"));
  }
  return destination;
}

}  // namespace pd::dialplan
