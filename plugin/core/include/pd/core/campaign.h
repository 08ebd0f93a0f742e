// A campaign's configuration (one dialer_campaigns row) and its validation.
//
// validate() is the single gate for everything that later reaches the
// dialplan or an AMI action: the dialplan writer and the Originate builder
// rely on a campaign having passed it.
// Threads: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pd/core/schedule.h"
#include "pd/result.h"

namespace pd::core {

// automatic: up to concurrent_calls at once, no agents involved.
// progressive: one call per free agent of the queue, minus calls in flight.
// preview: the agent gets a card and starts the call with Dial.
// predictive: ahead of the free agents, by the predictive pacer
// (pd/core/predictive.h), under the campaign's abandonment target.
enum class DialMode { kAutomatic, kProgressive, kPreview, kPredictive };
// The predictive abandonment window: rolling 30 days (US) or the calendar
// day in the campaign's time zone (UK).
enum class AbandonWindow { kRolling30Days, kCalendarDay };
// remote: the customer first, then the destination. local: the destination
// (queue/agent) first, then the customer, so nobody hears dead air.
enum class InitialLeg { kRemote, kLocal };
enum class DestinationKind { kQueue, kIvr, kCustom };

std::string_view to_string(DialMode mode) noexcept;         // "automatic"...
std::string_view to_string(InitialLeg leg) noexcept;        // "remote"/"local"
std::string_view to_string(DestinationKind kind) noexcept;  // "queue"/"ivr"/"custom"
std::string_view to_string(AbandonWindow window) noexcept;  // "30d"/"day"
// Accept exactly the ENUM values of the schema.
pd::Result<DialMode> parse_dial_mode(std::string_view text);
pd::Result<InitialLeg> parse_initial_leg(std::string_view text);
pd::Result<DestinationKind> parse_destination_kind(std::string_view text);
pd::Result<AbandonWindow> parse_abandon_window(std::string_view text);

// Bounds of the predictive settings (the form, the engine, the schema).
inline constexpr double kMaxAbandonTargetPct = 10;
inline constexpr int kMinRingSecondsMax = 120;
inline constexpr int kConnectLimitMax = 30;
inline constexpr int kRecallHoursMax = 8760;  // a year
// An abandon target as the form sends it: a percentage above 0 and at most
// 10, digits with at most two decimals ("3", "2.5", "0.75").
bool is_abandon_target(std::string_view text);
// An Asterisk sound file name for Playback(): 1 to 128 characters of
// A-Z a-z 0-9 _ - . /, not starting with '/' or '.', no "..", no
// extension needed ("custom/abandon-message").
bool is_sound_name(std::string_view text);

// A FreePBX-style "context,exten,priority".
struct DialplanTarget {
  std::string context;
  std::string exten;
  std::string priority;
};
// Invalid-argument Error unless there are exactly three parts, a context in
// [A-Za-z0-9_.-], an exten in [A-Za-z0-9_.*#+-] and a priority (number or label).
pd::Result<DialplanTarget> parse_dialplan_target(std::string_view text);

struct Campaign {
  int64_t id = 0;
  std::string name;  // [A-Za-z0-9_-]{1,64}: becomes pd-<name>-dest etc.
  DialMode mode = DialMode::kProgressive;
  InitialLeg initial_leg = InitialLeg::kRemote;
  DestinationKind destination_kind = DestinationKind::kQueue;
  std::string destination;      // "context,exten,priority"
  std::string destination_amd;  // same form; empty: no answering-machine detection
  std::string queue_name;       // the Asterisk queue whose members the engine watches
  std::string dial_prefix;      // [0-9*#]
  std::string caller_id;        // used when the number has none
  ScheduleSpec schedule;
  int dial_attempts = 3;  // calls per number, the first included
  int retry_minutes = 30;
  // After a call an agent took: paused in the queue (reason "wrap-up") until
  // the disposition is saved, at most this long; 0 = until saved
  // (pd/core/agent_pause.h). 0..kMaxWrapupSeconds.
  int wrapup_seconds = 0;
  int concurrent_calls = 10;  // automatic mode's ceiling
  bool group_by_name = false;
  std::string valid_dtmf;  // digits recorded as DTMF_<d>, e.g. "12#"
  bool enabled = false;
  // What the agent desk shows: the campaign's script beside a card, and the
  // dispositions an agent may choose after a call, in the admin's order.
  std::string script;
  std::vector<std::string> outbound_dispositions;
  std::vector<std::string> inbound_dispositions;
  // Of the outbound dispositions, those that schedule a callback
  // (pd/core/callback.h): choosing one asks the agent for a time.
  std::vector<std::string> callback_dispositions;
  // How long a personal callback waits for its agent before anyone may take
  // it, 0..kCallbackMaxGraceMinutes (plan_callback clamps).
  int callback_grace_minutes = 15;
  // The contact card's CRM link (pd/core/url_template.h); empty: none. Not
  // part of validate(): a bad link costs the card its link, not the campaign.
  std::string crm_url_template;
  // Predictive mode (migration 0017; docs/predictive.md).
  double abandon_target_pct = 3;  // (0, kMaxAbandonTargetPct]
  AbandonWindow abandon_window = AbandonWindow::kRolling30Days;
  int min_ring_seconds = 15;      // a predictive call rings at least this long
  int connect_limit_seconds = 2;  // Queue(<queue>,,,,<this>): the PBX's wait limit
  int abandon_recall_hours = 72;  // an abandoned number waits this long
  std::string abandon_message;    // sound file played to an abandoned call

  bool needs_agents() const { return mode != DialMode::kAutomatic; }
  bool predictive() const { return mode == DialMode::kPredictive; }
};

// Ok, or an invalid-argument Error listing every problem found, each naming
// the field, separated by "; " (e.g. "mode progressive needs a queue
// destination; dial prefix '9a' may hold only 0-9, * and #").
pd::Status validate(const Campaign& campaign);

}  // namespace pd::core
