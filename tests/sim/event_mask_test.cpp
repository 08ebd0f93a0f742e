// Events: / EventMask: values, as Asterisk's strings_to_mask() reads them.
#include "event_mask.h"

#include <doctest/doctest.h>

#include "pbx.h"

namespace ec = pd::sim::event_class;
using pd::sim::parse_event_mask;

TEST_CASE("on, off, numbers and class lists") {
  CHECK_FALSE(parse_event_mask("").has_value());
  CHECK(parse_event_mask("off") == 0u);
  CHECK(parse_event_mask("no") == 0u);
  const uint32_t all = *parse_event_mask("on");
  for (uint32_t c :
       {ec::kSystem, ec::kCall, ec::kAgent, ec::kUser, ec::kDtmf, ec::kDialplan, ec::kSecurity})
    CHECK((all & c) == c);
  CHECK(parse_event_mask("yes") == all);
  CHECK(parse_event_mask("all") == all);
  CHECK(parse_event_mask("call") == ec::kCall);
  CHECK(parse_event_mask("call,agent") == (ec::kCall | ec::kAgent));
  CHECK(parse_event_mask("Call, User") == (ec::kCall | ec::kUser));
  CHECK(parse_event_mask("security,dtmf") == (ec::kSecurity | ec::kDtmf));
  CHECK(parse_event_mask("bogus") == 0u);
  CHECK(parse_event_mask("34") == 34u);
}
