#include "pd/core/call_state.h"
#include "parse_int.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace pd::core {
namespace {

using detail::to_int;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

uint64_t channel_key(std::string_view uniqueid) {
  return std::hash<std::string_view>{}(uniqueid);
}

}  // namespace

std::string_view to_string(CallPhase phase) noexcept {
  switch (phase) {
    case CallPhase::kCreated:
      return "created";
    case CallPhase::kOriginating:
      return "originating";
    case CallPhase::kRinging:
      return "ringing";
    case CallPhase::kAnswered:
      return "answered";
    case CallPhase::kAgentConnected:
      return "agent_connected";
    case CallPhase::kEnded:
      return "ended";
  }
  return "?";
}

std::string_view to_string(DialStatus status) noexcept {
  switch (status) {
    case DialStatus::kNone:
      return "";
    case DialStatus::kAnswer:
      return "ANSWER";
    case DialStatus::kBusy:
      return "BUSY";
    case DialStatus::kNoAnswer:
      return "NOANSWER";
    case DialStatus::kCongestion:
      return "CONGESTION";
    case DialStatus::kChanUnavail:
      return "CHANUNAVAIL";
    case DialStatus::kFailed:
      return "FAILED";
    case DialStatus::kMachine:
      return "MACHINE";
    case DialStatus::kInvalidDestination:
      return "INVALID_DESTINATION";
  }
  return "";
}

DialStatus dial_status_from_word(std::string_view word) noexcept {
  if (word.empty()) return DialStatus::kNone;
  if (word == "ANSWER") return DialStatus::kAnswer;
  if (word == "BUSY") return DialStatus::kBusy;
  if (word == "NOANSWER" || word == "CANCEL") return DialStatus::kNoAnswer;
  if (word == "CONGESTION") return DialStatus::kCongestion;
  if (word == "CHANUNAVAIL") return DialStatus::kChanUnavail;
  if (word == "MACHINE") return DialStatus::kMachine;
  if (word == "INVALID_DESTINATION") return DialStatus::kInvalidDestination;
  return DialStatus::kFailed;  // DONTCALL, TORTURE, INVALIDARGS, FAILED, unknown words
}

DialStatus dial_status_from_reason(int reason) noexcept {
  switch (reason) {
    case 4:
      return DialStatus::kAnswer;
    case 5:
      return DialStatus::kBusy;
    case 8:
      return DialStatus::kCongestion;
    case 1:
    case 3:
      return DialStatus::kNoAnswer;
    default:
      return DialStatus::kFailed;
  }
}

DialStatus dial_status_from_cause(int cause) noexcept {
  switch (cause) {
    case 17:  // user busy
    case 21:  // call rejected
      return DialStatus::kBusy;
    case 34:  // no circuit available
    case 38:  // network out of order
    case 41:  // temporary failure
    case 42:  // switching equipment congestion
    case 44:  // requested channel not available
    case 47:  // resource unavailable
      return DialStatus::kCongestion;
    case 1:   // unallocated number
    case 2:   // no route to transit network
    case 3:   // no route to destination
    case 20:  // subscriber absent
    case 22:  // number changed
    case 27:  // destination out of order
    case 28:  // invalid number format
      return DialStatus::kChanUnavail;
    case 18:  // no user responding
    case 19:  // no answer
      return DialStatus::kNoAnswer;
    default:
      return DialStatus::kNone;
  }
}

bool Milestones::take(std::string_view call_id, std::string_view key, std::string_view value) {
  if (key.starts_with('/')) key.remove_prefix(1);
  if (key.starts_with(kMilestoneFamily) && key.size() > kMilestoneFamily.size() &&
      key[kMilestoneFamily.size()] == '/') {
    key.remove_prefix(kMilestoneFamily.size() + 1);
  }
  if (!key.starts_with(call_id) || key.size() <= call_id.size() + 1 || key[call_id.size()] != '/') {
    return false;
  }
  const std::string_view name = key.substr(call_id.size() + 1);
  value = value.substr(0, 64);
  auto epoch_ms = [](std::string_view text) -> EpochMs {
    // "1795838232182" (STRFTIME %s%3q); "1795838232.182" is taken too.
    EpochMs ms = 0;
    int decimals = -1;
    for (char c : text) {
      if (c == '.' && decimals < 0) {
        decimals = 0;
        continue;
      }
      if (c < '0' || c > '9') return 0;
      if (decimals >= 3) continue;
      ms = ms * 10 + (c - '0');
      if (decimals >= 0) ++decimals;
    }
    if (decimals >= 0) {
      for (; decimals < 3; ++decimals) ms *= 10;
    }
    return ms;
  };
  if (name == "answered") {
    answered_ms = epoch_ms(value);
  } else if (name == "ended") {
    ended_ms = epoch_ms(value);
  } else if (name == "cause") {
    cause = to_int(value, -1);
  } else if (name == "agent") {
    agent = std::string(value);
  } else if (name == "amd") {
    amd = std::string(value);
  } else if (name == "dest") {
    dest = std::string(value);
  } else if (name == "dialstatus") {
    dial_status = std::string(value);
  } else if (name == "abandoned") {
    abandoned_ms = epoch_ms(value);
  } else {
    return false;
  }
  return true;
}

CallState::CallState(std::string call_id, CallSettings settings, EpochMs created_ms)
    : call_id_(std::move(call_id)), settings_(std::move(settings)) {
  result_.created_ms = created_ms;
}

bool CallState::is_second_half(std::string_view uniqueid) const {
  return uniqueid.size() == call_id_.size() + 2 && uniqueid.starts_with(call_id_) &&
         uniqueid.ends_with(";2");
}

bool CallState::is_customer_channel(std::string_view uniqueid) const {
  if (settings_.leg == CallLeg::kRemoteFirst) return is_primary(uniqueid);
  return customer_channel_.empty() ? is_primary(uniqueid) : uniqueid == customer_channel_;
}

CallChanges CallState::apply(const AmiEvent& e, EpochMs now, const CallEventNames& names) {
  if (ended()) return kNoChange;
  const std::string_view name = e.event;
  if (name.empty()) {
    // A Response routed here by ActionID: only the Originate's own matters.
    return e.response == "Error" ? originate_rejected(e.message, now) : kNoChange;
  }
  // The Originate's own Dial* events carry only Dest* fields.
  const bool own_dial = e.uniqueid.empty() && e.dest_uniqueid == call_id_;
  const bool customer_dial = settings_.leg == CallLeg::kLocalFirst && is_primary(e.uniqueid);

  if (name == "Newchannel") return channel_alive(e.uniqueid, false, now);
  if (name == "Hangup") return channel_hangup(e.uniqueid, to_int(e.cause, -1), now, e.channel);
  if (name == "DialBegin") {
    return customer_dial ? customer_dial_begin(e.dest_uniqueid, now, e.dest_channel) : kNoChange;
  }
  if (name == "DialState") {
    if (e.dial_status != "RINGING") return kNoChange;
    if (own_dial) return own_dial_ringing(now);
    return customer_dial ? customer_dial_ringing(now) : kNoChange;
  }
  if (name == "DialEnd") {
    const DialStatus status = dial_status_from_word(e.dial_status);
    if (own_dial) return own_dial_end(status, now);
    return customer_dial ? customer_dial_end(status, now) : kNoChange;
  }
  if (name == "OriginateResponse") {
    const int reason = to_int(e.reason, -1);
    const bool success = e.response.empty() ? reason == 4 : e.response == "Success";
    return originate_response(success, reason, now);
  }
  if (name == "AgentConnect") return agent_connect(e.member_name, e.interface, now);
  if (name == "AgentComplete") {
    // An adopted call may have been connected while the engine was away:
    // the completion names the agent too.
    CallChanges changes =
        agent_connected_ ? kNoChange : agent_connect(e.member_name, e.interface, now);
    return changes | agent_complete(now);
  }
  if (name == "DTMFEnd") {
    if (e.direction != "Received" || !is_customer_channel(e.uniqueid)) return kNoChange;
    return dtmf_received(e.digit, now);
  }
  if (name == "UserEvent") {
    if (e.user_event == names.amd) return amd_result(e.status, now);
    if (e.user_event == names.dial) return dial_result(e.status, now);
    if (e.user_event == names.destination) return destination_result(e.status, now);
    if (e.user_event == names.abandon) return abandon_result(e.status, now);
    return kNoChange;
  }
  if (name == "CoreShowChannel") {
    return channel_alive(e.uniqueid, e.channel_state_desc == "Up", now);
  }
  return kNoChange;
}

CallChanges CallState::advance(CallPhase phase) {
  if (phase_ != CallPhase::kEnded && phase > phase_) phase_ = phase;
  return kNoChange;
}

CallChanges CallState::mark_ringing() {
  // Reported once, even when a local-first call is already further on (its
  // agent answered before the customer's phone rang).
  if (ended() || customer_ringing_) return kNoChange;
  customer_ringing_ = true;
  advance(CallPhase::kRinging);
  return kRinging;
}

CallChanges CallState::mark_answered(EpochMs now) {
  if (answered_ms_ != 0) return kNoChange;
  answered_ms_ = now;
  advance(CallPhase::kAnswered);
  return kAnswered;
}

CallChanges CallState::originate_sent(EpochMs now) {
  if (sent_ms_ == 0) {
    sent_ms_ = now;
    if (settings_.originate_timeout_ms > 0) {
      settings_.originate_deadline_ms = now + settings_.originate_timeout_ms;
    }
  }
  return advance(CallPhase::kOriginating);
}

CallChanges CallState::originate_rejected(std::string_view message, EpochMs now) {
  if (ended() || originate_known_) return kNoChange;
  rejected_ = true;
  originate_known_ = true;
  originate_known_ms_ = now;
  error_ = message.empty() ? "Originate refused" : "Originate refused: " + std::string(message);
  return maybe_end(now);
}

CallChanges CallState::originate_response(bool success, int reason, EpochMs now) {
  if (ended() || originate_known_) return kNoChange;
  originate_known_ = true;
  originate_known_ms_ = now;
  originate_success_ = success;
  originate_reason_ = reason;
  CallChanges changes = advance(CallPhase::kOriginating);
  if (success) {
    if (settings_.leg == CallLeg::kRemoteFirst) {
      changes |= mark_answered(now);
    } else if (local_leg_answered_ms_ == 0) {
      local_leg_answered_ms_ = now;
    }
  }
  return changes | maybe_end(now);
}

CallChanges CallState::channel_alive(std::string_view uniqueid, bool up, EpochMs now) {
  (void)now;
  if (ended() || uniqueid.empty()) return kNoChange;
  const uint64_t key = channel_key(uniqueid);
  if (std::find(live_channels_.begin(), live_channels_.end(), key) == live_channels_.end()) {
    live_channels_.push_back(key);
  }
  channels_seen_ = true;
  if (up && is_primary(uniqueid)) primary_up_ = true;
  return advance(CallPhase::kOriginating);
}

CallChanges CallState::channel_hangup(std::string_view uniqueid, int cause, EpochMs now,
                                      std::string_view channel) {
  if (ended()) return kNoChange;
  const uint64_t key = channel_key(uniqueid);
  const auto it = std::find(live_channels_.begin(), live_channels_.end(), key);
  if (it != live_channels_.end()) live_channels_.erase(it);
  bool customer = false;
  if (settings_.leg == CallLeg::kRemoteFirst) {
    customer = is_second_half(uniqueid);
  } else if (!customer_channel_.empty()) {
    customer = uniqueid == customer_channel_ ||
               (!customer_partner_.empty() && channel == customer_partner_);
  }
  if (customer) note_customer_cause(cause);
  if (is_primary(uniqueid)) primary_cause_ = cause;
  return maybe_end(now);
}

void CallState::note_customer_cause(int cause) {
  // The first informative cause stands; 0 ("not set", the ;1 half of a
  // busy Local channel) never replaces one.
  if (cause < 0) return;
  if (customer_cause_ <= 0) customer_cause_ = cause;
}

CallChanges CallState::own_dial_ringing(EpochMs now) {
  (void)now;
  return settings_.leg == CallLeg::kRemoteFirst ? mark_ringing() : kNoChange;
}

CallChanges CallState::own_dial_end(DialStatus status, EpochMs now) {
  if (ended()) return kNoChange;
  own_dial_status_ = status;
  if (status != DialStatus::kAnswer) return kNoChange;
  if (settings_.leg == CallLeg::kRemoteFirst) return mark_answered(now);
  if (local_leg_answered_ms_ == 0) local_leg_answered_ms_ = now;
  return kNoChange;
}

CallChanges CallState::customer_dial_begin(std::string_view customer_uniqueid, EpochMs now,
                                           std::string_view customer_channel) {
  (void)now;
  if (ended()) return kNoChange;
  customer_dial_begun_ = true;
  if (!customer_uniqueid.empty()) customer_channel_ = std::string(customer_uniqueid);
  // A Local customer "Local/555@ctx-0000005b;1": its ";2" half carries the cause.
  if (customer_channel.size() > 2 && customer_channel.ends_with(";1")) {
    customer_partner_ = std::string(customer_channel.substr(0, customer_channel.size() - 1)) + "2";
  }
  return advance(CallPhase::kOriginating);
}

CallChanges CallState::customer_dial_ringing(EpochMs now) {
  (void)now;
  return mark_ringing();
}

CallChanges CallState::customer_dial_end(DialStatus status, EpochMs now) {
  if (ended()) return kNoChange;
  customer_dial_begun_ = true;
  customer_dial_status_ = status;  // a helper that tries several trunks: the last one counts
  return status == DialStatus::kAnswer ? mark_answered(now) : kNoChange;
}

CallChanges CallState::agent_connect(std::string_view member_name, std::string_view interface,
                                     EpochMs now) {
  if (ended() || agent_connected_) return kNoChange;
  agent_connected_ = true;
  agent_connected_ms_ = now;
  agent_name_ = std::string(member_name.empty() ? interface : member_name);
  agent_interface_ = std::string(interface);
  CallChanges changes = kAgentConnected;
  // Remote first, the queue only runs once the customer answered. Local
  // first, the agent answers before the customer is even dialed.
  if (settings_.leg == CallLeg::kRemoteFirst) changes |= mark_answered(now);
  advance(CallPhase::kAgentConnected);
  return changes;
}

CallChanges CallState::agent_complete(EpochMs now) {
  (void)now;
  if (ended() || agent_completed_) return kNoChange;
  agent_completed_ = true;
  return kAgentCompleted;
}

CallChanges CallState::dtmf_received(std::string_view digit, EpochMs now) {
  (void)now;
  if (ended() || digit.size() != 1 || dtmf_.size() >= 32) return kNoChange;
  if (settings_.valid_dtmf.find(digit.front()) == std::string::npos) return kNoChange;
  dtmf_ += digit.front();
  return kDtmfReceived;
}

CallChanges CallState::amd_result(std::string_view status, EpochMs now) {
  (void)now;
  if (ended()) return kNoChange;
  amd_status_ = std::string(status.substr(0, 32));
  amd_machine_ = status == "MACHINE";
  return kNoChange;
}

CallChanges CallState::dial_result(std::string_view dial_status_word, EpochMs now) {
  (void)now;
  if (ended()) return kNoChange;
  user_dial_status_ = dial_status_from_word(dial_status_word);
  if (user_dial_status_ != DialStatus::kNone) customer_dial_begun_ = true;
  return kNoChange;
}

CallChanges CallState::destination_result(std::string_view status, EpochMs now) {
  (void)now;
  if (ended()) return kNoChange;
  if (status == "INVALID") invalid_destination_ = true;
  return kNoChange;
}

CallChanges CallState::abandon_result(std::string_view status, EpochMs now) {
  (void)status;
  (void)now;
  if (ended() || agent_connected_ || abandoned_) return kNoChange;
  abandoned_ = true;
  return kAbandoned;
}

CallChanges CallState::expire(EpochMs now) {
  if (ended()) return kNoChange;
  if (originate_known_) {
    // A failure whose channels never showed up (trace 14) ends when it happened.
    if (!channels_seen_ && live_channels_.empty() &&
        now >= originate_known_ms_ + settings_.settle_ms) {
      return end(originate_known_ms_);
    }
    return kNoChange;
  }
  if (settings_.originate_deadline_ms <= 0 || now < settings_.originate_deadline_ms) {
    return kNoChange;
  }
  return end_lost("no OriginateResponse before the deadline", now);
}

CallChanges CallState::end_lost(std::string_view why, EpochMs at) {
  if (ended()) return kNoChange;
  result_.lost = true;
  error_ = std::string(why);
  return end(at);
}

CallChanges CallState::end_unknown(std::string_view why, EpochMs at) {
  if (ended()) return kNoChange;
  result_.lost = true;
  // Known to have failed or to have been answered: that is not unknown.
  const bool known_unanswered = rejected_ || (originate_known_ && !originate_success_ &&
                                              settings_.leg == CallLeg::kRemoteFirst);
  if (answered_ms_ == 0 && !known_unanswered) result_.unknown = true;
  error_ = std::string(why);
  return end(at);
}

CallChanges CallState::apply_milestones(const Milestones& m) {
  if (ended()) return kNoChange;
  CallChanges changes = kNoChange;
  if (m.dest == "invalid") invalid_destination_ = true;
  if (m.abandoned_ms > 0 && !agent_connected_ && m.agent.empty()) abandoned_ = true;
  if (!m.amd.empty() && amd_status_.empty()) {
    amd_status_ = m.amd;
    amd_machine_ = m.amd == "MACHINE";
  }
  if (!m.dial_status.empty()) {
    customer_dial_begun_ = true;
    customer_dial_status_ = dial_status_from_word(m.dial_status);
  }
  const bool remote = settings_.leg == CallLeg::kRemoteFirst;
  if (m.answered_ms > 0) {
    if (remote && !originate_known_) {
      originate_known_ = true;
      originate_known_ms_ = m.answered_ms;
      originate_success_ = true;
      originate_reason_ = 4;
    }
    if (!remote) {
      customer_dial_begun_ = true;
      if (customer_dial_status_ == DialStatus::kNone) customer_dial_status_ = DialStatus::kAnswer;
    }
    if (answered_ms_ == 0) {
      answered_ms_ = m.answered_ms;
      advance(CallPhase::kAnswered);
      changes |= kAnswered;
    } else if (m.answered_ms < answered_ms_) {
      answered_ms_ = m.answered_ms;  // the recorded time beats the time we learnt it
    }
  }
  if (!m.agent.empty() && !agent_connected_) {
    agent_connected_ = true;
    agent_name_ = m.agent;
    agent_interface_ = m.agent;
    advance(CallPhase::kAgentConnected);
    changes |= kAgentConnected;
  }
  if (m.ended_ms > 0) {
    recorded_end_ms_ = m.ended_ms;
    if (m.cause >= 0 && primary_cause_ < 0) primary_cause_ = m.cause;
    if (!originate_known_) {
      // It ended without the customer answering (that would have been
      // recorded first); local first: the customer dial decides.
      originate_known_ = true;
      originate_known_ms_ = m.ended_ms;
      originate_success_ = !remote && customer_dial_begun_;
      originate_reason_ = -1;
    }
  }
  return changes;
}

CallChanges CallState::finish_recovery(EpochMs lost_at) {
  if (ended() || !live_channels_.empty()) return kNoChange;
  if (recorded_end_ms_ > 0) {
    result_.recovered = true;
    return end(recorded_end_ms_);
  }
  return end_lost("the call's channels were gone and its end was not recorded (the PBX went away)",
                  lost_at);
}

void CallState::begin_reconcile() {
  if (ended()) return;
  live_channels_.clear();
  primary_up_ = false;
}

CallChanges CallState::finish_reconcile(EpochMs now) {
  if (ended() || live_channels_.empty()) return kNoChange;
  if (!originate_known_ && primary_up_) return originate_response(true, 4, now);
  return kNoChange;
}

CallChanges CallState::maybe_end(EpochMs now) {
  if (ended() || !originate_known_ || !live_channels_.empty()) return kNoChange;
  // A refusal has no channels; a failure reported before its channels were
  // seen waits for them (expire() ends it if they never come).
  if (!rejected_ && !channels_seen_) return kNoChange;
  return end(now);
}

DialStatus CallState::final_dial_status(bool& dialed) const {
  if (rejected_) {
    dialed = false;
    return DialStatus::kFailed;
  }
  DialStatus status = DialStatus::kNone;
  if (settings_.leg == CallLeg::kRemoteFirst) {
    dialed = originate_known_ || phase_ >= CallPhase::kOriginating;
    if (user_dial_status_ != DialStatus::kNone) {
      status = user_dial_status_;
    } else if (originate_success_) {
      status = DialStatus::kAnswer;
    } else if (!originate_known_) {
      status = own_dial_status_ != DialStatus::kNone ? own_dial_status_ : DialStatus::kFailed;
    } else if (originate_reason_ == 3 || originate_reason_ == 5 || originate_reason_ == 8) {
      status = dial_status_from_reason(originate_reason_);
    } else if (own_dial_status_ == DialStatus::kBusy ||
               own_dial_status_ == DialStatus::kCongestion ||
               own_dial_status_ == DialStatus::kChanUnavail) {
      status = own_dial_status_;
    } else if (const DialStatus by_cause = dial_status_from_cause(customer_cause_);
               by_cause != DialStatus::kNone) {
      status = by_cause;
    } else if (own_dial_status_ != DialStatus::kNone) {
      status = own_dial_status_;
    } else {
      status = originate_reason_ == 1 ? DialStatus::kNoAnswer : DialStatus::kFailed;
    }
  } else {
    if (!originate_success_ && !customer_dial_begun_) {
      dialed = false;
      return DialStatus::kFailed;
    }
    dialed = true;
    if (user_dial_status_ != DialStatus::kNone) {
      status = user_dial_status_;
    } else if (customer_dial_status_ != DialStatus::kNone) {
      status = customer_dial_status_;
    } else if (customer_dial_begun_) {
      status = DialStatus::kNoAnswer;
    } else {
      status = DialStatus::kAnswer;
    }
  }
  if (status == DialStatus::kAnswer && amd_machine_) status = DialStatus::kMachine;
  if (invalid_destination_) status = DialStatus::kInvalidDestination;
  return status;
}

CallChanges CallState::end(EpochMs now) {
  CallResult& r = result_;
  r.dial_status = final_dial_status(r.customer_dialed);
  const bool answered = r.dial_status == DialStatus::kAnswer ||
                        r.dial_status == DialStatus::kMachine ||
                        r.dial_status == DialStatus::kInvalidDestination;
  if (r.unknown) {
    r.dial_status = DialStatus::kNone;
    r.customer_dialed = true;
    r.disposition = "Unknown";
  } else if (agent_connected_ && r.dial_status == DialStatus::kAnswer) {
    r.disposition = "Agent";
  } else if (!dtmf_.empty() && r.dial_status != DialStatus::kInvalidDestination) {
    r.disposition = "DTMF_";
    r.disposition += dtmf_.front();
  } else if ((r.lost || abandoned_) && r.dial_status == DialStatus::kAnswer) {
    r.disposition = "Abandoned";
    r.abandoned = abandoned_;
  } else if (r.dial_status != DialStatus::kInvalidDestination &&
             iequals(to_string(r.dial_status), settings_.ok_disposition)) {
    r.disposition = "Ok";
  } else {
    r.disposition = "Failed";
  }
  r.agent = agent_name_;
  r.agent_interface = agent_interface_;
  r.dtmf = dtmf_;
  r.amd_status = amd_status_;
  r.originate_reason = originate_reason_;
  // 0 ("not defined") never hides a real cause, whichever channel had it:
  // a Local half hung up by its partner can report 0 while the partner (or
  // the customer's other half) reports 16 (issue 15, item 4).
  r.hangup_cause = customer_cause_ > 0    ? customer_cause_
                   : primary_cause_ > 0   ? primary_cause_
                   : customer_cause_ >= 0 ? customer_cause_
                                          : primary_cause_;
  r.error = error_;
  r.originate_refused = rejected_;
  r.channels_seen = channels_seen_;
  r.answered_ms =
      answered && !r.unknown ? (answered_ms_ != 0 ? answered_ms_ : local_leg_answered_ms_) : 0;
  r.ended_ms = now;
  phase_ = CallPhase::kEnded;
  live_channels_.clear();
  return kEnded;
}

}  // namespace pd::core
