// A lead as the engine holds it between its claim and its call: one number of
// a campaign, with what the Originate, the preview card and the dial gate
// need. The store maps its rows to this type (plugin/src/worker_lead_store.cpp)
// so nothing above the store sees SQL records.
//
// Threads: plain data. `zone` is immutable and shared; a Lead may be moved
// between threads with its owner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pd/core/time_zone.h"

namespace pd::core {

struct Lead {
  uint64_t id = 0;  // dialer_numbers.id
  int64_t campaign_id = 0;
  std::string name;
  std::string number;
  std::string caller_id;  // empty: the campaign's
  std::string variables;  // "a=1|b=2"
  int attempts = 0;       // calls that reached the network before this claim
  // Originates of this claim refused before any channel existed (an id in
  // use, pd/core/originate_refusal.h) and retried under a new id.
  int id_retries = 0;
  // The lead's own time zone (dialer_numbers.time_zone); empty: the
  // campaign's. When set, the campaign's hours apply in this zone too.
  std::string time_zone;
  // The loaded zone when `time_zone` is set and known; null when it is unset
  // or could not be loaded (the dial gate then refuses the lead, naming it).
  std::shared_ptr<const TimeZone> zone;
  // When a call to this number was last abandoned (epoch ms; 0: never): a
  // predictive campaign does not dial it again within its recall delay
  // (pd/core/dial_gate.h).
  int64_t abandoned_at_ms = 0;
};

}  // namespace pd::core
