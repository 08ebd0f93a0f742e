#include "cli.h"

#include <charconv>
#include <cstdint>
#include <iostream>
#include <sstream>

#include "pd/core/names.h"
#include "pd/core/time_zone.h"

namespace pdctl {

int exit_code(const pd::Error& error) {
  switch (error.code) {
    case pd::ErrorCode::kInvalidArgument:
    case pd::ErrorCode::kConflict:
      return kExitRefused;
    case pd::ErrorCode::kNotFound:
      return kExitNotFound;
    default:
      return kExitFailed;
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

pd::Result<pd::store::Connection*> Context::db() {
  if (conn_) return &*conn_;
  if (dsn_text_.empty()) {
    return pd::fail(pd::Error::unavailable("no database: pass --dsn or set PD_MYSQL_DSN"));
  }
  auto dsn = pd::store::parse_dsn(dsn_text_);
  if (!dsn) return pd::fail(pd::Error::unavailable(dsn.error().message));
  auto conn = pd::store::Connection::open(*dsn);
  if (!conn) return pd::fail(conn.error());
  conn_.emplace(std::move(*conn));
  return &*conn_;
}

int Context::fail(int code, const std::string& message) {
  std::cerr << "pdctl: " << message << "\n";
  if (json_) {
    Json::Value v;
    v["ok"] = false;
    v["error"] = message;
    v["exit"] = code;
    print_json(v);
  }
  return code;
}

int Context::fail(const pd::Error& error) {
  // A refusal's message names the field; the error kind adds nothing there.
  const int code = exit_code(error);
  return fail(code, code == kExitFailed ? error.describe() : error.message);
}

void Context::print_json(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "  ";
  builder["emitUTF8"] = true;
  std::cout << Json::writeString(builder, value) << "\n";
}

pd::Result<Args> parse_args(const Command& command, const std::vector<std::string>& args) {
  Args out;
  bool operands_only = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (operands_only || a == "-" || !a.starts_with("--")) {
      if (!operands_only && a.size() > 1 && a[0] == '-' && a != "-") {
        return pd::fail(pd::Error::invalid("unknown option " + a));
      }
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      operands_only = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    const Option* option = nullptr;
    for (const Option& o : command.options) {
      if (o.name == name) option = &o;
    }
    if (option == nullptr) return pd::fail(pd::Error::invalid("unknown option " + name));
    if (option->value.empty()) {
      if (inline_value) return pd::fail(pd::Error::invalid(name + " takes no value"));
      out.switches.insert(name);
      continue;
    }
    if (inline_value) {
      out.values[name] = *inline_value;
    } else if (i + 1 < args.size()) {
      out.values[name] = args[++i];
    } else {
      return pd::fail(pd::Error::invalid(name + " needs a value (" + option->value + ")"));
    }
  }
  if (out.positional.size() < command.min_operands) {
    return pd::fail(pd::Error::invalid("missing " + command.operands));
  }
  if (out.positional.size() > command.max_operands) {
    return pd::fail(pd::Error::invalid("too many operands (expected " +
                                       (command.operands.empty() ? "none" : command.operands) +
                                       ")"));
  }
  return out;
}

namespace {

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text + " ";
}

}  // namespace

std::string group_help(const Group& group) {
  std::ostringstream out;
  out << "usage: pdctl [--dsn DSN] [--json] " << group.name << " COMMAND [options]\n\n"
      << group.summary << "\n\ncommands:\n";
  for (const Command& c : group.commands) {
    out << "  " << padded(c.name + (c.operands.empty() ? "" : " " + c.operands), 34) << c.summary
        << "\n";
  }
  out << "\n`pdctl " << group.name << " COMMAND --help` for a command's options.\n";
  return out.str();
}

std::string command_help(const Group& group, const Command& command) {
  std::ostringstream out;
  out << "usage: pdctl [--dsn DSN] [--json] " << group.name
      << (command.name.empty() ? "" : " " + command.name)
      << (command.operands.empty() ? "" : " " + command.operands)
      << (command.options.empty() ? "" : " [options]") << "\n\n"
      << command.summary << "\n";
  if (!command.details.empty()) out << "\n" << command.details << "\n";
  if (!command.options.empty()) {
    out << "\noptions:\n";
    for (const Option& o : command.options) {
      out << "  " << padded(o.name + (o.value.empty() ? "" : " " + o.value), 28) << o.help << "\n";
    }
  }
  out << "\nexit status: 0 ok, 1 failed, 2 bad usage, 3 not found, 4 refused by a rule\n";
  return out.str();
}

pd::Result<CampaignRef> find_campaign(pd::store::Connection& conn, std::string_view text) {
  std::string_view id_text = text;
  if (!text.starts_with("#")) {
    auto rows = conn.query("SELECT id, name FROM dialer_campaigns WHERE name = ?", {text});
    if (!rows) return pd::fail(rows.error());
    if (!rows->rows.empty()) {
      return CampaignRef{static_cast<std::uint32_t>(rows->rows[0].u64(0)),
                         std::string(rows->rows[0].str(1))};
    }
  } else {
    id_text.remove_prefix(1);
  }
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec == std::errc() && end == id_text.data() + id_text.size() && !id_text.empty()) {
    auto rows = conn.query("SELECT id, name FROM dialer_campaigns WHERE id = ?", {id});
    if (!rows) return pd::fail(rows.error());
    if (!rows->rows.empty()) {
      return CampaignRef{static_cast<std::uint32_t>(rows->rows[0].u64(0)),
                         std::string(rows->rows[0].str(1))};
    }
  }
  return pd::fail(pd::Error::not_found("no campaign '" + std::string(text) + "'"));
}

pd::Result<long long> parse_int(std::string_view option, std::string_view text, long long min,
                                long long max) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v < min || v > max) {
    return pd::fail(pd::Error::invalid(std::string(option) + ": '" + std::string(text) +
                                       "' is not a whole number from " + std::to_string(min) +
                                       " to " + std::to_string(max)));
  }
  return v;
}

pd::Result<bool> parse_bool(std::string_view option, std::string_view text) {
  if (text == "yes" || text == "true" || text == "1" || text == "on") return true;
  if (text == "no" || text == "false" || text == "0" || text == "off") return false;
  return pd::fail(
      pd::Error::invalid(std::string(option) + ": '" + std::string(text) + "' is not yes or no"));
}

std::optional<std::vector<std::string>> split_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (true) {
    std::string field;
    std::size_t blanks = at;
    while (blanks < line.size() && (line[blanks] == ' ' || line[blanks] == '\t')) ++blanks;
    if (blanks < line.size() && line[blanks] == '"') {
      std::size_t i = blanks + 1;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      if (!closed) return std::nullopt;
      // As str_getcsv: text after the closing quote up to the comma is kept.
      std::size_t comma = line.find(',', i);
      field += line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      fields.push_back(std::move(field));
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    } else {
      std::size_t comma = line.find(',', at);
      fields.emplace_back(
          line.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
  }
  return fields;
}

std::string csv_field(std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << csv_field(fields[i]);
  }
  out << '\n';
}

std::string check_plain(std::string_view text, std::string_view label, std::size_t max_chars,
                        bool multiline) {
  if (!pd::core::is_valid_utf8(text)) return std::string(label) + " is not valid UTF-8 text";
  for (unsigned char c : text) {
    const bool allowed_blank = multiline && (c == '\t' || c == '\n' || c == '\r');
    if ((c < 0x20 || c == 0x7f) && !allowed_blank) {
      return std::string(label) + " contains control characters";
    }
  }
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  if (chars > max_chars) {
    return std::string(label) + " is longer than " + std::to_string(max_chars) + " characters";
  }
  return {};
}

pd::Status check_time_zone(std::string_view label, std::string_view zone) {
  if (!pd::core::is_time_zone_name(zone) || !pd::core::TimeZone::load(zone)) {
    return pd::fail(pd::Error::invalid(std::string(label) + ": '" + std::string(zone) +
                                       "' is not a known time zone; write an IANA name such as "
                                       "Europe/Madrid (letter case matters)"));
  }
  return {};
}

}  // namespace pdctl
