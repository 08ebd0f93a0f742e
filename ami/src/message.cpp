#include "pd/ami/message.h"

namespace pd::ami {

namespace {
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view MessageView::get(std::string_view key) const {
  for (const FieldView& field : fields_) {
    if (iequals(field.key, key)) return field.value;
  }
  return {};
}

bool MessageView::has(std::string_view key) const {
  for (const FieldView& field : fields_) {
    if (iequals(field.key, key)) return true;
  }
  return false;
}

bool MessageView::is_event() const {
  return !fields_.empty() && iequals(fields_[0].key, "Event");
}

bool MessageView::is_response() const {
  return !fields_.empty() && iequals(fields_[0].key, "Response");
}

}  // namespace pd::ami
