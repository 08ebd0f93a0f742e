// What the agent's panel shows of a call: the steps events reported and, once
// it ended, its outcome in words a person understands.
//
// Steps (docs/panel-protocol.md, call.progress):
//   dialing    the Originate was sent (the engine's own act)
//   ringing    the customer's phone rang: DialState RINGING of the customer's
//              dial (remote first: the Originate's own dial; local first and
//              preview: the helper's Dial to the customer). Never painted
//              from time or from a later step: a busy customer has no ringing.
//   connected  the customer is on the line with the agent: remote first, an
//              AgentConnect (the customer answered before the queue ran);
//              local first and preview, the customer's answer (DialEnd
//              ANSWER; the agent's leg answered first).
//   ended      the call's last channel hung up (Hangup), or the engine ended
//              it (lost, unknown).
// A step no event reported stays unreached even when a later one is reached
// (busy: dialing, ended).
//
// Outcome words come from the final dial status, refined by the hangup cause
// and the AMD status (describe_outcome); they are the panel's text, the raw
// dial status stays in the database and the call log.
//
// Threads: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

#include "pd/core/call_state.h"

namespace pd::core {

enum class ProgressStep { kDialing, kRinging, kConnected, kEnded };
// "dialing", "ringing", "connected", "ended": the panel protocol's words.
std::string_view to_string(ProgressStep step) noexcept;

// An ended call's outcome: `code` a stable token for the panel and tests
// ("busy"), `words` the text shown ("Busy").
struct OutcomeWords {
  std::string_view code;
  std::string_view words;
  bool operator==(const OutcomeWords&) const = default;
};

// The outcome of an ended call:
//   unknown (end_unknown)                       unknown          "Outcome unknown"
//   never dialed (Originate refused / failed
//     before the customer's dial)               not_dialed       "Not dialed"
//   ANSWER, lost with the PBX                   cut_off          "Answered, then cut off"
//   ANSWER                                      answered         "Answered"
//   MACHINE (or ANSWER with AMD MACHINE)        machine          "Answered by a machine"
//   INVALID_DESTINATION                         no_destination   "Answered, but the campaign's
//   destination is missing" BUSY, cause 21                              rejected         "Rejected"
//   BUSY                                        busy             "Busy"
//   NOANSWER                                    no_answer        "No answer"
//   CONGESTION                                  congestion       "Network busy"
//   CHANUNAVAIL, cause 1 / 28                   invalid_number   "Number does not exist"
//   CHANUNAVAIL                                 unavailable      "Number unavailable"
//   FAILED, other or none                       failed           "Failed"
OutcomeWords describe_outcome(const CallResult& result) noexcept;
// The same from its parts (an AMD status "MACHINE" turns an ANSWER into
// a machine; `cause` < 0: not known).
OutcomeWords describe_outcome(DialStatus status, int cause, std::string_view amd_status,
                              bool customer_dialed = true, bool lost = false,
                              bool unknown = false) noexcept;

// The steps of one call as its events reported them.
struct CallProgress {
  bool ringing = false;
  bool connected = false;
  bool ended = false;
  std::optional<OutcomeWords> outcome;  // once ended

  // The furthest step reached (dialing at least).
  ProgressStep step() const noexcept;
  bool reached(ProgressStep step) const noexcept;
  bool operator==(const CallProgress&) const = default;
};

// The progress of `call` now. O(1).
CallProgress progress_of(const CallState& call);

// The call phase an agent's status is told from (AgentDesk::status), so that
// the status pill says what the steps say: dialing -> kOriginating, ringing ->
// kRinging, connected -> kAnswered; nullopt once ended.
std::optional<CallPhase> shown_phase(const CallProgress& progress) noexcept;

}  // namespace pd::core
