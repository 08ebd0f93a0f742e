#include "pd/core/call_progress.h"

namespace pd::core {

std::string_view to_string(ProgressStep step) noexcept {
  switch (step) {
    case ProgressStep::kDialing:
      return "dialing";
    case ProgressStep::kRinging:
      return "ringing";
    case ProgressStep::kConnected:
      return "connected";
    case ProgressStep::kEnded:
      return "ended";
  }
  return "dialing";
}

OutcomeWords describe_outcome(DialStatus status, int cause, std::string_view amd_status,
                              bool customer_dialed, bool lost, bool unknown) noexcept {
  if (unknown) return {"unknown", "Outcome unknown"};
  if (status == DialStatus::kAnswer && amd_status == "MACHINE") status = DialStatus::kMachine;
  switch (status) {
    case DialStatus::kAnswer:
      if (lost) return {"cut_off", "Answered, then cut off"};
      return {"answered", "Answered"};
    case DialStatus::kMachine:
      return {"machine", "Answered by a machine"};
    case DialStatus::kInvalidDestination:
      return {"no_destination", "Answered, but the campaign's destination is missing"};
    case DialStatus::kBusy:
      if (cause == 21) return {"rejected", "Rejected"};
      return {"busy", "Busy"};
    case DialStatus::kNoAnswer:
      return {"no_answer", "No answer"};
    case DialStatus::kCongestion:
      return {"congestion", "Network busy"};
    case DialStatus::kChanUnavail:
      if (cause == 1 || cause == 28) return {"invalid_number", "Number does not exist"};
      return {"unavailable", "Number unavailable"};
    case DialStatus::kFailed:
    case DialStatus::kNone:
      break;
  }
  if (!customer_dialed) return {"not_dialed", "Not dialed"};
  return {"failed", "Failed"};
}

OutcomeWords describe_outcome(const CallResult& r) noexcept {
  return describe_outcome(r.dial_status, r.hangup_cause, r.amd_status, r.customer_dialed, r.lost,
                          r.unknown);
}

ProgressStep CallProgress::step() const noexcept {
  if (ended) return ProgressStep::kEnded;
  if (connected) return ProgressStep::kConnected;
  if (ringing) return ProgressStep::kRinging;
  return ProgressStep::kDialing;
}

bool CallProgress::reached(ProgressStep s) const noexcept {
  switch (s) {
    case ProgressStep::kDialing:
      return true;
    case ProgressStep::kRinging:
      return ringing;
    case ProgressStep::kConnected:
      return connected;
    case ProgressStep::kEnded:
      return ended;
  }
  return false;
}

CallProgress progress_of(const CallState& call) {
  CallProgress p;
  p.ringing = call.customer_rang();
  const bool answered = call.answered_ms() != 0;
  // Remote first the customer answers before any agent: connected once the
  // queue hands it to one. Local first (and preview) the agent's leg came
  // first, so the customer's answer connects them.
  p.connected = answered && (call.agent_connected() || call.leg() == CallLeg::kLocalFirst);
  if (call.ended()) {
    const CallResult& r = call.result();
    p.ended = true;
    // The result is final: an answer it does not count (an unknown end) is
    // not shown as connected either.
    if (r.answered_ms == 0) p.connected = false;
    p.outcome = describe_outcome(r);
  }
  return p;
}

std::optional<CallPhase> shown_phase(const CallProgress& progress) noexcept {
  switch (progress.step()) {
    case ProgressStep::kDialing:
      return CallPhase::kOriginating;
    case ProgressStep::kRinging:
      return CallPhase::kRinging;
    case ProgressStep::kConnected:
      return CallPhase::kAnswered;
    case ProgressStep::kEnded:
      break;
  }
  return std::nullopt;
}

}  // namespace pd::core
