// The real Asterisk 22 transcripts (tests/data/ami-traces, copied from ../shared) as the yardstick
// for pbx-sim's output: their messages, the field lists each message type has
// there, and a normal form that hides what differs from run to run (times,
// timestamp Uniqueids, channel sequence numbers, bridge ids).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ami_client.h"

namespace pd::sim::testing {

// True when the transcripts folder is there; tests skip trace comparisons
// (with a doctest MESSAGE) when it is not.
bool traces_available();
// The bytes of the transcript whose name starts with `number` ("02") and ends
// with `extension` (".raw", ".sent").
std::string trace_bytes(const std::string& number, const std::string& extension);
// The messages of a .raw transcript, banner excluded.
std::vector<Message> trace_messages(const std::string& number);

// VarSet, Newexten and the other events pbx-sim sends only with
// --verbose-events.
bool is_verbose(const Message& message);
// `messages` without verbose events, from the first one after Login's
// SuccessfulAuth up to (not including) the Goodbye.
std::vector<Message> call_story(const std::vector<Message>& messages);
// "Key: value" lines; values that differ between runs replaced by "<...>".
std::string normal_form(const Message& message);

// Field lists per message type ("Event: Hangup", "Response: Success"), from
// every transcript.
class TraceShapes {
 public:
  TraceShapes();
  // CHECKs that every message whose type the transcripts have carries exactly
  // one of the field lists seen there; returns how many were compared.
  size_t check(const std::vector<Message>& messages) const;

 private:
  std::map<std::string, std::set<std::vector<std::string>>> shapes_;
};

// CHECKs that two stories are equal in normal form; reports the first difference.
void check_same_story(const std::vector<Message>& got, const std::vector<Message>& want);

}  // namespace pd::sim::testing
