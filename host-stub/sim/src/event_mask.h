// The per-session event filter of AMI: Login's "Events:" header and the Events
// action's "EventMask:" take "on", "off", a number, or a list of class names
// ("call,agent,user"), exactly as Asterisk's strings_to_mask() reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pd::sim {

// The mask for `text`, in the bits of pbx.h's event_class; nullopt when the
// text is empty (Asterisk then leaves the mask as it was). Unknown class names
// add nothing, so "bogus" gives 0 (events off), as in Asterisk.
std::optional<uint32_t> parse_event_mask(std::string_view text);

}  // namespace pd::sim
