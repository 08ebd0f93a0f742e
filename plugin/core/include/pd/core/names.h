// Character-set checks for anything that reaches the dialplan or an AMI
// action. Each check is an allow-list: a value passes only when every byte is
// in the set, so CR/LF, NUL and other control characters can never slip in.
// Threads: stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pd::core {

// Campaign names become parts of context names (pd-<name>-dest):
// [A-Za-z0-9_-], 1 to 64 bytes (the dialer_campaigns.name contract).
bool is_campaign_name(std::string_view name) noexcept;

// Queue names, contexts and other dialplan names: [A-Za-z0-9_.-], 1 to 64 bytes.
bool is_dialplan_name(std::string_view name) noexcept;

// Extensions named in a destination: [A-Za-z0-9_.*#+-], 1 to 64 bytes.
bool is_extension(std::string_view exten) noexcept;

// A priority: a number 1..99999 or a label [A-Za-z0-9_], 1 to 64 bytes.
bool is_priority(std::string_view priority) noexcept;

// A number the engine may dial: an optional leading '+' then [0-9*#], 1 to 32
// bytes in all (dialer_numbers.number). '+' elsewhere is refused. The admin
// pages apply the same rule (tests/data/validation-cases.json).
bool is_dialable_number(std::string_view number) noexcept;

// A typed or imported number with the punctuation people write removed:
// spaces, '-', '.', '(' and ')' ("(555) 005-1" -> "5550051"); a '+' stays.
// Nothing else is touched, so the result still has to pass
// is_dialable_number. The admin's pd_normalize_number() is the same rule.
std::string normalize_number(std::string_view number);

// A dial prefix: [0-9*#], 0 to 16 bytes (empty is allowed).
bool is_dial_prefix(std::string_view prefix) noexcept;

// A channel variable name: [A-Za-z_][A-Za-z0-9_]*, 1 to 64 bytes.
bool is_variable_name(std::string_view name) noexcept;

// The engine's call id, used as the Originate ChannelId: [A-Za-z0-9_.-],
// 1 to 64 bytes. ';' is refused because Asterisk names the second half of a
// Local channel "<id>;2".
bool is_call_id(std::string_view id) noexcept;

// The id of a run's n-th call: "<prefix>-<n as 10 digits>". Fixed width
// because Asterisk 22 refuses an Originate whose ChannelId is a *prefix* of a
// live channel's unique id (main/channelstorage_ao2_legacy.c, called from
// do_ids_conflict in main/channel.c): with a counter of varying length, a new
// "...-9" collided with a live "...-93;2". Ids of one prefix are then all the
// same length, so none is a prefix of another; `prefix` should itself be of a
// fixed length per instance (the engine's is "<instance>-<start time, base 36>").
std::string make_call_id(std::string_view prefix, uint64_t sequence);

// A queue member interface or agent channel ("PJSIP/101", "Local/101@agents/n"):
// [A-Za-z0-9_.@/:+*#-], 1 to 128 bytes. '&' (parallel dial) and ',' (option
// separators) are refused.
bool is_interface(std::string_view interface) noexcept;

// An IANA time zone name ("Europe/Madrid", "Etc/GMT+5", "UTC"):
// [A-Za-z0-9_+/-], 1 to 64 bytes, no empty, "." or ".." path part, no leading '/'.
bool is_time_zone_name(std::string_view name) noexcept;

// A caller id ("Sales <5551000>"): valid UTF-8, no control characters, at most
// 80 bytes (Asterisk copies it into fixed buffers; bytes, not letters, count).
bool is_caller_id(std::string_view caller_id) noexcept;

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): the
// same verdict as PHP's preg_match('//u'), so both sides refuse the same text.
bool is_valid_utf8(std::string_view text) noexcept;

// True when `text` holds a byte < 0x20 or 0x7f (TAB included: free text in
// AMI values and caller ids has no use for it).
bool has_control_chars(std::string_view text) noexcept;

}  // namespace pd::core
