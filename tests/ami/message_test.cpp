#include "pd/ami/message.h"

#include <doctest/doctest.h>

#include <array>

using pd::ami::FieldView;
using pd::ami::MessageView;

TEST_CASE("MessageView::get finds the first value, ignoring key case") {
  const std::array<FieldView, 4> fields{
      {{"Event", "VarSet"}, {"Variable", "A"}, {"variable", "B"}, {"AccountCode", ""}}};
  const MessageView message(fields);
  CHECK(message.get("VARIABLE") == "A");
  CHECK(message.get("accountcode").empty());
  CHECK(message.has("accountcode"));
  CHECK_FALSE(message.has("Channel"));
  CHECK(message.get("Channel").empty());
  CHECK(message.is_event());
  CHECK_FALSE(message.is_response());
}

TEST_CASE("MessageView of a response, and of nothing") {
  const std::array<FieldView, 2> fields{{{"response", "Success"}, {"ActionID", "1"}}};
  CHECK(MessageView(fields).is_response());
  CHECK_FALSE(MessageView(fields).is_event());
  const MessageView empty;
  CHECK_FALSE(empty.is_event());
  CHECK_FALSE(empty.is_response());
  CHECK(empty.command_output().empty());
}

TEST_CASE("iequals compares ASCII case-insensitively, lengths first") {
  CHECK(pd::ami::iequals("ActionID", "actionid"));
  CHECK(pd::ami::iequals("", ""));
  CHECK_FALSE(pd::ami::iequals("ActionID", "ActionI"));
  CHECK_FALSE(pd::ami::iequals("a[", "A{"));  // '[' and '{' differ by 32 but are not letters
}
