#include "pd/core/ami_event.h"

namespace pd::core {
namespace {

// `lower` is already lower case; ASCII only (AMI keys are ASCII).
bool key_is(std::string_view key, std::string_view lower) noexcept {
  if (key.size() != lower.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

void keep_first(std::string_view& slot, std::string_view value) noexcept {
  if (slot.data() == nullptr) slot = value.data() ? value : std::string_view("", 0);
}

}  // namespace

void AmiEvent::set(std::string_view key, std::string_view value) noexcept {
  // Dispatch on length first: most keys of a busy stream (VarSet's Variable,
  // Value, Privilege...) are rejected after one integer compare.
  switch (key.size()) {
    case 5:
      if (key_is(key, "event")) return keep_first(event, value);
      if (key_is(key, "queue")) return keep_first(queue, value);
      if (key_is(key, "digit")) return keep_first(digit, value);
      if (key_is(key, "cause")) return keep_first(cause, value);
      return;
    case 6:
      if (key_is(key, "status")) return keep_first(status, value);
      if (key_is(key, "reason")) return keep_first(reason, value);
      if (key_is(key, "paused")) return keep_first(paused, value);
      if (key_is(key, "incall")) return keep_first(in_call, value);
      return;
    case 3:
      if (key_is(key, "key")) return keep_first(this->key, value);
      if (key_is(key, "val")) return keep_first(val, value);
      return;
    case 4:
      if (key_is(key, "name")) return keep_first(member_name, value);
      return;
    case 7:
      if (key_is(key, "channel")) return keep_first(channel, value);
      if (key_is(key, "message")) return keep_first(message, value);
      return;
    case 8:
      if (key_is(key, "response")) return keep_first(response, value);
      if (key_is(key, "actionid")) return keep_first(action_id, value);
      if (key_is(key, "uniqueid")) return keep_first(uniqueid, value);
      if (key_is(key, "linkedid")) return keep_first(linkedid, value);
      if (key_is(key, "location")) return keep_first(interface, value);
      return;
    case 9:
      if (key_is(key, "interface")) return keep_first(interface, value);
      if (key_is(key, "userevent")) return keep_first(user_event, value);
      if (key_is(key, "direction")) return keep_first(direction, value);
      return;
    case 10:
      if (key_is(key, "dialstatus")) return keep_first(dial_status, value);
      if (key_is(key, "membername")) return keep_first(member_name, value);
      return;
    case 11:
      if (key_is(key, "calleridnum")) return keep_first(caller_id_num, value);
      if (key_is(key, "destchannel")) return keep_first(dest_channel, value);
      return;
    case 12:
      if (key_is(key, "calleridname")) return keep_first(caller_id_name, value);
      if (key_is(key, "destuniqueid")) return keep_first(dest_uniqueid, value);
      if (key_is(key, "destlinkedid")) return keep_first(dest_linkedid, value);
      if (key_is(key, "pausedreason")) return keep_first(paused_reason, value);
      return;
    case 16:
      if (key_is(key, "channelstatedesc")) return keep_first(channel_state_desc, value);
      return;
    default:
      return;
  }
}

}  // namespace pd::core
