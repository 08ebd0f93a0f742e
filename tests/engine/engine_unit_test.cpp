// The engine adapter without a database or a PBX: a fake host (AMI actions
// recorded, replies fed by the test), a fake store, a manual clock. What the
// end-to-end tests show with MariaDB and pbx-sim, here step by step: pacing
// and claims, the dialplan check, the last do-not-call check, link loss and
// reconciliation, milestones after a restart, lease loss.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "engine.h"
#include "fake_host.h"
#include "fake_store.h"

using namespace std::chrono_literals;
using pd::plugin::Engine;
using pd::testing::Action;
using pd::testing::FakeHost;
using pd::testing::FakeStore;

namespace {

// Wednesday 2026-11-25 12:00:00 UTC.
constexpr pd::core::EpochMs kStart = 1795608000000;

pd::store::Campaign automatic_campaign(uint32_t id, const std::string& name,
                                       const std::string& destination = "ivr-1,s,1") {
  pd::store::Campaign c;
  c.id = id;
  c.name = name;
  c.destination_kind = pd::store::DestinationKind::kIvr;
  c.destination = destination;
  c.mode = pd::store::DialMode::kAutomatic;
  c.start_hour = 0s;
  c.end_hour = 0s;  // all day
  c.week_days = 0x7f;
  c.concurrent_calls = 3;
  c.dial_attempts = 2;
  c.retry_minutes = 1;
  c.enabled = true;
  return c;
}

// A preview campaign on queue "support", with outbound dispositions.
pd::store::Campaign preview_campaign(uint32_t id, const std::string& name) {
  pd::store::Campaign c = automatic_campaign(id, name, "pd-queues,support,1");
  c.destination_kind = pd::store::DestinationKind::kQueue;
  c.queue_name = "support";
  c.mode = pd::store::DialMode::kPreview;
  c.concurrent_calls = 1;
  c.outbound_dispositions = {"Sale", "NoSale"};
  return c;
}

struct Harness {
  uint16_t wrapup_seconds = 0;  // of the campaign preview_call_ended() starts
  bool with_callback = false;   // preview_call_ended(): a "Callback" disposition too
  Harness() {
    pd::plugin::PluginConfig config;
    config.instance_id = "t";
    config.templates_dir = PD_TEMPLATES_DIR;
    config.write_dialplan = false;
    config.hopper_size = 10;
    auto fake = std::make_unique<FakeStore>(host.services());
    store = fake.get();
    engine = Engine::create(host.services(), config, std::move(fake),
                            std::make_unique<pd::testing::InlineBackground>(), clock);
  }
  ~Harness() {
    host.drop_posted();  // the ABI's rule: pending work is dropped before stop()
    engine->stop();
    host.drop_posted();  // what stop() itself posted
  }

  void tick(int64_t advance_ms = 50) {
    clock.advance(advance_ms);
    monotonic += uint64_t(advance_ms);
    engine->on_tick(monotonic);
    host.run_posted();
  }
  void feed(const Action& fields) {
    std::vector<pd_ami_field> c_fields;
    for (const auto& [k, v] : fields) c_fields.push_back({k.c_str(), v.c_str()});
    engine->on_ami_message(c_fields.data(), c_fields.size());
    host.run_posted();
  }
  // Answers every ShowDialPlan not answered yet: the contexts exist, except
  // those named in `missing`.
  void answer_dialplan_checks(const std::string& missing = "") {
    for (const auto& check : host.sent_named("ShowDialPlan")) {
      if (answered.contains(check.action_id)) continue;
      answered.insert(check.action_id);
      if (!missing.empty() && check.get("Context") == missing) {
        feed({{"Response", "Error"},
              {"ActionID", check.action_id},
              {"Message", "Did not find context " + missing}});
      } else {
        feed({{"Response", "Success"},
              {"ActionID", check.action_id},
              {"EventList", "start"},
              {"Message", "DialPlan list will follow"}});
      }
    }
  }
  // Link up, schema, configuration, dialplan check, recovery: ready to dial.
  void start(std::vector<pd::store::Campaign> campaigns, const std::string& missing = "") {
    engine->on_ami_link(true);
    tick();  // migrate
    pd::store::ConfigSnapshot snapshot;
    snapshot.settings.values["calls_per_second"] = "100";
    for (const auto& [name, value] : settings) snapshot.settings.values[name] = value;
    snapshot.campaigns = std::move(campaigns);
    store->push_config(std::move(snapshot));
    host.run_posted();
    answer_dialplan_checks(missing);
    for (int i = 0; i < 5; ++i) tick();  // recover, claim, last DNC check, Originates
  }
  std::vector<FakeHost::Sent> originates() const { return host.sent_named("Originate"); }
  void panel(const std::string& agent, const std::string& json) {
    engine->on_panel_message(agent, json);
    host.run_posted();
  }
  // A free member of `queue`, and its agent's panel open.
  void agent_ready(const std::string& agent, const std::string& queue = "support") {
    feed({{"Event", "QueueMemberAdded"},
          {"Queue", queue},
          {"Interface", "PJSIP/" + agent},
          {"Status", "1"},
          {"Paused", "0"},
          {"InCall", "0"}});
    panel(agent, R"({"type":"panel.open"})");
  }
  // Ticks until `agent` was shown a card (at most 20 ticks).
  bool card_shown(const std::string& agent) {
    for (int i = 0; i < 20 && host.panel_count(agent, R"("type":"preview.card")") == 0; ++i) {
      tick();
    }
    return host.panel_count(agent, R"("type":"preview.card")") > 0;
  }

  // dialer_settings the next start() hands the engine, besides calls_per_second.
  std::map<std::string, std::string> settings;
  FakeHost host;
  pd::core::ManualClock clock{kStart};
  FakeStore* store = nullptr;  // owned by the engine
  std::unique_ptr<Engine> engine;
  uint64_t monotonic = 0;
  std::set<std::string> answered;
};

}  // namespace

TEST_CASE("engine: an automatic campaign dials up to its concurrency, once its dialplan is there") {
  Harness h;
  for (uint64_t i = 1; i <= 10; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  h.start({automatic_campaign(1, "auto")});
  REQUIRE(h.originates().size() == 3);
  CHECK(h.originates()[0].get("Context") == "pd-auto-dest");
  CHECK(h.originates()[0].get("Channel").starts_with("Local/55500"));
  for (int i = 0; i < 20; ++i) h.tick();
  CHECK(h.originates().size() == 3);  // no more while three are live
  // Each call's start is recorded, at the clock's time.
  const auto starts = h.store->writes_of<pd::store::AttemptStart>();
  REQUIRE(starts.size() == 3);
  CHECK(starts[0].started_at.time_since_epoch() > std::chrono::milliseconds(kStart));
}

TEST_CASE("engine: a destination missing from the dialplan - no Originate, the problem is shown") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({automatic_campaign(1, "lost", "no-such-ivr,s,1")}, "no-such-ivr");
  for (int i = 0; i < 20; ++i) h.tick(500);  // the status is published every 5 s
  CHECK(h.originates().empty());
  REQUIRE(h.store->statuses.contains(1));
  CHECK(h.store->statuses[1].problem.find("destination no-such-ivr,s,1 is not in the dialplan") !=
        std::string::npos);
  CHECK(h.store->statuses[1].problem_since.has_value());
  CHECK(h.host.logged("campaign 'lost' will not dial"));
}

TEST_CASE("engine: a number put on the do-not-call list after its claim is never dialed") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.store->add_lead(1, 2, "5550002");
  // Claimed clean; listed before the last check right before the Originate.
  h.engine->on_ami_link(true);
  h.tick();
  pd::store::ConfigSnapshot snapshot;
  snapshot.settings.values["calls_per_second"] = "100";
  snapshot.campaigns = {automatic_campaign(1, "dnc")};
  h.store->push_config(std::move(snapshot));
  h.host.run_posted();
  h.answer_dialplan_checks();
  h.tick();  // recover
  h.tick();  // claim
  h.store->dnc.insert("5550002");
  for (int i = 0; i < 5; ++i) h.tick();
  REQUIRE(h.originates().size() == 1);
  CHECK(h.originates()[0].get("Channel").starts_with("Local/5550001@"));
  CHECK(std::find(h.store->finished.begin(), h.store->finished.end(),
                  std::make_pair(uint64_t(2), pd::store::NumberState::kDnc)) !=
        h.store->finished.end());
}

TEST_CASE("engine: link down stops dialing - on link up it reconciles and reads the milestones") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  auto campaign = automatic_campaign(1, "link");
  campaign.concurrent_calls = 1;
  h.start({campaign});
  REQUIRE(h.originates().size() == 1);
  const std::string call_id = h.originates()[0].get("ChannelId");
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", call_id}, {"Linkedid", call_id}});

  h.host.link_up = false;
  h.engine->on_ami_link(false);
  h.store->add_lead(1, 2, "5550002");
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.originates().size() == 1);

  h.host.link_up = true;
  h.engine->on_ami_link(true);
  const auto show = h.host.sent_named("CoreShowChannels");
  REQUIRE(show.size() == 1);
  h.answer_dialplan_checks();
  // The PBX lists no channel of the call: it ended while the link was down.
  h.feed({{"Event", "CoreShowChannelsComplete"},
          {"ActionID", show[0].action_id},
          {"EventList", "Complete"},
          {"ListItems", "0"}});
  const auto trees = h.host.sent_named("DBGetTree");
  REQUIRE(trees.size() == 1);
  CHECK(trees[0].get("Family") == "paneldialer");
  CHECK(trees[0].get("Key") == call_id);
  const std::string answered = std::to_string(kStart + 2000);
  const std::string ended = std::to_string(kStart + 9000);
  h.feed({{"Response", "Success"}, {"ActionID", trees[0].action_id}, {"EventList", "start"}});
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"answered", answered}, {"ended", ended}, {"cause", "16"}}) {
    h.feed({{"Event", "DBGetTreeResponse"},
            {"ActionID", trees[0].action_id},
            {"Family", "paneldialer"},
            {"Key", call_id + "/" + key},
            {"Val", value}});
  }
  h.feed({{"Event", "DBGetTreeComplete"},
          {"ActionID", trees[0].action_id},
          {"EventList", "Complete"},
          {"ListItems", "3"}});
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].dial_status == "ANSWER");
  CHECK(results[0].disposition == "Ok");
  CHECK(results[0].new_state == pd::store::NumberState::kDone);
  REQUIRE(results[0].answered_at.has_value());
  CHECK(results[0].answered_at->time_since_epoch() == std::chrono::milliseconds(kStart + 2000));
  CHECK(results[0].ended_at.time_since_epoch() == std::chrono::milliseconds(kStart + 9000));
  // Its records are deleted, and dialing goes on.
  REQUIRE(h.host.sent_named("DBDelTree").size() == 1);
  CHECK(h.host.sent_named("DBDelTree")[0].get("Key") == call_id);
  for (int i = 0; i < 10; ++i) h.tick(500);  // an empty claim waits 2 s before the next
  CHECK(h.originates().size() == 2);
}

TEST_CASE("engine: a reconciliation that gets no answer is asked again") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({automatic_campaign(1, "quiet")});
  REQUIRE(h.originates().size() == 1);
  h.engine->on_ami_link(false);
  h.engine->on_ami_link(true);
  REQUIRE(h.host.sent_named("CoreShowChannels").size() == 1);
  for (int i = 0; i < 31; ++i) h.tick(1000);  // nothing answers within 30 s
  CHECK(h.host.sent_named("CoreShowChannels").size() == 2);
  CHECK(h.host.logged("no answer to CoreShowChannels in time"));
  // A link drop in the middle resets it: the next link-up starts afresh.
  h.engine->on_ami_link(false);
  h.engine->on_ami_link(true);
  CHECK(h.host.sent_named("CoreShowChannels").size() == 3);
}

TEST_CASE("engine: adopted calls end under their campaign's own rule - no record, not answered") {
  Harness h;
  pd::plugin::OpenCall open;
  open.call_id = "t-old-1";
  open.lead.id = 7;
  open.lead.campaign_id = 1;
  open.lead.number = "5550007";
  open.campaign_name = "adopt";
  open.started_at = pd::store::TimePoint(std::chrono::milliseconds(kStart - 60000));
  h.store->open_calls = {open};
  h.start({automatic_campaign(1, "adopt")});
  CHECK(h.host.logged("adopting 1 call(s)"));
  const auto show = h.host.sent_named("CoreShowChannels");
  REQUIRE(show.size() == 1);
  h.feed({{"Event", "CoreShowChannelsComplete"}, {"ActionID", show[0].action_id}});
  const auto trees = h.host.sent_named("DBGetTree");
  REQUIRE(trees.size() == 1);
  h.feed({{"Response", "Error"},
          {"ActionID", trees[0].action_id},
          {"Message", "Database entry not found"}});
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].call_id == "t-old-1");
  CHECK(results[0].new_state == pd::store::NumberState::kRetry);
  REQUIRE(results[0].next_try_at.has_value());
  // The campaign's 1 minute, not a built-in default.
  CHECK(results[0].next_try_at->time_since_epoch() - std::chrono::milliseconds(h.clock.now_ms()) <=
        std::chrono::milliseconds(60000));
}

TEST_CASE("engine: milestones that cannot be read - the call ends Unknown, never redialed") {
  Harness h;
  pd::plugin::OpenCall open;
  open.call_id = "t-old-2";
  open.lead.id = 8;
  open.lead.campaign_id = 1;
  open.lead.number = "5550008";
  h.store->open_calls = {open};
  h.start({automatic_campaign(1, "unknown")});
  const auto show = h.host.sent_named("CoreShowChannels");
  REQUIRE(show.size() == 1);
  h.feed({{"Event", "CoreShowChannelsComplete"}, {"ActionID", show[0].action_id}});
  const auto trees = h.host.sent_named("DBGetTree");
  REQUIRE(trees.size() == 1);
  h.feed(
      {{"Response", "Error"}, {"ActionID", trees[0].action_id}, {"Message", "Permission denied"}});
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].new_state == pd::store::NumberState::kUnknown);
  CHECK(results[0].disposition == "Unknown");
  CHECK(h.host.logged("cannot be read"));
}

TEST_CASE("engine: a failed lease renewal sends the waiting leads back for a new claim") {
  Harness h;
  for (uint64_t i = 1; i <= 8; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  auto campaign = automatic_campaign(1, "lease");
  campaign.concurrent_calls = 1;
  h.start({campaign});
  REQUIRE(h.originates().size() == 1);
  const int claims_before = h.store->claims;
  h.store->renew_error = pd::Error::unavailable("database away");
  for (int i = 0; i < 50 && h.store->renewals == 0; ++i) h.tick(2000);  // lease 120 s: every 40 s
  REQUIRE(h.store->renewals > 0);
  // Every lead waiting in the hopper went back; none is dialed from it.
  CHECK(h.store->released.size() == 7);
  CHECK(h.host.logged("lease renewal failed"));
  h.store->renew_error.reset();
  CHECK(h.store->claims >= claims_before);
}

TEST_CASE(
    "engine: every lead passes the dial gate - its own hours, its zone, the do-not-call list") {
  Harness h;
  auto campaign = automatic_campaign(1, "zones");
  campaign.start_hour = 9h;  // 09:00-18:00 UTC; the clock says 12:00 UTC
  campaign.end_hour = 18h;
  campaign.time_zone = "UTC";
  h.store->add_lead(1, 1, "5550001", "America/New_York");  // 07:00 there: not yet
  h.store->add_lead(1, 2, "5550002", "Europe/Berlin");     // 13:00 there
  h.store->add_lead(1, 3, "5550003", "Mars/Olympus");      // no such zone
  h.store->add_lead(1, 4, "5550004");                      // the campaign's zone
  h.start({campaign});
  const auto originates = h.originates();
  REQUIRE(originates.size() == 2);
  CHECK(originates[0].get("Channel").find("5550002") != std::string::npos);
  CHECK(originates[1].get("Channel").find("5550004") != std::string::npos);
  // New York opens at 09:00 EST = 14:00 UTC: the lead goes back until then.
  REQUIRE(h.store->deferred.size() == 1);
  CHECK(h.store->deferred[0].first == 1);
  CHECK(h.store->deferred[0].second == kStart / 1000 + 2 * 3600);
  // An unknown zone: never dialed, failed with the reason for the admin.
  REQUIRE(h.store->finished.size() == 1);
  CHECK(h.store->finished[0] ==
        std::pair<uint64_t, pd::store::NumberState>(3, pd::store::NumberState::kFailed));
  CHECK(h.store->finish_reasons[3] == "the number's time zone 'Mars/Olympus' is unknown");
}

TEST_CASE("engine: a double click on a preview card dials once") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  REQUIRE(h.card_shown("201"));
  CHECK(h.host.panel_count("201", R"("lead":1)") > 0);
  // Two clicks before the last do-not-call check answers, then one more.
  h.engine->on_panel_message("201", R"({"type":"preview.dial","lead":1})");
  h.engine->on_panel_message("201", R"({"type":"preview.dial","lead":1})");
  h.host.run_posted();
  h.panel("201", R"({"type":"preview.dial","lead":1})");
  REQUIRE(h.originates().size() == 1);
  CHECK(h.originates()[0].get("Channel").find("201") != std::string::npos);  // the agent first
  CHECK(h.host.panel_count("201", R"("reason":"dialed")") == 1);
  CHECK(h.host.panel_count("201", R"("type":"error")") == 0);
}

TEST_CASE("engine: a preview card goes back to the campaign when the panel closes") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  REQUIRE(h.card_shown("201"));
  h.panel("201", R"({"type":"panel.close"})");
  CHECK(std::count(h.store->released.begin(), h.store->released.end(), uint64_t(1)) == 1);
  CHECK(h.host.panel_count("201", R"("reason":"panel closed")") == 1);
  // No card for a closed panel, and no dial of the lead given back.
  const size_t cards = h.host.panel_count("201", R"("type":"preview.card")");
  for (int i = 0; i < 5; ++i) h.tick();
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == cards);
  h.panel("201", R"({"type":"preview.dial","lead":1})");
  CHECK(h.originates().empty());
  CHECK(h.host.panel_count("201", "no longer yours to dial") == 1);
}

TEST_CASE("engine: two free preview agents - exactly two leads are claimed, two cards shown") {
  Harness h;
  for (uint64_t id = 1; id <= 104; ++id) h.store->add_lead(1, id, std::to_string(5550000 + id));
  h.start({preview_campaign(1, "pv")});
  CHECK(h.store->claimed.empty());  // no agent, no lead reserved
  h.agent_ready("201");
  h.agent_ready("202");
  REQUIRE(h.card_shown("201"));
  REQUIRE(h.card_shown("202"));
  for (int i = 0; i < 10; ++i) h.tick();  // more pacing claims nothing more
  CHECK(h.store->claimed == std::vector<uint64_t>{1, 2});
  CHECK(h.store->released.empty());
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == 1);
  CHECK(h.host.panel_count("202", R"("type":"preview.card")") == 1);
  CHECK(h.host.panel_count("201", R"("lead":2)") + h.host.panel_count("202", R"("lead":2)") == 1);
}

TEST_CASE("engine: a lead added with a higher priority after the first card is the next card") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.store->add_lead(1, 2, "5550002");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  REQUIRE(h.card_shown("201"));
  CHECK(h.store->claimed == std::vector<uint64_t>{1});
  h.store->add_lead(1, 3, "5550003", {}, 1000);
  h.panel("201", R"({"type":"preview.skip","lead":1,"close":false})");
  for (int i = 0; i < 20 && h.host.panel_count("201", R"("type":"preview.card")") < 2; ++i) {
    h.tick();
  }
  REQUIRE(h.host.panel_count("201", R"("type":"preview.card")") == 2);
  CHECK(h.store->claimed == std::vector<uint64_t>{1, 3});
  CHECK(h.host.panel_count("201", R"("lead":3)") > 0);
  CHECK(h.host.panel_count("201", R"("lead":2)") == 0);
}

TEST_CASE("engine: a lead claimed for an agent who left meanwhile goes back at once") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  // The claim is made; the panel closes before its answer comes.
  h.clock.advance(50);
  h.engine->on_tick(h.monotonic += 50);
  REQUIRE(h.store->claims > 0);
  h.engine->on_panel_message("201", R"({"type":"panel.close"})");
  h.host.run_posted();
  CHECK(h.store->claimed == std::vector<uint64_t>{1});
  CHECK(h.store->released == std::vector<uint64_t>{1});
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == 0);
}

TEST_CASE("engine: a number put on the do-not-call list while its card is shown is withdrawn") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  REQUIRE(h.card_shown("201"));
  h.store->dnc.insert("5550001");
  const int64_t listed_at = h.clock.now_ms();
  for (int i = 0; i < 200 && h.host.panel_count("201", R"("reason":"do-not-call")") == 0; ++i) {
    h.tick();
  }
  REQUIRE(h.host.panel_count("201", R"("reason":"do-not-call")") == 1);
  CHECK(h.clock.now_ms() - listed_at <= pd::plugin::kCardDncCheckMs + 100);
  CHECK(std::count(h.store->finished.begin(), h.store->finished.end(),
                   std::pair<uint64_t, pd::store::NumberState>(1, pd::store::NumberState::kDnc)) ==
        1);
  CHECK(h.store->released.empty());
  h.panel("201", R"({"type":"preview.dial","lead":1})");
  CHECK(h.originates().empty());
  CHECK(h.host.panel_count("201", "no longer yours to dial") == 1);
}

TEST_CASE(
    "engine: a preview template with raw contact data shows no card unless raw HTML is allowed") {
  for (const bool allowed : {false, true}) {
    CAPTURE(allowed);
    Harness h;
    h.settings["preview_template"] = "<h2>{NAME|s}</h2>{DIALBUTTON|s}";
    h.settings["preview_allow_raw_html"] = allowed ? "1" : "0";
    h.store->add_lead(1, 1, "5550001").name = "<img src=x onerror=alert(1)>";
    h.start({preview_campaign(1, "pv")});
    h.agent_ready("201");
    if (allowed) {
      REQUIRE(h.card_shown("201"));
      CHECK(h.host.panel_count("201", "<img src=x") > 0);  // the admin's explicit choice
    } else {
      CHECK_FALSE(h.card_shown("201"));
      CHECK(h.host.panel_count("201", "The preview template is broken") > 0);
      CHECK(h.host.panel_count("201", "<img") == 0);
    }
  }
}

namespace {

// A preview call of agent 201 placed and ended: answered by the customer
// (the agent is asked for its disposition), or not (the Originate failed:
// no prompt). Returns the call id.
std::string preview_call_ended(Harness& h, bool answered = true, uint64_t lead = 1) {
  if (lead == 1) {
    h.store->add_lead(1, 1, "5550001");
    pd::store::Campaign c = preview_campaign(1, "pv");
    c.wrapup_seconds = h.wrapup_seconds;
    if (h.with_callback) {
      c.outbound_dispositions.push_back("Callback");
      c.callback_dispositions = {"Callback"};
      c.callback_grace_minutes = 20;
    }
    h.start({c});
    h.agent_ready("201");
    REQUIRE(h.card_shown("201"));
  } else {
    h.store->add_lead(1, lead, "555000" + std::to_string(lead));
    // jsoncpp sorts the keys: only a preview.card has "lead" before "script".
    const std::string card = R"("lead":)" + std::to_string(lead) + R"(,"script")";
    for (int i = 0; i < 40 && h.host.panel_count("201", card) == 0; ++i) h.tick();
    REQUIRE(h.host.panel_count("201", card) == 1);
  }
  const size_t before = h.originates().size();
  h.panel("201", R"({"type":"preview.dial","lead":)" + std::to_string(lead) + "}");
  REQUIRE(h.originates().size() == before + 1);
  const auto originate = h.originates().back();
  const std::string call_id = originate.get("ChannelId");
  const std::string trunk = "trunk-" + call_id;
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", call_id}, {"Linkedid", call_id}});
  if (answered) {
    h.feed({{"Event", "OriginateResponse"},
            {"ActionID", originate.action_id},
            {"Response", "Success"},
            {"Reason", "4"},
            {"Uniqueid", call_id}});
    h.feed({{"Event", "DialBegin"},
            {"Uniqueid", call_id},
            {"Linkedid", call_id},
            {"DestUniqueid", trunk},
            {"DestLinkedid", call_id}});
    h.feed({{"Event", "Newchannel"}, {"Uniqueid", trunk}, {"Linkedid", call_id}});
    h.feed({{"Event", "DialEnd"},
            {"Uniqueid", call_id},
            {"Linkedid", call_id},
            {"DestUniqueid", trunk},
            {"DestLinkedid", call_id},
            {"DialStatus", "ANSWER"}});
    h.feed({{"Event", "Hangup"}, {"Uniqueid", trunk}, {"Linkedid", call_id}, {"Cause", "16"}});
  } else {
    h.feed({{"Event", "OriginateResponse"},
            {"ActionID", originate.action_id},
            {"Response", "Failure"},
            {"Reason", "1"}});
  }
  h.feed({{"Event", "Hangup"}, {"Uniqueid", call_id}, {"Linkedid", call_id}, {"Cause", "16"}});
  REQUIRE(h.store->writes_of<pd::store::AttemptResult>().size() >= 1);
  CHECK(h.store->writes_of<pd::store::AttemptResult>().back().call_id == call_id);
  return call_id;
}

// The stored prompt the engine wrote for `call_id`, or null.
const pd::store::PendingPrompt* stored_prompt(Harness& h, const std::string& agent,
                                              const std::string& call_id) {
  for (const auto& row : h.store->prompt_rows[agent]) {
    if (row.call_id == call_id) return &row;
  }
  return nullptr;
}

// The last disposition.pending the agent's panel got, or "".
std::string last_pending(Harness& h, const std::string& agent) {
  std::string last;
  for (const auto& m : h.host.panel(agent)) {
    if (m.find(R"("type":"disposition.pending")") != std::string::npos) last = m;
  }
  return last;
}

pd::store::PendingPrompt stored_row(const std::string& call_id, int64_t at_ms, uint64_t lead) {
  pd::store::PendingPrompt row;
  row.call_id = call_id;
  row.agent = "201";
  row.campaign_id = 1;
  row.number_id = lead;
  row.number = "555000" + std::to_string(lead);
  row.name = "Lead " + row.number;
  row.created_at = pd::plugin::time_of(at_ms);
  return row;
}

}  // namespace

TEST_CASE("engine: an outbound disposition is saved only once the store has written it") {
  Harness h;
  const std::string call_id = preview_call_ended(h);
  REQUIRE(h.host.panel_count("201", R"("type":"disposition.prompt")") == 1);
  h.panel("201",
          R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"Sale"})");
  // Queued after the call's result, its prompt and the wrap-up's start, not
  // yet written: no "saved" yet.
  const auto& writes = h.store->writes;
  REQUIRE(writes.size() >= 4);
  CHECK(std::holds_alternative<pd::store::AttemptResult>(writes[writes.size() - 4]));
  CHECK(std::holds_alternative<pd::store::PendingPrompt>(writes[writes.size() - 3]));
  CHECK(std::holds_alternative<pd::store::AgentPeriod>(writes[writes.size() - 2]));
  REQUIRE(std::holds_alternative<pd::store::AgentTag>(writes.back()));
  CHECK(std::get<pd::store::AgentTag>(writes.back()).disposition == "Sale");
  CHECK(std::get<pd::store::AgentTag>(writes.back()).number_id == 1);
  CHECK(std::get<pd::store::AgentTag>(writes.back()).agent == "201");
  CHECK(h.store->unconfirmed() == 2);  // the wrap-up's start row and the tag
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 0);
  // A reload meanwhile still lists the call.
  h.panel("201", R"({"type":"state.request"})");
  CHECK(last_pending(h, "201").find(call_id) != std::string::npos);
  CHECK(last_pending(h, "201").find(R"("count":1)") != std::string::npos);
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 1);
  CHECK(h.host.panel_count("201", R"("status":"idle")") > 0);
  CHECK(stored_prompt(h, "201", call_id) == nullptr);  // removed by the tag's write
  // The prompt is gone: a reload does not list it, a second tag is refused.
  h.panel("201", R"({"type":"state.request"})");
  CHECK(last_pending(h, "201").find(call_id) == std::string::npos);
  CHECK(last_pending(h, "201").find(R"("count":0)") != std::string::npos);
  h.panel("201",
          R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"NoSale"})");
  CHECK(h.host.panel_count("201", "of yours to tag") == 1);
}

TEST_CASE("engine: an outbound disposition the store could not write is reported and kept") {
  Harness h;
  const std::string call_id = preview_call_ended(h);
  const std::string set =
      R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"Sale"})";
  h.panel("201", set);
  h.store->fail_writes(pd::Error::unavailable("the store stopped before writing it"));
  h.host.run_posted();
  CHECK(h.host.panel_count("201", "Not saved: the store stopped before writing it") == 1);
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 0);
  CHECK(stored_prompt(h, "201", call_id) != nullptr);
  // The prompt stays: listed again on a reload, and the agent may try again.
  h.panel("201", R"({"type":"state.request"})");
  CHECK(last_pending(h, "201").find(call_id) != std::string::npos);
  CHECK(h.host.panel_count("201", R"("status":"wrapup")") > 0);
  h.panel("201", set);
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 1);
  CHECK(h.store->writes_of<pd::store::AgentTag>().size() == 2);
}

TEST_CASE("engine: a prompt is stored when it is created, with the call, agent and lead") {
  Harness h;
  const std::string call_id = preview_call_ended(h);
  const auto prompts = h.store->writes_of<pd::store::PendingPrompt>();
  REQUIRE(prompts.size() == 1);
  CHECK(prompts[0].call_id == call_id);
  CHECK(prompts[0].agent == "201");
  CHECK(prompts[0].campaign_id == 1);
  CHECK_FALSE(prompts[0].inbound);
  CHECK(prompts[0].number_id == 1);
  CHECK(prompts[0].number == "5550001");
  CHECK(prompts[0].created_at == pd::plugin::time_of(h.clock.now_ms()));
  const std::string pending = last_pending(h, "201");
  CHECK(pending.find(R"("count":1)") != std::string::npos);
  CHECK(pending.find(R"("campaign":"pv")") != std::string::npos);
  CHECK(pending.find(R"("number":"5550001")") != std::string::npos);
}

TEST_CASE("engine: no prompt for a preview call the customer did not answer") {
  Harness h;
  preview_call_ended(h, /*answered=*/false);
  CHECK(h.store->writes_of<pd::store::PendingPrompt>().empty());
  CHECK(h.host.panel_count("201", R"("type":"disposition.prompt")") == 0);
  CHECK(last_pending(h, "201").find(R"("count":0)") != std::string::npos);
}

TEST_CASE("engine: stored prompts are loaded when the panel opens, oldest first, after a restart") {
  Harness h;
  // What an earlier run of the engine stored for agent 201 and never saw tagged.
  h.store->prompt_rows["201"] = {stored_row("old-2", kStart - 2000, 2),
                                 stored_row("old-1", kStart - 5000, 3)};
  h.store->add_lead(1, 1, "5550001");
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  CHECK(h.store->prompt_loads == 1);
  const std::string pending = last_pending(h, "201");
  CHECK(pending.find(R"("count":2)") != std::string::npos);
  const size_t first = pending.find("old-1");
  const size_t second = pending.find("old-2");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(pending.find(R"("name":"Lead 5550003")") != std::string::npos);
  CHECK(h.host.panel_count("201", R"("status":"wrapup")") > 0);
  // The agent tags a loaded one: the tag names the lead and removes the row.
  h.panel("201", R"({"type":"disposition.set","call_id":"old-1","disposition":"Sale"})");
  REQUIRE(h.store->writes_of<pd::store::AgentTag>().size() == 1);
  CHECK(h.store->writes_of<pd::store::AgentTag>()[0].number_id == 3);
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 1);
  CHECK(stored_prompt(h, "201", "old-1") == nullptr);
  CHECK(last_pending(h, "201").find(R"("count":1)") != std::string::npos);
}

TEST_CASE(
    "engine: a panel open before the configuration loads gets the stored calls with options") {
  Harness h;
  h.store->prompt_rows["201"] = {stored_row("old-1", kStart - 5000, 3)};
  h.panel("201", R"({"type":"panel.open"})");  // the engine has no campaigns yet
  CHECK(last_pending(h, "201").find(R"("options":[])") != std::string::npos);
  h.start({preview_campaign(1, "pv")});
  const std::string pending = last_pending(h, "201");
  CHECK(pending.find(R"("campaign":"pv")") != std::string::npos);
  CHECK(pending.find(R"("name":"Sale")") != std::string::npos);
  CHECK(pending.find(R"("count":1)") != std::string::npos);
  CHECK(h.store->prompt_loads == 2);
}

TEST_CASE("engine: a prompt both listed and stored is shown once") {
  Harness h;
  const std::string call_id = preview_call_ended(h);
  h.panel("201", R"({"type":"panel.open"})");
  h.panel("201", R"({"type":"state.request"})");
  const std::string pending = last_pending(h, "201");
  CHECK(pending.find(R"("count":1)") != std::string::npos);
  const size_t at = pending.find(call_id);
  REQUIRE(at != std::string::npos);
  CHECK(pending.find(call_id, at + 1) == std::string::npos);
}

TEST_CASE("engine: several calls in a row without tagging are all listed, oldest first") {
  Harness h;
  h.wrapup_seconds = 1;  // else the agent waits in wrap-up for the first tag
  const std::string first = preview_call_ended(h);
  h.tick(1000);
  const std::string second = preview_call_ended(h, true, 2);
  const std::string pending = last_pending(h, "201");
  CHECK(pending.find(R"("count":2)") != std::string::npos);
  REQUIRE(pending.find(first) != std::string::npos);
  REQUIRE(pending.find(second) != std::string::npos);
  CHECK(pending.find(first) < pending.find(second));
  CHECK(h.store->prompt_rows["201"].size() == 2);
}

TEST_CASE("engine: the AgentComplete of a dialer call that ended already is not an inbound call") {
  Harness h;
  pd::store::Campaign c = preview_campaign(1, "support");  // the queue's name
  c.inbound_dispositions = {"Question"};
  h.start({c});
  h.agent_ready("201");
  // After the customer's Hangup ended one of this instance's calls.
  h.feed({{"Event", "AgentComplete"},
          {"Queue", "support"},
          {"Interface", "PJSIP/201"},
          {"Uniqueid", "t-abc-7;2"},
          {"Linkedid", "t-abc-7"},
          {"CallerIDNum", "5550007"}});
  CHECK(h.store->writes_of<pd::store::PendingPrompt>().empty());
  CHECK(h.host.panel_count("201", R"("type":"disposition.prompt")") == 0);
  // A real inbound call of the queue is prompted, and stored as inbound.
  h.feed({{"Event", "AgentComplete"},
          {"Queue", "support"},
          {"Interface", "PJSIP/201"},
          {"Uniqueid", "1795608000.12"},
          {"Linkedid", "1795608000.12"},
          {"CallerIDNum", "5550099"}});
  const auto prompts = h.store->writes_of<pd::store::PendingPrompt>();
  REQUIRE(prompts.size() == 1);
  CHECK(prompts[0].inbound);
  CHECK(prompts[0].agent == "201");
  h.panel("201", R"({"type":"disposition.set","call_id":")" + prompts[0].call_id +
                     R"(","disposition":"Question"})");
  REQUIRE(h.store->writes_of<pd::store::InboundTag>().size() == 1);
  CHECK(h.store->writes_of<pd::store::InboundTag>()[0].agent == "201");
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(h.host.panel_count("201", R"("type":"disposition.saved")") == 1);
  CHECK(h.store->prompt_rows["201"].empty());
}

TEST_CASE("engine: a call write the server refused shows in the next heartbeat with its error") {
  Harness h;
  h.start({automatic_campaign(1, "auto")});
  REQUIRE_FALSE(h.store->heartbeats.empty());
  CHECK(h.store->heartbeats.back().writes_refused == 0);
  CHECK(h.store->heartbeats.back().last_write_error.empty());
  CHECK_FALSE(h.store->heartbeats.back().last_write_error_at.has_value());

  // Ticks until the engine writes its next heartbeat (every 5 s).
  auto next_beat = [&h]() -> const pd::store::Heartbeat& {
    const size_t before = h.store->heartbeats.size();
    for (int i = 0; i < 200 && h.store->heartbeats.size() == before; ++i) h.tick(50);
    REQUIRE(h.store->heartbeats.size() > before);
    return h.store->heartbeats.back();
  };

  h.store->refuse_write(pd::Error::invalid("Data too long for column 'disposition' at row 1"));
  h.host.run_posted();
  const pd::core::EpochMs first_at = h.clock.now_ms();
  CHECK(h.host.logged("a call result was refused: Data too long for column 'disposition'"));
  {
    const pd::store::Heartbeat& beat = next_beat();
    CHECK(beat.writes_refused == 1);
    CHECK(beat.last_write_error == "Data too long for column 'disposition' at row 1");
    REQUIRE(beat.last_write_error_at.has_value());
    CHECK(beat.last_write_error_at->time_since_epoch().count() == first_at);
  }

  // Counted since the start, not per period; the latest error is the one shown.
  h.tick(1000);
  h.store->refuse_write(pd::Error::invalid("Incorrect integer value"));
  h.store->refuse_write(pd::Error::invalid("Out of range value for column 'attempts'"));
  h.host.run_posted();
  const pd::core::EpochMs last_at = h.clock.now_ms();
  CHECK(next_beat().writes_refused == 3);
  const pd::store::Heartbeat& beat = next_beat();  // and it stays so
  CHECK(beat.writes_refused == 3);
  CHECK(beat.last_write_error == "Out of range value for column 'attempts'");
  REQUIRE(beat.last_write_error_at.has_value());
  CHECK(beat.last_write_error_at->time_since_epoch().count() == last_at);
}

// ---- screen pop and call progress (engine_screen_pop.cpp, engine_progress.cpp)

namespace {

// The panel messages of `agent` of one type, in order.
std::vector<std::string> messages_of(Harness& h, const std::string& agent,
                                     const std::string& type) {
  std::vector<std::string> out;
  for (const auto& m : h.host.panel(agent)) {
    if (m.find(R"("type":")" + type + "\"") != std::string::npos) out.push_back(m);
  }
  return out;
}

// Agent 201 dials the preview card of lead 1 (`variables` on it); returns the
// Originate. The campaign has a script and a CRM link.
FakeHost::Sent dial_preview(Harness& h, const std::string& variables) {
  h.store->add_lead(1, 1, "5550001").variables = variables;
  pd::store::Campaign c = preview_campaign(1, "pv");
  c.script = "Say hello.";
  c.crm_url_template = "https://crm.example/c?id={VARIABLE:customer_id}&n={NUMBER}&a={AGENT}";
  h.start({c});
  h.agent_ready("201");
  REQUIRE(h.card_shown("201"));
  h.panel("201", R"({"type":"preview.dial","lead":1})");
  REQUIRE(h.originates().size() == 1);
  const auto originate = h.originates().back();
  const std::string call_id = originate.get("ChannelId");
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", call_id}, {"Linkedid", call_id}});
  h.feed({{"Event", "OriginateResponse"},
          {"ActionID", originate.action_id},
          {"Response", "Success"},
          {"Reason", "4"},
          {"Uniqueid", call_id}});
  // The agent's own phone rang and answered: not the customer.
  h.feed({{"Event", "DialState"}, {"DestUniqueid", call_id}, {"DialStatus", "RINGING"}});
  return originate;
}

// The customer dial of the preview call: `status` at its DialEnd.
void customer_dial(Harness& h, const std::string& call_id, const std::string& status) {
  const std::string trunk = "trunk-" + call_id;
  h.feed({{"Event", "DialBegin"},
          {"Uniqueid", call_id},
          {"Linkedid", call_id},
          {"DestUniqueid", trunk},
          {"DestLinkedid", call_id}});
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", trunk}, {"Linkedid", call_id}});
  h.feed({{"Event", "DialEnd"},
          {"Uniqueid", call_id},
          {"Linkedid", call_id},
          {"DestUniqueid", trunk},
          {"DestLinkedid", call_id},
          {"DialStatus", status}});
  h.feed({{"Event", "Hangup"},
          {"Uniqueid", trunk},
          {"Linkedid", call_id},
          {"Cause", status == "BUSY" ? "17" : "16"}});
}

}  // namespace

TEST_CASE(
    "engine: the contact card of a call - no Dial, every variable, the CRM link - stays "
    "until the tag, and comes back on a reload") {
  Harness h;
  const auto originate = dial_preview(h, "customer_id=A&B 1|note=<i>x</i>");
  const std::string call_id = originate.get("ChannelId");
  auto cards = messages_of(h, "201", "contact.card");
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].find(R"("call_id":")" + call_id) != std::string::npos);
  CHECK(cards[0].find("pd-dial") == std::string::npos);  // the template without its Dial button
  CHECK(cards[0].find(R"({"name":"customer_id","value":"A&B 1"})") != std::string::npos);
  CHECK(cards[0].find(R"({"name":"note","value":"<i>x</i>"})") != std::string::npos);
  CHECK(cards[0].find(R"("crm_url":"https://crm.example/c?id=A%26B%201&n=5550001&a=201")") !=
        std::string::npos);
  CHECK(cards[0].find(R"("script":"Say hello.")") != std::string::npos);
  CHECK(cards[0].find(R"("live":true)") != std::string::npos);
  customer_dial(h, call_id, "ANSWER");
  h.feed({{"Event", "Hangup"}, {"Uniqueid", call_id}, {"Linkedid", call_id}, {"Cause", "16"}});
  // Ended, to tag: the card stays (sent again, not live), no clear.
  cards = messages_of(h, "201", "contact.card");
  REQUIRE(cards.size() == 2);
  CHECK(cards[1].find(R"("live":false)") != std::string::npos);
  CHECK(messages_of(h, "201", "contact.clear").empty());
  // A reload: the card again.
  h.panel("201", R"({"type":"panel.open"})");
  CHECK(messages_of(h, "201", "contact.card").size() == 3);
  // Tagged: the card goes.
  h.panel("201",
          R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"Sale"})");
  h.store->confirm_writes();
  h.host.run_posted();
  const auto cleared = messages_of(h, "201", "contact.clear");
  REQUIRE(cleared.size() == 1);
  CHECK(cleared[0].find(R"("reason":"tagged")") != std::string::npos);
  h.panel("201", R"({"type":"panel.open"})");
  CHECK(messages_of(h, "201", "contact.card").size() == 3);
  // Its progress: dialing, connected (the customer's answer), ended "Answered"; never ringing.
  const auto progress = messages_of(h, "201", "call.progress");
  REQUIRE(progress.size() == 3);
  CHECK(progress[0].find(R"("reached":["dialing"])") != std::string::npos);
  CHECK(progress[1].find(R"("reached":["dialing","connected"])") != std::string::npos);
  CHECK(progress[2].find(R"("text":"Answered")") != std::string::npos);
}

TEST_CASE(
    "engine: a busy preview call - dialing, then ended Busy; the status never says ringing "
    "or connected, and the card goes") {
  Harness h;
  const auto originate = dial_preview(h, "");
  const std::string call_id = originate.get("ChannelId");
  customer_dial(h, call_id, "BUSY");
  h.feed({{"Event", "Hangup"}, {"Uniqueid", call_id}, {"Linkedid", call_id}, {"Cause", "16"}});
  const auto progress = messages_of(h, "201", "call.progress");
  REQUIRE(progress.size() == 2);
  CHECK(progress[0].find(R"("state":"dialing")") != std::string::npos);
  CHECK(progress[1].find(R"("reached":["dialing","ended"])") != std::string::npos);
  CHECK(progress[1].find(R"("outcome":{"code":"busy","text":"Busy"})") != std::string::npos);
  CHECK(h.host.panel_count("201", R"("status":"ringing")") == 0);
  CHECK(h.host.panel_count("201", R"("status":"connected")") == 0);
  const auto cleared = messages_of(h, "201", "contact.clear");
  REQUIRE(cleared.size() == 1);
  CHECK(cleared[0].find(R"("reason":"ended")") != std::string::npos);
}

TEST_CASE("engine: an inbound call of a campaign-named queue pops the caller's number") {
  for (const bool dispositions : {true, false}) {
    CAPTURE(dispositions);
    Harness h;
    pd::store::Campaign c = preview_campaign(1, "support");
    if (dispositions) c.inbound_dispositions = {"Question"};
    h.start({c});
    h.agent_ready("201");
    const Action call = {{"Queue", "support"},          {"Interface", "PJSIP/201"},
                         {"Uniqueid", "1795608000.12"}, {"Linkedid", "1795608000.12"},
                         {"CallerIDNum", "5550099"},    {"CallerIDName", "<unknown>"}};
    Action connect = {{"Event", "AgentConnect"}};
    connect.insert(connect.end(), call.begin(), call.end());
    h.feed(connect);
    const auto cards = messages_of(h, "201", "contact.card");
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].find(R"("direction":"inbound")") != std::string::npos);
    CHECK(cards[0].find(R"("number":"5550099")") != std::string::npos);
    CHECK(cards[0].find(R"("name":"")") != std::string::npos);
    Action complete = {{"Event", "AgentComplete"}};
    complete.insert(complete.end(), call.begin(), call.end());
    h.feed(complete);
    // With dispositions the card stays with the prompt; without, it goes.
    CHECK(messages_of(h, "201", "contact.clear").size() == (dispositions ? 0u : 1u));
  }
}

TEST_CASE(
    "engine: the contact card of a call stored by an earlier run comes back with its "
    "variables") {
  Harness h;
  auto row = stored_row("old-1", kStart - 5000, 3);
  row.variables = "customer_id=77";
  h.store->prompt_rows["201"] = {row};
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  const auto cards = messages_of(h, "201", "contact.card");
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].find(R"("call_id":"old-1")") != std::string::npos);
  CHECK(cards[0].find(R"({"name":"customer_id","value":"77"})") != std::string::npos);
  CHECK(cards[0].find(R"("live":false)") != std::string::npos);
}

namespace {

// The QueuePause actions the engine sent, as "Queue|Interface|Paused|Reason".
std::vector<std::string> queue_pauses(Harness& h) {
  std::vector<std::string> out;
  for (const auto& s : h.host.sent_named("QueuePause")) {
    out.push_back(s.get("Queue") + "|" + s.get("Interface") + "|" + s.get("Paused") + "|" +
                  s.get("Reason"));
  }
  return out;
}

// The status of the last agent.state sent to `agent`.
std::string last_status(Harness& h, const std::string& agent) {
  const auto states = messages_of(h, agent, "agent.state");
  if (states.empty()) return "";
  const std::string key = R"("status":")";
  const auto at = states.back().find(key);
  if (at == std::string::npos) return "";
  const auto from = at + key.size();
  return states.back().substr(from, states.back().find('"', from) - from);
}

}  // namespace

TEST_CASE("engine: a call the agent took pauses them for wrap-up until the save") {
  Harness h;
  const std::string call_id = preview_call_ended(h);
  // Paused in the campaign's queue with the wrap-up reason, from the call's end.
  CHECK(queue_pauses(h) == std::vector<std::string>{"support|PJSIP/201|true|wrap-up"});
  CHECK(h.host.panel_count("201", R"("type":"agent.controls")") > 0);
  CHECK(h.host.panel(("201")).back().find(R"("wrapup":{)") != std::string::npos);
  CHECK(last_status(h, "201") == "wrapup");  // the pill says it with the timer
  // A wrap-up start row is written (confirmed), then the figures are read.
  REQUIRE(!h.store->writes_of<pd::store::AgentPeriod>().empty());
  CHECK_FALSE(h.store->writes_of<pd::store::AgentPeriod>().back().ended_at.has_value());
  // Time passes: no timeout (wrapup_seconds 0), no unpause, no new card.
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(queue_pauses(h).size() == 1);
  h.panel("201",
          R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"Sale"})");
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(queue_pauses(h) ==
        std::vector<std::string>{"support|PJSIP/201|true|wrap-up", "support|PJSIP/201|false|"});
  const auto periods = h.store->writes_of<pd::store::AgentPeriod>();
  REQUIRE(periods.size() == 2);
  CHECK(periods.back().wrapup);
  CHECK(periods.back().call_id == call_id);
  CHECK(periods.back().ended_by == "saved");
  REQUIRE(periods.back().ended_at.has_value());
}

TEST_CASE("engine: an agent in wrap-up is busy for pacing while the queue still shows them free") {
  Harness h;
  preview_call_ended(h);
  // The member is still free in the view (the QueuePause's event has not
  // come): no card is made for the agent.
  const size_t cards = h.host.panel_count("201", R"("type":"preview.card")");
  h.store->add_lead(1, 2, "5550002");
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == cards);
}

TEST_CASE("engine: pause and unpause from the panel with a reason from the list") {
  Harness h;
  h.start({preview_campaign(1, "pv")});
  h.agent_ready("201");
  h.panel("201", R"({"type":"agent.pause","reason":"Nap"})");
  CHECK(h.host.panel_count("201", "is not a pause reason") == 1);
  CHECK(queue_pauses(h).empty());
  h.panel("201", R"({"type":"agent.pause","reason":"Lunch"})");
  CHECK(queue_pauses(h) == std::vector<std::string>{"|PJSIP/201|true|Lunch"});
  CHECK(last_status(h, "201") == "paused");  // with the agent.controls that say Lunch
  h.feed({{"Event", "QueueMemberPause"},
          {"Queue", "support"},
          {"Interface", "PJSIP/201"},
          {"Status", "1"},
          {"Paused", "1"},
          {"PausedReason", "Lunch"},
          {"InCall", "0"}});
  CHECK(h.host.panel("201").back().find(R"("reason":"Lunch","state":"paused")") !=
        std::string::npos);
  h.panel("201", R"({"type":"agent.unpause"})");
  CHECK(queue_pauses(h).back() == "|PJSIP/201|false|");
  CHECK(last_status(h, "201") != "paused");
  const auto periods = h.store->writes_of<pd::store::AgentPeriod>();
  REQUIRE(periods.size() == 2);  // its start, its end
  CHECK(periods.back().reason == "Lunch");
  CHECK_FALSE(periods.back().wrapup);
  CHECK(periods.back().ended_at.has_value());
}

TEST_CASE("engine: after a restart a wrap-up pause is kept while a call waits for its tag") {
  Harness h;
  // The earlier run left agent 201 paused for wrap-up with one call to tag.
  h.store->prompt_rows["201"].push_back(stored_row("c-old", 1000, 7));
  h.start({preview_campaign(1, "pv")});
  h.feed({{"Event", "QueueMember"},
          {"Queue", "support"},
          {"Location", "PJSIP/201"},
          {"Status", "1"},
          {"Paused", "1"},
          {"PausedReason", "wrap-up"},
          {"InCall", "0"}});
  h.panel("201", R"({"type":"panel.open"})");
  CHECK(queue_pauses(h).empty());  // adopted: still paused
  CHECK(h.host.panel_count("201", R"("call_id":"c-old","campaign":"pv")") > 0);
  // Its tag ends the wrap-up: unpaused.
  h.panel("201", R"({"type":"disposition.set","call_id":"c-old","disposition":"Sale"})");
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(queue_pauses(h) == std::vector<std::string>{"support|PJSIP/201|false|"});
}

TEST_CASE("engine: after a restart a wrap-up pause with no call to tag is lifted") {
  Harness h;
  h.start({preview_campaign(1, "pv")});
  h.feed({{"Event", "QueueMember"},
          {"Queue", "support"},
          {"Location", "PJSIP/201"},
          {"Status", "1"},
          {"Paused", "1"},
          {"PausedReason", "wrap-up"},
          {"InCall", "0"}});
  CHECK(queue_pauses(h) == std::vector<std::string>{"support|PJSIP/201|false|"});
  // Once: another event of the agent sends nothing more.
  h.feed({{"Event", "QueueMemberStatus"},
          {"Queue", "support"},
          {"Interface", "PJSIP/201"},
          {"Status", "1"},
          {"Paused", "1"},
          {"PausedReason", "wrap-up"},
          {"InCall", "0"}});
  CHECK(queue_pauses(h).size() == 1);
}

// ---- callbacks -------------------------------------------------------------

namespace {

// A progressive campaign on queue "support" (no preview cards of its own).
pd::store::Campaign progressive_campaign(uint32_t id, const std::string& name) {
  pd::store::Campaign c = preview_campaign(id, name);
  c.mode = pd::store::DialMode::kProgressive;
  return c;
}

}  // namespace

TEST_CASE(
    "engine: a due personal callback is a card for its agent only, in a progressive campaign") {
  Harness h;
  h.store->callback_now = [&h] { return h.clock.now_ms() / 1000; };
  pd::core::Lead lead;
  lead.id = 7;
  lead.campaign_id = 1;
  lead.number = "5550007";
  lead.name = "Callback Customer";
  h.store->personal_callbacks.push_back({"201", kStart / 1000 + 60, lead});
  h.start({progressive_campaign(1, "pr")});
  h.agent_ready("201");
  h.agent_ready("202");
  for (int i = 0; i < 20; ++i) h.tick(500);  // 10 s: not due yet
  CHECK(h.store->callback_claims >= 1);
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == 0);
  for (int i = 0; i < 120 && h.host.panel_count("201", R"("type":"preview.card")") == 0; ++i) {
    h.tick(500);
  }
  REQUIRE(h.host.panel_count("201", R"("type":"preview.card")") == 1);
  CHECK(h.host.panel_count("201", R"("callback":true,"campaign":"pr","html")") == 1);
  CHECK(h.host.panel_count("201", R"("lead":7)") > 0);
  CHECK(h.host.panel_count("202", R"("type":"preview.card")") == 0);
  CHECK(h.store->claimed == std::vector<uint64_t>{7});
  // Dial: the preview Originate, the agent first.
  h.panel("201", R"({"type":"preview.dial","lead":7})");
  REQUIRE(h.originates().size() == 1);
  CHECK(h.originates()[0].get("Channel").find("201") != std::string::npos);
}

// Lead 7 of campaign 1, a personal callback of agent 201 due at `due`
// (epoch seconds); the store's clock follows the test's.
void personal_callback_due(Harness& h, pd::core::EpochS due) {
  h.store->callback_now = [&h] { return h.clock.now_ms() / 1000; };
  pd::core::Lead lead;
  lead.id = 7;
  lead.campaign_id = 1;
  lead.number = "5550007";
  h.store->personal_callbacks.push_back({"201", due, lead});
}

TEST_CASE("engine: a skipped personal callback goes back and is not shown again at once") {
  Harness h;
  personal_callback_due(h, kStart / 1000);
  h.start({progressive_campaign(1, "pr")});
  h.agent_ready("201");
  for (int i = 0; i < 20 && h.host.panel_count("201", R"("type":"preview.card")") == 0; ++i) {
    h.tick(500);  // the next claim period
  }
  REQUIRE(h.host.panel_count("201", R"("type":"preview.card")") == 1);
  h.panel("201", R"({"type":"preview.skip","lead":7,"close":false})");
  CHECK(h.store->released == std::vector<uint64_t>{7});
  const int claims = h.store->callback_claims;
  for (int i = 0; i < 20; ++i) h.tick(500);  // 10 s: inside the skip's back-off
  CHECK(h.store->callback_claims == claims);
}

TEST_CASE("engine: personal callbacks whose grace is over are opened to anyone every 30 s") {
  Harness h;
  h.start({progressive_campaign(1, "pr")});
  const int first = h.store->expired_opens;
  CHECK(first >= 1);
  for (int i = 0; i < 70; ++i) h.tick(500);  // 35 s
  CHECK(h.store->expired_opens == first + 1);
}

TEST_CASE("engine: a callback time the plan refuses keeps the prompt, with the reason") {
  Harness h;
  h.with_callback = true;
  const std::string call_id = preview_call_ended(h);
  // The prompt says which option is a callback, and the customer's zone.
  CHECK(h.host.panel_count("201", R"("callback":true,"id":"Callback")") > 0);
  CHECK(h.host.panel_count("201", R"("zone":"UTC")") > 0);
  const auto tags = [&] { return h.store->writes_of<pd::store::AgentTag>().size(); };
  const std::string set =
      R"({"type":"disposition.set","call_id":")" + call_id + R"(","disposition":"Callback")";
  h.panel("201", set + "}");
  CHECK(h.host.panel_count("201", "choose the date and time") == 1);
  // An hour ago: refused, named, the prompt stays.
  h.panel("201", set + R"(,"callback":{"local_time":"2026-11-25T11:00","for_me":true}})");
  CHECK(tags() == 0);
  CHECK(h.host.panel_count("201", R"("request":"disposition.set")") == 2);
  CHECK(last_pending(h, "201").find(call_id) != std::string::npos);
  // Tomorrow at 10: planned, the tag carries it.
  h.panel("201", set + R"(,"callback":{"local_time":"2026-11-26T10:00","for_me":true}})");
  REQUIRE(tags() == 1);
  const auto tag = h.store->writes_of<pd::store::AgentTag>().back();
  REQUIRE(tag.callback.has_value());
  const pd::core::EpochS due = kStart / 1000 + 22 * 3600;
  CHECK(tag.callback->due == pd::store::TimePoint(std::chrono::seconds(due)));
  CHECK(tag.callback->agent == "201");
  REQUIRE(tag.callback->personal_until.has_value());
  CHECK(*tag.callback->personal_until == pd::store::TimePoint(std::chrono::seconds(due + 20 * 60)));
  h.store->confirm_writes();
  h.host.run_posted();
  CHECK(h.host.panel_count("201", R"("local_time":"2026-11-26 10:00")") == 1);
  CHECK(h.host.panel_count("201", R"("for_me":true)") == 1);
}

TEST_CASE("engine: a callback of a campaign outside its hours goes back and waits a minute") {
  Harness h;
  personal_callback_due(h, kStart / 1000);
  pd::store::Campaign c = progressive_campaign(1, "pr");
  c.start_hour = 1h;  // 01:00-02:00 UTC; the clock says 12:00
  c.end_hour = 2h;
  h.start({c});
  h.agent_ready("201");
  for (int i = 0; i < 20 && h.store->released.empty(); ++i) h.tick(500);
  CHECK(h.store->released == std::vector<uint64_t>{7});
  CHECK(h.host.panel_count("201", R"("type":"preview.card")") == 0);
  const int claims = h.store->callback_claims;
  for (int i = 0; i < 40; ++i) h.tick(500);  // 20 s
  CHECK(h.store->callback_claims == claims);
  for (int i = 0; i < 100; ++i) h.tick(500);  // past the minute
  CHECK(h.store->callback_claims > claims);
}

// ---- predictive mode (docs/predictive.md, "In the engine")

namespace {

// A predictive campaign on queue "support": the message is required.
pd::store::Campaign predictive_campaign(uint32_t id, const std::string& name) {
  pd::store::Campaign c = preview_campaign(id, name);
  c.mode = pd::store::DialMode::kPredictive;
  c.concurrent_calls = 20;
  c.dial_attempts = 3;
  c.abandon_message = "custom/abandon";
  return c;
}

// The window as the store reads it at start: `answered` live answers in the
// last hour, `abandoned` of them abandoned.
void seed_window(Harness& h, uint32_t answered, uint32_t abandoned) {
  h.store->abandon_hours.push_back({kStart / 3'600'000 - 1, answered, abandoned});
}

// The customer answers call `originate` (remote first).
void customer_answers(Harness& h, const FakeHost::Sent& originate) {
  const std::string call_id = originate.get("ChannelId");
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", call_id}, {"Linkedid", call_id}});
  h.feed({{"Event", "OriginateResponse"},
          {"ActionID", originate.action_id},
          {"Response", "Success"},
          {"Reason", "4"},
          {"Uniqueid", call_id}});
}

}  // namespace

TEST_CASE("engine: each Originate queues one compliance audit row with the facts of that moment") {
  Harness h;
  h.store->add_lead(1, 1, "5550001");
  h.store->add_lead(1, 2, "5550002", "America/New_York");  // 07:00 there: outside its hours
  h.store->add_lead(1, 3, "5550003", "Europe/Paris");      // 13:00 there
  seed_window(h, 1000, 30);  // 3 %: at the target, so one call per free agent
  h.engine->on_ami_link(true);
  h.tick();
  pd::store::ConfigSnapshot snapshot;
  snapshot.settings.values["calls_per_second"] = "100";
  pd::store::Campaign campaign = predictive_campaign(1, "audited");
  campaign.start_hour = 8h;  // 08:00-20:00 UTC
  campaign.end_hour = 20h;
  snapshot.campaigns = {campaign};
  h.store->push_config(std::move(snapshot));
  h.host.run_posted();
  REQUIRE(h.engine->pacing_figures(1) != nullptr);
  CHECK(h.engine->pacing_figures(99) == nullptr);
  h.answer_dialplan_checks();
  h.agent_ready("201");
  h.agent_ready("202");
  for (int i = 0; i < 6; ++i) h.tick();
  const auto originates = h.originates();
  REQUIRE(originates.size() == 2);  // New York's lead waits for its hours
  const auto audits = h.store->writes_of<pd::store::ComplianceAudit>();
  REQUIRE(audits.size() == originates.size());
  for (size_t i = 0; i < audits.size(); ++i) {
    const auto& a = audits[i];
    CAPTURE(a.call_id);
    CHECK(a.call_id == originates[i].get("ChannelId"));
    CHECK(a.campaign_id == 1);
    CHECK(a.mode == "predictive");
    CHECK(a.abandon_window == "30d");
    CHECK(a.dnc_checked);
    CHECK_FALSE(a.dnc_listed);
    CHECK(a.window_ok);
    CHECK(a.window_start_s == 8 * 3600);
    CHECK(a.window_end_s == 20 * 3600);
    CHECK(a.window_days == "mon,tue,wed,thu,fri,sat,sun");
    CHECK(a.originated_at.time_since_epoch() > std::chrono::milliseconds(kStart));
    // The engine's own figures of that moment: the seeded window at its target.
    CHECK(a.figures.abandon_rate_pct == doctest::Approx(3.0));
    CHECK(a.figures.abandon_target_pct == doctest::Approx(3));
    CHECK(a.figures.abandoned_in_window == 30);
    CHECK(a.figures.answered_in_window == 1000);
    CHECK(a.figures.fallback);
  }
  CHECK(audits[0].number_id == 1);
  CHECK(audits[0].number == "5550001");
  CHECK(audits[0].party_zone == "UTC");
  CHECK(audits[1].number_id == 3);
  CHECK(audits[1].party_zone == "Europe/Paris");
  REQUIRE(audits[1].party_local_time.has_value());
  // 12:00:00.xxx UTC is 13:00 in Paris in November (CET).
  const auto local = std::chrono::floor<std::chrono::minutes>(*audits[1].party_local_time);
  CHECK(local == std::chrono::floor<std::chrono::minutes>(
                     pd::store::TimePoint(std::chrono::milliseconds(kStart)) + 1h));
  // Queued with the call writes, before the call's own start row.
  size_t audit_at = 0, start_at = 0;
  for (size_t i = 0; i < h.store->writes.size(); ++i) {
    const auto& w = h.store->writes[i];
    if (const auto* a = std::get_if<pd::store::ComplianceAudit>(&w); a && a->number_id == 1)
      audit_at = i + 1;
    if (const auto* s = std::get_if<pd::store::AttemptStart>(&w); s && s->number_id == 1)
      start_at = i + 1;
  }
  CHECK(audit_at > 0);
  CHECK(audit_at < start_at);
}

TEST_CASE("engine: the status carries the pacing figures, a sample a minute, purges bounded") {
  Harness h;
  seed_window(h, 1000, 32);  // 3.2 %: over the 3 % target
  h.start({predictive_campaign(1, "figures"), automatic_campaign(2, "plain")});
  for (int i = 0; i < 12; ++i) h.tick(500);  // a status every 5 s
  REQUIRE(h.store->statuses.contains(1));
  CHECK(h.store->statuses[1].figures.fallback);
  CHECK(h.store->statuses[1].figures.abandoned_in_window == 32);
  CHECK(h.store->statuses[1].figures.answered_in_window == 1000);
  CHECK(h.store->statuses[1].figures.answer_rate_pct > 0);  // the prior's estimate
  CHECK_FALSE(h.store->statuses[2].figures.fallback);
  CHECK(h.store->statuses[2].figures.dial_level == 0);

  // The first sample went out at the start; the next one a minute later.
  const size_t first = h.store->samples.size();
  CHECK(first == 2);
  const size_t purges = h.store->purges.size();
  CHECK(purges == 1);
  for (int i = 0; i < 110; ++i) h.tick(500);  // 55 s more: one minute since the first
  CHECK(h.store->samples.size() == 4);
  REQUIRE(h.store->purges.size() == 2);
  const auto& purge = h.store->purges.back();
  CHECK(purge.limit == pd::plugin::kPurgeLimit);
  const auto now = pd::store::TimePoint(std::chrono::milliseconds(h.clock.now_ms()));
  CHECK(now - purge.audit_before >= std::chrono::hours(24 * 30) - 1min);
  CHECK(now - purge.audit_before <= std::chrono::hours(24 * 30) + 1min);
  CHECK(now - purge.samples_before >= std::chrono::hours(24 * 7) - 1min);
  CHECK(now - purge.samples_before <= std::chrono::hours(24 * 7) + 1min);
  const auto& last = h.store->samples.back();
  CHECK((last.campaign_id == 1 || last.campaign_id == 2));
  // The minute's sample carries the figures of that minute.
  for (size_t i = first; i < h.store->samples.size(); ++i) {
    const auto& s = h.store->samples[i];
    CHECK(s.figures.abandon_rate_pct == doctest::Approx(s.campaign_id == 1 ? 3.2 : 0));
    CHECK(s.figures.fallback == (s.campaign_id == 1));
  }
}

TEST_CASE("engine: predictive - more calls than free agents under the target, ringing 15 s") {
  Harness h;
  h.settings["dial_timeout"] = "10";  // the campaign's minimum ring (15 s) wins
  for (uint64_t i = 1; i <= 40; ++i) h.store->add_lead(1, i, "55510" + std::to_string(i));
  seed_window(h, 20000, 100);  // 0.5 %: room under 3 %
  h.start({predictive_campaign(1, "pd")});
  for (const char* agent : {"201", "202", "203", "204", "205", "206"}) h.agent_ready(agent);
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.store->abandon_loads == 1);
  const auto calls = h.originates();
  CHECK(calls.size() > 6);    // ahead of the six free agents
  CHECK(calls.size() <= 20);  // never past the concurrent ceiling
  for (const auto& call : calls) CHECK(call.get("Timeout") == "15000");
  CHECK(calls[0].get("Context") == "pd-pd-dest");
}

TEST_CASE("engine: predictive - the window at the target falls back to one call per free agent") {
  Harness h;
  for (uint64_t i = 1; i <= 30; ++i) h.store->add_lead(1, i, "55510" + std::to_string(i));
  seed_window(h, 1000, 30);  // 3 %: at the target
  h.start({predictive_campaign(1, "pd")});
  h.agent_ready("201");
  h.agent_ready("202");
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.originates().size() == 2);
  CHECK(h.host.logged("'pd': falls back to one call per free agent"));
}

TEST_CASE("engine: predictive - the window unread - one call per free agent, read again later") {
  Harness h;
  for (uint64_t i = 1; i <= 30; ++i) h.store->add_lead(1, i, "55510" + std::to_string(i));
  h.store->abandon_load_failures = 1;
  h.start({predictive_campaign(1, "pd")});
  h.agent_ready("201");
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.originates().size() == 1);
  CHECK(h.host.logged("abandonment window not read"));
  for (int i = 0; i < 120; ++i) h.tick();  // the read is tried again after 5 s
  CHECK(h.store->abandon_loads == 2);
}

TEST_CASE("engine: predictive - an abandoned call is counted, written and recalled only later") {
  Harness h;
  h.store->add_lead(1, 1, "5551001");
  seed_window(h, 20000, 0);
  h.start({predictive_campaign(1, "pd")});
  h.agent_ready("201");
  for (int i = 0; i < 5; ++i) h.tick();
  REQUIRE_FALSE(h.originates().empty());
  const auto originate = h.originates().front();
  const std::string call_id = originate.get("ChannelId");
  customer_answers(h, originate);
  // The PBX's wait limit ran out: the helper's UserEvent, then the message and the hang-up.
  h.feed({{"Event", "UserEvent"},
          {"UserEvent", "PanelDialerAbandon"},
          {"Status", "TIMEOUT"},
          {"CallID", call_id},
          {"Uniqueid", call_id},
          {"Linkedid", call_id}});
  CHECK(h.host.logged("call " + call_id + " of 'pd' abandoned"));
  h.tick(3000);
  h.feed({{"Event", "Hangup"}, {"Uniqueid", call_id}, {"Linkedid", call_id}, {"Cause", "16"}});
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].abandoned);
  CHECK_FALSE(results[0].machine);
  CHECK(results[0].disposition == "Abandoned");
  CHECK(results[0].new_state == pd::store::NumberState::kRetry);
  REQUIRE(results[0].next_try_at.has_value());
  CHECK(*results[0].next_try_at >= pd::plugin::time_of(kStart + 72 * 3'600'000));
}
