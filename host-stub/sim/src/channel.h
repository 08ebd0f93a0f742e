// A simulated channel and the snapshot fields Asterisk prints for it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ami_text.h"
#include "sim_clock.h"

namespace pd::sim {

enum class ChannelState : int { kDown = 0, kRing = 4, kRinging = 5, kUp = 6, kBusy = 7 };

inline std::string_view state_desc(ChannelState state) {
  switch (state) {
    case ChannelState::kDown:
      return "Down";
    case ChannelState::kRing:
      return "Ring";
    case ChannelState::kRinging:
      return "Ringing";
    case ChannelState::kUp:
      return "Up";
    case ChannelState::kBusy:
      return "Busy";
  }
  return "Unknown";
}

inline std::string_view state_number(ChannelState state) {
  switch (state) {
    case ChannelState::kDown:
      return "0";
    case ChannelState::kRing:
      return "4";
    case ChannelState::kRinging:
      return "5";
    case ChannelState::kUp:
      return "6";
    case ChannelState::kBusy:
      return "7";
  }
  return "0";
}

struct Channel {
  uint64_t id = 0;  // creation order
  uint64_t call_id = 0;
  std::string name;
  std::string uniqueid;
  std::string linkedid;
  ChannelState state = ChannelState::kDown;
  std::string cid_num = "<unknown>";
  std::string cid_name = "<unknown>";
  std::string conn_num = "<unknown>";
  std::string conn_name = "<unknown>";
  std::string context;
  std::string exten;
  int priority = 1;
  std::string app;
  std::string app_data;
  std::string bridge_id;
  SimMs created = 0;
};

// The 14 snapshot fields (Channel ... Linkedid), or their "Dest" twins.
inline void add_snapshot(FieldList& f, const Channel& c, bool dest = false) {
  f.add(dest ? "DestChannel" : "Channel", c.name)
      .add(dest ? "DestChannelState" : "ChannelState", state_number(c.state))
      .add(dest ? "DestChannelStateDesc" : "ChannelStateDesc", state_desc(c.state))
      .add(dest ? "DestCallerIDNum" : "CallerIDNum", c.cid_num)
      .add(dest ? "DestCallerIDName" : "CallerIDName", c.cid_name)
      .add(dest ? "DestConnectedLineNum" : "ConnectedLineNum", c.conn_num)
      .add(dest ? "DestConnectedLineName" : "ConnectedLineName", c.conn_name)
      .add(dest ? "DestLanguage" : "Language", "en")
      .add(dest ? "DestAccountCode" : "AccountCode", "")
      .add(dest ? "DestContext" : "Context", c.context)
      .add(dest ? "DestExten" : "Exten", c.exten)
      .add_int(dest ? "DestPriority" : "Priority", c.priority)
      .add(dest ? "DestUniqueid" : "Uniqueid", c.uniqueid)
      .add(dest ? "DestLinkedid" : "Linkedid", c.linkedid);
}

}  // namespace pd::sim
