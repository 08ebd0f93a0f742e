// The dialplan helper contexts: rendered from templates/dialplan.tpl with
// ctemplate and kept in the extensions file (default extensions_custom.conf)
// between the "; BEGIN paneldialer" and "; END paneldialer" lines.
//
// Safety: every value that reaches the dialplan is checked against a strict
// character set first; a bad one is refused with a message naming the
// campaign and the field. The file is replaced atomically (temp file in the
// same folder, fsync, rename, fsync of the folder) and every byte outside the
// markers is kept as it was.
//
// Threads: pure functions, plus one that writes a file; call from a worker
// (file I/O) — never from the host loop.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pd/result.h"

namespace pd::dialplan {

inline constexpr std::string_view kBeginMarker = "; BEGIN paneldialer";
inline constexpr std::string_view kEndMarker = "; END paneldialer";

// FreePBX-style "context,exten,priority".
struct Destination {
  std::string context;
  std::string exten;
  std::string priority;
};

// Parses and validates "context,exten,priority" (priority defaults to 1 when
// only "context,exten" is given). `what` names the field in errors.
pd::Result<Destination> parse_destination(std::string_view text, std::string_view what);

// Campaign names and contexts: [A-Za-z0-9_-], 1..64 characters.
pd::Status check_name(std::string_view value, std::string_view what);

struct HelperCampaign {
  std::string name;       // checked with check_name
  std::string mode;       // for the comment line only: automatic|progressive|preview
  std::string dest_kind;  // queue|ivr|custom
  Destination destination;
  bool has_amd = false;
  Destination amd_destination;  // where machines go, when has_amd
  // Predictive (docs/predictive.md): the answered call enters `queue` with
  // Queue(<queue>,,,,<connect_limit_s>) itself; when the wait ends without
  // an agent (QUEUESTATUS TIMEOUT, JOINEMPTY ...) it goes to
  // pd-<name>-abandon: UserEvent PanelDialerAbandon, Playback of
  // `abandon_message`, Hangup. Queue: [A-Za-z0-9_.-]; message: a sound name
  // (pd::core::is_sound_name); limit 1..30.
  bool predictive = false;
  std::string queue;
  int connect_limit_s = 2;
  std::string abandon_message;
};

struct HelperSettings {
  std::string dial_context = "from-internal";  // where customers are dialed (checked)
  int dial_timeout_s = 30;
};

// The block to put between the markers (markers included, ending in '\n').
pd::Result<std::string> render_helpers(std::string_view template_text,
                                       const std::vector<HelperCampaign>& campaigns,
                                       const HelperSettings& settings);

// `file_text` with the marker block replaced by `block` (appended, after a
// blank line, when the file has none). kInvalidArgument when the markers are
// unbalanced (a BEGIN without END, two BEGINs): we never guess what to cut.
pd::Result<std::string> replace_block(std::string_view file_text, std::string_view block);

// Reads `path` (absent: empty), replace_block(), writes it back atomically
// keeping the file's permission bits. Returns true when the content changed
// (false: nothing written; no reload needed).
pd::Result<bool> write_block(const std::string& path, std::string_view block);

}  // namespace pd::dialplan
