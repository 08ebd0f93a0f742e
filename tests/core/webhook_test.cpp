// Webhooks in the core: the retry schedule on a fake clock, the event ids and
// the JSON body (parsed back with jsoncpp).
#include <json/json.h>

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "pd/core/webhook.h"

using namespace pd::core;

namespace {

Json::Value parse(const std::string& text) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  REQUIRE_MESSAGE(reader->parse(text.data(), text.data() + text.size(), &value, &errors),
                  errors << " in " << text);
  return value;
}

WebhookCall sample() {
  WebhookCall call;
  call.event = WebhookEvent::kResult;
  call.occurred_at = 1'795'000'000'123;
  call.call_id = "pd-e2e-42";
  call.campaign_id = 7;
  call.campaign = "sales";
  call.number_id = 99;
  call.number = "5550001";
  call.name = "Zoë \"Z\" O'Neil";
  call.variables = "customer_id=C-1|tier=gold";
  call.attempt = 2;
  call.state = "retry";
  call.dial_status = "BUSY";
  call.result = "Failed";
  call.hangup_cause = 17;
  call.started_at = 1'795'000'000'000;
  call.ended_at = 1'795'000'000'100;
  call.retry_at = 1'795'000'060'000;
  return call;
}

}  // namespace

TEST_CASE("webhook retry schedule - 5 s, 30 s, 2 min, 10 min, 1 h, then 1 h until max attempts") {
  ManualClock clock(1'000'000);
  const WebhookPolicy policy;  // the defaults the docs state
  const WebhookAttempt refused{0, "connection refused"};
  const EpochMs expected[] = {5'000, 30'000, 120'000, 600'000, 3'600'000, 3'600'000, 3'600'000};
  for (int n = 1; n <= 7; ++n) {
    const WebhookNext next = next_delivery(policy, n, refused, clock.now_ms());
    REQUIRE(next.kind == WebhookNext::kRetry);
    CHECK(next.retry_at == clock.now_ms() + expected[n - 1]);
    CHECK(next.error == "connection refused");
    clock.set(next.retry_at);
  }
  const WebhookNext last = next_delivery(policy, 8, refused, clock.now_ms());
  CHECK(last.kind == WebhookNext::kGiveUp);
  CHECK(last.error.find("after 8 attempts") != std::string::npos);
}

TEST_CASE("webhook delivery outcomes - 2xx delivered, 5xx and 4xx retried, 410 gives up") {
  const WebhookPolicy policy{{1'000}, 3};
  CHECK(next_delivery(policy, 1, {200, ""}, 0).kind == WebhookNext::kDelivered);
  CHECK(next_delivery(policy, 1, {204, ""}, 0).kind == WebhookNext::kDelivered);
  const WebhookNext busy = next_delivery(policy, 1, {503, ""}, 10);
  CHECK(busy.kind == WebhookNext::kRetry);
  CHECK(busy.retry_at == 1'010);
  CHECK(busy.error == "HTTP 503");
  CHECK(next_delivery(policy, 2, {400, ""}, 0).kind == WebhookNext::kRetry);
  CHECK(next_delivery(policy, 3, {500, ""}, 0).kind == WebhookNext::kGiveUp);
  CHECK(next_delivery(policy, 1, {410, ""}, 0).kind == WebhookNext::kGiveUp);
  // A transport error is never a delivery, whatever status came with it.
  CHECK(next_delivery(policy, 1, {200, "timed out"}, 0).kind == WebhookNext::kRetry);
  // max_attempts below 1 is taken as 1.
  CHECK(next_delivery(WebhookPolicy{{1'000}, 0}, 1, {500, ""}, 0).kind == WebhookNext::kGiveUp);
}

TEST_CASE("webhook payload - every field of a final result, valid JSON") {
  const Json::Value v = parse(webhook_payload(sample()));
  CHECK(v["event_id"].asString() == "pd-e2e-42.result");
  CHECK(v["event"].asString() == "call.result");
  CHECK(v["sequence"].asInt() == 3);
  CHECK(v["occurred_at"].asString() == iso8601_utc(1'795'000'000'123));
  CHECK(v["call_id"].asString() == "pd-e2e-42");
  CHECK(v["campaign"]["id"].asInt() == 7);
  CHECK(v["campaign"]["name"].asString() == "sales");
  CHECK(v["number"]["id"].asInt() == 99);
  CHECK(v["number"]["number"].asString() == "5550001");
  CHECK(v["number"]["name"].asString() == "Zoë \"Z\" O'Neil");
  CHECK(v["number"]["variables"]["customer_id"].asString() == "C-1");
  CHECK(v["number"]["variables"]["tier"].asString() == "gold");
  CHECK(v["attempt"].asInt() == 2);
  CHECK(v["state"].asString() == "retry");
  CHECK(v["dial_status"].asString() == "BUSY");
  CHECK(v["result"].asString() == "Failed");
  CHECK(v["hangup_cause"].asInt() == 17);
  CHECK(v["agent_disposition"].isNull());
  CHECK(v["dtmf"].isNull());
  CHECK(v["agent"].isNull());
  CHECK(v["answered_at"].isNull());
  CHECK(v["retry"]["will_retry"].asBool());
  CHECK(v["retry"]["at"].asString() == iso8601_utc(1'795'000'060'000));
}

TEST_CASE("webhook payload - a final result without retry, control characters and bad UTF-8") {
  WebhookCall call = sample();
  call.state = "done";
  call.retry_at.reset();
  call.name = std::string("a\nb\x01") + "\xC3" + "\x28" + "\xFF";
  call.variables = "=broken";  // does not parse: left out, the event is still sent
  call.agent = "101";
  call.dtmf = "1";
  const std::string body = webhook_payload(call);
  CHECK(body.find('\n') == std::string::npos);
  const Json::Value v = parse(body);
  CHECK(v["number"]["name"].asString() == "a\nb\x01\xEF\xBF\xBD(\xEF\xBF\xBD");
  CHECK(v["number"]["variables"].isObject());
  CHECK(v["number"]["variables"].empty());
  CHECK_FALSE(v["retry"]["will_retry"].asBool());
  CHECK(v["retry"]["at"].isNull());
  CHECK(v["agent"].asString() == "101");
  CHECK(v["dtmf"].asString() == "1");
}

TEST_CASE("webhook event ids and order within a call") {
  WebhookCall call = sample();
  call.event = WebhookEvent::kDialing;
  CHECK(webhook_event_id(call) == "pd-e2e-42.dialing");
  call.event = WebhookEvent::kAnswered;
  CHECK(webhook_event_id(call) == "pd-e2e-42.answered");
  call.event = WebhookEvent::kDisposition;
  call.agent_disposition = "Sale";
  CHECK(webhook_event_id(call) == "pd-e2e-42.disposition.Sale");
  CHECK(sequence_of(WebhookEvent::kDialing) < sequence_of(WebhookEvent::kAnswered));
  CHECK(sequence_of(WebhookEvent::kAnswered) < sequence_of(WebhookEvent::kResult));
  CHECK(sequence_of(WebhookEvent::kResult) < sequence_of(WebhookEvent::kDisposition));
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso8601_utc(1'795'000'000'123) == "2026-11-18T11:06:40.123Z");
}
