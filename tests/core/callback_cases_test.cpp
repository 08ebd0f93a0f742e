// The callback time rule shared with the admin pages
// (tests/data/callback-cases.json, also read by tests/admin/callback_cases.php):
// pd::core::plan_callback gives every case its due instant or its refusal.
#include <json/json.h>

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "pd/core/callback.h"
#include "test_time.h"

using namespace pd::core;
using pd::core::testing::utc;

namespace {

Json::Value load_cases() {
  std::ifstream in(PD_CALLBACK_CASES);
  REQUIRE_MESSAGE(in, "cannot open " PD_CALLBACK_CASES);
  Json::Value parsed;
  Json::CharReaderBuilder builder;
  std::string errors;
  REQUIRE_MESSAGE(Json::parseFromStream(builder, in, &parsed, &errors), errors);
  return parsed;
}

// "2026-12-01T12:00:00Z"
EpochS parse_utc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  REQUIRE_MESSAGE(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6,
                  text);
  return utc(y, unsigned(mo), unsigned(d), h, mi, s);
}

ScheduleSpec spec_of(const Json::Value& c) {
  ScheduleSpec spec;
  auto start = parse_time_of_day(c["start_hour"].asString());
  auto end = parse_time_of_day(c["end_hour"].asString());
  auto days = parse_week_days(c["week_days"].asString());
  REQUIRE((start && end && days));
  spec.start_s = *start;
  spec.end_s = *end;
  spec.week_days = *days;
  spec.time_zone = c["time_zone"].asString();
  for (const char* key : {"start_date", "end_date"}) {
    if (c[key].isNull()) continue;
    auto date = parse_date(c[key].asString());
    REQUIRE(date.has_value());
    (std::string(key) == "start_date" ? spec.start_date : spec.end_date) = *date;
  }
  return spec;
}

}  // namespace

TEST_CASE("callback cases: the engine agrees with every shared case") {
  const Json::Value root = load_cases();
  const Json::Value& cases = root["cases"];
  CHECK(cases.size() >= 20);
  for (Json::ArrayIndex i = 0; i < cases.size(); ++i) {
    const Json::Value& c = cases[i];
    CAPTURE(i);
    INFO(c["why"].asString());
    const ScheduleSpec spec = spec_of(root["campaigns"][c["campaign"].asString()]);
    auto campaign_zone = TimeZone::load(spec.time_zone);
    REQUIRE(campaign_zone.has_value());
    const Schedule schedule(spec, *campaign_zone);
    Lead lead;
    if (!c["number_zone"].isNull()) {
      lead.time_zone = c["number_zone"].asString();
      if (auto z = TimeZone::load(lead.time_zone)) lead.zone = *z;
    }
    auto plan = plan_callback(CallbackRequest{c["local"].asString(), false}, "101", lead, schedule,
                              15, parse_utc(c["now"].asString()));
    if (c.isMember("due")) {
      REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
      CHECK(plan->due == parse_utc(c["due"].asString()));
    } else {
      REQUIRE(!plan.has_value());
      CHECK_MESSAGE(plan.error().message.find(c["error"].asString()) != std::string::npos,
                    plan.error().message);
    }
  }
}
