#include "api_requests.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>

#include <json/reader.h>

#include "panel_messages.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"
#include "pd/core/schedule.h"

namespace pd::plugin {

namespace {

ApiError bad(std::string field, std::string message) {
  return ApiError{400, std::move(field), std::move(message)};
}

std::optional<ApiError> unknown_members(const Json::Value& object, const std::string& where,
                                        std::initializer_list<std::string_view> known) {
  for (const std::string& name : object.getMemberNames()) {
    bool found = false;
    for (std::string_view k : known) found |= name == k;
    if (!found) {
      return bad(
          where.empty() ? name : where + "." + name, "unknown field (known: " + [&] {
            std::string list;
            for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            return list;
          }() + ")");
    }
  }
  return std::nullopt;
}

std::string join(const std::string& where, std::string_view field) {
  return where.empty() ? std::string(field) : where + "." + std::string(field);
}

// A free text field (name, reason): valid UTF-8, no control characters, at
// most `max` characters.
std::optional<ApiError> plain_text(const Json::Value& value, const std::string& field,
                                   std::size_t max, std::string& out) {
  if (!value.isString()) return bad(field, "must be a string");
  out = value.asString();
  if (!pd::core::is_valid_utf8(out) || pd::core::has_control_chars(out)) {
    return bad(field, "must be UTF-8 text without control characters");
  }
  std::size_t chars = 0;
  for (char c : out) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > max) return bad(field, "at most " + std::to_string(max) + " characters");
  return std::nullopt;
}

std::optional<ApiError> variables_of(const Json::Value& value, const std::string& field,
                                     std::string& out) {
  if (value.isString()) {
    out = value.asString();
  } else if (value.isObject()) {
    out.clear();
    for (const std::string& name : value.getMemberNames()) {
      const Json::Value& item = value[name];
      if (!item.isString() && !item.isNumeric()) {
        return bad(field + "." + name, "a variable's value must be a string or a number");
      }
      out += (out.empty() ? "" : "|") + name + "=" + item.asString();
    }
  } else {
    return bad(field, "must be an object of name: value, or \"a=1|b=2\"");
  }
  if (auto st = pd::core::check_variables(out); !st) return bad(field, st.error().message);
  return std::nullopt;
}

std::optional<ApiError> priority_of(const Json::Value& value, const std::string& field,
                                    std::int16_t& out) {
  if (!value.isInt() || value.asInt() < -32768 || value.asInt() > 32767) {
    return bad(field, "must be an integer from -32768 to 32767");
  }
  out = static_cast<std::int16_t>(value.asInt());
  return std::nullopt;
}

std::optional<ApiError> time_of(const Json::Value& value, const std::string& field,
                                pd::store::TimePoint& out) {
  auto time = value.isString() ? parse_rfc3339(value.asString()) : std::nullopt;
  if (!time) return bad(field, "must be an RFC 3339 time, e.g. \"2026-11-28T15:00:00Z\"");
  out = *time;
  return std::nullopt;
}

std::optional<ApiError> number_of(const Json::Value& value, const std::string& field,
                                  std::string& out) {
  if (!value.isString()) return bad(field, "must be a string");
  out = pd::core::normalize_number(value.asString());
  if (!pd::core::is_dialable_number(out)) {
    return bad(field,
               "a phone number is 1 to 32 digits, optionally starting with + (also * and #; "
               "spaces, dashes, dots and parentheses are removed)");
  }
  return std::nullopt;
}

// The item's "number": required, normalised, once in the request.
std::optional<ApiError> item_number(const Json::Value& item, const std::string& where,
                                    std::set<std::string>& seen, std::string& out) {
  if (!item.isMember("number")) return bad(join(where, "number"), "is required");
  if (auto e = number_of(item["number"], join(where, "number"), out)) return e;
  if (!seen.insert(out).second)
    return bad(join(where, "number"), out + " is in this request twice");
  return std::nullopt;
}

std::optional<ApiError> caller_id_of(const Json::Value& value, const std::string& field,
                                     std::string& out) {
  if (!value.isString() || !pd::core::is_caller_id(value.asString())) {
    return bad(field, "at most 80 bytes of UTF-8 text without control characters");
  }
  out = value.asString();
  return std::nullopt;
}

// The items of {"numbers": [...]} or the body itself as one item.
std::optional<ApiError> items_of(const Json::Value& body, std::vector<const Json::Value*>& items,
                                 std::vector<std::string>& wheres) {
  if (body.isMember("numbers")) {
    if (body.size() != 1) return bad("numbers", "send either {\"numbers\": [...]} or one entry");
    const Json::Value& list = body["numbers"];
    if (!list.isArray() || list.empty()) return bad("numbers", "must be a non-empty array");
    if (list.size() > kMaxApiNumbers) {
      return ApiError{413, "numbers", "at most " + std::to_string(kMaxApiNumbers) + " a request"};
    }
    for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
      if (!list[i].isObject())
        return bad("numbers[" + std::to_string(i) + "]", "must be an object");
      items.push_back(&list[i]);
      wheres.push_back("numbers[" + std::to_string(i) + "]");
    }
    return std::nullopt;
  }
  items.push_back(&body);
  wheres.emplace_back();
  return std::nullopt;
}

// The items of {"numbers": [...]} (or the body as one item), each with only
// `known` fields and its number read: read(item, where, number) for each,
// in order; the first refusal ends it.
template <class Read>
std::optional<ApiError> read_items(const Json::Value& body,
                                   std::initializer_list<std::string_view> known, Read read) {
  std::vector<const Json::Value*> items;
  std::vector<std::string> wheres;
  if (auto e = items_of(body, items, wheres)) return e;
  std::set<std::string> seen;  // at most kMaxApiNumbers
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (auto e = unknown_members(*items[i], wheres[i], known)) return e;
    std::string number;
    if (auto e = item_number(*items[i], wheres[i], seen, number)) return e;
    if (auto e = read(*items[i], wheres[i], std::move(number))) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string api_error_json(const ApiError& error) {
  Json::Value value(Json::objectValue);
  value["error"] = json_text(error.message);
  if (!error.field.empty()) value["field"] = json_text(error.field);
  return compact_json(value);
}

std::optional<ApiError> parse_api_body(std::string_view body, Json::Value& out) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out = Json::Value(Json::objectValue);
    return std::nullopt;
  }
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  builder["stackLimit"] = 32;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  bool parsed = false;
  try {
    parsed = reader->parse(body.data(), body.data() + body.size(), &out, &errors);
  } catch (const Json::Exception& e) {
    errors = e.what();  // past stackLimit
  }
  if (!parsed) {
    // jsoncpp says "* Line 1, Column 12\n  Missing ',' or '}' ...": one line.
    for (char& c : errors) {
      if (c == '\n') c = ' ';
    }
    while (!errors.empty() && (errors.back() == ' ' || errors.front() == '*')) {
      if (errors.front() == '*')
        errors.erase(0, 2);
      else
        errors.pop_back();
    }
    return bad("body", "not valid JSON: " + errors);
  }
  if (!out.isObject()) return bad("body", "must be a JSON object");
  return std::nullopt;
}

std::optional<pd::store::TimePoint> parse_rfc3339(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)
  auto digits = [&](std::size_t at, std::size_t n, int& value) {
    if (at + n > t.size()) return false;
    value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      value = value * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || !digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' ||
      !digits(8, 2, d) || (t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t[13] != ':' ||
      !digits(14, 2, mi) || t[16] != ':' || !digits(17, 2, s)) {
    return std::nullopt;
  }
  std::size_t at = 19;
  int millis = 0;
  if (at < t.size() && t[at] == '.') {
    std::size_t n = 0;
    for (++at; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at, ++n) {
      if (n < 3) millis = millis * 10 + (t[at] - '0');
    }
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) millis *= 10;
  }
  int offset_min = 0;
  if (at == t.size() - 1 && (t[at] == 'Z' || t[at] == 'z')) {
    offset_min = 0;
  } else if (at + 6 == t.size() && (t[at] == '+' || t[at] == '-') && t[at + 3] == ':') {
    int oh, om;
    if (!digits(at + 1, 2, oh) || !digits(at + 4, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_min = (t[at] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!day.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto time = std::chrono::sys_days(day) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                    std::chrono::seconds(std::min(s, 59)) + std::chrono::milliseconds(millis) -
                    std::chrono::minutes(offset_min);
  return std::chrono::time_point_cast<std::chrono::milliseconds>(time);
}

std::string format_rfc3339(pd::store::TimePoint time) {
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day day(days);
  const std::chrono::hh_mm_ss clock(time - days);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(day.year()),
                unsigned(day.month()), unsigned(day.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()),
                int(clock.subseconds().count()));
  return text;
}

std::optional<ApiError> parse_new_numbers(const Json::Value& body,
                                          std::vector<pd::store::NewNumber>& out) {
  return read_items(
      body, {"number", "name", "caller_id", "variables", "priority", "time_zone", "not_before"},
      [&](const Json::Value& item, const std::string& where,
          std::string number) -> std::optional<ApiError> {
        pd::store::NewNumber n;
        n.number = std::move(number);
        if (item.isMember("name")) {
          if (auto e = plain_text(item["name"], join(where, "name"), 160, n.name)) return e;
        }
        if (item.isMember("caller_id")) {
          if (auto e = caller_id_of(item["caller_id"], join(where, "caller_id"), n.caller_id)) {
            return e;
          }
        }
        if (item.isMember("variables")) {
          if (auto e = variables_of(item["variables"], join(where, "variables"), n.variables)) {
            return e;
          }
        }
        if (item.isMember("priority")) {
          if (auto e = priority_of(item["priority"], join(where, "priority"), n.priority)) return e;
        }
        if (item.isMember("time_zone")) {
          const Json::Value& v = item["time_zone"];
          if (!v.isString() || !pd::core::is_time_zone_name(v.asString())) {
            return bad(join(where, "time_zone"),
                       "must be an IANA time zone name, e.g. Europe/Madrid");
          }
          n.time_zone = v.asString();
        }
        if (item.isMember("not_before")) {
          pd::store::TimePoint t;
          if (auto e = time_of(item["not_before"], join(where, "not_before"), t)) return e;
          n.not_before = t;
        }
        out.push_back(std::move(n));
        return std::nullopt;
      });
}

std::optional<ApiError> parse_number_change(const Json::Value& body, pd::store::NumberChange& out) {
  if (auto e =
          unknown_members(body, "", {"name", "caller_id", "variables", "priority", "not_before"})) {
    return e;
  }
  if (body.empty()) {
    return bad("body", "name one field at least: name, caller_id, variables, priority, not_before");
  }
  if (body.isMember("name")) {
    std::string name;
    if (auto e = plain_text(body["name"], "name", 160, name)) return e;
    out.name = std::move(name);
  }
  if (body.isMember("caller_id")) {
    std::string caller_id;
    if (auto e = caller_id_of(body["caller_id"], "caller_id", caller_id)) return e;
    out.caller_id = std::move(caller_id);
  }
  if (body.isMember("variables")) {
    std::string variables;
    if (auto e = variables_of(body["variables"], "variables", variables)) return e;
    out.variables = std::move(variables);
  }
  if (body.isMember("priority")) {
    std::int16_t priority = 0;
    if (auto e = priority_of(body["priority"], "priority", priority)) return e;
    out.priority = priority;
  }
  if (body.isMember("not_before")) {
    pd::store::TimePoint t;
    if (auto e = time_of(body["not_before"], "not_before", t)) return e;
    out.not_before = t;
  }
  return std::nullopt;
}

std::optional<ApiError> parse_dnc_entries(const Json::Value& body,
                                          std::vector<pd::store::DncEntry>& out) {
  return read_items(
      body, {"number", "reason", "expires"},
      [&](const Json::Value& item, const std::string& where,
          std::string number) -> std::optional<ApiError> {
        pd::store::DncEntry entry;
        entry.number = std::move(number);
        if (item.isMember("reason")) {
          if (auto e = plain_text(item["reason"], join(where, "reason"), 255, entry.reason)) {
            return e;
          }
        }
        if (item.isMember("expires")) {
          const Json::Value& v = item["expires"];
          if (!v.isString() || v.asString().size() != 10 || !pd::core::parse_date(v.asString())) {
            return bad(join(where, "expires"), "must be a date, YYYY-MM-DD");
          }
          entry.expires = v.asString() + " 23:59:59.999";
        }
        out.push_back(std::move(entry));
        return std::nullopt;
      });
}

std::optional<ApiError> parse_path_number(std::string_view text, std::string& out) {
  // A path segment: '+' may come %2B-encoded.
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        (text.substr(i + 1, 2) == "2B" || text.substr(i + 1, 2) == "2b")) {
      decoded += '+';
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return number_of(Json::Value(decoded), "number", out);
}

}  // namespace pd::plugin
