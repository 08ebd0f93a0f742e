// The HTTP API's request bodies (docs/API.md, docs/openapi.json), read into
// the store's plain values with the shared validation rules (plugin/core's
// normalize_number, is_dialable_number, is_caller_id, check_variables,
// is_time_zone_name: the rules of tests/data/validation-cases.json), so no
// text reaches the database or AMI unchecked. Every refusal names the field.
// Threads: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "pd/store/records.h"

namespace pd::plugin {

// A refused request: the HTTP status, the field ("numbers[2].number",
// "body" for the text as a whole) and what is wrong.
struct ApiError {
  int status = 400;
  std::string field;
  std::string message;
};

// {"error": message, "field": field} (the field left out when empty).
std::string api_error_json(const ApiError& error);

// The most numbers (or do-not-call entries) one request may carry: the
// store job then stays short (one multi-row INSERT), and the answer small.
inline constexpr std::size_t kMaxApiNumbers = 1000;

// The body as one JSON object (an empty body reads as {}). A syntax error is
// refused with its line and column ("body", 400).
std::optional<ApiError> parse_api_body(std::string_view body, Json::Value& out);

// A time as RFC 3339 ("2026-11-28T15:00:00Z", "...+01:00", optional
// fraction), UTC milliseconds; nullopt when it is not one.
std::optional<pd::store::TimePoint> parse_rfc3339(std::string_view text);
std::string format_rfc3339(pd::store::TimePoint time);

// POST campaigns/{id}/numbers: {"numbers": [N, ...]} or one N, where N is
// {"number", "name"?, "caller_id"?, "variables"? ("a=1|b=2" or {"a": "1"}),
// "priority"? (-32768..32767), "time_zone"?, "not_before"? (RFC 3339)}.
// Numbers are normalised; a number twice in one request is refused.
std::optional<ApiError> parse_new_numbers(const Json::Value& body,
                                          std::vector<pd::store::NewNumber>& out);

// PATCH numbers/{id}: any of name, caller_id, variables, priority,
// not_before; at least one.
std::optional<ApiError> parse_number_change(const Json::Value& body, pd::store::NumberChange& out);

// POST dnc: {"numbers": [E, ...]} or one E, where E is {"number",
// "reason"? (at most 255 characters), "expires"? ("YYYY-MM-DD": listed
// through that day, UTC)}.
std::optional<ApiError> parse_dnc_entries(const Json::Value& body,
                                          std::vector<pd::store::DncEntry>& out);

// A number in a path (DELETE dnc/{number}): normalised, or the error.
std::optional<ApiError> parse_path_number(std::string_view text, std::string& out);

}  // namespace pd::plugin
