// The state machine of one call attempt, from the Originate to its result.
//
//   created -> originating -> (ringing) -> answered -> (agent connected) -> ended
//
// phase() is the furthest step reached and only moves forward; `ended` is
// final and later events are ignored. In a local-first call the agent answers
// before the customer's phone rings, so read what just happened from the
// CallChange bits each input returns, not from the phase.
//
// Inputs (AMI events, see ../shared/ami-traces), fed with apply() or the
// typed methods:
//   Response: Error to the Originate (trace 13)   -> rejected, ends at once
//   OriginateResponse Response/Reason             -> the Originate's outcome
//     (4 answered, 5 busy, 8 congestion, 3 ring timeout, 1 hangup, 0 failure)
//   DialBegin/DialState/DialEnd                   -> ringing, dial status
//   AgentConnect / AgentComplete                  -> agent (MemberName, Interface)
//   DTMFEnd Direction=Received                    -> digits
//   UserEvent PanelDialerAMD  Status=MACHINE|HUMAN|NOTSURE|HANGUP
//   UserEvent PanelDialerDial Status=<DIALSTATUS>  (the helper dialplan's)
//   Newchannel / CoreShowChannel / Hangup         -> the call's live channels
//
// When a call ends: once the Originate's outcome is known (OriginateResponse
// or a rejection) and every channel of the call seen alive (Newchannel with
// Linkedid = the call id: both Local halves, agent channels) has hung up. The
// order of OriginateResponse, Newchannel, DialEnd and the Hangups is not fixed
// on a real Asterisk (a failed Originate's OriginateResponse can come 1 ms
// before its Newchannel, real-behaviours/originateresponse-before-newchannel),
// so a failure that arrives before any channel was seen waits
// CallSettings::settle_ms for the channels to show up; expire() ends it when
// none did (trace 14: no channel at all), with the OriginateResponse's time.
// A call that gets neither (AMI link lost) ends through expire() or
// end_lost(), or through recovered milestones (see Milestones).
//
// Which call is "the customer's": the leg decides.
//  - Remote first: the Originate's own dial (DialEnd with only Dest* fields,
//    DestUniqueid = call id) and OriginateResponse describe the customer;
//    the ";2" half's Hangup Cause is the customer's real cause (the ";1"
//    half says 0 for busy and congestion).
//  - Local first and preview: the Originate reaches the queue / the agent;
//    the customer is dialed by the helper context on the channel whose
//    Uniqueid is the call id (DialBegin/DialEnd with Uniqueid = call id). The
//    customer's channels have Uniqueids of their own (only their Linkedid is
//    the call id): the dialed one is the DialBegin's DestUniqueid, and when it
//    is a Local ";1" half its ";2" partner (same DestChannel name, ";2") is
//    the customer's too. A cause of 0 never hides a real one: the ";1" half
//    of a busy customer says 0, the ";2" half 17
//    (real-behaviours/preview-local-first-busy).
//
// Final dial status (first rule that applies):
//  1. The Originate was rejected (Response: Error): FAILED, customer not dialed.
//  2. A PanelDialerDial UserEvent: its Status (the dialplan saw DIALSTATUS).
//  3. Remote first:
//     Reason 4 -> ANSWER; 5 -> BUSY; 8 -> CONGESTION; 3 -> NOANSWER (a ring
//     timeout has no DialEnd, trace 04). Reason 0/1 or other: the own
//     DialEnd if it says BUSY/CONGESTION/CHANUNAVAIL; else the ";2" Hangup
//     Cause (17 BUSY; 34/38/41/42/44/47 CONGESTION; 1/2/3/20/22/27/28
//     CHANUNAVAIL; 18/19 NOANSWER; 21 BUSY); else the own DialEnd; else
//     NOANSWER for Reason 1, FAILED otherwise. So the unallocated number of
//     trace 06 (Reason 0, DialEnd NOANSWER, Cause 1) is CHANUNAVAIL, and a
//     missing channel technology (trace 14: Reason 0, nothing else) is FAILED.
//  4. Local first / preview: if the Originate failed, the customer was never
//     dialed: FAILED with customer_dialed = false (the lead goes back without
//     using an attempt). Else the customer DialEnd's status; else NOANSWER
//     when a customer dial began but never ended; else ANSWER (the local leg
//     itself went to the customer, as in trace 15).
//  5. ANSWER becomes MACHINE when PanelDialerAMD said MACHINE.
//  6. INVALID_DESTINATION when the helper context found the destination
//     missing (UserEvent PanelDialerDest Status=INVALID, or the milestone
//     dest=invalid): the customer answered and was hung up on.
// DIALSTATUS words: CANCEL counts as NOANSWER; DONTCALL, TORTURE, INVALIDARGS
// and unknown words as FAILED.
//
// Disposition for the dashboard (first rule that applies):
//   "Unknown" the call vanished while the engine was away and nothing says
//             whether it was answered (end_unknown()): never redialed, shown
//             to the admin;
//   "Agent"   an AgentConnect happened (the call reached a person);
//   "DTMF_<d>" the first valid digit received (valid = in the campaign's list);
//   "Abandoned" answered, then lost with the PBX (the link came back without
//             its channels and no milestone says it ended): the customer was
//             cut off by the system, not served;
//   "Ok"      the final dial status equals the Ok disposition setting
//             (default ANSWER; compared ignoring case);
//   "Failed"  otherwise.
// Agent wins over DTMF because delivering to an agent is what the campaign
// exists for and the agent tags the call; the digits stay in `dtmf` anyway.
//
// DTMF: only Direction=Received on the customer's channel counts (remote
// first: Uniqueid = call id; local first: the channel the customer DialBegin
// named, else Uniqueid = call id), and only digits in the valid list are kept
// (at most 32).
//
// Cost: every input is O(1) (a call has a handful of channels).
// Threads: not thread-safe; one owner thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pd/core/ami_event.h"
#include "pd/core/clock.h"

namespace pd::core {

enum class CallPhase { kCreated, kOriginating, kRinging, kAnswered, kAgentConnected, kEnded };
std::string_view to_string(CallPhase phase) noexcept;

enum class DialStatus {
  kNone,  // not known (yet)
  kAnswer,
  kBusy,
  kNoAnswer,
  kCongestion,
  kChanUnavail,
  kFailed,
  kMachine,
  kInvalidDestination,  // answered, but the campaign's destination is not in the dialplan
};
// "ANSWER", "BUSY", "NOANSWER", "CONGESTION", "CHANUNAVAIL", "FAILED", "MACHINE",
// "INVALID_DESTINATION"; "" for kNone.
std::string_view to_string(DialStatus status) noexcept;
// An Asterisk DIALSTATUS word (see the mapping above); kNone for "".
DialStatus dial_status_from_word(std::string_view word) noexcept;
// An OriginateResponse Reason.
DialStatus dial_status_from_reason(int reason) noexcept;
// A Q.850 hangup cause; kNone when the cause says nothing about the outcome (0, 16...).
DialStatus dial_status_from_cause(int cause) noexcept;

enum class CallLeg {
  kRemoteFirst,  // customer first
  kLocalFirst,   // queue / agent first, then the customer (also preview)
};

struct CallSettings {
  CallLeg leg = CallLeg::kRemoteFirst;
  std::string ok_disposition = "ANSWER";
  std::string valid_dtmf;  // e.g. "12#"
  // Absolute time after which a call still waiting for the Originate's
  // outcome is ended as lost by expire(); 0 = never. Set it to the send time
  // + Originate Timeout + a margin.
  EpochMs originate_deadline_ms = 0;
  // When > 0, originate_sent(t) sets originate_deadline_ms to t + this: the
  // deadline runs from when the Originate went onto the wire, not from when
  // it was handed to a host that queued it (CallTable::written).
  EpochMs originate_timeout_ms = 0;
  // How long a failed Originate whose channels were not seen yet waits for
  // them (their Newchannel may follow the OriginateResponse).
  EpochMs settle_ms = 2000;
};

// UserEvent names raised by the helper dialplan.
struct CallEventNames {
  std::string amd = "PanelDialerAMD";
  std::string dial = "PanelDialerDial";
  std::string destination = "PanelDialerDest";  // Status=INVALID: the destination is missing
  // Predictive: the answered call waited the connect limit in the queue
  // without an agent (Status=<QUEUESTATUS>); it hears the message, hangs up.
  std::string abandon = "PanelDialerAbandon";
};

// What the helper dialplan recorded of one call in the Asterisk database,
// family kMilestoneFamily, key "<call id>/<name>" (docs/milestones.md): read
// back with DBGetTree for the calls whose end the engine did not see (a
// restart, a lost AMI link), so that what happened meanwhile is known.
inline constexpr std::string_view kMilestoneFamily = "paneldialer";
struct Milestones {
  EpochMs answered_ms = 0;   // the customer answered
  EpochMs ended_ms = 0;      // the Originate's channel hung up
  int cause = -1;            // that channel's HANGUPCAUSE
  std::string agent;         // MEMBERINTERFACE of the queue member it was connected to
  std::string amd;           // AMDSTATUS
  std::string dest;          // "ok" / "invalid"
  std::string dial_status;   // the customer dial's DIALSTATUS (local first / preview)
  EpochMs abandoned_ms = 0;  // predictive: no agent within the connect limit

  bool empty() const {
    return answered_ms == 0 && ended_ms == 0 && cause < 0 && agent.empty() && amd.empty() &&
           dest.empty() && dial_status.empty() && abandoned_ms == 0;
  }
  // Takes one DBGetTreeResponse / DBGetResponse entry. `key` is
  // "<call id>/<name>", with or without a leading "/paneldialer/"; values are
  // cut to 64 characters. False when the key is not a milestone of `call_id`.
  bool take(std::string_view call_id, std::string_view key, std::string_view value);
};

struct CallResult {
  DialStatus dial_status = DialStatus::kNone;
  std::string disposition;         // "Ok", "Agent", "DTMF_<d>", "Failed"
  bool customer_dialed = false;    // false: the customer's phone never rang (attempt not used)
  bool lost = false;               // ended by expire()/end_lost(), not by Asterisk's events
  bool unknown = false;            // ended by end_unknown(): whether it was answered is not known
  bool recovered = false;          // its end came from milestones, not from events
  bool originate_refused = false;  // Response: Error to the Originate: no channel ever existed
  bool channels_seen = false;      // a channel of the call was seen alive (Newchannel...)
  std::string agent;               // MemberName, else Interface; empty without AgentConnect
  std::string agent_interface;
  std::string dtmf;           // valid digits received, in order
  std::string amd_status;     // PanelDialerAMD Status as sent, if any
  int originate_reason = -1;  // -1: no OriginateResponse
  // The customer channel's cause when known and not 0, else the call id
  // channel's when not 0, else 0 if a channel said so; -1: no Hangup seen.
  int hangup_cause = -1;
  std::string error;  // why the Originate was refused, or why the call was lost
  EpochMs created_ms = 0;
  EpochMs answered_ms = 0;  // 0: never answered
  EpochMs ended_ms = 0;
  // Predictive: answered by a person, no agent within the connect limit
  // (PanelDialerAbandon); disposition "Abandoned".
  bool abandoned = false;
};

// What one input changed, as bits (several may be set at once).
enum CallChange : uint32_t {
  kNoChange = 0,
  kRinging = 1u << 0,
  kAnswered = 1u << 1,
  kAgentConnected = 1u << 2,
  kAgentCompleted = 1u << 3,  // the agent's panel gets the outbound dispositions now
  kDtmfReceived = 1u << 4,
  kEnded = 1u << 5,      // result() is final; remove the call from the table
  kAbandoned = 1u << 6,  // PanelDialerAbandon: no agent took the answered call within the limit
};
using CallChanges = uint32_t;

class CallState {
 public:
  CallState(std::string call_id, CallSettings settings, EpochMs created_ms);

  const std::string& call_id() const { return call_id_; }
  const CallSettings& settings() const { return settings_; }
  CallPhase phase() const { return phase_; }
  bool ended() const { return phase_ == CallPhase::kEnded; }
  bool agent_connected() const { return agent_connected_; }
  // A DialState RINGING of the customer's dial was seen (never inferred).
  bool customer_rang() const { return customer_ringing_; }
  CallLeg leg() const { return settings_.leg; }
  bool originate_outcome_known() const { return originate_known_; }
  size_t live_channels() const { return live_channels_.size(); }
  // When the customer answered (0: not known to have answered).
  EpochMs answered_ms() const { return answered_ms_; }
  // The queue member it was connected to (AgentConnect, or a milestone).
  const std::string& agent_interface() const { return agent_interface_; }
  // Valid once ended().
  const CallResult& result() const { return result_; }

  // Routes one AMI message that belongs to this call (the CallTable decides that).
  CallChanges apply(const AmiEvent& event, EpochMs now, const CallEventNames& names);

  // ---- typed inputs (apply() calls these) ----
  // The Originate was written to the AMI socket at `now` (see
  // CallSettings::originate_timeout_ms). sent_ms() says when (0: not yet).
  CallChanges originate_sent(EpochMs now);
  EpochMs sent_ms() const { return sent_ms_; }
  CallChanges originate_rejected(std::string_view message, EpochMs now);
  CallChanges originate_response(bool success, int reason, EpochMs now);
  CallChanges channel_alive(std::string_view uniqueid, bool up, EpochMs now);
  // `channel`: the channel's name, when known (finds a customer's ";2" half).
  CallChanges channel_hangup(std::string_view uniqueid, int cause, EpochMs now,
                             std::string_view channel = {});
  // The Originate's own dial (remote first: the customer; local first: the local leg).
  CallChanges own_dial_ringing(EpochMs now);
  CallChanges own_dial_end(DialStatus status, EpochMs now);
  // The customer dial of a local-first / preview call (Uniqueid = call id).
  CallChanges customer_dial_begin(std::string_view customer_uniqueid, EpochMs now,
                                  std::string_view customer_channel = {});
  CallChanges customer_dial_ringing(EpochMs now);
  CallChanges customer_dial_end(DialStatus status, EpochMs now);
  CallChanges agent_connect(std::string_view member_name, std::string_view interface, EpochMs now);
  CallChanges agent_complete(EpochMs now);
  CallChanges dtmf_received(std::string_view digit, EpochMs now);
  CallChanges amd_result(std::string_view status, EpochMs now);
  CallChanges dial_result(std::string_view dial_status_word, EpochMs now);
  CallChanges destination_result(std::string_view status, EpochMs now);
  CallChanges abandon_result(std::string_view status, EpochMs now);
  // When an agent took the call (0: none yet).
  EpochMs agent_connected_ms() const { return agent_connected_ms_; }

  // Ends the call as lost when it still waits for the Originate's outcome past
  // settings().originate_deadline_ms; ends a failed Originate whose channels
  // never showed up once settle_ms has passed.
  CallChanges expire(EpochMs now);
  // Ends the call at `at`, keeping what is known (e.g. it vanished while the
  // AMI link was down; `at` = when the link was lost). `why` goes to
  // result().error.
  CallChanges end_lost(std::string_view why, EpochMs at);
  // Ends a call whose channels are gone and whose milestones cannot be read:
  // if it is not known to have ended unanswered, it may have been answered,
  // so it is never redialed ("Unknown").
  CallChanges end_unknown(std::string_view why, EpochMs at);

  // Recovery (after a restart or a reconnect): merges what the helper
  // dialplan recorded (answer time, agent, AMD, destination, customer dial
  // status, end). Returns kAnswered / kAgentConnected when they are news.
  CallChanges apply_milestones(const Milestones& milestones);
  // Then, when no channel of the call is left: ends it with the recorded end
  // (ended_ms, cause) when there is one, else as lost at `lost_at` (the PBX
  // went away before the call's end was recorded). kNoChange while channels
  // are alive: their events end the call.
  CallChanges finish_recovery(EpochMs lost_at);

  // Reconciliation after an AMI reconnect: begin forgets the live channels
  // (Hangups may have been missed); CoreShowChannel events then re-add the
  // live ones; finish, when the Originate's outcome was missed but the call
  // id's channel is Up, takes the Originate as answered. Calls with no
  // channel left are not ended here: gone() says so, and the caller reads
  // their milestones, then apply_milestones() + finish_recovery().
  void begin_reconcile();
  CallChanges finish_reconcile(EpochMs now);
  bool gone() const { return !ended() && live_channels_.empty(); }

 private:
  bool is_primary(std::string_view uniqueid) const { return uniqueid == call_id_; }
  bool is_second_half(std::string_view uniqueid) const;
  bool is_customer_channel(std::string_view uniqueid) const;
  CallChanges advance(CallPhase phase);
  CallChanges mark_ringing();
  CallChanges mark_answered(EpochMs now);
  CallChanges maybe_end(EpochMs now);
  CallChanges end(EpochMs now);
  void note_customer_cause(int cause);
  DialStatus final_dial_status(bool& customer_dialed) const;

  std::string call_id_;
  CallSettings settings_;
  CallPhase phase_ = CallPhase::kCreated;
  CallResult result_;
  EpochMs sent_ms_ = 0;

  EpochMs answered_ms_ = 0;
  bool customer_ringing_ = false;
  EpochMs local_leg_answered_ms_ = 0;

  bool originate_known_ = false;
  EpochMs originate_known_ms_ = 0;
  bool channels_seen_ = false;  // any channel of the call seen alive
  bool originate_success_ = false;
  bool rejected_ = false;
  int originate_reason_ = -1;
  std::string error_;

  DialStatus own_dial_status_ = DialStatus::kNone;
  DialStatus customer_dial_status_ = DialStatus::kNone;
  DialStatus user_dial_status_ = DialStatus::kNone;
  bool customer_dial_begun_ = false;
  std::string customer_channel_;  // local first: the customer's Uniqueid
  std::string customer_partner_;  // local first: the name of its ";2" half, if Local
  bool invalid_destination_ = false;
  EpochMs recorded_end_ms_ = 0;  // milestone "ended"

  bool amd_machine_ = false;
  std::string amd_status_;

  bool agent_connected_ = false;
  EpochMs agent_connected_ms_ = 0;
  bool abandoned_ = false;
  bool agent_completed_ = false;
  std::string agent_name_;
  std::string agent_interface_;

  std::string dtmf_;

  std::vector<uint64_t> live_channels_;  // hashes of the live channels' Uniqueids
  bool primary_up_ = false;              // seen Up during reconciliation
  int customer_cause_ = -1;
  int primary_cause_ = -1;
};

}  // namespace pd::core
