// The engine end to end: panelhost + libpaneldialer.so + pbx-sim + MariaDB.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "e2e_checks.h"
#include "engine_rig.h"
#include "scenario.h"

using namespace std::chrono_literals;
using pd::testing::CampaignSpec;
using pd::testing::EngineRig;
using pd::testing::eventually;
using namespace pd::testing;

TEST_CASE("automatic campaign: every outcome, retries, DTMF") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "auto";
  spec.valid_dtmf = "1";
  spec.dial_attempts = 2;
  spec.retry_minutes = 0;
  spec.concurrent_calls = 10;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, numbers_ending("555000", "0123456789"));
  CampaignSpec broken;  // progressive needs a queue: the engine refuses it, and says why
  broken.name = "broken";
  broken.mode = "progressive";
  const uint32_t broken_id = rig.add_campaign(broken);
  rig.add_numbers(broken_id, {"5551111"});
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  for (const char* n : {"5550000", "5550001", "5550002", "5550003"}) {
    CHECK_MESSAGE(numbers.at(n).state == "done", n);
    CHECK(numbers.at(n).dial_status == "ANSWER");
    CHECK(numbers.at(n).disposition == "Ok");
    CHECK(numbers.at(n).attempts == 1);
  }
  CHECK(numbers.at("5550004").disposition == "DTMF_1");
  CHECK(rig.scalar("SELECT dtmf FROM dialer_calls WHERE number = '5550004'") == "1");
  const std::map<std::string, std::string> failures = {{"5550005", "BUSY"},
                                                       {"5550006", "NOANSWER"},
                                                       {"5550007", "CONGESTION"},
                                                       {"5550009", "CHANUNAVAIL"}};
  for (const auto& [number, status] : failures) {
    CHECK_MESSAGE(numbers.at(number).state == "failed", number);
    CHECK_MESSAGE(numbers.at(number).dial_status == status, number);
    CHECK_MESSAGE(numbers.at(number).disposition == "Failed", number);
    CHECK_MESSAGE(numbers.at(number).attempts == 2, number);  // retried once
  }
  // No AMD in this campaign's dialplan: a machine is an answered call.
  CHECK(numbers.at("5550008").dial_status == "ANSWER");
  check_call_log(rig, campaign);
  // What the engine tells the dashboard.
  CHECK(rig.scalar("SELECT open_now FROM dialer_campaign_status WHERE campaign_id = " +
                   std::to_string(campaign)) == "1");
  CHECK(std::stoi(rig.scalar("SELECT seconds_left_today FROM dialer_campaign_status WHERE "
                             "campaign_id = " +
                             std::to_string(campaign))) > 0);
  CHECK(rig.scalar("SELECT problem FROM dialer_campaign_status WHERE campaign_id = " +
                   std::to_string(broken_id))
            .find("queue") != std::string::npos);
  CHECK(rig.scalar("SELECT state FROM dialer_numbers WHERE number = '5551111'") == "pending");
  CHECK(rig.scalar("SELECT COUNT(*) FROM dialer_heartbeat WHERE instance = 'e2e'") == "1");
  // The compliance audit: one row per Originate (per call row, retries
  // included), written with the calls, each with its checks passed.
  const std::string id = std::to_string(campaign);
  const std::string calls = rig.scalar(
      "SELECT COUNT(*) FROM dialer_calls WHERE direction = 'outbound' AND campaign_id = " + id);
  CHECK(calls == "14");  // 10 numbers, 4 retried once
  CHECK(rig.scalar("SELECT COUNT(*) FROM dialer_compliance_audit a JOIN dialer_calls c"
                   " ON c.call_id = a.call_id WHERE a.campaign_id = " +
                   id +
                   " AND a.number = c.number AND a.mode = 'automatic' AND a.dnc_checked = 1"
                   " AND a.dnc_listed = 0 AND a.window_ok = 1 AND a.party_local_time IS NOT NULL"
                   " AND a.instance = 'e2e'") == calls);
  CHECK(rig.scalar("SELECT COUNT(*) FROM dialer_compliance_audit WHERE campaign_id = " + id) ==
        calls);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("progressive campaigns deliver answered calls to the queue's agents, both legs") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec remote;
  remote.name = "qremote";
  remote.mode = "progressive";
  remote.destination_kind = "queue";
  remote.destination = "ext-queues,500,1";
  remote.queue_name = "sales";
  CampaignSpec local = remote;
  local.name = "qlocal";
  local.initial_leg = "local";
  local.enabled = false;
  const uint32_t remote_id = rig.add_campaign(remote);
  const uint32_t local_id = rig.add_campaign(local);
  rig.add_numbers(remote_id, numbers_ending("555100", "0123"));
  rig.add_numbers(local_id, numbers_ending("555200", "0123"));
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, remote_id, 60s);
  // Local first only after remote first is done, so both have the two agents.
  REQUIRE(rig.conn().execute("UPDATE dialer_campaigns SET enabled = 1 WHERE id = ?", {local_id}));
  require_all_final(rig, local_id, 60s);
  for (uint32_t id : {remote_id, local_id}) {
    for (const auto& [number, row] : numbers_of(rig, id)) {
      CHECK_MESSAGE(row.state == "done", number);
      CHECK_MESSAGE(row.disposition == "Agent", number);
      CHECK_MESSAGE((row.agent == "101" || row.agent == "102"), number);
    }
    check_call_log(rig, id);
  }
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("answering machines are detected and never reach an agent") {
  EngineRig rig(pd::testing::engine_scenario(20, 30));  // humans talk 30 s
  CampaignSpec spec;
  spec.name = "qamd";
  spec.mode = "progressive";
  spec.destination_kind = "queue";
  spec.destination = "ext-queues,500,1";
  spec.queue_name = "sales";
  const uint32_t campaign = rig.add_campaign(spec);
  REQUIRE(rig.conn().execute(
      "UPDATE dialer_campaigns SET destination_amd = 'app-blackhole,hangup,1' WHERE id = ?",
      {campaign}));
  rig.add_numbers(campaign, {"555930000", "5556008"});
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  CHECK(numbers.at("5556008").dial_status == "MACHINE");
  CHECK(numbers.at("5556008").disposition == "Failed");
  CHECK(numbers.at("5556008").agent.empty());
  CHECK(numbers.at("555930000").dial_status == "ANSWER");
  CHECK(numbers.at("555930000").disposition == "Agent");
  // The helper context runs AMD before the queue for this campaign.
  const std::string text = read_text_file((rig.dir() / "extensions_custom.conf").string());
  CHECK(text.find("[pd-qamd-dest]") != std::string::npos);
  CHECK(text.find("AMD()") != std::string::npos);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("group by name: once a contact answers, its other numbers are closed, not dialed") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "group";
  spec.concurrent_calls = 1;  // one at a time, so the second number waits in the hopper
  const uint32_t campaign = rig.add_campaign(spec);
  REQUIRE(
      rig.conn().execute("UPDATE dialer_campaigns SET group_by_name = 1 WHERE id = ?", {campaign}));
  for (const auto& [name, number] : std::vector<std::pair<std::string, std::string>>{
           {"Ann", "5557000"}, {"Ann", "5557010"}, {"Bob", "5557020"}}) {
    REQUIRE(
        rig.conn().execute("INSERT INTO dialer_numbers (campaign_id, name, number) VALUES (?,?,?)",
                           {campaign, name, number}));
  }
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  CHECK(numbers.at("5557000").state == "done");
  CHECK(numbers.at("5557010").state == "closed");
  CHECK(rig.count("dialer_calls", "number = '5557010'") == 0);
  CHECK(numbers.at("5557020").state == "done");
  CHECK(rig.stop_host(SIGTERM) == 0);
}

// Asterisk 22 refuses an Originate whose ChannelId is a prefix of a live
// channel's Uniqueid (pbx-sim models it; --id-in-use forces it for a number):
// AMI shows OriginateResponse Failure, Reason 0, and no channel. The engine
// dials the number again under a new call id without using an attempt; after
// kMaxIdRetries (3) retries the lead goes back to the store untouched and is
// claimed again later.
TEST_CASE("an Originate refused for an id in use is dialed again under a new id, no attempt used") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "collide";
  spec.dial_attempts = 1;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, {"5558000", "5558001", "5558002"});
  // 5558000: refused once; 5558001: refused 4 times (3 retries, then given
  // back, then claimed and dialed again); 5558002: never.
  rig.start_sim({"--id-in-use", "5558000:1", "--id-in-use", "5558001:4"});
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  for (const char* n : {"5558000", "5558001", "5558002"}) {
    CHECK_MESSAGE(numbers.at(n).state == "done", n);
    CHECK_MESSAGE(numbers.at(n).dial_status == "ANSWER", n);
    CHECK_MESSAGE(numbers.at(n).attempts == 1, n);  // the refusals used none
    // One call row each: the refused Originates were never calls.
    CHECK_MESSAGE(rig.count("dialer_calls", std::string("number = '") + n + "'") == 1, n);
  }
  CHECK(rig.sim_stat("id_conflicts") == 5);
  // The answered call's id is not the refused one: the engine took a new id.
  const std::string log = rig.host_output();
  const size_t refused_at = log.find("refused by Asterisk before any channel");
  REQUIRE_MESSAGE(refused_at != std::string::npos, log);
  const size_t id_at = log.rfind("Originate ", refused_at);
  const std::string refused_id = log.substr(id_at + 10, log.find(' ', id_at + 10) - (id_at + 10));
  CHECK(rig.count("dialer_calls", "call_id = '" + refused_id + "'") == 0);
  CHECK(log.find("dialed again under a new id, retry 1 of 3; no attempt used") !=
        std::string::npos);
  CHECK(log.find("retry 3 of 3") != std::string::npos);
  CHECK(log.find("given back to the store, attempts unchanged (0), not failed") !=
        std::string::npos);
  check_call_log(rig, campaign);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("leads the Originate builder refuses end failed with their reason, never dialed") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "refusals";
  spec.dial_attempts = 2;  // a refusal is final all the same: the same input fails again
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, {"5556000", "5556001", "55560x2"});
  // A ',' would let the value set a second variable in Asterisk: refused.
  REQUIRE(rig.conn().execute(
      "UPDATE dialer_numbers SET variables = 'NOTE=a,PD_CAMPAIGN=x' WHERE number = '5556001'"));
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  CHECK(numbers.at("5556000").state == "done");  // the control: this campaign does dial
  CHECK(numbers.at("5556000").disposition == "Ok");
  for (const char* number : {"5556001", "55560x2"}) {
    CHECK_MESSAGE(numbers.at(number).state == "failed", number);
    CHECK_MESSAGE(numbers.at(number).attempts == 0, number);
    CHECK_MESSAGE(numbers.at(number).disposition == "Refused", number);
    CHECK_MESSAGE(rig.count("dialer_calls", std::string("number = '") + number + "'") == 0, number);
  }
  CHECK(rig.scalar("SELECT last_error FROM dialer_numbers WHERE number = '5556001'")
            .starts_with("Originate variable: the value of NOTE may not hold ,"));
  CHECK(rig.scalar("SELECT last_error FROM dialer_numbers WHERE number = '55560x2'")
            .starts_with("Originate number: "));
  CHECK(rig.count("dialer_numbers", "number = '5556000' AND last_error IS NULL") == 1);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("a number put on the do-not-call list mid-run is never dialed") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "dnc";
  spec.concurrent_calls = 1;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, numbers_ending("555300", "0123"));
  REQUIRE(
      rig.conn().execute("INSERT INTO dialer_dnc (number, reason) VALUES ('5553001', 'asked')"));
  rig.start_sim();
  rig.start_host();
  // The first call is under way (so the rest sit claimed in the hopper) when
  // the last number goes on the list.
  REQUIRE(eventually(
      [&] { return rig.count("dialer_calls", "campaign_id = " + std::to_string(campaign)) >= 1; },
      30s));
  REQUIRE(
      rig.conn().execute("INSERT INTO dialer_dnc (number, reason) VALUES ('5553003', 'mid-run')"));
  require_all_final(rig, campaign, 60s);
  const auto numbers = numbers_of(rig, campaign);
  CHECK(numbers.at("5553001").state == "dnc");  // on the list before the start
  CHECK(numbers.at("5553003").state == "dnc");  // added mid-run
  CHECK(rig.count("dialer_calls", "number IN ('5553001','5553003')") == 0);
  CHECK(numbers.at("5553000").state == "done");
  CHECK(numbers.at("5553002").state == "done");
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("disabling a campaign stops new calls within 2 s and never hangs up live ones") {
  EngineRig rig(pd::testing::engine_scenario(20, 40));  // calls last about 2 s
  CampaignSpec spec;
  spec.name = "pause";
  spec.concurrent_calls = 2;
  const uint32_t campaign = rig.add_campaign(spec);
  std::vector<std::string> many;
  for (int i = 0; i < 30; ++i) many.push_back("55591" + std::to_string(1000 + i));  // long calls
  rig.add_numbers(campaign, many);
  rig.start_sim();
  rig.start_host();
  const std::string calls_of = "campaign_id = " + std::to_string(campaign);
  REQUIRE(eventually([&] { return rig.count("dialer_calls", calls_of) >= 2; }, 30s));
  const std::string disabled_at = rig.scalar("SELECT UTC_TIMESTAMP(3)");
  REQUIRE(rig.conn().execute("UPDATE dialer_campaigns SET enabled = 0 WHERE id = ?", {campaign}));
  // The engine retires the campaign: it says so and gives back the leads it
  // had claimed ahead of need, so it has nothing left to dial.
  REQUIRE(eventually(
      [&] { return rig.host_output().find("campaign 'pause' paused") != std::string::npos; }, 10s));
  CHECK(eventually(
      [&] { return rig.count("dialer_numbers", calls_of + " AND state = 'reserved'") == 0; }, 10s));
  const uint64_t calls_at_pause = rig.count("dialer_calls", calls_of);
  // Live calls end by themselves (about 2 s); none is hung up.
  CHECK(eventually(
      [&] { return rig.count("dialer_calls", calls_of + " AND ended_at IS NULL") == 0; }, 20s));
  CHECK(rig.count("dialer_calls", calls_of) == calls_at_pause);
  CHECK(rig.count("dialer_calls", calls_of + " AND dial_status = 'ANSWER'") == calls_at_pause);
  // The engine's promise: no call starts later than 2 s after the change.
  CHECK(rig.count("dialer_calls",
                  calls_of + " AND started_at > '" + disabled_at + "' + INTERVAL 2 SECOND") == 0);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("panelhost killed with calls in flight: after a restart every lead ends right, once") {
  EngineRig rig(pd::testing::engine_scenario(20, 60));  // calls last about 3 s
  CampaignSpec spec;
  spec.name = "restart";
  spec.concurrent_calls = 4;
  spec.dial_attempts = 2;
  spec.retry_minutes = 0;
  const uint32_t campaign = rig.add_campaign(spec);
  std::vector<std::string> numbers;
  for (int i = 0; i < 12; ++i) numbers.push_back("55592" + std::to_string(1000 + i));  // long calls
  rig.add_numbers(campaign, numbers);
  rig.start_sim();
  rig.start_host();
  const std::string of_campaign = "campaign_id = " + std::to_string(campaign);
  REQUIRE(eventually(
      [&] { return rig.count("dialer_numbers", of_campaign + " AND state = 'dialing'") >= 4; },
      30s));
  rig.stop_host(SIGKILL);
  rig.start_host();
  require_all_final(rig, campaign, 90s);
  CHECK(rig.count("dialer_numbers", of_campaign + " AND state = 'done'") == 12);
  check_call_log(rig, campaign);
  CHECK(rig.host_output().find("adopting 4 call(s)") != std::string::npos);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("predictive: answers beyond the agents hear the message, are abandoned, not redialed") {
  EngineRig rig(pd::testing::engine_scenario(20));
  CampaignSpec spec;
  spec.name = "qpred";
  spec.mode = "predictive";
  spec.destination_kind = "queue";
  spec.destination = "ext-queues,500,1";
  spec.queue_name = "pred";
  spec.concurrent_calls = 12;
  spec.dial_attempts = 3;
  spec.abandon_message = "custom/abandon";
  const uint32_t campaign = rig.add_campaign(spec);
  // Every number answers; six agents: a young window would keep the pacer
  // at one call per agent, so the window holds 20,000 earlier answers (none
  // abandoned) from yesterday, as a campaign well under way has.
  const std::string digits =
      "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
      " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL"
      " SELECT 9)";
  auto history = rig.conn().execute(
      "INSERT INTO dialer_calls (call_id, campaign_id, number, started_at, answered_at, ended_at,"
      " disposition) SELECT CONCAT('old-', a.d, b.d, c.d, e.d, f.d), ?, '5550000',"
      " UTC_TIMESTAMP(3) - INTERVAL 1 DAY, UTC_TIMESTAMP(3) - INTERVAL 1 DAY,"
      " UTC_TIMESTAMP(3) - INTERVAL 1 DAY, 'Agent' FROM " +
          digits + " a, " + digits + " b, " + digits + " c, " + digits + " e, " + digits +
          " f WHERE f.d < 2",
      {campaign});
  REQUIRE_MESSAGE(history.has_value(), (history ? "" : history.error().describe()));
  REQUIRE(*history == 20000);
  std::vector<std::string> numbers;
  for (const char* prefix : {"555300", "555301", "555302", "555303"}) {
    for (const auto& n : numbers_ending(prefix, "0123")) numbers.push_back(n);
  }
  rig.add_numbers(campaign, numbers);
  rig.start_sim();
  rig.start_host();
  require_all_final_or_retry(rig, campaign, 90s);
  const std::string of =
      " campaign_id = " + std::to_string(campaign) + " AND call_id NOT LIKE 'old-%'";
  const uint64_t abandoned = rig.count("dialer_calls", of + " AND abandoned = 1");
  CHECK_MESSAGE(abandoned > 0, rig.host_output());  // more answers than agents
  CHECK(rig.count("dialer_calls", of + " AND disposition = 'Agent'") > 0);
  // Each abandoned call: answered by a person, the message within the limit
  // (2 s of the sim's time, a tenth of a second here; the clock is real), Abandoned.
  CHECK(rig.count("dialer_calls", of + " AND abandoned = 1 AND (disposition <> 'Abandoned' OR "
                                       "answered_at IS NULL OR agent IS NOT NULL OR "
                                       "TIMESTAMPDIFF(SECOND, answered_at, ended_at) > 3)") == 0);
  // Their numbers wait out the recall delay (72 h): retry, not before then,
  // abandoned_at set, and dialed once only.
  CHECK(rig.count("dialer_numbers",
                  "campaign_id = " + std::to_string(campaign) +
                      " AND abandoned_at IS NOT NULL AND state = 'retry' AND next_try_at >="
                      " UTC_TIMESTAMP(3) + INTERVAL 71 HOUR AND attempts = 1") == abandoned);
  CHECK(rig.scalar("SELECT COUNT(*) FROM dialer_calls k JOIN dialer_calls a ON a.number_id ="
                   " k.number_id AND a.abandoned = 1 AND k.id > a.id WHERE a.campaign_id = " +
                   std::to_string(campaign)) == "0");
  // The sim played the message: its UserEvent reached the engine.
  CHECK(rig.host_output().find("abandoned: no agent within the connect limit") !=
        std::string::npos);
  // What the dashboard shows (dialer_campaign_status, written every 5 s):
  // the window's abandons and answers (the history's too), their rate (as
  // stored, two decimals) and the target.
  const std::string status =
      "SELECT CONCAT(abandoned_in_window, '/', answered_in_window, '/',"
      " ABS(abandon_rate_pct - 100 * abandoned_in_window / answered_in_window) < 0.01,"
      " '/', abandon_target_pct = 3)"
      " FROM dialer_campaign_status WHERE campaign_id = " +
      std::to_string(campaign);
  const uint64_t answered = rig.count("dialer_calls", of + " AND answered_at IS NOT NULL");
  const std::string expected =
      std::to_string(abandoned) + "/" + std::to_string(20000 + answered) + "/1/1";
  CHECK_MESSAGE(pd::testing::eventually([&] { return rig.scalar(status) == expected; }, 30s),
                std::string(rig.scalar(status) + " (expected " + expected + ")"));
  check_call_log(rig, campaign);
  CHECK(rig.stop_host(SIGTERM) == 0);
}
