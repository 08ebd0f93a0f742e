// Crash and restart safety end to end (panelhost + libpaneldialer.so +
// pbx-sim + MariaDB): what a real Asterisk showed the engine got wrong.
// - panelhost killed while calls ring, wait in the queue and talk to an
//   agent, and they end while it is down: no answered number is dialed again,
//   each ends under its campaign's rule, with the real times and the agent;
// - pbx-sim killed (an Asterisk crash) while calls ring, wait in the queue and
//   talk: ended at the link loss, the waiting one abandoned by the system,
//   never ANSWER/Ok, the ringing one retried; after its restart the dynamic
//   queue members are gone and the dashboard says so;
// - a destination missing from the dialplan: the campaign never dials and
//   says why; one that goes missing at run time fails its calls, never Ok.
#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "e2e_checks.h"
#include "engine_rig.h"
#include "scenario.h"

using namespace std::chrono_literals;
using namespace pd::testing;

namespace {

// One agent (101) in queue sales; customers by number (last digits):
//   ...881 answers at once and talks long, ...882 answers after 2 s and talks
//   long, ...886 never answers (rings until the Originate's timeout).
// Agent 102 (optional) is logged in but paused.
std::string recovery_scenario(int speed, bool agent_paused, int queue_wait_s,
                              bool paused_second_agent = false) {
  return R"({
  "seed": 5, "speed": )" +
         std::to_string(speed) + R"(,
  "users": [{"username": "dialer", "secret": "dialersecret"}],
  "queues": [{"name": "sales", "strategy": "rrmemory", "ring_timeout_s": 15, "retry_s": 1,
              "wait_timeout_s": )" +
         std::to_string(queue_wait_s) + R"(}],
  "agent_defaults": {"answer_delay_s": 1, "talk_s": 12},
  "agents": [{"interface": "Local/101@sim-agents/n", "name": "Agent 101", "queues": ["sales"],
              "dynamic": true, "paused": )" +
         (agent_paused ? "true" : "false") + R"(})" +
         (paused_second_agent ? R"(,
             {"interface": "Local/102@sim-agents/n", "name": "Agent 102", "queues": ["sales"],
              "dynamic": true, "paused": true})"
                              : "") +
         R"(],
  "contexts": {
    "sim-customers": {"type": "customers"},
    "sim-agents": {"type": "agents"},
    "pd-*-customer": {"type": "customers", "dial_context": "sim-customers"},
    "ext-queues": {"type": "queue", "queue": "sales"},
    "pd-*-dest": {"type": "queue", "queue": "sales"}
  },
  "number_rules": [
    {"pattern": "_X.881", "outcome": "answer", "answer_after_s": 1, "talk_s": 60},
    {"pattern": "_X.882", "outcome": "answer", "answer_after_s": 2, "talk_s": 60},
    {"pattern": "_X.886", "outcome": "noanswer", "ring_s": 60}
  ],
  "default_outcome": {"outcome": "answer", "answer_after_s": 1, "talk_s": 60}
})";
}

CampaignSpec queue_campaign(const std::string& name, const std::string& mode) {
  CampaignSpec spec;
  spec.name = name;
  spec.mode = mode;
  spec.destination_kind = "queue";
  spec.destination = "ext-queues,500,1";
  spec.queue_name = "sales";
  spec.concurrent_calls = 3;
  spec.dial_attempts = 2;
  spec.retry_minutes = 1;
  return spec;
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string db_now(EngineRig& rig) {
  return rig.scalar("SELECT UTC_TIMESTAMP(3)");
}

std::string number_field(EngineRig& rig, const std::string& number, const std::string& column) {
  return rig.scalar("SELECT COALESCE(" + column + ", '') FROM dialer_numbers WHERE number = '" +
                    number + "'");
}

std::string call_field(EngineRig& rig, const std::string& number, const std::string& column) {
  return rig.scalar("SELECT COALESCE(" + column + ", '') FROM dialer_calls WHERE number = '" +
                    number + "' ORDER BY id LIMIT 1");
}

// True when `a` <= `b` (DATETIME(3) texts compared by the server).
bool not_after(EngineRig& rig, const std::string& a, const std::string& b) {
  return rig.scalar("SELECT '" + a + "' <= '" + b + "'") == "1";
}

}  // namespace

TEST_CASE("panelhost killed while calls ring, queue and talk: no answered number is dialed again") {
  EngineRig rig(recovery_scenario(5, false, 10));
  CampaignSpec spec = queue_campaign("restart", "automatic");
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, {"5558881", "5558882", "5558886"});
  rig.start_sim();
  rig.start_host();
  const std::string of_campaign = "campaign_id = " + std::to_string(campaign);
  // Two answered (one goes to agent 101, one waits in the queue), one ringing.
  REQUIRE_MESSAGE(
      eventually(
          [&] {
            return rig.count("dialer_numbers", of_campaign + " AND state = 'answered'") == 2 &&
                   rig.count("dialer_numbers", of_campaign + " AND state = 'dialing'") == 1;
          },
          30s),
      rig.host_output());
  const std::string killed_at = db_now(rig);
  rig.stop_host(SIGKILL);
  // The answered calls end on the PBX while panelhost is down (the helper
  // dialplan records each end in the Asterisk database); the ringing one
  // gives up at the Originate's timeout (20 simulated seconds: 4 s).
  REQUIRE_MESSAGE(eventually([&] { return occurrences(rig.astdb(), "/ended\"") >= 2; }, 60s),
                  rig.astdb());
  REQUIRE(eventually([&] { return rig.sim_calls() == 0; }, 30s));
  const std::string restarted_at = db_now(rig);
  rig.start_host();
  require_all_final_or_retry(rig, campaign, 60s);

  // Answered numbers: done, one call each, never dialed again.
  for (const char* number : {"5558881", "5558882"}) {
    CAPTURE(number);
    CHECK(number_field(rig, number, "state") == "done");
    CHECK(number_field(rig, number, "attempts") == "1");
    CHECK(number_field(rig, number, "dial_status") == "ANSWER");
    CHECK(rig.count("dialer_calls", std::string("number = '") + number + "'") == 1);
    // The real times: answered before the kill, ended before the restart.
    const std::string answered = call_field(rig, number, "answered_at");
    const std::string ended = call_field(rig, number, "ended_at");
    REQUIRE_FALSE(answered.empty());
    REQUIRE_FALSE(ended.empty());
    CHECK(not_after(rig, answered, killed_at));
    CHECK(not_after(rig, ended, restarted_at));
  }
  // The one that talked to agent 101 while panelhost was down says so.
  CHECK(number_field(rig, "5558881", "disposition") == "Agent");
  CHECK(number_field(rig, "5558881", "agent") == "101");
  CHECK(call_field(rig, "5558881", "agent") == "101");
  // The ringing one was not answered: retried under the campaign's own rule
  // (1 minute, not a built-in 30).
  CHECK(number_field(rig, "5558886", "state") == "retry");
  CHECK(number_field(rig, "5558886", "attempts") == "1");
  CHECK(number_field(rig, "5558886", "disposition") == "Failed");
  const int retry_in_s = std::stoi(rig.scalar(
      "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), next_try_at) FROM dialer_numbers WHERE "
      "number = '5558886'"));
  CHECK(retry_in_s <= 60);
  CHECK(retry_in_s >= 30);
  check_call_log(rig, campaign);
  // Their records are cleaned from the Asterisk database.
  CHECK(eventually([&] { return occurrences(rig.astdb(), "/paneldialer/") == 0; }, 10s));
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("pbx-sim killed while calls ring, queue and talk: never ANSWER/Ok, ended at the loss") {
  // Agent 101 takes the first answered call and talks for a minute; agent 102
  // is logged in but paused, so the second answered call waits in the queue.
  EngineRig rig(recovery_scenario(5, false, 300, true));
  const uint32_t campaign = rig.add_campaign(queue_campaign("crash", "automatic"));
  rig.add_numbers(campaign, {"5558881", "5558882", "5558886"});
  // A progressive campaign on the same queue (no numbers): it shows whether
  // the queue has members.
  const uint32_t watcher = rig.add_campaign(queue_campaign("watcher", "progressive"));
  rig.conn().execute("UPDATE dialer_settings SET value = '60' WHERE name = 'dial_timeout'");
  rig.start_sim();
  rig.start_host();
  const std::string of_campaign = "campaign_id = " + std::to_string(campaign);
  REQUIRE_MESSAGE(
      eventually(
          [&] {
            return rig.count("dialer_numbers", of_campaign + " AND state = 'answered'") == 2 &&
                   rig.count("dialer_numbers", of_campaign + " AND state = 'dialing'") == 1 &&
                   rig.sim_stat("agent_connects") == 1;
          },
          30s),
      rig.host_output());
  const std::string problem_of_watcher =
      "SELECT problem FROM dialer_campaign_status WHERE campaign_id = " + std::to_string(watcher);
  CHECK(eventually([&] { return rig.scalar(problem_of_watcher) == ""; }, 10s));
  const std::string killed_at = db_now(rig);
  rig.stop_sim(SIGKILL);  // an Asterisk crash: no Hangup, no milestone
  // The dashboard says the link is down, since when.
  CHECK(eventually([&] { return rig.scalar(problem_of_watcher) == "AMI link down"; }, 15s));
  CHECK_FALSE(rig.scalar("SELECT problem_since FROM dialer_campaign_status WHERE campaign_id = " +
                         std::to_string(watcher))
                  .empty());
  rig.start_sim({"--restarted"});  // dynamic queue members are gone
  require_all_final_or_retry(rig, campaign, 60s);
  // The one talking to agent 101 when Asterisk died: it did reach the agent.
  CHECK(number_field(rig, "5558881", "disposition") == "Agent");
  CHECK(number_field(rig, "5558881", "agent") == "101");
  // The one waiting in the queue: abandoned by the system, not served.
  CHECK(number_field(rig, "5558882", "disposition") == "Abandoned");
  for (const char* number : {"5558881", "5558882"}) {
    CAPTURE(number);
    CHECK(number_field(rig, number, "state") == "done");  // answered: never redialed
    CHECK(number_field(rig, number, "dial_status") == "ANSWER");
    CHECK(number_field(rig, number, "attempts") == "1");
    CHECK(rig.count("dialer_calls", std::string("number = '") + number + "'") == 1);
  }
  // The ringing one was never answered: retried by the campaign's rule.
  CHECK(number_field(rig, "5558886", "state") == "retry");
  CHECK(number_field(rig, "5558886", "disposition") == "Failed");
  for (const char* number : {"5558881", "5558882", "5558886"}) {
    CAPTURE(number);
    // Ended when the link was lost, not when it came back.
    const std::string ended = call_field(rig, number, "ended_at");
    CHECK(rig.scalar("SELECT ABS(TIMESTAMPDIFF(MICROSECOND, '" + ended + "', '" + killed_at +
                     "')) < 3000000") == "1");
  }
  check_call_log(rig, campaign);
  // Progressive stops (nobody to take calls) and the dashboard says why.
  CHECK(eventually(
      [&] { return rig.scalar(problem_of_watcher) == "queue sales has no logged-in members"; },
      20s));
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("a destination missing from the dialplan: never dialed, the problem is shown") {
  EngineRig rig(engine_scenario(20));
  CampaignSpec missing;
  missing.name = "nowhere";
  missing.destination = "no-such-ivr,s,1";
  const uint32_t missing_id = rig.add_campaign(missing);
  rig.add_numbers(missing_id, {"5557001", "5557002"});
  CampaignSpec control;  // dials while the other one must not
  control.name = "control";
  const uint32_t control_id = rig.add_campaign(control);
  rig.add_numbers(control_id, {"5557101", "5557102"});
  rig.start_sim();
  rig.start_host();
  const std::string problem = "SELECT problem FROM dialer_campaign_status WHERE campaign_id = " +
                              std::to_string(missing_id);
  REQUIRE(eventually([&] { return !rig.scalar(problem).empty(); }, 20s));
  CHECK(rig.scalar(problem).find("destination no-such-ivr,s,1 is not in the dialplan") !=
        std::string::npos);
  require_all_final(rig, control_id, 30s);
  CHECK(rig.count("dialer_calls", "campaign_id = " + std::to_string(missing_id)) == 0);
  CHECK(rig.count("dialer_numbers",
                  "campaign_id = " + std::to_string(missing_id) + " AND state = 'pending'") == 2);
  CHECK(rig.stop_host(SIGTERM) == 0);
}

TEST_CASE("a destination gone at run time: the call is Failed (INVALID_DESTINATION), never Ok") {
  EngineRig rig(engine_scenario(20));
  CampaignSpec spec;
  spec.name = "qinvalid";  // its helper context finds the destination missing
  spec.dial_attempts = 3;
  const uint32_t campaign = rig.add_campaign(spec);
  rig.add_numbers(campaign, {"5557200"});
  rig.start_sim();
  rig.start_host();
  require_all_final(rig, campaign, 30s);
  const auto numbers = numbers_of(rig, campaign);
  const NumberRow& row = numbers.at("5557200");
  CHECK(row.state == "failed");  // answered, so not retried
  CHECK(row.dial_status == "INVALID_DESTINATION");
  CHECK(row.disposition == "Failed");
  CHECK(row.attempts == 1);
  CHECK(rig.stop_host(SIGTERM) == 0);
}
