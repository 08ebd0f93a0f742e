#include "ami_text.h"

#include <cctype>

#include <cstdio>
#include <ctime>
#include "pd/ami/message.h"

#include "pd/ami/writer.h"

namespace pd::sim {

std::string_view ActionView::get(std::string_view key) const {
  for (const auto& [k, v] : fields_)
    if (pd::ami::iequals(k, key)) return v;
  return {};
}

bool ActionView::has(std::string_view key) const {
  for (const auto& field : fields_)
    if (pd::ami::iequals(field.first, key)) return true;
  return false;
}

std::vector<std::string_view> ActionView::get_all(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const auto& [k, v] : fields_)
    if (pd::ami::iequals(k, key)) values.push_back(v);
  return values;
}

OwnedAction::OwnedAction(const ActionView& view) {
  for (const auto& [k, v] : view.fields()) fields_.emplace_back(std::string(k), std::string(v));
}

ActionView OwnedAction::view() const {
  std::vector<Field> fields;
  fields.reserve(fields_.size());
  for (const auto& [k, v] : fields_) fields.emplace_back(k, v);
  return ActionView(std::move(fields));
}

Status render(std::string& out, const FieldList& message) {
  std::vector<pd::ami::FieldView> views;
  views.reserve(message.fields().size());
  for (const auto& [k, v] : message.fields()) views.push_back(pd::ami::FieldView{k, v});
  return pd::ami::append_message(out, views);
}

bool ast_true(std::string_view value) {
  for (const char* yes : {"yes", "true", "y", "t", "1", "on"})
    if (pd::ami::iequals(value, yes)) return true;
  return false;
}

std::string_view cause_text(int cause) {
  switch (cause) {
    case 0:
      return "Unknown";
    case 1:
      return "Unallocated (unassigned) number";
    case 16:
      return "Normal Clearing";
    case 17:
      return "User busy";
    case 18:
      return "No user responding";
    case 19:
      return "User alerting, no answer";
    case 21:
      return "Call Rejected";
    case 27:
      return "Destination out of order";
    case 34:
      return "Circuit/channel congestion";
    case 38:
      return "Network out of order";
    case 127:
      return "Interworking, unspecified";
  }
  return "Unknown";
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool looks_like_number(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '+' && c != '*' && c != '#' &&
        c != '-' && c != '(' && c != ')' && c != ' ')
      return false;
  return true;
}

}  // namespace

CallerId parse_callerid(std::string_view text) {
  CallerId id;
  text = trim(text);
  if (text.empty()) return id;
  const size_t open = text.rfind('<');
  const size_t close = text.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    std::string_view num = trim(text.substr(open + 1, close - open - 1));
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    if (!num.empty()) id.num = std::string(num);
    if (!name.empty()) id.name = std::string(name);
    return id;
  }
  if (looks_like_number(text)) {
    id.num = std::string(text);
  } else {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
      text = text.substr(1, text.size() - 2);
    id.name = std::string(text);
  }
  return id;
}

std::string hms(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>((seconds / 60) % 60), static_cast<long long>(seconds % 60));
  return buf;
}

std::string event_tv(int64_t epoch_ms) {
  const std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

}  // namespace pd::sim
