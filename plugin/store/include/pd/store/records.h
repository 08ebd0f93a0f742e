// What the store reads and writes, as plain values (no SQL, no handles).
// Copyable; no thread rules of their own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pd/store/time.h"

namespace pd::store {

// A campaign number's state (dialer_numbers.state). Final: kDone, kFailed,
// kClosed, kDnc, kUnknown (a call vanished while the engine was away and
// nothing says whether it was answered: never redialed until an admin
// recycles it). See sql/migrations/0001_initial.sql and 0006 for the transitions.
enum class NumberState {
  kPending,
  kReserved,
  kDialing,
  kAnswered,
  kRetry,
  kDone,
  kFailed,
  kClosed,
  kDnc,
  kUnknown,
  kCallback,  // a personal callback waiting for its agent (migration 0015)
};
std::string_view to_string(NumberState s);
std::optional<NumberState> parse_number_state(std::string_view text);
inline constexpr NumberState kAllNumberStates[] = {
    NumberState::kPending, NumberState::kReserved, NumberState::kDialing, NumberState::kAnswered,
    NumberState::kRetry,   NumberState::kDone,     NumberState::kFailed,  NumberState::kClosed,
    NumberState::kDnc,     NumberState::kUnknown,  NumberState::kCallback};

// dialer_settings as name -> value text, with the schema's defaults already
// in the table.
struct Settings {
  std::map<std::string, std::string, std::less<>> values;

  // The value, or `fallback` when the setting is absent.
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  // The value as an integer, or `fallback` when absent or not an integer.
  std::int64_t get_int(std::string_view name, std::int64_t fallback) const;
};

enum class DestinationKind { kQueue, kIvr, kCustom };
enum class DialMode { kAutomatic, kProgressive, kPreview, kPredictive };
enum class InitialLeg { kRemote, kLocal };

struct Campaign {
  std::uint32_t id = 0;
  std::string name;
  DestinationKind destination_kind = DestinationKind::kQueue;
  std::string destination;  // "context,exten,priority"
  std::optional<std::string> queue_name;
  std::optional<std::string> destination_amd;  // nullopt: no AMD
  DialMode mode = DialMode::kProgressive;
  InitialLeg initial_leg = InitialLeg::kRemote;
  std::string dial_prefix;
  std::string caller_id;
  std::optional<std::chrono::year_month_day> start_date, end_date;
  // Seconds since midnight in the campaign's time zone. end <= start: the
  // window crosses midnight.
  std::chrono::seconds start_hour{9 * 3600}, end_hour{18 * 3600};
  // Bit 0 Monday … bit 6 Sunday.
  std::uint8_t week_days = 0x1f;
  std::string time_zone = "UTC";
  bool group_by_name = false;
  std::uint16_t dial_attempts = 3;
  std::uint16_t concurrent_calls = 10;
  std::uint16_t retry_minutes = 30;
  std::uint16_t wrapup_seconds = 0;  // 0: until the disposition is saved
  std::string valid_dtmf;
  std::string script;
  std::string crm_url_template;  // the contact card's CRM link; empty: none
  bool enabled = false;
  TimePoint created_at{}, updated_at{};
  // Disposition names offered to agents, in sort order.
  std::vector<std::string> outbound_dispositions, inbound_dispositions;
  // Of the outbound ones, those marked as callbacks (dialer_dispositions.is_callback;
  // an inbound call has no number to call back).
  std::vector<std::string> callback_dispositions;
  // How long a personal callback waits for its agent (migration 0015).
  std::uint16_t callback_grace_minutes = 0;
  // Predictive mode (migration 0017).
  double abandon_target_pct = 3;
  std::string abandon_window = "30d";  // "30d" or "day"
  std::uint16_t min_ring_seconds = 15;
  std::uint16_t connect_limit_seconds = 2;
  std::uint16_t abandon_recall_hours = 72;
  std::string abandon_message;
};

// A cheap summary of the configuration tables: when it changes, reload.
// Catches edits (max updated_at), inserts and deletes (count, id sum) of
// campaigns and settings and any change to the campaign dispositions.
struct ConfigFingerprint {
  std::uint64_t campaigns = 0;
  std::uint64_t campaign_id_sum = 0;
  std::string campaigns_updated;
  std::uint64_t settings = 0;
  std::string settings_updated;
  std::uint64_t dispositions = 0;
  std::uint64_t dispositions_hash = 0;
  bool operator==(const ConfigFingerprint&) const = default;
};

// A lead claimed by this instance (state kReserved, claim_owner = instance).
struct Lead {
  std::uint64_t id = 0;
  std::uint32_t campaign_id = 0;
  std::optional<std::uint64_t> contact_id;
  std::string name;
  std::string number;
  std::string caller_id;
  std::string variables;  // "a=1|b=2"
  std::optional<std::string> time_zone;
  std::int16_t priority = 0;
  std::uint16_t attempts = 0;                          // attempts made before this claim
  NumberState previous_state = NumberState::kPending;  // before the claim
  TimePoint next_try_at{};
  TimePoint claim_expires_at{};
  // When a call to it was last abandoned (migration 0017); none: never.
  std::optional<TimePoint> abandoned_at;
};

// A personal callback due now, claimed for its agent (Store::claim_callbacks).
struct PersonalCallback {
  std::string agent;  // dialer_numbers.callback_agent
  Lead lead;          // reserved for this instance, like a claimed lead
};

// A number to add to a campaign (add_numbers).
struct NewNumber {
  std::string number;
  std::string name;
  std::string caller_id;
  std::string variables;
  std::int16_t priority = 0;
  std::optional<std::uint64_t> contact_id;
  // The number's own time zone (an IANA name the caller checked); nullopt:
  // the campaign's.
  std::optional<std::string> time_zone;
  // Not dialed before this time (a scheduled call); nullopt: as soon as the
  // campaign may.
  std::optional<TimePoint> not_before;
};

// A do-not-call entry as the admin page and pdctl write it: a normalised
// number, a reason, an optional expiry ("YYYY-MM-DD 23:59:59.999", UTC).
struct DncEntry {
  std::string number;
  std::string reason;
  std::optional<std::string> expires;
};

// What an API or pdctl may change on one campaign number (nullopt: kept).
struct NumberChange {
  std::optional<std::string> name;
  std::optional<std::string> caller_id;
  std::optional<std::string> variables;
  std::optional<std::int16_t> priority;
  std::optional<TimePoint> not_before;
};

// A call this instance started and saw no end of (the process died): what
// the engine needs to follow it again after a restart.
struct OpenCall {
  std::string call_id;
  Lead lead;  // id, campaign_id, name, number, attempts (this call not counted yet)
  std::string campaign_name;
  TimePoint started_at{};
  bool local_first = false;  // local first leg or preview: the customer is dialed second
  std::string valid_dtmf;
};

// A queue the engine sees on its PBX (the admin's destination chooser).
struct QueueSeen {
  std::string name;
  std::uint32_t members = 0;
  std::uint32_t free_members = 0;
};

// A campaign's live pacing figures as the store writes them (migration 0018;
// the engine copies pd::core::PacingFigures, the store does not depend on the
// core). Percentages are 0..100.
struct CampaignFigures {
  double dial_level = 0;
  double answer_rate_pct = 0;
  double abandon_rate_pct = 0;
  std::uint64_t abandoned_in_window = 0;
  std::uint64_t answered_in_window = 0;
  double abandon_target_pct = 3;
  double occupancy_pct = 0;
  bool fallback = false;  // predictive_fallback: one call per free agent
};

// One minute of a campaign's figures (dialer_pacing_samples), for the
// dashboard's chart over the day.
struct PacingSample {
  std::uint32_t campaign_id = 0;
  TimePoint minute{};  // UTC; written as the start of its minute
  CampaignFigures figures;
  std::uint32_t live_calls = 0;
};

// What purge_history() deleted.
struct PurgeReport {
  std::size_t audit_rows = 0;
  std::size_t samples = 0;
};

// What this instance says about a campaign, for the dashboard.
struct CampaignStatus {
  std::uint32_t campaign_id = 0;
  bool open_now = false;
  std::int64_t seconds_left_today = 0;
  std::optional<TimePoint> next_open_at;
  std::uint32_t live_calls = 0;            // on the wire (migration 0014: queued ones apart)
  std::uint32_t queued_calls = 0;          // handed to panelhost, waiting behind its AMI rate cap
  std::string problem;                     // why the engine will not dial it; empty when it will
  std::optional<TimePoint> problem_since;  // when that problem began
  CampaignFigures figures;                 // migration 0018
};

// An agent's disposition of an inbound queue call (no lead behind it).
struct InboundTag {
  std::string call_id;
  std::uint32_t campaign_id = 0;
  std::string number;  // the caller's, may be empty
  std::string agent;
  std::string disposition;
};

// A call an agent took and has yet to tag (dialer_pending_dispositions): a
// write op when the engine creates it, a row of pending_prompts() when read.
struct PendingPrompt {
  std::string call_id;
  std::string agent;
  std::uint32_t campaign_id = 0;
  bool inbound = false;
  std::uint64_t number_id = 0;  // outbound: the lead; inbound: 0
  std::string number;           // may be empty (an inbound caller's number not dialable)
  TimePoint created_at{};
  std::string name;       // read only: the lead's contact name ("" inbound or unknown)
  std::string variables;  // read only: the lead's variables, for its contact card
};

// One agent's stored prompts: the oldest (oldest first) and how many in all.
struct PendingPrompts {
  std::vector<PendingPrompt> oldest;
  std::uint64_t total = 0;
};

// What an agent did in a time range (the panel's "today"): the calls they
// took (started in the range), talk time, their tags by name, and their
// finished wrap-ups and pauses (dialer_agent_events) that started in it.
struct AgentDay {
  std::uint64_t calls = 0;
  std::int64_t talk_seconds = 0;
  std::uint64_t wrapups = 0;
  std::int64_t wrapup_seconds = 0;
  std::uint64_t pauses = 0;
  std::int64_t pause_seconds = 0;
  std::vector<std::pair<std::string, std::uint64_t>> dispositions;  // most chosen first
};

// Predictive: a campaign's answered live calls (AMD machines excluded) and
// those abandoned, in one hour (dialer_calls by answered_at; hour = epoch
// seconds / 3600).
struct AbandonHour {
  std::int64_t hour = 0;
  std::uint32_t answered = 0;
  std::uint32_t abandoned = 0;
};

// One engine instance's heartbeat row.
struct Heartbeat {
  std::string version;
  std::string hostname;
  TimePoint started_at{};
  std::uint32_t active_calls = 0;  // calls on the wire
  bool ami_up = false;
  // Result writes the server refused since this instance started (each was
  // dropped after being written alone; see StoreWorkerOptions::on_write_error),
  // the last one's error and when it came. Store::heartbeat cuts the message
  // to its column (255 characters).
  std::uint32_t writes_refused = 0;
  std::string last_write_error;
  std::optional<TimePoint> last_write_error_at;
  // Migration 0014: calls handed to panelhost not yet written to the AMI
  // socket; all of this engine's AMI actions waiting there; the host's cap
  // (ami.rate) and the calls a second it carries, both absent when the host
  // does not report them (ABI before 2.2).
  std::uint32_t calls_queued = 0;
  std::uint32_t ami_queued = 0;
  std::optional<double> ami_rate;
  std::optional<double> cps_ceiling;
  // Migration 0016: whether this engine writes the dialplan helpers, and to
  // which file (the host config may override the database's setting); an
  // empty file is written as NULL.
  bool writes_dialplan = false;
  std::string extensions_conf;
};

}  // namespace pd::store
