// pbx-sim's AMI sessions: banner, Login and its failures (byte for byte as
// Asterisk 22), Ping, Events, Logoff, unknown actions, lists and Command.
#include <doctest/doctest.h>
#include <signal.h>

#include "ami_client.h"
#include "sim_process.h"
#include "trace_compare.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;

namespace {

constexpr const char* kBanner = "Asterisk Call Manager/11.0.0\r\n";

// The speed only shortens the pause before "Authentication failed".
std::vector<std::string> fast() {
  return {"--speed", "50"};
}

}  // namespace

TEST_CASE("banner and a failed login, byte for byte as trace 11") {
  SimProcess sim(fast());
  AmiClient client(sim.port());
  CHECK(client.banner() == "Asterisk Call Manager/11.0.0");
  client.send_raw(
      "Action: Login\r\nActionID: badlogin-1\r\nUsername: dialer\r\nSecret: wrong-secret\r\n\r\n");
  REQUIRE(client.wait_closed());  // Asterisk hangs up after a failed login
  const std::string expected = std::string(kBanner) +
                               "Response: Error\r\nActionID: badlogin-1\r\n"
                               "Message: Authentication failed\r\n\r\n";
  CHECK(client.raw() == expected);
  if (pd::sim::testing::traces_available()) {
    CHECK(client.raw() == pd::sim::testing::trace_bytes("11", ".raw"));
  } else {
    MESSAGE("AMI transcripts not found: trace 11 not compared");
  }
}

TEST_CASE("an action before login is refused, an unknown user fails: trace 12") {
  SimProcess sim(fast());
  AmiClient client(sim.port());
  // The connection stays open after "Permission denied".
  const Message denied = client.request({{"Action", "Ping"}, {"ActionID", "ping-unauth"}});
  CHECK(denied.get("Response") == "Error");
  CHECK(denied.get("Message") == "Permission denied");
  CHECK_FALSE(client.closed());
  client.send_raw(
      "Action: Login\r\nActionID: badlogin-2\r\nUsername: nosuchuser\r\nSecret: x\r\n\r\n");
  REQUIRE(client.wait_closed());
  if (pd::sim::testing::traces_available()) {
    CHECK(client.raw() == pd::sim::testing::trace_bytes("12", ".raw"));
  } else {
    MESSAGE("AMI transcripts not found: trace 12 not compared");
    CHECK(client.raw().ends_with("Message: Authentication failed\r\n\r\n"));
  }
}

TEST_CASE("login, Ping, Events and Logoff") {
  SimProcess sim(fast());
  AmiClient client(sim.port());
  client.login();
  // Every login is followed by FullyBooted and SuccessfulAuth (trace 01).
  auto booted = client.wait_for([](const Message& m) { return m.is_event("FullyBooted"); });
  REQUIRE(booted);
  CHECK(client.messages()[*booted].get("Status") == "Fully Booted");
  auto auth =
      client.wait_for([](const Message& m) { return m.is_event("SuccessfulAuth"); }, *booted);
  REQUIRE(auth);
  const Message& success = client.messages()[*auth];
  CHECK(success.get("AccountID") == "dialer");
  CHECK(success.get("Service") == "AMI");
  CHECK(success.get("LocalAddress") == "IPV4/TCP/127.0.0.1/" + std::to_string(sim.port()));
  CHECK(success.get("RemoteAddress").starts_with("IPV4/TCP/127.0.0.1/"));

  const Message pong = client.request({{"Action", "Ping"}, {"ActionID", "ping-1"}});
  CHECK(pong.keys() == std::vector<std::string>{"Response", "ActionID", "Ping", "Timestamp"});
  CHECK(pong.get("Response") == "Success");
  CHECK(pong.get("Ping") == "Pong");
  CHECK(pong.get("Timestamp").find('.') == 10);  // seconds.microseconds

  // Events off: an Originate's channel events are not sent. They are emitted
  // while the action runs, so the Ping's reply is the proof they never came.
  const Message off =
      client.request({{"Action", "Events"}, {"ActionID", "ev-off"}, {"EventMask", "off"}});
  CHECK(off.keys() == std::vector<std::string>{"Response", "ActionID", "Events"});
  CHECK(off.get("Events") == "Off");
  const size_t mark = client.messages().size();
  client.request({{"Action", "Originate"},
                  {"ActionID", "o-1"},
                  {"Channel", "Local/5551000@sim-customers"},
                  {"Context", "dialer-wait"},
                  {"Exten", "s"},
                  {"Async", "true"}});
  client.request({{"Action", "Ping"}, {"ActionID", "ping-2"}});
  CHECK(client.count([](const Message& m) { return m.has("Event"); }, mark) == 0);

  // Only the classes asked for: "call" brings Newchannel but not UserEvent.
  const Message call_only =
      client.request({{"Action", "Events"}, {"ActionID", "ev-call"}, {"EventMask", "call"}});
  CHECK(call_only.get("Events") == "On");
  const size_t mark2 = client.messages().size();
  client.request({{"Action", "UserEvent"}, {"ActionID", "ue"}, {"UserEvent", "Hidden"}});
  client.request({{"Action", "Originate"},
                  {"ActionID", "o-2"},
                  {"Channel", "Local/5551001@sim-customers"},
                  {"Context", "dialer-wait"},
                  {"Exten", "s"},
                  {"Async", "true"}});
  client.request({{"Action", "Ping"}, {"ActionID", "ping-3"}});
  CHECK(client.count([](const Message& m) { return m.is_event("Newchannel"); }, mark2) == 2);
  CHECK(client.count([](const Message& m) { return m.is_event("UserEvent"); }, mark2) == 0);

  const Message bye = client.request({{"Action", "Logoff"}, {"ActionID", "logoff-1"}});
  CHECK(bye.get("Response") == "Goodbye");
  CHECK(bye.get("Message") == "Thanks for all the fish.");
  CHECK(client.wait_closed());
}

TEST_CASE("Login with an Events: header, a second session and unknown actions") {
  SimProcess sim(fast());
  AmiClient quiet(sim.port());
  quiet.send({{"Action", "Login"},
              {"ActionID", "l"},
              {"Username", "dialer"},
              {"Secret", "dialersecret"},
              {"Events", "off"}});
  REQUIRE(quiet.wait_for([](const Message& m) { return m.is_response_to("l"); }));
  AmiClient loud(sim.port());
  loud.login();

  const Message unknown = loud.request({{"Action", "FlyToTheMoon"}, {"ActionID", "u-1"}});
  CHECK(unknown.get("Response") == "Error");
  CHECK(unknown.get("Message") ==
        "Invalid/unknown command: FlyToTheMoon. Use Action: ListCommands to show available "
        "commands.");
  loud.send_raw("ActionID: no-action\r\n\r\n");
  auto missing = loud.wait_for([](const Message& m) { return m.is_response_to("no-action"); });
  REQUIRE(missing);
  CHECK(loud.messages()[*missing].get("Message") == "Missing action in request");
  const Message again = loud.request({{"Action", "Login"},
                                      {"ActionID", "l-2"},
                                      {"Username", "dialer"},
                                      {"Secret", "dialersecret"}});
  CHECK(again.get("Message") == "Already authenticated");

  // A UserEvent from one session reaches every session that listens (trace 10).
  loud.request({{"Action", "UserEvent"},
                {"ActionID", "ue-ami"},
                {"UserEvent", "DialerTestAMI"},
                {"Foo", "baz"}});
  auto event = loud.wait_for([](const Message& m) { return m.is_event("UserEvent"); });
  REQUIRE(event);
  CHECK(loud.messages()[*event].keys() ==
        std::vector<std::string>{"Event", "Privilege", "UserEvent", "ActionID", "Foo"});
  CHECK(loud.messages()[*event].get("Foo") == "baz");
  quiet.request({{"Action", "Ping"}, {"ActionID", "p"}});
  CHECK(quiet.count([](const Message& m) { return m.has("Event"); }) == 0);
}

TEST_CASE("QueueStatus and QueueSummary are lists like traces 01 and 08") {
  SimProcess sim(fast());
  AmiClient client(sim.port());
  client.login();
  const size_t from = client.messages().size();
  const Message start = client.request({{"Action", "QueueStatus"}, {"ActionID", "qs-1"}});
  CHECK(start.keys() == std::vector<std::string>{"Response", "ActionID", "EventList", "Message"});
  CHECK(start.get("EventList") == "start");
  CHECK(start.get("Message") == "Queue status will follow");
  auto first = client.wait_for([](const Message& m) { return m.is_response_to("qs-1"); }, from);
  auto done =
      client.wait_for([](const Message& m) { return m.is_event("QueueStatusComplete"); }, from);
  REQUIRE(first);
  REQUIRE(done);
  // The list comes in one piece: nothing else between its start and its end.
  std::vector<Message> items;
  for (size_t i = *first + 1; i < *done; ++i) {
    const Message& m = client.messages()[i];
    CHECK(m.get("ActionID") == "qs-1");
    items.push_back(m);
  }
  const Message& complete = client.messages()[*done];
  CHECK(complete.get("EventList") == "Complete");
  CHECK(complete.get("ListItems") == std::to_string(items.size()));
  REQUIRE(items.size() == 4);  // sales with its two agents, support without members
  CHECK(items[0].is_event("QueueParams"));
  CHECK(items[0].get("Queue") == "sales");
  CHECK(items[0].get("Strategy") == "rrmemory");
  CHECK(items[1].is_event("QueueMember"));
  CHECK(items[1].get("Location") == "Local/102@sim-agents/n");  // newest member first
  CHECK(items[2].get("Location") == "Local/101@sim-agents/n");
  CHECK(items[2].get("Status") == "1");
  CHECK(items[3].get("Queue") == "support");

  const Message summary =
      client.request({{"Action", "QueueSummary"}, {"ActionID", "qsum"}, {"Queue", "sales"}});
  CHECK(summary.get("Message") == "Queue summary will follow");
  auto sum_done =
      client.wait_for([](const Message& m) { return m.is_event("QueueSummaryComplete"); });
  REQUIRE(sum_done);
  CHECK(client.messages()[*sum_done - 1].get("LoggedIn") == "2");
  CHECK(client.messages()[*sum_done - 1].get("Available") == "2");

  // Trace 08: pause with a reason, unpause, an unknown interface.
  const Message paused = client.request({{"Action", "QueuePause"},
                                         {"ActionID", "qp"},
                                         {"Queue", "sales"},
                                         {"Interface", "Local/101@sim-agents/n"},
                                         {"Paused", "true"},
                                         {"Reason", "coffee"}});
  CHECK(paused.get("Message") == "Interface paused successfully");
  auto pause_event =
      client.wait_for([](const Message& m) { return m.is_event("QueueMemberPause"); });
  REQUIRE(pause_event);
  CHECK(client.messages()[*pause_event].get("PausedReason") == "coffee");
  const Message unknown = client.request({{"Action", "QueuePause"},
                                          {"ActionID", "qp2"},
                                          {"Interface", "Local/999@sim-agents/n"},
                                          {"Paused", "true"}});
  CHECK(unknown.get("Response") == "Error");
  CHECK(unknown.get("Message") == "Interface not found");

  if (pd::sim::testing::traces_available()) {
    CHECK(pd::sim::testing::TraceShapes().check(client.messages()) >= 10);
  } else {
    MESSAGE("AMI transcripts not found: field lists not compared");
  }
}

TEST_CASE("Command: dialplan reload and an unknown command") {
  SimProcess sim(fast());
  AmiClient client(sim.port());
  client.login();
  const Message reload = client.request(
      {{"Action", "Command"}, {"ActionID", "cmd-1"}, {"Command", "dialplan reload"}});
  // Asterisk 14+ sends the output as Output: lines.
  CHECK(reload.keys() == std::vector<std::string>{"Response", "ActionID", "Message", "Output"});
  CHECK(reload.get("Response") == "Success");
  CHECK(reload.get("Message") == "Command output follows");
  CHECK(reload.get("Output") == "Dialplan reloaded.");

  const Message bogus =
      client.request({{"Action", "Command"}, {"ActionID", "cmd-2"}, {"Command", "make coffee"}});
  CHECK(bogus.get("Response") == "Error");
  CHECK(bogus.get("Output") ==
        "No such command 'make coffee' (type 'core show help make coffee' for other possible "
        "commands)");
}

TEST_CASE("the command line: --help, a bad scenario, a taken port") {
  auto run = [](std::vector<std::string> argv) {
    argv.insert(argv.begin(), PD_SIM_BINARY);
    const std::string log = std::string(PD_SIM_TEST_WORK_DIR) + "/pbx-sim-cli.log";
    std::remove(log.c_str());
    pd::testing::ChildProcess child(argv, log);
    REQUIRE(pd::testing::eventually([&] { return !child.running(); }, std::chrono::seconds(10)));
    return std::pair{child.stop(SIGTERM), child.output()};
  };
  auto [help_status, help] = run({"--help"});
  CHECK(help_status == 0);
  CHECK(help.find("--stats-interval S") != std::string::npos);

  auto [flag_status, flag] = run({"--no-such-flag"});
  CHECK(flag_status == 2);
  CHECK(flag.find("unknown flag \"--no-such-flag\"") != std::string::npos);

  const std::string bad = pd::sim::testing::write_scenario(
      "bad-scenario", [](Json::Value& root) { root["queues"][0]["strategy"] = "fastest"; });
  auto [bad_status, bad_output] = run({"--scenario", bad});
  CHECK(bad_status == 2);
  CHECK(bad_output.find("scenario.queues[0].strategy: unknown strategy \"fastest\"") !=
        std::string::npos);

  SimProcess holder(fast());
  auto [taken_status, taken] = run({"--port", std::to_string(holder.port())});
  CHECK(taken_status == 1);
  CHECK(taken.find("cannot listen on 127.0.0.1:" + std::to_string(holder.port())) !=
        std::string::npos);
}
