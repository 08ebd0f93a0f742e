// Webhooks end to end (issue 14): panelhost + libpaneldialer.so + pbx-sim +
// MariaDB, and a receiver on loopback (pd/testing/http_receiver.h).
#include <json/json.h>

#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <memory>
#include <set>

#include "e2e_checks.h"
#include "engine_rig.h"
#include "pd/store/store.h"
#include "pd/testing/http_receiver.h"
#include "pd/webhook/signature.h"
#include "scenario.h"

using namespace std::chrono_literals;
using namespace pd::testing;

namespace {

constexpr const char* kSecret = "test-secret-0123456789";

Json::Value parse(const std::string& text) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  REQUIRE_MESSAGE(reader->parse(text.data(), text.data() + text.size(), &value, &errors), errors);
  return value;
}

void attach_webhook(EngineRig& rig, uint32_t campaign, const std::string& url, bool state_changes) {
  REQUIRE(rig.conn().execute(
      "UPDATE dialer_campaigns SET webhook_url = ?, webhook_secret = ?, webhook_state_changes = ?"
      " WHERE id = ?",
      {url, kSecret, state_changes, campaign}));
}

// Every request's signature checks out with the campaign's secret, as
// docs/webhooks.md tells a receiver to check it.
void check_signed(const ReceivedRequest& r) {
  std::string seen;
  for (const auto& [name, value] : r.headers) seen += name + ": " + value + "\n";
  INFO("headers:\n" << seen << r.body);
  REQUIRE(r.headers.count("x-paneldialer-timestamp") == 1);
  REQUIRE(r.headers.count("x-paneldialer-signature") == 1);
  const std::int64_t timestamp = std::stoll(r.headers.at("x-paneldialer-timestamp"));
  CHECK(r.headers.at("x-paneldialer-signature") ==
        pd::webhook::signature(kSecret, timestamp, r.body));
  CHECK(r.headers.at("x-paneldialer-signature") !=
        pd::webhook::signature("another-secret-0123", timestamp, r.body));
  CHECK(r.headers.at("content-type") == "application/json");
  CHECK(r.method == "POST");
}

// The accepted (2xx) requests by event id; fails on an event accepted twice.
std::map<std::string, Json::Value> accepted_events(const HttpReceiver& receiver) {
  std::map<std::string, Json::Value> events;
  for (const ReceivedRequest& r : receiver.requests()) {
    if (r.answered < 200 || r.answered >= 300) continue;
    check_signed(r);
    Json::Value v = parse(r.body);
    const std::string id = v["event_id"].asString();
    CHECK(r.headers.at("x-paneldialer-event-id") == id);
    CHECK_MESSAGE(events.count(id) == 0, "delivered twice: " << id);
    events[id] = v;
  }
  return events;
}

// Waits until the outbox has nothing left to send.
void require_outbox_drained(EngineRig& rig, std::chrono::seconds timeout) {
  REQUIRE_MESSAGE(
      eventually([&] { return rig.count("dialer_webhook_events", "state = 'pending'") == 0; },
                 timeout),
      rig.host_output());
}

// Every ended call of the campaign has exactly one call.result event, with
// the call's own values.
void check_results(EngineRig& rig, uint32_t campaign,
                   const std::map<std::string, Json::Value>& events) {
  auto calls = rig.conn().query(
      "SELECT c.call_id, c.number, c.attempt, c.dial_status FROM dialer_calls c"
      " WHERE c.campaign_id = ? AND c.ended_at IS NOT NULL",
      {campaign});
  REQUIRE(calls);
  REQUIRE(!calls->rows.empty());
  for (const auto& row : calls->rows) {
    const std::string call_id(row.str(0));
    const auto it = events.find(call_id + ".result");
    REQUIRE_MESSAGE(it != events.end(), "no result event for " << call_id);
    const Json::Value& v = it->second;
    CHECK(v["event"].asString() == "call.result");
    CHECK(v["call_id"].asString() == call_id);
    CHECK(v["campaign"]["id"].asUInt() == campaign);
    CHECK(v["number"]["number"].asString() == row.str(1));
    CHECK(v["number"]["name"].asString() == "Lead " + std::string(row.str(1)));
    CHECK(v["attempt"].asInt() == row.i64(2));
    CHECK(v["dial_status"].asString() == row.str(3));
  }
  CHECK(rig.count("dialer_webhook_events", "campaign_id = " + std::to_string(campaign) +
                                               " AND event = 'call.result'") == calls->rows.size());
}

}  // namespace

TEST_CASE("webhooks: every final result arrives once, in order per call, signed") {
  HttpReceiver receiver;
  EngineRig rig(engine_scenario(20));
  CampaignSpec spec;
  spec.name = "hooks";
  spec.valid_dtmf = "1";
  spec.dial_attempts = 2;
  spec.retry_minutes = 0;
  spec.concurrent_calls = 10;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, numbers_ending("555700", "0123456789"));
  REQUIRE(
      rig.conn().execute("UPDATE dialer_numbers SET variables = 'customer_id=C-7|tier=gold' WHERE "
                         "number = '5557000'"));
  attach_webhook(rig, campaign, receiver.url("/hooks/dialer"), true);
  // A campaign without a webhook queues nothing.
  CampaignSpec quiet = spec;
  quiet.name = "quiet";
  const uint32_t quiet_id = rig.add_campaign(quiet);
  rig.add_numbers(quiet_id, {"5557100", "5557105"});
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  require_all_final(rig, quiet_id, 60s);
  require_outbox_drained(rig, 30s);

  const auto events = accepted_events(receiver);
  check_results(rig, campaign, events);
  CHECK(rig.count("dialer_webhook_events", "campaign_id = " + std::to_string(quiet_id)) == 0);
  CHECK(rig.count("dialer_webhook_events", "state <> 'delivered'") == 0);
  CHECK(events.size() == rig.count("dialer_webhook_events", "1"));
  for (const ReceivedRequest& r : receiver.requests()) CHECK(r.path == "/hooks/dialer");

  // In order per call: dialing, then answered (if it was), then the result.
  std::map<std::string, int> last_sequence;
  for (const ReceivedRequest& r : receiver.requests()) {
    const Json::Value v = parse(r.body);
    const std::string call_id = v["call_id"].asString();
    CHECK_MESSAGE(v["sequence"].asInt() > last_sequence[call_id], r.body);
    last_sequence[call_id] = v["sequence"].asInt();
  }
  // A busy first attempt says it will be retried, and when; its second says not.
  auto busy = rig.conn().query(
      "SELECT call_id, attempt FROM dialer_calls WHERE number = '5557005' ORDER BY attempt");
  REQUIRE(busy);
  REQUIRE(busy->rows.size() == 2);
  const Json::Value& first = events.at(std::string(busy->rows[0].str(0)) + ".result");
  CHECK(first["state"].asString() == "retry");
  CHECK(first["retry"]["will_retry"].asBool());
  CHECK(first["retry"]["at"].isString());
  CHECK(first["dial_status"].asString() == "BUSY");
  CHECK(events.count(std::string(busy->rows[0].str(0)) + ".dialing") == 1);
  const Json::Value& second = events.at(std::string(busy->rows[1].str(0)) + ".result");
  CHECK(second["state"].asString() == "failed");
  CHECK_FALSE(second["retry"]["will_retry"].asBool());
  // An answered call: its answer event, its variables, its DTMF.
  const std::string answered_call =
      rig.scalar("SELECT call_id FROM dialer_calls WHERE number = '5557000'");
  CHECK(events.count(answered_call + ".answered") == 1);
  const Json::Value& answered = events.at(answered_call + ".result");
  CHECK(answered["state"].asString() == "done");
  CHECK(answered["number"]["variables"]["customer_id"].asString() == "C-7");
  CHECK(answered["number"]["variables"]["tier"].asString() == "gold");
  CHECK(answered["answered_at"].isString());
  const std::string dtmf_call =
      rig.scalar("SELECT call_id FROM dialer_calls WHERE number = '5557004'");
  CHECK(events.at(dtmf_call + ".result")["dtmf"].asString() == "1");
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE(
    "webhooks: a receiver down for a while and a host restart meanwhile still get every result") {
  HttpReceiver receiver;
  receiver.set_status(503);
  EngineRig rig(engine_scenario(20));
  rig.set_plugin_extra(R"("webhook_retry_ms": "200,400,800", "webhook_max_attempts": 100)");
  CampaignSpec spec;
  spec.name = "hooksdown";
  spec.concurrent_calls = 10;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, numbers_ending("555710", "01235"));
  attach_webhook(rig, campaign, receiver.url(), false);
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const uint64_t results = rig.count("dialer_calls", "campaign_id = " + std::to_string(campaign));
  // Every result was tried and refused at least twice, and waits in the outbox.
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        return rig.count("dialer_webhook_events",
                                         "state = 'pending' AND attempts >= 2") == results;
                      },
                      30s),
                  rig.host_output());
  CHECK(rig.scalar("SELECT MIN(last_status) FROM dialer_webhook_events") == "503");
  CHECK(rig.scalar("SELECT COUNT(DISTINCT last_error) FROM dialer_webhook_events") == "1");
  CHECK(receiver.accepted() == 0);
  CHECK(rig.stop_host(SIGTERM) == 0);
  // Down across the restart; then it comes back.
  CHECK(rig.count("dialer_webhook_events", "state = 'pending'") == results);
  rig.start_host();
  const std::size_t before = receiver.count();
  REQUIRE(eventually([&] { return receiver.count() > before; }, 30s));
  receiver.set_status(200);
  require_outbox_drained(rig, 30s);
  const auto events = accepted_events(receiver);
  CHECK(events.size() == results);
  check_results(rig, campaign, events);
  // Only results were asked for (no state changes).
  for (const auto& [id, v] : events) CHECK(v["event"].asString() == "call.result");
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("webhooks: an event given up is kept as failed and a replay sends it again") {
  HttpReceiver receiver;
  receiver.set_status(500);
  EngineRig rig(engine_scenario(20));
  rig.set_plugin_extra(R"("webhook_retry_ms": "100", "webhook_max_attempts": 2)");
  CampaignSpec spec;
  spec.name = "hooksfail";
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, {"5557200"});
  attach_webhook(rig, campaign, receiver.url(), false);
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  REQUIRE_MESSAGE(
      eventually([&] { return rig.count("dialer_webhook_events", "state = 'failed'") == 1; }, 30s),
      rig.host_output());
  CHECK(rig.scalar("SELECT attempts FROM dialer_webhook_events") == "2");
  CHECK(rig.scalar("SELECT last_error FROM dialer_webhook_events").starts_with("HTTP 500"));
  CHECK(receiver.count() == 2);
  REQUIRE(eventually(
      [&] { return rig.host_output().find("gave up on event") != std::string::npos; }, 10s));
  receiver.set_status(200);
  // What the admin page's Replay button does (admin-php/webhooks.php).
  pd::store::Store store(rig.conn(), "admin");
  auto replayed =
      store.replay_webhook(std::stoull(rig.scalar("SELECT id FROM dialer_webhook_events")));
  REQUIRE(replayed);
  CHECK(*replayed);
  require_outbox_drained(rig, 30s);
  CHECK(rig.scalar("SELECT state FROM dialer_webhook_events") == "delivered");
  const auto events = accepted_events(receiver);
  CHECK(events.size() == 1);
  check_results(rig, campaign, events);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("webhooks: a receiver answering slowly holds back only its own campaign's events") {
  HttpReceiver slow;
  slow.set_delay(3000ms);
  HttpReceiver fast;
  EngineRig rig(engine_scenario(20));
  // Two POSTs at once: one for each campaign at most.
  rig.set_plugin_extra(R"("webhook_concurrency": 2, "webhook_timeout_ms": 10000)");
  CampaignSpec spec;
  spec.name = "hooksslow";
  spec.concurrent_calls = 10;
  const uint32_t slow_id = rig.add_campaign(spec);
  spec.name = "hooksfast";
  const uint32_t fast_id = rig.add_campaign(spec);
  rig.add_numbers(slow_id, numbers_ending("555730", "01235"));
  rig.add_numbers(fast_id, numbers_ending("555740", "01235"));
  attach_webhook(rig, slow_id, slow.url(), false);
  attach_webhook(rig, fast_id, fast.url(), false);
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, slow_id, 60s);
  require_all_final(rig, fast_id, 60s);
  const std::string fast_pending =
      "campaign_id = " + std::to_string(fast_id) + " AND state = 'pending'";
  REQUIRE_MESSAGE(
      eventually([&] { return rig.count("dialer_webhook_events", fast_pending) == 0; }, 10s),
      rig.host_output());
  // The slow campaign's five results take 3 s each, one at a time: most still
  // wait (without the per-campaign share, both slots would have carried slow
  // POSTs and the fast campaign would have drained only behind them).
  CHECK(rig.count("dialer_webhook_events",
                  "campaign_id = " + std::to_string(slow_id) + " AND state = 'pending'") >= 3);
  CHECK(accepted_events(fast).size() == 5);
  require_outbox_drained(rig, 40s);
  CHECK(accepted_events(slow).size() == 5);
  CHECK(rig.stop_host(SIGTERM) == 0);
}
