// The Originate's fields for each leg, and the refusals.
#include "pd/core/originate_builder.h"

#include <doctest/doctest.h>

#include <string>

using namespace pd::core;

namespace {

OriginateRequest base_request() {
  OriginateRequest r;
  r.action_id = "pd-orig-42";
  r.call_id = "7aaf4638-93dd-404c-9df5-d81f9340f53f";
  r.campaign_name = "sales";
  r.campaign_id = 3;
  r.dial_context = "from-internal";
  r.dial_prefix = "9";
  r.number = "5551000";
  r.campaign_caller_id = "\"Dialer\" <5550100>";
  r.variables = "name=Ann|zip=28001";
  r.timeout_ms = 30000;
  return r;
}

std::string render(const std::vector<OriginateField>& fields) {
  std::string out;
  for (const auto& f : fields) out += f.key + ": " + f.value + "\n";
  return out;
}

std::string error_of(const OriginateRequest& r) {
  auto built = build_originate(r);
  REQUIRE_FALSE(built.has_value());
  CHECK(built.error().code == pd::ErrorCode::kInvalidArgument);
  return built.error().message;
}

}  // namespace

TEST_CASE("remote first: customer via the dial context - then pd-<campaign>-dest") {
  auto built = build_originate(base_request());
  REQUIRE(built.has_value());
  CHECK(render(*built) ==
        "Action: Originate\n"
        "ActionID: pd-orig-42\n"
        "Channel: Local/95551000@from-internal\n"
        "Context: pd-sales-dest\n"
        "Exten: s\n"
        "Priority: 1\n"
        "Timeout: 30000\n"
        "CallerID: \"Dialer\" <5550100>\n"
        "Async: true\n"
        "ChannelId: 7aaf4638-93dd-404c-9df5-d81f9340f53f\n"
        "Variable: name=Ann\n"
        "Variable: zip=28001\n"
        "Variable: __PD_CALLID=7aaf4638-93dd-404c-9df5-d81f9340f53f\n"
        "Variable: __PD_CAMPAIGN=3\n");
}

TEST_CASE("local first: the local context first - the customer as Exten") {
  OriginateRequest r = base_request();
  r.leg = InitialLeg::kLocal;
  r.number_caller_id = "5559999";  // the number's own caller id wins
  auto built = build_originate(r);
  REQUIRE(built.has_value());
  const std::string text = render(*built);
  CHECK(text.find("Channel: Local/s@pd-sales-local\n") != std::string::npos);
  CHECK(text.find("Context: pd-sales-customer\n") != std::string::npos);
  CHECK(text.find("Exten: 95551000\n") != std::string::npos);
  CHECK(text.find("CallerID: 5559999\n") != std::string::npos);
}

TEST_CASE("preview: the agent's interface is the Channel") {
  OriginateRequest r = base_request();
  r.preview = true;
  r.agent_interface = "PJSIP/101";
  r.dial_context = "";  // not used
  r.campaign_caller_id = "";
  r.variables = "";
  auto built = build_originate(r);
  REQUIRE(built.has_value());
  const std::string text = render(*built);
  CHECK(text.find("Channel: PJSIP/101\n") != std::string::npos);
  CHECK(text.find("Context: pd-sales-customer\n") != std::string::npos);
  CHECK(text.find("Exten: 95551000\n") != std::string::npos);
  CHECK(text.find("CallerID") == std::string::npos);
  CHECK(text.find("OtherChannelId") == std::string::npos);

  r.agent_interface = "PJSIP/101&PJSIP/102";
  CHECK(error_of(r).find("agent interface") != std::string::npos);
}

TEST_CASE("numbers: only dialable characters") {
  OriginateRequest r = base_request();
  r.number = "+34*91#";
  CHECK(build_originate(r).has_value());
  for (const char* bad : {"", "555 1000", "555-1000", "5551000\r\nAction: Hangup", "555@evil",
                          "5551000/n", "123456789012345678901234567890123"}) {
    CAPTURE(bad);
    r.number = bad;
    CHECK(error_of(r).find("number") != std::string::npos);
  }
  r = base_request();
  r.dial_prefix = "+";
  CHECK(error_of(r).find("dial prefix") != std::string::npos);
}

TEST_CASE("CR - LF and other control characters never get into a field") {
  OriginateRequest r = base_request();
  r.campaign_caller_id = "Dialer\r\n\r\nAction: Hangup";
  CHECK(error_of(r).find("CallerID") != std::string::npos);
  r = base_request();
  r.variables = "name=Ann\r\nAction: Hangup";
  CHECK(error_of(r).find("variable") != std::string::npos);
  r = base_request();
  const std::string with_nul("name=A\0B", 8);
  r.variables = with_nul;
  CHECK(error_of(r).find("variable") != std::string::npos);
  r = base_request();
  r.action_id = "x\ny";
  CHECK(error_of(r).find("ActionID") != std::string::npos);
  r = base_request();
  r.call_id = "abc;2";
  CHECK(error_of(r).find("ChannelId") != std::string::npos);
  r = base_request();
  r.campaign_name = "sales\n";
  CHECK(error_of(r).find("campaign") != std::string::npos);
  r = base_request();
  r.dial_context = "from internal";
  CHECK(error_of(r).find("dial context") != std::string::npos);
}

TEST_CASE("variables: names checked - engine names reserved - no comma smuggling") {
  OriginateRequest r = base_request();
  r.variables = "a=1||b=";
  auto built = build_originate(r);
  REQUIRE(built.has_value());
  CHECK(render(*built).find("Variable: b=\n") != std::string::npos);
  for (const char* bad : {"1a=2", "a b=1", "=1", "PD_CALLID=x", "__PD_CAMPAIGN=9",
                          "a=1,__PD_CALLID=evil", "a=\"q\"", "a=back\\slash", "CDR(x)=1"}) {
    CAPTURE(bad);
    r.variables = bad;
    CHECK(error_of(r).find("variable") != std::string::npos);
  }
  auto parsed = parse_variables("x=a=b|y");
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].second == "a=b");
  CHECK((*parsed)[1].second.empty());
}

TEST_CASE("timeout bounds") {
  OriginateRequest r = base_request();
  r.timeout_ms = 0;
  CHECK(error_of(r).find("Timeout") != std::string::npos);
  r.timeout_ms = 600001;
  CHECK(error_of(r).find("Timeout") != std::string::npos);
}
