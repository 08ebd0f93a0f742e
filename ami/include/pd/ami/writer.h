// Serialises AMI messages ("Key: Value\r\n" ... "\r\n"), refusing anything
// that could inject a line or a message into the stream.
// Threads: stateless; safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "pd/ami/message.h"
#include "pd/result.h"

namespace pd::ami {

// A key is valid when non-empty and made of [A-Za-z0-9_-] only.
bool is_valid_key(std::string_view key) noexcept;
// A value is valid when it holds no control character (< 0x20 except TAB, or
// 0x7f): CR and LF would end the line or the message early.
bool is_valid_value(std::string_view value) noexcept;

// Appends "Key: Value\r\n" for every field, then "\r\n". On a bad key or value
// returns an invalid-argument Error naming the field, and `out` is unchanged
// (nothing half-written).
pd::Status append_message(std::string& out, std::span<const FieldView> fields);

}  // namespace pd::ami
