// The shared validation rules (tests/data/validation-cases.json): the engine's
// checks give the verdict of every case, the same verdict the admin pages give
// (tests/admin/validation_cases.php reads the same file).
#include <json/json.h>

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "pd/core/agent_pause.h"
#include "pd/core/campaign.h"
#include "pd/core/names.h"
#include "pd/core/originate_builder.h"
#include "pd/core/time_zone.h"
#include "pd/core/url_template.h"
#include "pd/core/webhook.h"

using namespace pd::core;

namespace {

const Json::Value& cases() {
  static const Json::Value root = [] {
    std::ifstream in(PD_VALIDATION_CASES);
    REQUIRE_MESSAGE(in, "cannot open " PD_VALIDATION_CASES);
    Json::Value parsed;
    Json::CharReaderBuilder builder;
    std::string errors;
    REQUIRE_MESSAGE(Json::parseFromStream(builder, in, &parsed, &errors), errors);
    return parsed;
  }();
  return root;
}

std::string from_hex(const std::string& hex) {
  REQUIRE(hex.size() % 2 == 0);
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// "input" or, for bytes JSON cannot carry as text, "input_hex".
std::string text_of(const Json::Value& c, const char* key) {
  const std::string hex_key = std::string(key) + "_hex";
  if (c.isMember(hex_key)) return from_hex(c[hex_key].asString());
  REQUIRE_MESSAGE(c.isMember(key), "a case without " << key);
  return c[key].asString();
}

// Runs `verdict` on every case of `kind`; at least `min_cases` of them.
template <class Verdict>
void check_kind(const char* kind, unsigned min_cases, Verdict verdict) {
  const Json::Value& list = cases()[kind];
  REQUIRE_MESSAGE(list.size() >= min_cases, kind);
  for (const Json::Value& c : list) {
    const std::string input = text_of(c, "input");
    INFO(kind << " case " << c.toStyledString());
    CHECK(verdict(input, c) == c["valid"].asBool());
  }
}

}  // namespace

TEST_CASE("shared cases: campaign names") {
  check_kind("campaign_names", 8,
             [](const std::string& input, const Json::Value&) { return is_campaign_name(input); });
}

TEST_CASE("shared cases: numbers are normalised, then checked") {
  check_kind("numbers", 15, [](const std::string& input, const Json::Value& c) {
    const std::string normalized = normalize_number(input);
    CHECK(normalized == text_of(c, "normalized"));
    return is_dialable_number(normalized);
  });
}

TEST_CASE("shared cases: dial prefixes") {
  check_kind("dial_prefixes", 8, [](const std::string& input, const Json::Value&) {
    // The campaign check refuses exactly what is_dial_prefix refuses.
    Campaign c;
    c.name = "sales";
    c.destination = "ext-queues,400,1";
    c.queue_name = "400";
    c.dial_prefix = input;
    const bool by_campaign = validate(c).has_value();
    CHECK(by_campaign == is_dial_prefix(input));
    return by_campaign;
  });
}

TEST_CASE("shared cases: variables - what the admin stores the engine can dial") {
  check_kind("variables", 20, [](const std::string& input, const Json::Value&) {
    const bool admitted = check_variables(input).has_value();
    if (admitted) CHECK(parse_variables(input).has_value());
    return admitted;
  });
}

TEST_CASE("shared cases: caller ids") {
  check_kind("caller_ids", 8, [](const std::string& input, const Json::Value&) {
    Campaign c;
    c.name = "sales";
    c.destination = "ext-queues,400,1";
    c.queue_name = "400";
    c.caller_id = input;
    CHECK(validate(c).has_value() == is_caller_id(input));
    return is_caller_id(input);
  });
}

TEST_CASE("shared cases: dialplan destinations") {
  check_kind("destinations", 10, [](const std::string& input, const Json::Value&) {
    return parse_dialplan_target(input).has_value();
  });
}

TEST_CASE("shared cases: time zones - a zone the admin stores the engine can load") {
  check_kind("time_zones", 20, [](const std::string& input, const Json::Value&) {
    // Empty: the contact has no zone of its own (NULL in the database), the campaign's applies.
    if (input.empty()) return true;
    const auto zone = TimeZone::load(input);
    // A name the engine refuses is never looked up on disk.
    if (!is_time_zone_name(input)) CHECK_FALSE(zone.has_value());
    if (zone) CHECK((*zone)->name() == input);
    return zone.has_value();
  });
}

TEST_CASE("shared cases: CRM link templates - what the admin stores the engine renders") {
  check_kind("crm_url_templates", 20, [](const std::string& input, const Json::Value&) {
    const auto checked = check_url_template(input);
    if (!checked) CHECK(checked.error().message.starts_with("CRM link"));
    // A template the check admits renders (placeholders filled), one it refuses does not.
    CHECK(render_url_template(input, {}).has_value() == checked.has_value());
    return checked.has_value();
  });
}

TEST_CASE("shared cases: a campaign's wrap-up seconds") {
  check_kind("wrapup_seconds", 8,
             [](const std::string& input, const Json::Value&) { return is_wrapup_seconds(input); });
}

TEST_CASE("shared cases: a predictive campaign's abandonment target") {
  check_kind("abandon_targets", 12,
             [](const std::string& input, const Json::Value&) { return is_abandon_target(input); });
}

TEST_CASE("shared cases: a predictive campaign's abandon message") {
  check_kind("abandon_messages", 10, [](const std::string& input, const Json::Value&) {
    // A message the check admits is one validate() admits for a predictive campaign.
    Campaign c;
    c.name = "sales";
    c.destination = "ext-queues,400,1";
    c.queue_name = "400";
    c.mode = DialMode::kPredictive;
    c.abandon_message = input;
    CHECK(validate(c).has_value() == is_sound_name(input));
    return is_sound_name(input);
  });
}

TEST_CASE("shared cases: the pause reasons setting") {
  check_kind("pause_reasons", 12, [](const std::string& input, const Json::Value&) {
    return parse_pause_reasons(input).has_value();
  });
}

TEST_CASE("shared cases: a campaign's webhook URL and secret") {
  check_kind("webhook_urls", 20, [](const std::string& input, const Json::Value&) {
    const auto checked = check_webhook_url(input);
    if (!checked) CHECK(checked.error().message.starts_with("Webhook URL"));
    return checked.has_value();
  });
  check_kind("webhook_secrets", 6, [](const std::string& input, const Json::Value&) {
    const auto checked = check_webhook_secret(input);
    if (!checked) CHECK(checked.error().message.starts_with("Webhook secret"));
    return checked.has_value();
  });
}
