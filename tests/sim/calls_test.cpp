// Calls through pbx-sim compared with the calls Asterisk 22 made on the rig:
// the same actions give the same events, in the same order, with the same
// fields (traces 02, 03, 16), and every outcome has its OriginateResponse Reason.
#include <doctest/doctest.h>

#include <map>

#include "ami_client.h"
#include "sim_process.h"
#include "trace_compare.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Fields;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;
namespace t = pd::sim::testing;

namespace {

// The Originate of the transcripts: a customer into a helper context.
Fields originate(const std::string& id, const std::string& number, const std::string& context,
                 const std::string& channel_id) {
  Fields f = {{"Action", "Originate"},
              {"ActionID", id},
              {"Channel", "Local/" + number + "@sim-customers"},
              {"Context", context},
              {"Exten", "s"},
              {"Priority", "1"},
              {"Timeout", "30000"},
              {"CallerID", "\"Dialer Test\" <5550100>"},
              {"Async", "true"}};
  if (!channel_id.empty()) f.emplace_back("ChannelId", channel_id);
  return f;
}

size_t count_events(const AmiClient& client, const std::string& name) {
  return client.count([&](const Message& m) { return m.is_event(name); });
}

// Compares with a transcript when the folder is there.
void compare_with_trace(const AmiClient& client, const std::string& number) {
  if (!t::traces_available()) {
    MESSAGE("AMI transcripts not found: trace " << number << " not compared");
    return;
  }
  t::check_same_story(t::call_story(client.messages()), t::call_story(t::trace_messages(number)));
  CHECK(t::TraceShapes().check(client.messages()) > 10);
}

}  // namespace

TEST_CASE("an answered call into a queue is trace 02, event for event") {
  // As on the rig when trace 02 was taken, the customer hangs up first.
  const std::string scenario = t::write_scenario(
      "caller-hangs-up", [](Json::Value& root) { root["agent_defaults"]["talk_s"] = 30; });
  SimProcess sim({"--scenario", scenario, "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "7aaf4638-93dd-404c-9df5-d81f9340f53f";
  Fields action = originate("orig-b", "5551000", "to-queue-sales", id);
  action.emplace_back("Variable", "DIALER_CAMPAIGN=camp1");
  action.emplace_back("Variable", "DIALER_LEADID=lead-b");
  const Message queued = client.request(action);
  CHECK(queued.get("Message") == "Originate successfully queued");
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 4; }));

  auto response = client.wait_for([](const Message& m) { return m.is_event("OriginateResponse"); });
  REQUIRE(response);
  const Message& r = client.messages()[*response];
  CHECK(r.get("Response") == "Success");
  CHECK(r.get("Reason") == "4");
  CHECK(r.get("Uniqueid") == id);
  CHECK(r.get("ActionID") == "orig-b");
  CHECK(count_events(client, "Newchannel") == 4);
  CHECK(count_events(client, "DialBegin") == 2);
  CHECK(count_events(client, "DialEnd") == 2);
  CHECK(count_events(client, "AgentConnect") == 1);
  for (const Message& m : client.messages()) {
    if (m.is_event("Newchannel") || m.is_event("Hangup")) CHECK(m.get("Linkedid") == id);
    if (m.is_event("Newchannel") && m.get("Channel").ends_with("sim-customers-00000001;2"))
      CHECK(m.get("Uniqueid") == id + ";2");
    if (m.is_event("DialEnd") && !m.has("Channel")) CHECK(m.get("DialStatus") == "ANSWER");
  }
  compare_with_trace(client, "02");
}

TEST_CASE("a busy number: OriginateResponse Reason 5, as trace 03") {
  SimProcess sim({"--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  Fields action =
      originate("orig-c", "5551005", "to-queue-sales", "95b88b37-c4d3-4c0e-a69e-1b2bf836b2c7");
  action.emplace_back("Variable", "DIALER_CAMPAIGN=camp1");
  action.emplace_back("Variable", "DIALER_LEADID=lead-c");
  client.request(action);
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 2; }));
  auto response = client.wait_for([](const Message& m) { return m.is_event("OriginateResponse"); });
  REQUIRE(response);
  const Message& r = client.messages()[*response];
  CHECK(r.get("Response") == "Failure");
  CHECK(r.get("Reason") == "5");
  CHECK(r.get("Channel") == "Local/5551005@sim-customers");  // the dial string on failure
  compare_with_trace(client, "03");
}

TEST_CASE("an answering machine into the AMD context, as trace 16") {
  // The rig's dialplan raised the verdict as UserEvent AMDResult.
  const std::string scenario = t::write_scenario("amd-result", [](Json::Value& root) {
    root["contexts"]["dialer-amd"]["amd_event"] = "AMDResult";
  });
  SimProcess sim({"--scenario", scenario, "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  client.request(
      originate("orig-n", "5551008", "dialer-amd", "9c19b7b4-e396-4ffb-8152-314c2373ce1a"));
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 2; }));
  auto verdict = client.wait_for([](const Message& m) { return m.is_event("UserEvent"); });
  REQUIRE(verdict);
  CHECK(client.messages()[*verdict].get("Status") == "MACHINE");
  CHECK(client.messages()[*verdict].get("Cause") == "LONGGREETING-1500-1500");
  compare_with_trace(client, "16");
}

TEST_CASE("every outcome of the rig gives its Reason, and all fields are as in the traces") {
  SimProcess sim({"--speed", "50"});
  AmiClient client(sim.port());
  client.login();
  // Last digit: 0-3 talk, 4 presses 1, 5 busy, 6 never answers, 7 congestion,
  // 8 machine, 9 unallocated.
  const std::map<int, std::string> reason = {{0, "4"}, {1, "4"}, {2, "4"}, {3, "4"}, {4, "4"},
                                             {5, "5"}, {6, "3"}, {7, "8"}, {8, "4"}, {9, "0"}};
  for (const auto& [digit, want] : reason)
    client.send(originate("o" + std::to_string(digit), "555100" + std::to_string(digit),
                          "to-queue-sales", ""));
  // A human and a machine through AMD with the dialer's PanelDialerAMD event.
  client.send(originate("amd-human", "5552000", "dialer-amd", ""));
  client.send(originate("amd-machine", "5552008", "dialer-amd", ""));
  REQUIRE(client.wait_for(
      [&](const Message&) { return count_events(client, "OriginateResponse") == 12; }));
  for (const Message& m : client.messages()) {
    if (!m.is_event("OriginateResponse") || m.get("ActionID").size() != 2) continue;
    const int digit = m.get("ActionID")[1] - '0';
    CAPTURE(digit);
    CHECK(m.get("Reason") == reason.at(digit));
  }
  auto all_hung_up = [&](const Message&) {
    return count_events(client, "Hangup") == count_events(client, "Newchannel");
  };
  REQUIRE(client.wait_for(all_hung_up, 0, std::chrono::seconds(20)));
  std::map<std::string, std::string> amd;
  for (const Message& m : client.messages())
    if (m.is_event("UserEvent") && m.get("UserEvent") == "PanelDialerAMD")
      amd[m.get("Channel").substr(0, 13)] = m.get("Status");
  CHECK(amd["Local/5552000"] == "HUMAN");
  CHECK(amd["Local/5552008"] == "MACHINE");
  CHECK(count_events(client, "DTMFEnd") == 1);
  CHECK(count_events(client, "AgentConnect") >= 1);

  if (t::traces_available()) {
    CHECK(t::TraceShapes().check(client.messages()) > 100);
  } else {
    MESSAGE("AMI transcripts not found: field lists not compared");
  }
}

TEST_CASE("a synchronous Originate answers once the call is decided, and later actions wait") {
  SimProcess sim({"--speed", "50"});
  AmiClient client(sim.port());
  client.login();
  Fields busy = originate("sync-busy", "5551005", "dialer-wait", "");
  busy.erase(busy.end() - 1);  // no Async
  Fields answered = originate("sync-up", "5551000", "dialer-wait", "");
  answered.erase(answered.end() - 1);
  client.send(busy);
  client.send({{"Action", "Ping"}, {"ActionID", "ping-after-busy"}});
  client.send(answered);
  client.send({{"Action", "Ping"}, {"ActionID", "ping-after-up"}});
  auto last = client.wait_for([](const Message& m) { return m.is_response_to("ping-after-up"); });
  REQUIRE(last);
  auto at = [&](const std::string& id) {
    auto i = client.wait_for([&](const Message& m) { return m.is_response_to(id); });
    REQUIRE(i);
    return *i;
  };
  CHECK(at("sync-busy") < at("ping-after-busy"));
  CHECK(at("ping-after-busy") < at("sync-up"));
  CHECK(at("sync-up") < at("ping-after-up"));
  CHECK(client.messages()[at("sync-busy")].get("Response") == "Error");
  CHECK(client.messages()[at("sync-busy")].get("Message") == "Originate failed");
  CHECK(client.messages()[at("sync-up")].get("Response") == "Success");
  // The answered call's channel came up before its reply.
  auto up = client.wait_for(
      [](const Message& m) { return m.is_event("Newstate") && m.get("ChannelStateDesc") == "Up"; });
  REQUIRE(up);
  CHECK(*up < at("sync-up"));
  // No OriginateResponse for a synchronous Originate.
  CHECK(count_events(client, "OriginateResponse") == 0);
}

TEST_CASE("Originate refusals: a missing context, a channel technology that is not loaded") {
  SimProcess sim({"--speed", "50"});
  AmiClient client(sim.port());
  client.login();
  const Message refused = client.request(originate("orig-l", "5551000", "no-such-context", ""));
  CHECK(refused.get("Response") == "Error");
  CHECK(refused.get("Message") == "Extension does not exist.");
  Fields pjsip = {{"Action", "Originate"},
                  {"ActionID", "orig-tech"},
                  {"Channel", "PJSIP/5551000"},
                  {"Context", "to-queue-sales"},
                  {"Exten", "s"},
                  {"Async", "true"}};
  CHECK(client.request(pjsip).get("Response") == "Success");
  auto failure = client.wait_for([](const Message& m) { return m.is_event("OriginateResponse"); });
  REQUIRE(failure);
  CHECK(client.messages()[*failure].get("Reason") == "0");
  CHECK(client.messages()[*failure].get("Channel") == "PJSIP/5551000");

  // Hangup by channel name while it rings: the Originate fails with Reason 1.
  client.request(originate("orig-ring", "5551006", "dialer-wait", "ring-1"));
  auto ringing = client.wait_for([](const Message& m) {
    return m.is_event("Newstate") && m.get("ChannelStateDesc") == "Ringing";
  });
  REQUIRE(ringing);
  const std::string channel = client.messages()[*ringing].get("Channel");
  const Message hung =
      client.request({{"Action", "Hangup"}, {"ActionID", "h-1"}, {"Channel", channel}});
  CHECK(hung.get("Message") == "Channel Hungup");
  auto ended = client.wait_for([](const Message& m) {
    return m.is_event("OriginateResponse") && m.get("ActionID") == "orig-ring";
  });
  REQUIRE(ended);
  CHECK(client.messages()[*ended].get("Reason") == "1");
}

// Asterisk 22 checks a requested ChannelId against the live channels by
// prefix, without case (main/channelstorage_ao2_legacy.c by_uniqueid_cb):
// "dup-9" is in use while "dup-93" lives. AMI sees what manager.c's
// fast_originate reports for a channel it could not allocate.
TEST_CASE("a ChannelId that is a prefix of a live Uniqueid is refused as Asterisk 22 does") {
  SimProcess sim({"--speed", "50"});
  AmiClient client(sim.port());
  client.login();
  // 5551000 answers and talks: "dup-93" and "dup-93;2" stay up a while.
  client.request(originate("live", "5551000", "dialer-wait", "dup-93"));
  REQUIRE(client.wait_for([](const Message& m) {
    return m.is_event("Newchannel") && m.get("Uniqueid") == "dup-93;2";
  }));
  const auto refused_response = [&](const std::string& action_id) {
    return client.wait_for([action_id](const Message& m) {
      return m.is_event("OriginateResponse") && m.get("ActionID") == action_id;
    });
  };
  for (const char* id : {"dup-9", "DUP-93", "dup-93;"}) {
    const std::string action = std::string("prefix-") + id;
    const Message queued = client.request(originate(action, "5551001", "dialer-wait", id));
    CHECK(queued.get("Response") == "Success");
    CHECK(queued.get("Message") == "Originate successfully queued");
    auto failure = refused_response(action);
    REQUIRE_MESSAGE(failure, id);
    const Message& m = client.messages()[*failure];
    CHECK(m.get("Response") == "Failure");
    CHECK(m.get("Reason") == "0");
    CHECK(m.get("Channel") == "Local/5551001@sim-customers");  // the dial string
    CHECK(m.get("Uniqueid") == id);                            // the requested id
  }
  // Not a prefix of a live id: dialed as usual.
  client.request(originate("longer", "5551002", "dialer-wait", "dup-930"));
  REQUIRE(client.wait_for(
      [](const Message& m) { return m.is_event("Newchannel") && m.get("Uniqueid") == "dup-930"; }));
  // No channel ever had a refused id, and Asterisk's log line was written.
  CHECK(client.count([](const Message& m) {
    return m.is_event("Newchannel") &&
           (m.get("Uniqueid") == "dup-9" || m.get("Uniqueid") == "DUP-93");
  }) == 0);
  CHECK(
      sim.wait_for_output("Channel Unique ID 'dup-9' already in use by channel "
                          "Local/5551000@sim-customers-"));
  // Synchronous: the reply itself says so.
  Fields sync = originate("sync", "5551001", "dialer-wait", "dup-9");
  for (auto& [key, value] : sync)
    if (key == "Async") value = "false";
  const Message failed = client.request(sync);
  CHECK(failed.get("Response") == "Error");
  CHECK(failed.get("Message") == "Originate failed");
  CHECK(sim.stop() == 0);
  CHECK(sim.output().find("id_conflicts=4") != std::string::npos);
}

TEST_CASE("--id-in-use: a number's next Originates find their ChannelId taken") {
  SimProcess sim({"--speed", "50", "--id-in-use", "5551001:2"});
  AmiClient client(sim.port());
  client.login();
  for (const char* id : {"a-1", "a-2", "a-3"})
    client.send(originate(std::string("o-") + id, "5551001", "dialer-wait", id));
  size_t seen = 0;
  REQUIRE(client.wait_for([&](const Message& m) {
    if (m.is_event("OriginateResponse")) ++seen;
    return seen == 3;
  }));
  std::map<std::string, std::string> reason;
  for (const Message& m : client.messages())
    if (m.is_event("OriginateResponse")) reason[m.get("ActionID")] = m.get("Reason");
  CHECK(reason["o-a-1"] == "0");
  CHECK(reason["o-a-2"] == "0");
  CHECK(reason["o-a-3"] == "4");
  CHECK(sim.wait_for_output("Channel Unique ID 'a-2' already in use by channel Local/phantom@"));
}
