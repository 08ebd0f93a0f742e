// The fields of one AMI message that the engine core reads, as string_views.
//
// The core does not depend on any parser: the adapter fills an AmiEvent from
// whatever it has (the host's {key, value} array, pd::ami::MessageView) with
// AmiEvent::from_fields(), one pass over the fields, keys matched ignoring
// ASCII case (Asterisk sends both "ActionID" and "ActionId").
//
// Ownership: every view points into the message it was built from; an
// AmiEvent is valid only as long as that message. Nothing in the core keeps
// a view past the call it was given in.
// Threads: plain data.
#pragma once

#include <string_view>

namespace pd::core {

struct AmiEvent {
  std::string_view event;  // "Event"; empty for a Response
  std::string_view
      response;  // "Response": Success/Error/Failure/Goodbye (also in OriginateResponse)
  std::string_view action_id;
  std::string_view message;  // "Message" of a Response ("Extension does not exist.")

  // Channel identity.
  std::string_view channel;
  std::string_view uniqueid;
  std::string_view linkedid;
  std::string_view dest_channel;   // Dial*/Agent* events: the dialed channel's name
  std::string_view dest_uniqueid;  // Dial*/Agent* events: the dialed channel
  std::string_view dest_linkedid;
  std::string_view channel_state_desc;  // "Up", "Ringing", "Busy"

  // Call progress.
  std::string_view reason;         // OriginateResponse Reason
  std::string_view dial_status;    // DialState/DialEnd DialStatus
  std::string_view cause;          // Hangup Cause; also a UserEvent's Cause
  std::string_view digit;          // DTMFEnd Digit
  std::string_view direction;      // DTMFEnd Direction
  std::string_view user_event;     // UserEvent name ("UserEvent" field)
  std::string_view status;         // UserEvent Status (MACHINE, ANSWER); queue member Status (1, 2)
  std::string_view caller_id_num;  // CallerIDNum (AgentComplete: the caller of an inbound call)
  std::string_view caller_id_name;  // CallerIDName (AgentConnect: the inbound caller's name)

  // Queues. QueueMember list items name the member Name/Location; the others
  // MemberName/Interface: both land in member_name/interface.
  std::string_view queue;
  std::string_view interface;
  std::string_view member_name;
  std::string_view paused;  // "0"/"1"
  std::string_view paused_reason;
  std::string_view in_call;  // "0"/"1"

  // AstDB replies (DBGetResponse / DBGetTreeResponse).
  std::string_view key;
  std::string_view val;

  bool is_response() const { return event.empty() && !response.empty(); }

  // Takes one field; unknown keys are ignored. The first occurrence of a key wins.
  void set(std::string_view key, std::string_view value) noexcept;

  // `fields` is any range of objects with .key and .value string_views
  // (pd::ami::FieldView, a host field struct adapted the same way).
  template <class Fields>
  static AmiEvent from_fields(const Fields& fields) {
    AmiEvent out;
    for (const auto& field : fields) out.set(field.key, field.value);
    return out;
  }
};

}  // namespace pd::core
