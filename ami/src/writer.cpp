#include "pd/ami/writer.h"

#include <cstdio>

namespace pd::ami {

namespace {

bool is_key_char(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// For error messages: a control byte must not reach the log raw either.
std::string printable(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string shown;
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      shown += escaped;
    } else {
      shown += char(c);
    }
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown;
}

}  // namespace

bool is_valid_key(std::string_view key) noexcept {
  if (key.empty()) return false;
  for (char c : key) {
    if (!is_key_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_valid_value(std::string_view value) noexcept {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

pd::Status append_message(std::string& out, std::span<const FieldView> fields) {
  if (fields.empty()) return pd::fail(pd::Error::invalid("AMI message without fields"));
  size_t total = 2;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldView& field = fields[i];
    if (!is_valid_key(field.key)) {
      return pd::fail(pd::Error::invalid("AMI field " + std::to_string(i) + ": key '" +
                                         printable(field.key) +
                                         "' must be non-empty and only [A-Za-z0-9_-]"));
    }
    if (!is_valid_value(field.value)) {
      return pd::fail(pd::Error::invalid("AMI field '" + std::string(field.key) +
                                         "': value holds a control character (CR, LF, ...): '" +
                                         printable(field.value) + "'"));
    }
    total += field.key.size() + field.value.size() + 4;
  }
  out.reserve(out.size() + total);
  for (const FieldView& field : fields) {
    out.append(field.key);
    out.append(": ");
    out.append(field.value);
    out.append("\r\n");
  }
  out.append("\r\n");
  return {};
}

}  // namespace pd::ami
