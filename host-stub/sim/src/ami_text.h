// Small AMI text helpers: an action's fields (case-insensitive lookup, as
// Asterisk does), messages under construction, and Asterisk's value formats.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/ami/message.h"  // pd::ami::iequals
#include "pd/result.h"

namespace pd::sim {

using Field = std::pair<std::string_view, std::string_view>;

// One received action. Views point into the parser's buffer (valid during the
// parser callback) or into an OwnedAction.
class ActionView {
 public:
  explicit ActionView(std::vector<Field> fields) : fields_(std::move(fields)) {}
  // First value of `key` (case-insensitive); empty when absent.
  std::string_view get(std::string_view key) const;
  bool has(std::string_view key) const;
  std::vector<std::string_view> get_all(std::string_view key) const;
  std::string_view action() const { return get("Action"); }
  std::string_view action_id() const { return get("ActionID"); }
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

// A copy of an action kept past the parser callback (actions that wait behind
// a synchronous Originate).
class OwnedAction {
 public:
  explicit OwnedAction(const ActionView& view);
  ActionView view() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// A message being built. Keys must outlive the list (they are literals);
// values are copied when they are not.
class FieldList {
 public:
  FieldList& add(std::string_view key, std::string_view value) {
    fields_.emplace_back(key, value);
    return *this;
  }
  FieldList& add_copy(std::string_view key, std::string value) {
    storage_.push_back(std::move(value));
    fields_.emplace_back(key, storage_.back());
    return *this;
  }
  FieldList& add_int(std::string_view key, int64_t value) {
    return add_copy(key, std::to_string(value));
  }
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
  std::deque<std::string> storage_;  // deque: references stay valid as it grows
};

// Appends "Key: value\r\n"... "\r\n". Refuses CR/LF in values (pd_ami).
Status render(std::string& out, const FieldList& message);

// Asterisk's ast_true(): yes, true, y, t, 1, on.
bool ast_true(std::string_view value);
// Asterisk's hangup cause text ("Normal Clearing", ...).
std::string_view cause_text(int cause);

struct CallerId {
  std::string num = "<unknown>";
  std::string name = "<unknown>";
};
// Parses `"Name" <num>`, `Name <num>`, `num` or `Name`.
CallerId parse_callerid(std::string_view text);

// "00:01:05"
std::string hms(int64_t seconds);
// Asterisk's EventTV/SessionTV: 2026-11-22T11:32:30.845+0000
std::string event_tv(int64_t epoch_ms);

}  // namespace pd::sim
