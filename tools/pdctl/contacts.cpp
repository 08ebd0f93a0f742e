// Contact lines from CSV files, checked as the admin import checks them
// (admin-php/lib/csv_import.php, lib/validate.php pd_check_contact). The
// rules shared with the engine are plugin/core's: normalize_number,
// is_dialable_number, is_caller_id, check_variables, the zone loaded.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>

#include "cli.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"

namespace pdctl {
namespace {

std::string trim(std::string_view s) {
  const char* blanks = " \t\r\n\v\f";
  auto b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(blanks);
  return std::string(s.substr(b, e - b + 1));
}

// The admin import's column names (pd_csv_column_name): lower case, blanks,
// - and _ dropped.
std::string column_name(std::string_view field) {
  std::string key;
  for (char c : trim(field)) {
    if (c == ' ' || c == '-' || c == '_') continue;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (key == "group" || key == "name" || key == "number" || key == "callerid" || key == "variables")
    return key;
  if (key == "timezone" || key == "tz") return "time_zone";
  return {};
}

}  // namespace

std::string check_label_name(std::string_view text, std::string_view label) {
  const std::string rule = std::string(label) +
                           ": 1 to 80 letters, digits, spaces or _ . - (letters: A-Z, a-z and "
                           "the accented Latin ones)";
  if (text.empty() || !pd::core::is_valid_utf8(text)) return rule;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (!std::isalnum(c) && c != ' ' && c != '_' && c != '.' && c != '-') return rule;
      ++i;
      continue;
    }
    // Two-byte sequences only: U+00C0..U+024F, the Latin letters (× and ÷ are not).
    if ((c & 0xE0) != 0xC0 || i + 1 >= text.size()) return rule;
    const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
    if (cp < 0xC0 || cp > 0x24F || cp == 0xD7 || cp == 0xF7) return rule;
    i += 2;
  }
  return chars > 80 ? rule : "";
}

pd::Result<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return pd::fail(pd::Error::io("cannot read '" + path + "'"));
    in = &file;
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(*in, line)) {
    if (lines.size() >= kMaxFileLines) {
      return pd::fail(pd::Error::invalid("the file has more than " + std::to_string(kMaxFileLines) +
                                         " lines: split it"));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in->bad()) return pd::fail(pd::Error::io("reading '" + path + "' failed"));
  if (!lines.empty() && lines[0].starts_with("\xEF\xBB\xBF")) lines[0].erase(0, 3);
  return lines;
}

std::string check_contact(ContactLine& c, bool with_group) {
  const std::string typed = trim(c.number);
  c.group = trim(c.group);
  c.name = trim(c.name);
  c.number = pd::core::normalize_number(typed);
  c.caller_id = trim(c.caller_id);
  c.variables = trim(c.variables);
  std::string zone = c.time_zone ? trim(*c.time_zone) : "";
  c.time_zone.reset();
  if (with_group) {
    if (auto why = check_label_name(c.group, "Group"); !why.empty()) return why;
  }
  if (auto why = check_plain(c.name, "Name", 160); !why.empty()) return why;
  if (!pd::core::is_dialable_number(c.number)) {
    return "Number: '" + typed +
           "': a phone number is 1 to 32 digits, optionally starting with + (also * and #; "
           "spaces, dashes, dots and parentheses are removed)";
  }
  if (!pd::core::is_caller_id(c.caller_id)) {
    return "Caller id: at most 80 bytes of UTF-8 text without control characters";
  }
  if (auto st = pd::core::check_variables(c.variables); !st) {
    return "Variables: " + st.error().message;
  }
  if (!zone.empty()) {
    if (auto st = check_time_zone("Time zone", zone); !st) return st.error().message;
    c.time_zone = zone;
  }
  return {};
}

pd::Result<ContactFile> parse_contact_lines(const std::vector<std::string>& lines,
                                            std::vector<std::string> columns,
                                            const std::vector<std::string>& required) {
  ContactFile out;
  const bool with_group = std::find(required.begin(), required.end(), "group") != required.end();
  auto bad = [&](std::size_t line, std::string reason) {
    ++out.bad;
    if (out.bad_lines.size() < kMaxBadLinesListed) out.bad_lines.push_back({line, reason});
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t line_no = i + 1;
    if (trim(lines[i]).empty()) continue;
    auto fields = split_csv_line(lines[i]);
    if (fields && i == 0) {
      // A header names the columns: every required one, and no phone number.
      bool any_number = false;
      std::size_t named = 0;
      for (const auto& f : *fields) {
        any_number |= pd::core::is_dialable_number(pd::core::normalize_number(trim(f)));
        named += std::find(required.begin(), required.end(), column_name(f)) != required.end();
      }
      if (named >= required.size() && !any_number) {
        while (!fields->empty() && trim(fields->back()).empty()) fields->pop_back();
        columns.clear();
        for (std::size_t c = 0; c < fields->size(); ++c) {
          std::string name = column_name((*fields)[c]);
          if (name.empty()) {
            return pd::fail(pd::Error::invalid(
                "line 1: the header names a column '" + trim((*fields)[c]) +
                "' the import does not know (known: group, name, number, callerid, variables, "
                "time_zone); nothing is loaded"));
          }
          if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
            return pd::fail(pd::Error::invalid("line 1: the header names the column " + name +
                                               " twice; nothing is loaded"));
          }
          columns.push_back(name);
        }
        continue;
      }
    }
    ++out.lines;
    if (!fields) {
      bad(line_no,
          "unclosed quote: a field opened with \" is not closed on this line (fields may not go "
          "on over lines); the line is skipped");
      continue;
    }
    while (fields->size() > columns.size() && trim(fields->back()).empty()) fields->pop_back();
    std::size_t least = 0;
    for (const auto& r : required) {
      auto at = std::find(columns.begin(), columns.end(), r);
      least = std::max<std::size_t>(least, static_cast<std::size_t>(at - columns.begin()) + 1);
    }
    if (fields->size() < least || fields->size() > columns.size()) {
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ",") + c;
      bad(line_no, "expected " + std::to_string(least) +
                       (least == columns.size() ? "" : " to " + std::to_string(columns.size())) +
                       " fields (" + names + "), found " + std::to_string(fields->size()));
      continue;
    }
    std::map<std::string, std::string> by_name;
    for (std::size_t c = 0; c < fields->size(); ++c) by_name[columns[c]] = (*fields)[c];
    ContactLine contact{line_no,
                        by_name["group"],
                        by_name["name"],
                        by_name["number"],
                        by_name["callerid"],
                        by_name["variables"],
                        by_name["time_zone"]};
    if (std::string why = check_contact(contact, with_group); !why.empty()) {
      bad(line_no, why);
      continue;
    }
    out.good.push_back(std::move(contact));
  }
  return out;
}

void report_bad_lines(const ContactFile& file, Json::Value& v) {
  for (const auto& b : file.bad_lines) {
    std::cerr << "pdctl: line " << b.line << ": " << b.reason << "\n";
  }
  if (file.bad > file.bad_lines.size()) {
    std::cerr << "pdctl: ... and " << file.bad - file.bad_lines.size() << " more bad lines\n";
  }
  v["lines"] = static_cast<Json::UInt64>(file.lines);
  v["bad"] = static_cast<Json::UInt64>(file.bad);
  v["bad_lines"] = Json::Value(Json::arrayValue);
  for (const auto& b : file.bad_lines) {
    Json::Value e;
    e["line"] = static_cast<Json::UInt64>(b.line);
    e["reason"] = b.reason;
    v["bad_lines"].append(e);
  }
}

}  // namespace pdctl
