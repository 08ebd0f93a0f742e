// An Originate that Asterisk refused before any channel existed, most often
// because its ChannelId was "already in use": Asterisk 22 checks a requested
// id against the live channels' Uniqueids by *prefix*
// (main/channelstorage_ao2_legacy.c by_uniqueid_cb: strncasecmp over the
// requested id's length, called from the channel allocation's id-conflict
// check in main/channel.c), so "X" is refused while any channel "X…" lives.
// Asterisk only logs "Channel Unique ID 'X' already in use by channel
// <name>(<ptr>)"; what AMI shows is the same as for any channel that could not
// be allocated: the async Originate's `OriginateResponse` Response: Failure,
// Reason: 0, Channel = the dial string, Uniqueid = the requested id, and no
// channel of that id ever appears (no Newchannel).
//
// The customer was not dialed: the engine originates the same lead again
// under a NEW call id (pd::core::make_call_id), without using an attempt and
// without marking the number failed, at most kMaxIdRetries times; after that
// the lead goes back to the store untouched (pending/retry, attempts as they
// were) for a later claim, with a log line saying why.
//
// Threads: pure functions.
#pragma once

#include "pd/core/call_state.h"

namespace pd::core {

// Refused Originates of one lead retried under a new id before it is given back.
inline constexpr int kMaxIdRetries = 3;

// True when `result` is an Originate the PBX refused before creating any
// channel (OriginateResponse Failure with Reason 0 and no channel of the call
// ever seen; not a `Response: Error`, not a call lost with the AMI link).
bool refused_before_any_channel(const CallResult& result) noexcept;

enum class RefusalStep {
  kNone,        // not such a refusal: the retry policy decides as usual
  kRetryNewId,  // originate the lead again now, under a new call id
  kGiveBack,    // retries used up: back to the store, attempts untouched
};

struct RefusalDecision {
  RefusalStep step = RefusalStep::kNone;
  int retries = 0;  // the lead's refused-and-retried count after this decision
};

// `retries_before`: how many times this lead was already retried under a new
// id after such a refusal (in this claim).
RefusalDecision decide_refusal(const CallResult& result, int retries_before,
                               int max_retries = kMaxIdRetries) noexcept;

}  // namespace pd::core
