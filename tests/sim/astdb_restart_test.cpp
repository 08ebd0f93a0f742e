// The AstDB actions with main/db.c's replies, the database surviving a
// kill -9 through --astdb, ShowDialPlan, and what an Asterisk restart loses
// (dynamic queue members) and keeps (static members, the AstDB).
#include <doctest/doctest.h>

#include <filesystem>

#include "ami_client.h"
#include "sim_process.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Fields;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;
namespace t = pd::sim::testing;
namespace fs = std::filesystem;

namespace {

// The list a list action sent for `id`, between its reply and its end event.
std::vector<Message> list_of(AmiClient& client, const std::string& id, const std::string& done) {
  auto end = client.wait_for(
      [&](const Message& m) { return m.is_event(done) && m.get("ActionID") == id; });
  REQUIRE(end);
  std::vector<Message> items;
  for (size_t i = 0; i <= *end; ++i) {
    const Message& m = client.messages()[i];
    if (m.has("Event") && m.get("ActionID") == id) items.push_back(m);
  }
  return items;
}

std::vector<std::string> members(AmiClient& client, const std::string& id) {
  client.request({{"Action", "QueueStatus"}, {"ActionID", id}, {"Queue", "sales"}});
  std::vector<std::string> out;
  for (const Message& m : list_of(client, id, "QueueStatusComplete"))
    if (m.is_event("QueueMember")) out.push_back(m.get("Location") + " " + m.get("Membership"));
  return out;
}

Fields put(const std::string& id, const std::string& key, const std::string& value) {
  return {{"Action", "DBPut"}, {"ActionID", id}, {"Family", "fam"}, {"Key", key}, {"Val", value}};
}

std::string db_file(const std::string& name) {
  const std::string path = std::string(PD_SIM_TEST_WORK_DIR) + "/" + name + ".astdb";
  fs::remove(path);
  return path;
}

}  // namespace

TEST_CASE("DBPut, DBGet, DBGetTree, DBDel and DBDelTree answer as main/db.c") {
  SimProcess sim({"--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  CHECK(client.request(put("p1", "a/x", "1")).get("Message") == "Updated database successfully");
  client.request(put("p2", "a/y", "2"));
  client.request(put("p3", "ab/z", "3"));
  const Message no_family = client.request({{"Action", "DBPut"}, {"ActionID", "p4"}, {"Key", "k"}});
  CHECK(no_family.get("Response") == "Error");
  CHECK(no_family.get("Message") == "No family specified");

  const Message got =
      client.request({{"Action", "DBGet"}, {"ActionID", "g1"}, {"Family", "fam"}, {"Key", "a/x"}});
  CHECK(got.keys() == std::vector<std::string>{"Response", "ActionID", "EventList", "Message"});
  CHECK(got.get("Message") == "Result will follow");
  const auto items = list_of(client, "g1", "DBGetComplete");
  REQUIRE(items.size() == 2);
  CHECK(items[0].keys() == std::vector<std::string>{"Event", "Family", "Key", "Val", "ActionID"});
  CHECK(items[0].get("Val") == "1");
  CHECK(items[1].get("ListItems") == "1");
  const Message missing =
      client.request({{"Action", "DBGet"}, {"ActionID", "g2"}, {"Family", "fam"}, {"Key", "nope"}});
  CHECK(missing.get("Response") == "Error");
  CHECK(missing.get("Message") == "Database entry not found");

  // A key prefix is whole path elements: "a" is not "ab".
  client.request({{"Action", "DBGetTree"}, {"ActionID", "t1"}, {"Family", "fam"}, {"Key", "a"}});
  const auto tree = list_of(client, "t1", "DBGetTreeComplete");
  REQUIRE(tree.size() == 3);
  CHECK(tree[0].get("Key") == "a/x");
  CHECK(tree[1].get("Val") == "2");
  CHECK(tree[2].get("ListItems") == "2");
  const Message empty =
      client.request({{"Action", "DBGetTree"}, {"ActionID", "t2"}, {"Family", "none"}});
  CHECK(empty.get("Message") == "Database entry not found");

  CHECK(client.request({{"Action", "DBDel"}, {"ActionID", "d1"}, {"Family", "fam"}, {"Key", "a/x"}})
            .get("Message") == "Key deleted successfully");
  CHECK(
      client.request({{"Action", "DBDelTree"}, {"ActionID", "d2"}, {"Family", "fam"}, {"Key", "a"}})
          .get("Message") == "Key tree deleted successfully");
  const Message gone = client.request(
      {{"Action", "DBDelTree"}, {"ActionID", "d3"}, {"Family", "fam"}, {"Key", "a"}});
  CHECK(gone.get("Response") == "Error");
  CHECK(gone.get("Message") == "Database entry not found");
  CHECK(
      client.request({{"Action", "DBGet"}, {"ActionID", "g3"}, {"Family", "fam"}, {"Key", "ab/z"}})
          .get("Response") == "Success");
}

TEST_CASE("--astdb: entries and call milestones survive a kill -9") {
  const std::string file = db_file("killed");
  const std::string id = "keep-1";
  {
    SimProcess sim({"--speed", "50", "--astdb", file});
    AmiClient client(sim.port());
    client.login();
    client.request(put("p1", "k", "v"));
    client.request({{"Action", "Originate"},
                    {"ActionID", "o1"},
                    {"Channel", "Local/5551001@sim-customers"},
                    {"Context", "to-queue-sales"},
                    {"Exten", "s"},
                    {"Async", "true"},
                    {"ChannelId", id},
                    {"Variable", "__PD_CALLID=" + id}});
    REQUIRE(client.wait_for(
        [&](const Message& m) { return m.is_event("Hangup") && m.get("Uniqueid") == id; }));
    sim.kill();
  }
  SimProcess again({"--speed", "50", "--astdb", file});
  AmiClient client(again.port());
  client.login();
  const Message got =
      client.request({{"Action", "DBGet"}, {"ActionID", "g"}, {"Family", "fam"}, {"Key", "k"}});
  CHECK(got.get("Response") == "Success");
  client.request(
      {{"Action", "DBGetTree"}, {"ActionID", "t"}, {"Family", "paneldialer"}, {"Key", id}});
  std::map<std::string, std::string> milestones;
  for (const Message& m : list_of(client, "t", "DBGetTreeComplete"))
    if (m.is_event("DBGetTreeResponse")) milestones[m.get("Key")] = m.get("Val");
  // Answered (it ran the helper dialplan), then the customer hung up.
  CHECK(!milestones[id + "/answered"].empty());
  CHECK(!milestones[id + "/ended"].empty());
  CHECK(milestones[id + "/cause"] == "16");
  CHECK(std::stoll(milestones[id + "/ended"]) >= std::stoll(milestones[id + "/answered"]));
  CHECK(!fs::exists(file + ".tmp"));

  // A busy customer never answered the Originate: no helper dialplan ran, so
  // nothing is recorded (the hangup handler is pushed by the helper context).
  client.request({{"Action", "Originate"},
                  {"ActionID", "o2"},
                  {"Channel", "Local/5551005@sim-customers"},
                  {"Context", "to-queue-sales"},
                  {"Exten", "s"},
                  {"Async", "true"},
                  {"ChannelId", "busy-1"},
                  {"Variable", "__PD_CALLID=busy-1"}});
  REQUIRE(client.wait_for(
      [&](const Message& m) { return m.is_event("Hangup") && m.get("Uniqueid") == "busy-1"; }));
  const Message none = client.request(
      {{"Action", "DBGetTree"}, {"ActionID", "t2"}, {"Family", "paneldialer"}, {"Key", "busy-1"}});
  CHECK(none.get("Response") == "Error");
  CHECK(none.get("Message") == "Database entry not found");
}

TEST_CASE("ShowDialPlan: the scenario's contexts, the demo campaigns' destinations") {
  SimProcess sim({"--scenario", PD_SIM_DEMO_SCENARIO, "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  // scripts/lib/demo.sql: destination and destination_amd of the campaigns.
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"ext-queues", "500"}, {"ext-queues", "501"}, {"app-blackhole", "hangup"}, {"ivr-1", "s"}};
  int n = 0;
  for (const auto& [context, exten] : wanted) {
    CAPTURE(context);
    const std::string id = "sd-" + std::to_string(++n);
    const Message start = client.request(
        {{"Action", "ShowDialPlan"}, {"ActionID", id}, {"Context", context}, {"Extension", exten}});
    CHECK(start.get("Response") == "Success");
    CHECK(start.get("Message") == "DialPlan list will follow");
    const auto items = list_of(client, id, "ShowDialPlanComplete");
    REQUIRE(items.size() >= 2);
    CHECK(items[0].keys() == std::vector<std::string>{"Event", "ActionID", "Context", "Extension",
                                                      "Priority", "Application", "AppData",
                                                      "Registrar"});
    CHECK(items[0].get("Context") == context);
    CHECK(items[0].get("Extension") == exten);
    CHECK(items.back().get("EventList") == "Complete");
    CHECK(items.back().get("ListContexts") == "1");
  }
  const Message unknown =
      client.request({{"Action", "ShowDialPlan"}, {"ActionID", "sd-x"}, {"Context", "nowhere"}});
  CHECK(unknown.get("Response") == "Error");
  CHECK(unknown.get("Message") == "Did not find context nowhere");
  // A glob maps every campaign's helper.
  CHECK(
      client
          .request({{"Action", "ShowDialPlan"}, {"ActionID", "sd-g"}, {"Context", "pd-x-customer"}})
          .get("Response") == "Success");
}

TEST_CASE("--restarted: dynamic scenario agents are gone, static ones stay") {
  const std::string scenario = t::write_scenario("static-agent", [](Json::Value& root) {
    root["agents"][1]["dynamic"] = false;  // 102 as a queues.conf member
  });
  SimProcess fresh({"--scenario", scenario, "--speed", "20"});
  AmiClient a(fresh.port());
  a.login();
  CHECK(members(a, "qs") == std::vector<std::string>{"Local/102@sim-agents/n static",
                                                     "Local/101@sim-agents/n dynamic"});
  const Message remove = a.request({{"Action", "QueueRemove"},
                                    {"ActionID", "qr"},
                                    {"Queue", "sales"},
                                    {"Interface", "Local/102@sim-agents/n"}});
  CHECK(remove.get("Message") == "Member not dynamic");

  SimProcess restarted({"--scenario", scenario, "--speed", "20", "--restarted"});
  AmiClient b(restarted.port());
  b.login();
  CHECK(members(b, "qs") == std::vector<std::string>{"Local/102@sim-agents/n static"});
}

TEST_CASE("core restart now: every session drops, calls and dynamic members go, AstDB stays") {
  SimProcess sim({"--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  AmiClient watcher(sim.port());
  watcher.login();
  client.request({{"Action", "QueueAdd"},
                  {"ActionID", "qa"},
                  {"Queue", "support"},
                  {"Interface", "Local/201@sim-agents/n"}});
  client.request(put("p", "k", "v"));
  client.request({{"Action", "Originate"},
                  {"ActionID", "o"},
                  {"Channel", "Local/5551006@sim-customers"},
                  {"Context", "to-queue-sales"},
                  {"Exten", "s"},
                  {"Async", "true"}});
  REQUIRE(watcher.wait_for([](const Message& m) { return m.is_event("DialState"); }));
  client.send({{"Action", "Command"}, {"ActionID", "boom"}, {"Command", "core restart now"}});
  CHECK(client.wait_closed());
  CHECK(watcher.wait_closed());
  CHECK(client.count([](const Message& m) { return m.is_response_to("boom"); }) == 0);
  CHECK(watcher.count([](const Message& m) { return m.is_event("Hangup"); }) == 0);

  AmiClient after(sim.port());
  after.login();
  const Message channels = after.request({{"Action", "CoreShowChannels"}, {"ActionID", "cs"}});
  CHECK(channels.get("Response") == "Success");
  const auto listed = list_of(after, "cs", "CoreShowChannelsComplete");
  CHECK(listed.back().get("ListItems") == "0");
  after.request({{"Action", "QueueStatus"}, {"ActionID", "qs"}, {"Queue", "support"}});
  for (const Message& m : list_of(after, "qs", "QueueStatusComplete"))
    CHECK_FALSE(m.is_event("QueueMember"));
  CHECK(after.request({{"Action", "DBGet"}, {"ActionID", "g"}, {"Family", "fam"}, {"Key", "k"}})
            .get("Response") == "Success");
}
