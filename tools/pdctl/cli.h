// pdctl's shared command-line layer: command tables, argument parsing,
// --help text, exit codes, output (text or --json), the database session.
//
// Each command group (campaign.cpp, numbers.cpp, …) returns a Group: its
// subcommands, each with the options it takes and a function that runs it.
// main.cpp parses the global options, finds the subcommand, parses its
// options with parse_args() and runs it.
//
// Threads: pdctl is single-threaded; nothing here is shared.
// Errors: a subcommand returns an exit code; fail() prints the reason to
// stderr (and, with --json, {"ok":false,"error":…,"exit":N} to stdout) and
// maps a pd::Error to its exit code (exit_code()).
#pragma once

#include <json/json.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pd/result.h"
#include "pd/store/connection.h"
#include "pd/store/dsn.h"

namespace pdctl {

// Exit codes (documented in `pdctl --help` and docs/pdctl.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the database or a file failed; reason on stderr
inline constexpr int kExitUsage = 2;     // unknown command or option, missing argument
inline constexpr int kExitNotFound = 3;  // the named campaign, number, entry does not exist
inline constexpr int kExitRefused = 4;   // a value broke a rule, a conflict, a missing --yes

// The exit code an error means: kInvalidArgument and kConflict -> 4,
// kNotFound -> 3, anything else -> 1.
int exit_code(const pd::Error& error);

struct Option {
  std::string name;   // "--mode"
  std::string value;  // "MODE" when it takes a value; "" for a switch
  std::string help;
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // options with a value, last one wins
  std::set<std::string> switches;             // switches given

  bool has(const std::string& name) const {
    return values.contains(name) || switches.contains(name);
  }
  std::optional<std::string> get(const std::string& name) const;
};

class Context;

struct Command {
  std::string name;
  std::string operands;  // "CAMPAIGN FILE", shown in the usage line
  std::string summary;
  std::string details;  // more text for --help (may be empty)
  std::vector<Option> options;
  std::size_t min_operands = 0;
  std::size_t max_operands = 0;  // SIZE_MAX: any
  std::function<int(Context&, const Args&)> run;
};

struct Group {
  std::string name;
  std::string summary;
  std::vector<Command> commands;
};

// The run's state: the global options and the database session (opened on
// first use).
class Context {
 public:
  Context(std::string dsn_text, bool json) : dsn_text_(std::move(dsn_text)), json_(json) {}

  bool json() const { return json_; }
  // The database, connected on first use; an Error when there is no DSN or
  // the server cannot be reached.
  pd::Result<pd::store::Connection*> db();

  // Prints `error` (text to stderr; with --json also a JSON object to
  // stdout) and returns its exit code.
  int fail(const pd::Error& error);
  int fail(int code, const std::string& message);
  // Prints a JSON value to stdout (one document, indented).
  void print_json(const Json::Value& value);

 private:
  std::string dsn_text_;
  bool json_ = false;
  std::optional<pd::store::Connection> conn_;
};

// Parses a subcommand's arguments; on a usage error returns the message.
pd::Result<Args> parse_args(const Command& command, const std::vector<std::string>& args);

// The --help text of a group, and of one of its commands.
std::string group_help(const Group& group);
std::string command_help(const Group& group, const Command& command);

// Campaign lookup: a name, or an id ("12" when no campaign is called "12",
// or "#12"). kNotFound names what was asked.
struct CampaignRef {
  std::uint32_t id = 0;
  std::string name;
};
pd::Result<CampaignRef> find_campaign(pd::store::Connection& conn, std::string_view text);

// Integer option parsing with a range; the error names the option.
pd::Result<long long> parse_int(std::string_view option, std::string_view text, long long min,
                                long long max);
// yes/no, true/false, 1/0, on/off.
pd::Result<bool> parse_bool(std::string_view option, std::string_view text);

// CSV: one line's fields (RFC 4180 quoting within the line, as PHP's
// str_getcsv with no escape character), or nullopt when a quoted field is not
// closed on the line. Writing: quotes a field when it holds , " CR LF or
// leading/trailing blanks.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line);
std::string csv_field(std::string_view field);
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

// Free text the admin pages accept (pd_check_plain): valid UTF-8, no control
// characters (tabs and line breaks allowed when multiline), at most
// max_chars characters. Returns the reason or "".
std::string check_plain(std::string_view text, std::string_view label, std::size_t max_chars,
                        bool multiline = false);
// A time zone name the engine can load (is_time_zone_name + the zone file).
pd::Status check_time_zone(std::string_view label, std::string_view zone);

// A group or disposition name. The admin pages accept [\p{L}\p{N} _.-]{1,80}
// (any Unicode letter or digit: a PHP-only rule, no plugin/core side); pdctl
// accepts a subset of it, so that the pages accept whatever it stores: ASCII
// letters and digits, space, _ . -, and the Latin letters U+00C0..U+024F.
// Returns the reason or "".
std::string check_label_name(std::string_view text, std::string_view label);

// Contact lines of a CSV file (numbers file, groups import): the admin
// import's format (admin-php/lib/csv_import.php) and rules.
struct ContactLine {
  std::size_t line = 0;
  std::string group;
  std::string name, number, caller_id, variables;
  std::optional<std::string> time_zone;
};
struct BadLine {
  std::size_t line = 0;
  std::string reason;
};
struct ContactFile {
  std::vector<ContactLine> good;
  std::size_t lines = 0;  // data lines read (blank lines and the header not counted)
  std::size_t bad = 0;
  std::vector<BadLine> bad_lines;  // the first kMaxBadLinesListed
};
inline constexpr std::size_t kMaxBadLinesListed = 1000;
// At most this many lines a file (all of it is held in memory while checked).
inline constexpr std::size_t kMaxFileLines = 2'000'000;
// Reads PATH ("-": stdin) as lines (CR LF or LF, a UTF-8 BOM dropped).
pd::Result<std::vector<std::string>> read_lines(const std::string& path);
// `columns`: the order without a header ("group", "name", "number",
// "callerid", "variables", "time_zone"). A first line naming the columns
// (holding every `required` one and no phone number) sets the order; a
// header naming an unknown column or one twice is an Error (nothing read).
pd::Result<ContactFile> parse_contact_lines(const std::vector<std::string>& lines,
                                            std::vector<std::string> columns,
                                            const std::vector<std::string>& required);
// Checks one contact's fields as pd_check_contact (group when `with_group`);
// the reason names the field, or "" (then `c` holds the clean values).
std::string check_contact(ContactLine& c, bool with_group);
// Prints bad lines to stderr ("pdctl: line N: reason") and adds them to `v`.
void report_bad_lines(const ContactFile& file, Json::Value& v);

// Every command group.
Group campaign_group();
Group numbers_group();
Group stats_group();
Group dnc_group();
Group dispositions_group();
Group callbacks_group();
Group groups_group();

}  // namespace pdctl
