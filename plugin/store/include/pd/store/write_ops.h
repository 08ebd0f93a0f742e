// The writes the engine makes about its calls, queued and written in order,
// in batches, by the store (Store::write, StoreWorker::submit).
//
// Every op is idempotent, because after a lost connection the store cannot
// know whether its last COMMIT took effect and writes the batch again:
//   AttemptStart   INSERT IGNORE of the call row (unique call_id); the lead
//                  moves reserved -> dialing only while this instance owns it.
//   AttemptAnswer  sets answered_at once; the lead moves dialing -> answered.
//   AttemptResult  ends the call row only if it is not ended yet, and only
//                  then updates the lead (state, attempts + 1 when the
//                  attempt counts, next_try_at…): the end of a call is
//                  applied exactly once, and so is its attempt.
//   AttemptWithdrawn  an Originate the PBX refused before any channel
//                  existed (its id in use, pd/core/originate_refusal.h): the
//                  call row is deleted (it was never a call) if it has not
//                  ended; the lead moves dialing -> reserved (the engine
//                  originates it again under a new id) or, with `give_back`,
//                  back to pending/retry with its claim dropped, attempts
//                  untouched either way. A retried batch ends the same
//                  (its start is written and withdrawn again).
//   PendingPrompt  INSERT IGNORE of the agent's prompt (unique agent + call).
//   AgentTag       sets the agent's disposition (a plain overwrite) and
//                  deletes the agent's prompt for the call, in the same
//                  transaction; with a callback, schedules the number again
//                  (the same values each time it is written).
//   InboundTag     writes (or re-tags) the inbound call-log row and deletes
//                  the agent's prompt, in the same transaction.
//   AgentPeriod    a wrap-up or pause of an agent (dialer_agent_events;
//                  unique agent + kind + start): INSERT IGNORE when it
//                  starts (no end), the end set by an upsert when it ends.
//   ComplianceAudit  one dialer_compliance_audit row per Originate (unique
//                  call_id): INSERT IGNORE. Consecutive audit ops of a batch
//                  go in multi-row INSERTs (up to kAuditRowsPerInsert rows
//                  each), so an audit row costs no round trip of its own.
// A lead is changed only while claim_owner is this instance; if its lease
// expired and another instance took it, the call row is still written and
// the lead is left alone (counted as `stale`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "pd/store/records.h"
#include "pd/store/time.h"

namespace pd::store {

struct AttemptStart {
  std::string call_id;  // the ChannelId the engine chose; unique
  std::uint32_t campaign_id = 0;
  std::uint64_t number_id = 0;
  std::string number;
  std::uint16_t attempt = 1;  // Lead::attempts + 1
  TimePoint started_at{};
  std::optional<std::string> unique_id;
};

struct AttemptAnswer {
  std::string call_id;
  std::uint64_t number_id = 0;
  TimePoint answered_at{};
  std::optional<std::string> agent;
  std::optional<std::string> unique_id;
};

struct AttemptResult {
  std::string call_id;
  // Also written when the start row is missing (never queued, or lost with a
  // crashed process): the result then creates the call row itself.
  std::uint32_t campaign_id = 0;
  std::uint64_t number_id = 0;
  std::string number;
  std::uint16_t attempt = 1;
  TimePoint started_at{};

  std::optional<TimePoint> answered_at;
  TimePoint ended_at{};
  // The lead's next state: kRetry (with next_try_at), kDone, kFailed,
  // kClosed or kDnc. Anything else is refused (kInvalidArgument).
  NumberState new_state = NumberState::kDone;
  std::optional<TimePoint> next_try_at;    // required for kRetry
  std::optional<std::string> dial_status;  // ANSWER, BUSY, NOANSWER…
  std::optional<int> hangup_cause;
  std::optional<std::string> disposition;
  std::optional<std::string> dtmf;
  std::optional<std::string> agent;
  std::optional<std::string> unique_id;
  // Group by name: after a success, close the campaign's other pending or
  // retry numbers with the same name.
  bool close_same_name = false;
  // Whether this call uses one of the number's attempts (dialer_numbers.attempts
  // + 1). False when the customer was never dialed (Originate refused, the
  // local leg or the agent not reached): the retry policy requeues those
  // without using an attempt (pd/core/retry_policy.h).
  bool counts_attempt = true;
  // Predictive (migration 0017): the answered call no agent took within the
  // limit (dialer_calls.abandoned; the number's abandoned_at = ended_at), and
  // an answer AMD called a machine (dialer_calls.machine: outside the rate).
  bool abandoned = false;
  bool machine = false;
};

struct AttemptWithdrawn {
  std::string call_id;  // the refused Originate's id
  std::uint64_t number_id = 0;
  // false: the lead stays claimed (reserved) for an Originate under a new id;
  // true: it goes back to the store (pending, or retry when it has attempts).
  bool give_back = false;
};

// A callback the agent scheduled with a callback disposition (migration 0015;
// pd::core::plan_callback checked the time).
struct ScheduledCallback {
  TimePoint due;                            // callback_at, UTC
  std::string agent;                        // personal: the agent; empty: anyone
  std::optional<TimePoint> personal_until;  // personal: from then on anyone
};

struct AgentTag {
  std::string call_id;
  std::uint64_t number_id = 0;
  std::string disposition;
  std::string agent;  // whose prompt (dialer_pending_dispositions) the tag ends
  // With a callback the number is scheduled again in the same transaction:
  // personal -> state callback, anyone -> pending, due at `due`, attempts
  // reset. Only a number no instance holds and that is not on the do-not-call
  // list; otherwise it keeps its state and the op counts as `stale`.
  std::optional<ScheduledCallback> callback;
};

// A wrap-up or pause of an agent (dialer_agent_events), when it starts
// (ended_at empty) and again when it ends.
struct AgentPeriod {
  std::string call_id;  // wrap-up: the call it followed; pause: empty (no call)
  std::string agent;
  bool wrapup = false;            // else a pause
  std::string reason;             // pause: the agent's reason; wrap-up: "wrap-up"
  std::uint32_t campaign_id = 0;  // wrap-up: its campaign; 0: none
  TimePoint started_at{};
  std::optional<TimePoint> ended_at;  // empty: it starts
  std::string ended_by;               // saved, timeout, replaced, stale
};

// The compliance audit of one Originate (migration 0018): each check and the
// value it saw then (pd::core::ComplianceFacts, mapped by the engine).
struct ComplianceAudit {
  std::string call_id;  // the Originate's ChannelId; unique
  std::uint32_t campaign_id = 0;
  std::uint64_t number_id = 0;
  std::string number;
  TimePoint originated_at{};  // UTC
  std::string mode;           // "progressive", "predictive"...
  bool dnc_checked = false;
  bool dnc_listed = false;
  std::string party_zone;  // the called party's IANA zone
  // The called party's wall clock, written as is (not a UTC instant); none:
  // its zone is unknown.
  std::optional<TimePoint> party_local_time;
  std::int32_t window_start_s = 0;  // the campaign's hours, seconds after local midnight
  std::int32_t window_end_s = 0;
  std::string window_days;  // "mon,tue,..."
  bool window_ok = false;
  CampaignFigures figures;
  std::string abandon_window;  // "30d", "day"; empty: none set
};
// Most rows in one multi-row INSERT of audit ops.
inline constexpr std::size_t kAuditRowsPerInsert = 100;

// PendingPrompt and InboundTag: pd/store/records.h.
using WriteOp = std::variant<AttemptStart, AttemptAnswer, AttemptResult, AttemptWithdrawn, AgentTag,
                             PendingPrompt, InboundTag, AgentPeriod, ComplianceAudit>;

// What one written batch did.
struct WriteReport {
  std::size_t ops = 0;         // ops in the batch
  std::size_t applied = 0;     // ops that changed the database
  std::size_t duplicates = 0;  // ops found already applied (a retried batch)
  std::size_t stale = 0;       // call rows written, lead left alone (lease lost)
  WriteReport& operator+=(const WriteReport& o) {
    ops += o.ops;
    applied += o.applied;
    duplicates += o.duplicates;
    stale += o.stale;
    return *this;
  }
};

}  // namespace pd::store
