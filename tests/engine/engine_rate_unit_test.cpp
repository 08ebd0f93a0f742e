// The engine and the host's AMI rate cap (ABI 2.2), without a database or a
// PBX: the fake host models its queue (FakeHost::model_queue), the test says
// when each action is written. A call waiting there is queued, not live; it
// starts (its start row, its time) when the host writes it; it still counts
// against the campaign's ceiling; leads wait in the hopper beyond a second of
// the host's cap; the link's loss ends queued calls as never dialed; a cap
// below the setting is said.
#include <doctest/doctest.h>

#include <memory>

#include "engine.h"
#include "fake_host.h"
#include "fake_store.h"

using namespace std::chrono_literals;
using pd::plugin::Engine;
using pd::testing::FakeHost;
using pd::testing::FakeStore;

namespace {

// Wednesday 2026-11-25 12:00:00 UTC.
constexpr pd::core::EpochMs kStart = 1795608000000;

pd::store::Campaign automatic(uint32_t id, int concurrent) {
  pd::store::Campaign c;
  c.id = id;
  c.name = "auto" + std::to_string(id);
  c.destination_kind = pd::store::DestinationKind::kIvr;
  c.destination = "ivr-1,s,1";
  c.mode = pd::store::DialMode::kAutomatic;
  c.start_hour = 0s;
  c.end_hour = 0s;
  c.week_days = 0x7f;
  c.concurrent_calls = concurrent;
  c.dial_attempts = 2;
  c.retry_minutes = 1;
  c.enabled = true;
  return c;
}

struct RateHarness {
  // `host_rate` > 0: a 2.2 host whose queue the test drives; 0: a host that
  // does not report (2.1 layout).
  explicit RateHarness(double host_rate) {
    if (host_rate > 0) {
      host.model_queue(host_rate, [this](const std::string& id, int64_t at) {
        engine->on_ami_written(id, at);
        host.run_posted();
      });
    } else {
      host.shrink_to_2_1();
    }
    pd::plugin::PluginConfig config;
    config.instance_id = "t";
    config.templates_dir = PD_TEMPLATES_DIR;
    config.write_dialplan = false;
    config.hopper_size = 20;
    auto fake = std::make_unique<FakeStore>(host.services());
    store = fake.get();
    engine = Engine::create(host.services(), config, std::move(fake),
                            std::make_unique<pd::testing::InlineBackground>(), clock);
  }
  ~RateHarness() {
    host.drop_posted();
    engine->stop();
    host.drop_posted();
  }
  void tick(int64_t advance_ms = 50) {
    clock.advance(advance_ms);
    monotonic += uint64_t(advance_ms);
    engine->on_tick(monotonic);
    host.run_posted();
  }
  void feed(const pd::testing::Action& fields) {
    std::vector<pd_ami_field> c_fields;
    for (const auto& [k, v] : fields) c_fields.push_back({k.c_str(), v.c_str()});
    engine->on_ami_message(c_fields.data(), c_fields.size());
    host.run_posted();
  }
  // Link up, schema, configuration, the dialplan check answered (its
  // ShowDialPlan written first), recovery: ready to dial.
  void start(std::vector<pd::store::Campaign> campaigns, const std::string& cps = "100") {
    engine->on_ami_link(true);
    tick();
    pd::store::ConfigSnapshot snapshot;
    snapshot.settings.values["calls_per_second"] = cps;
    snapshot.campaigns = std::move(campaigns);
    store->push_config(std::move(snapshot));
    host.run_posted();
    host.write_queued(-1, clock.now_ms());  // QueueStatus, ShowDialPlan
    for (const auto& check : host.sent_named("ShowDialPlan")) {
      feed({{"Response", "Success"},
            {"ActionID", check.action_id},
            {"EventList", "start"},
            {"Message", "DialPlan list will follow"}});
    }
    for (int i = 0; i < 5; ++i) tick();
  }
  std::vector<FakeHost::Sent> originates() const { return host.sent_named("Originate"); }
  // Ticks past the next heartbeat and campaign status (every 5 s).
  void publish() {
    for (int i = 0; i < 6; ++i) tick(1000);
  }

  FakeHost host;
  pd::core::ManualClock clock{kStart};
  FakeStore* store = nullptr;
  std::unique_ptr<Engine> engine;
  uint64_t monotonic = 0;
};

}  // namespace

TEST_CASE("host queue: a call waiting behind the host's cap is queued, starts when written") {
  RateHarness h(1000);
  for (uint64_t i = 1; i <= 10; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  h.start({automatic(1, 3)});
  REQUIRE(h.originates().size() == 3);
  const int64_t handed = h.clock.now_ms();
  // Handed over, not written: no start row yet, and they still count
  // against the ceiling of 3.
  CHECK(h.store->writes_of<pd::store::AttemptStart>().empty());
  h.publish();
  CHECK(h.originates().size() == 3);
  REQUIRE(h.store->statuses.contains(1));
  CHECK(h.store->statuses[1].queued_calls == 3);
  CHECK(h.store->statuses[1].live_calls == 0);
  REQUIRE(!h.store->heartbeats.empty());
  CHECK(h.store->heartbeats.back().calls_queued == 3);
  CHECK(h.store->heartbeats.back().active_calls == 0);
  CHECK(h.store->heartbeats.back().ami_queued == 3);
  CHECK(h.store->heartbeats.back().ami_rate == doctest::Approx(1000));
  CHECK(h.store->heartbeats.back().cps_ceiling == doctest::Approx(500));

  // The host writes them: each starts at the write time, not the hand-off.
  const int64_t written = h.clock.now_ms() + 250;
  CHECK(h.host.write_queued(-1, written) == 3);
  const auto starts = h.store->writes_of<pd::store::AttemptStart>();
  REQUIRE(starts.size() == 3);
  for (const auto& start : starts) {
    CHECK(start.started_at == pd::plugin::time_of(written));
    CHECK(start.started_at > pd::plugin::time_of(handed));
  }
  h.publish();
  CHECK(h.store->statuses[1].queued_calls == 0);
  CHECK(h.store->statuses[1].live_calls == 3);
  CHECK(h.store->heartbeats.back().calls_queued == 0);
  CHECK(h.store->heartbeats.back().active_calls == 3);
  CHECK(h.originates().size() == 3);  // still the ceiling

  // Its answer delay and length are measured from the write.
  const std::string call_id = h.originates()[0].get("ChannelId");
  const std::string action_id = h.originates()[0].action_id;
  h.clock.set(written + 1500);
  h.feed({{"Event", "Newchannel"}, {"Uniqueid", call_id}, {"Linkedid", call_id}});
  h.feed({{"Event", "OriginateResponse"},
          {"ActionID", action_id},
          {"Response", "Success"},
          {"Reason", "4"},
          {"Uniqueid", call_id}});
  h.clock.set(written + 4000);
  h.feed({{"Event", "Hangup"}, {"Uniqueid", call_id}, {"Linkedid", call_id}, {"Cause", "16"}});
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].started_at == pd::plugin::time_of(written));
  REQUIRE(results[0].answered_at.has_value());
  CHECK(*results[0].answered_at - results[0].started_at == 1500ms);
}

TEST_CASE(
    "host queue: no more than a second of the host's cap waits there, leads wait in the hopper") {
  RateHarness h(4);  // 4 actions a second: a backlog of 4
  for (uint64_t i = 1; i <= 20; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  h.start({automatic(1, 10)});
  // Besides the Originates nothing of ours waits (the checks were written).
  CHECK(h.originates().size() == 4);
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.originates().size() == 4);
  CHECK(h.host.write_queued(2, h.clock.now_ms()) == 2);
  for (int i = 0; i < 3; ++i) h.tick();
  CHECK(h.originates().size() == 6);  // two more took the room the writes made
  CHECK(h.host.queued() == 4);
  // Written, they are live and count against the ceiling of 10 as before.
  h.host.write_queued(-1, h.clock.now_ms());
  for (int i = 0; i < 3; ++i) h.tick();
  CHECK(h.originates().size() == 10);
  h.host.write_queued(-1, h.clock.now_ms());
  for (int i = 0; i < 10; ++i) h.tick();
  CHECK(h.originates().size() == 10);
}

TEST_CASE("host queue: calls the host drops with the link end as never dialed, no attempt used") {
  RateHarness h(1000);
  for (uint64_t i = 1; i <= 5; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  h.start({automatic(1, 2)});
  REQUIRE(h.originates().size() == 2);
  h.host.write_queued(1, h.clock.now_ms());  // one went out, one still waits
  h.host.link_up = false;
  h.host.drop_queue();
  h.engine->on_ami_link(false);
  h.host.run_posted();
  const auto results = h.store->writes_of<pd::store::AttemptResult>();
  REQUIRE(results.size() == 1);
  CHECK(results[0].call_id == h.originates()[1].get("ChannelId"));
  CHECK_FALSE(results[0].counts_attempt);
  CHECK(results[0].new_state == pd::store::NumberState::kRetry);
}

TEST_CASE("host queue: a host that does not report writes - calls start at the hand-off") {
  RateHarness h(0);
  for (uint64_t i = 1; i <= 5; ++i) h.store->add_lead(1, i, "55500" + std::to_string(i));
  h.start({automatic(1, 2)});
  REQUIRE(h.originates().size() == 2);
  CHECK(h.store->writes_of<pd::store::AttemptStart>().size() == 2);
  h.publish();
  CHECK(h.store->statuses[1].live_calls == 2);
  CHECK(h.store->statuses[1].queued_calls == 0);
  CHECK_FALSE(h.store->heartbeats.back().ami_rate.has_value());
  CHECK(h.host.pacing_reads == 0);
}

TEST_CASE("host queue: a cap that cannot carry the calls-per-second setting is said, once") {
  RateHarness h(100);  // 50 calls a second at 2 actions a call
  h.store->add_lead(1, 1, "5550001");
  h.start({automatic(1, 1)}, "200");
  CHECK(
      h.host.logged("calls_per_second 200 needs about 400 AMI actions a second; "
                    "panelhost's ami.rate is 100, so calls start at about 50 a second"));
  size_t said = 0;
  for (int i = 0; i < 20; ++i) h.tick();
  for (const auto& line : h.host.logs())
    said += line.find("panelhost's ami.rate") != std::string::npos;
  CHECK(said == 1);
}
