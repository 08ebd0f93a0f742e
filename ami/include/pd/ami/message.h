// One AMI message ("Key: Value" lines up to a blank line) as a read-only view.
//
// Ownership: a MessageView and every string_view it hands out point into
// memory owned by whoever built it (the Parser's buffer). They are valid only
// during the callback that received the view; copy what you keep.
// Threads: a view is plain data; read it from the thread that received it.
#pragma once

#include <span>
#include <string_view>

namespace pd::ami {

struct FieldView {
  std::string_view key;
  std::string_view value;
};

// True when a and b are equal ignoring ASCII case (AMI keys are
// case-insensitive: Asterisk itself sends both "ActionID" and "ActionId").
bool iequals(std::string_view a, std::string_view b) noexcept;

class MessageView {
 public:
  MessageView() = default;
  // `fields` (and `command_output`) must outlive the view.
  explicit MessageView(std::span<const FieldView> fields, std::string_view command_output = {})
      : fields_(fields), command_output_(command_output) {}

  // In wire order; keys may repeat (Variable:, Output:).
  std::span<const FieldView> fields() const { return fields_; }

  // First value whose key equals `key` ignoring ASCII case; empty view when
  // absent (use has() to tell "absent" from "present but empty").
  std::string_view get(std::string_view key) const;
  bool has(std::string_view key) const;

  bool is_event() const;     // first field is Event
  bool is_response() const;  // first field is Response

  // Output of a Command action: Asterisk 13 "Response: Follows" body up to
  // "--END COMMAND--", or the joined "Output:" lines of Asterisk 14+; lines
  // separated by '\n' (no trailing newline). Empty when none.
  std::string_view command_output() const { return command_output_; }

 private:
  std::span<const FieldView> fields_;
  std::string_view command_output_;
};

}  // namespace pd::ami
