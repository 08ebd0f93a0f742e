// Campaign configuration checks: everything that reaches the dialplan or AMI.
#include "pd/core/campaign.h"

#include <doctest/doctest.h>

using namespace pd::core;

namespace {

Campaign good_campaign() {
  Campaign c;
  c.id = 7;
  c.name = "spring_sale-2024";
  c.mode = DialMode::kProgressive;
  c.destination_kind = DestinationKind::kQueue;
  c.destination = "ext-queues,400,1";
  c.queue_name = "sales";
  c.dial_prefix = "0";
  c.caller_id = "\"Sales\" <5550100>";
  c.valid_dtmf = "12";
  return c;
}

std::string problems(const Campaign& c) {
  auto status = validate(c);
  return status ? std::string() : status.error().message;
}

}  // namespace

TEST_CASE("a well-formed campaign passes") {
  CHECK(validate(good_campaign()).has_value());
  Campaign automatic = good_campaign();
  automatic.mode = DialMode::kAutomatic;
  automatic.destination_kind = DestinationKind::kIvr;
  automatic.destination = "ivr-3,s,1";
  automatic.queue_name.clear();
  automatic.destination_amd = "app-blackhole,hangup,1";
  CHECK(validate(automatic).has_value());
}

TEST_CASE("preview and progressive need a queue destination") {
  for (DialMode mode : {DialMode::kProgressive, DialMode::kPreview}) {
    Campaign c = good_campaign();
    c.mode = mode;
    c.destination_kind = DestinationKind::kIvr;
    CHECK(problems(c).find("needs a queue destination") != std::string::npos);
  }
  Campaign c = good_campaign();
  c.queue_name.clear();
  CHECK(problems(c).find("needs a queue name") != std::string::npos);
}

TEST_CASE("names that reach the dialplan are restricted") {
  Campaign c = good_campaign();
  c.name = "sale\r\nAction: Hangup";
  CHECK(problems(c).find("name") != std::string::npos);
  CHECK(problems(c).find('\r') == std::string::npos);  // never echoed raw
  c = good_campaign();
  c.name = "has space";
  CHECK_FALSE(validate(c).has_value());
  c = good_campaign();
  c.name = std::string(65, 'a');
  CHECK_FALSE(validate(c).has_value());
  c = good_campaign();
  c.queue_name = "sales;rm";
  CHECK(problems(c).find("queue name") != std::string::npos);
  c = good_campaign();
  c.destination = "from-internal,100";  // two parts
  CHECK(problems(c).find("destination") != std::string::npos);
  c = good_campaign();
  c.destination = "from internal,100,1";
  CHECK_FALSE(validate(c).has_value());
  c = good_campaign();
  c.destination = "from-internal,100,0";
  CHECK_FALSE(validate(c).has_value());
  c = good_campaign();
  c.destination_amd = "amd,s,1,extra";
  CHECK(problems(c).find("destination AMD") != std::string::npos);
}

TEST_CASE("dial prefix - caller id - DTMF and counts") {
  Campaign c = good_campaign();
  c.dial_prefix = "9a";
  CHECK(problems(c).find("dial prefix") != std::string::npos);
  c = good_campaign();
  c.dial_prefix = "*31#";
  CHECK(validate(c).has_value());
  c = good_campaign();
  c.caller_id = "Sales\n<1>";
  CHECK(problems(c).find("caller id") != std::string::npos);
  c = good_campaign();
  c.valid_dtmf = "1x";
  CHECK(problems(c).find("valid DTMF") != std::string::npos);
  c = good_campaign();
  c.dial_attempts = 0;
  CHECK(problems(c).find("dial attempts") != std::string::npos);
  c = good_campaign();
  c.concurrent_calls = 0;
  CHECK_FALSE(validate(c).has_value());
  c = good_campaign();
  c.schedule.week_days = 0;
  CHECK(problems(c).find("schedule") != std::string::npos);
}

TEST_CASE("every problem is reported at once") {
  Campaign c = good_campaign();
  c.dial_prefix = "x";
  c.valid_dtmf = "z";
  c.retry_minutes = -1;
  const std::string text = problems(c);
  CHECK(text.find("dial prefix") != std::string::npos);
  CHECK(text.find("valid DTMF") != std::string::npos);
  CHECK(text.find("retry minutes") != std::string::npos);
}

TEST_CASE("enum text forms match the schema") {
  CHECK(parse_dial_mode("preview") == DialMode::kPreview);
  CHECK_FALSE(parse_dial_mode("Preview").has_value());
  CHECK(parse_initial_leg("local") == InitialLeg::kLocal);
  CHECK(parse_destination_kind("custom") == DestinationKind::kCustom);
  CHECK(to_string(DialMode::kAutomatic) == "automatic");
  auto target = parse_dialplan_target("ext-queues,400,1");
  REQUIRE(target.has_value());
  CHECK(target->context == "ext-queues");
  CHECK(target->exten == "400");
  CHECK(target->priority == "1");
  CHECK(parse_dialplan_target("ctx,_X.,start").has_value());
}
