// What real Asterisk 22 does and a naive simulator would not
// (tests/data/ami-traces/real-behaviours): pbx-sim's events checked against
// those single-call transcripts, plus PanelDialer's helper contexts (customer
// dial, missing destination), the AstDB and restarts.
#include <doctest/doctest.h>
#include <json/json.h>

#include <filesystem>
#include <fstream>

#include "ami_client.h"
#include "sim_process.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Fields;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;
namespace t = pd::sim::testing;
namespace fs = std::filesystem;

namespace {

// Events pbx-sim sends only with --verbose-events, and the ones it does not
// simulate at all.
bool skipped(const std::string& event) {
  for (const char* e : {"VarSet", "Newexten", "NewCallerid", "NewConnectedLine", "LocalBridge",
                        "DeviceStateChange", "MusicOnHoldStart", "MusicOnHoldStop"})
    if (event == e) return true;
  return false;
}

// One line per event: its name and what identifies it across runs (which
// channel, which half, cause, status) but not ids or times.
std::string shape(const std::string& event, const std::string& channel, const std::string& cause,
                  const std::string& status) {
  std::string half = channel.size() > 2 ? channel.substr(channel.size() - 2) : "";
  const size_t at = channel.find('@');
  const std::string ctx = at == std::string::npos ? "" : channel.substr(at + 1, 5);
  return event + " " + ctx + half + (cause.empty() ? "" : " cause " + cause) +
         (status.empty() ? "" : " " + status);
}

std::vector<std::string> real_story(const std::string& file) {
  const std::string path = std::string(PD_SIM_TRACES_DIR) + "/real-behaviours/" + file;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    Json::Value e;
    Json::CharReaderBuilder reader;
    std::string errors;
    std::istringstream text(line);
    REQUIRE(Json::parseFromStream(reader, text, &e, &errors));
    const std::string event = e["Event"].asString();
    if (skipped(event)) continue;
    const std::string channel =
        e.isMember("Channel") ? e["Channel"].asString() : e["DestChannel"].asString();
    out.push_back(shape(event, channel, e["Cause"].asString(),
                        e["DialStatus"].asString() + e["Status"].asString()));
  }
  return out;
}

std::vector<std::string> sim_story(const AmiClient& client, size_t from = 0) {
  std::vector<std::string> out;
  for (size_t i = from; i < client.messages().size(); ++i) {
    const Message& m = client.messages()[i];
    const std::string event = m.get("Event");
    if (event.empty() || skipped(event) || event == "QueueMemberStatus") continue;
    if (event == "FullyBooted" || event == "SuccessfulAuth") continue;
    const std::string channel = m.has("Channel") ? m.get("Channel") : m.get("DestChannel");
    out.push_back(shape(event, channel, m.get("Cause"), m.get("DialStatus") + m.get("Status")));
  }
  return out;
}

// `story` from its first line that starts with `first`.
std::vector<std::string> from_first(const std::vector<std::string>& story,
                                    const std::string& first) {
  for (size_t i = 0; i < story.size(); ++i)
    if (story[i].starts_with(first)) return {story.begin() + i, story.end()};
  return {};
}

size_t count_events(const AmiClient& client, const std::string& name) {
  return client.count([&](const Message& m) { return m.is_event(name); });
}

const Message& first_event(AmiClient& client, const std::function<bool(const Message&)>& want) {
  auto i = client.wait_for(want);
  REQUIRE(i);
  return client.messages()[*i];
}

// The rig with PanelDialer's helper contexts of one campaign "t".
std::string helper_scenario(const std::string& name,
                            const std::function<void(Json::Value&)>& more = {}) {
  return t::write_scenario(name, [&](Json::Value& root) {
    Json::Value& c = root["contexts"];
    c["pd-t-customer"]["type"] = "customers";
    c["pd-t-customer"]["dial_context"] = "sim-customers";
    c["pd-t-dest"]["type"] = "queue";
    c["pd-t-dest"]["queue"] = "sales";
    c["pd-t-dest"]["amd"] = true;
    c["pd-t-bad"]["type"] = "invalid_destination";
    if (more) more(root);
  });
}

Fields originate(const std::string& id, const std::string& channel, const std::string& context,
                 const std::string& exten) {
  return {{"Action", "Originate"},
          {"ActionID", "o-" + id},
          {"Channel", channel},
          {"Context", context},
          {"Exten", exten},
          {"Priority", "1"},
          {"Timeout", "30000"},
          {"CallerID", "\"Test\" <5550300>"},
          {"Async", "true"},
          {"ChannelId", id},
          {"Variable", "__PD_CALLID=" + id}};
}

// DBGet of a milestone: its value, or "" when the entry is not there.
std::string milestone(AmiClient& client, const std::string& callid, const std::string& name) {
  static int n = 0;
  const std::string id = "get-" + std::to_string(++n);
  const Message reply = client.request({{"Action", "DBGet"},
                                        {"ActionID", id},
                                        {"Family", "paneldialer"},
                                        {"Key", callid + "/" + name}});
  if (reply.get("Response") != "Success") return "";
  const Message& value = first_event(client, [&](const Message& m) {
    return m.is_event("DBGetResponse") && m.get("ActionID") == id;
  });
  return value.get("Val");
}

bool all_hung_up(const AmiClient& client) {
  return count_events(client, "Hangup") == count_events(client, "Newchannel");
}

}  // namespace

TEST_CASE("an unallocated number may report OriginateResponse before its Newchannel") {
  const std::string scenario = t::write_scenario("response-first", [](Json::Value& root) {
    for (auto& rule : root["number_rules"])
      if (rule["outcome"] == "unallocated") rule["originate_response_first"] = 1.0;
  });
  SimProcess sim({"--scenario", scenario, "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const size_t from = client.messages().size();
  client.request(originate("vm-82", "Local/555129@sim-customers", "to-queue-sales", "s"));
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 2; }));
  const Message& r =
      first_event(client, [](const Message& m) { return m.is_event("OriginateResponse"); });
  CHECK(r.get("Response") == "Failure");
  CHECK(r.get("Reason") == "0");
  CHECK(r.get("Uniqueid") == "vm-82");
  CHECK(r.get("Channel") == "Local/555129@sim-customers");
  const auto story = from_first(sim_story(client, from), "OriginateResponse");
  CHECK(story == real_story("originateresponse-before-newchannel.jsonl"));

  // The flag overrides the scenario: 0 gives the usual order of trace 06.
  SimProcess usual({"--scenario", scenario, "--speed", "20", "--originate-response-first", "0"});
  AmiClient other(usual.port());
  other.login();
  other.request(originate("vm-83", "Local/555129@sim-customers", "to-queue-sales", "s"));
  REQUIRE(other.wait_for([&](const Message&) { return count_events(other, "Hangup") == 2; }));
  const auto normal = sim_story(other);
  REQUIRE(!normal.empty());
  CHECK(normal.front().starts_with("Newchannel"));
}

TEST_CASE("preview: the customer dialed by the helper has its own Uniqueids - busy as in Asterisk") {
  SimProcess sim({"--scenario", helper_scenario("preview-busy"), "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "vm-mwzvm906-74";
  client.request(originate(id, "Local/201@sim-agents", "pd-t-customer", "557105"));
  REQUIRE(client.wait_for(
      [&](const Message&) { return count_events(client, "Hangup") == 4 && all_hung_up(client); }));
  // From the customer's Newchannel on, the story is the real one.
  const auto story = from_first(sim_story(client), "Newchannel sim-c;1");
  CHECK(story == from_first(real_story("preview-local-first-busy.jsonl"), "Newchannel sim-c;1"));

  std::string customer_uid;
  for (const Message& m : client.messages()) {
    if (m.is_event("Newchannel") && m.get("Channel").starts_with("Local/557105@sim-customers")) {
      CHECK(m.get("Uniqueid") != id);
      CHECK(m.get("Uniqueid").find('.') != std::string::npos);  // <epoch>.<n>
      CHECK(m.get("Linkedid") == id);
      if (m.get("Channel").ends_with(";1")) customer_uid = m.get("Uniqueid");
    }
  }
  const Message& begin = first_event(
      client, [](const Message& m) { return m.is_event("DialBegin") && m.has("Channel"); });
  CHECK(begin.get("Uniqueid") == id);
  CHECK(begin.get("DestUniqueid") == customer_uid);
  CHECK(begin.get("Context") == "pd-t-customer");
  const Message& dial = first_event(client, [](const Message& m) {
    return m.is_event("UserEvent") && m.get("UserEvent") == "PanelDialerDial";
  });
  CHECK(dial.get("Status") == "BUSY");
  CHECK(dial.get("CallID") == id);
  CHECK(dial.get("Uniqueid") == id);
  CHECK(milestone(client, id, "dialstatus") == "BUSY");
  CHECK(milestone(client, id, "answered").empty());  // the customer never answered
  CHECK(milestone(client, id, "cause") == "16");
  CHECK(!milestone(client, id, "ended").empty());
}

TEST_CASE("local first: an answering customer is bridged to the helper, no PanelDialerDial") {
  SimProcess sim({"--scenario", helper_scenario("local-first-answer"), "--speed", "50"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "lf-1";
  client.request(originate(id, "Local/s@to-queue-sales", "pd-t-customer", "5551001"));
  REQUIRE(client.wait_for(
      [&](const Message&) { return count_events(client, "Hangup") >= 6 && all_hung_up(client); }, 0,
      std::chrono::seconds(20)));
  const Message& end = first_event(client, [](const Message& m) {
    return m.is_event("DialEnd") && m.get("Context") == "pd-t-customer";
  });
  CHECK(end.get("DialStatus") == "ANSWER");
  CHECK(end.get("Uniqueid") == id);
  CHECK(count_events(client, "AgentConnect") == 1);
  CHECK(client.count([](const Message& m) {
    return m.is_event("UserEvent") && m.get("UserEvent") == "PanelDialerDial";
  }) == 0);
  CHECK(milestone(client, id, "dialstatus") == "ANSWER");
  CHECK(milestone(client, id, "dest") == "ok");
  CHECK(!milestone(client, id, "answered").empty());
  CHECK(milestone(client, id, "agent").starts_with("Local/10"));
}

TEST_CASE("AMD on a silent customer: NOTSURE after the total analysis time, then the queue") {
  const std::string scenario = helper_scenario("amd-silent", [](Json::Value& root) {
    Json::Value rule;
    rule["pattern"] = "555100";
    rule["outcome"] = "silent";
    rule["answer_after_s"] = 1;
    rule["talk_s"] = 9;
    Json::Value rules(Json::arrayValue);
    rules.append(rule);
    for (auto& r : root["number_rules"]) rules.append(r);
    root["number_rules"] = rules;
  });
  SimProcess sim({"--scenario", scenario, "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "vm-mwzvm906-6";
  client.request(originate(id, "Local/555100@sim-customers", "pd-t-dest", "s"));
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 4; }, 0,
                          std::chrono::seconds(20)));
  const Message& amd = first_event(client, [](const Message& m) {
    return m.is_event("UserEvent") && m.get("UserEvent") == "PanelDialerAMD";
  });
  CHECK(amd.get("Status") == "NOTSURE");
  CHECK(amd.get("Cause") == "TOOLONG-4900");
  CHECK(amd.get("CallID") == id);
  // The milestones are stamped with the wall clock (the test runs the
  // simulated clock faster): the order holds, the simulated span does not.
  const int64_t answered = std::stoll(milestone(client, id, "answered"));
  CHECK(milestone(client, id, "amd") == "NOTSURE");
  CHECK(milestone(client, id, "dest") == "ok");
  const int64_t ended = std::stoll(milestone(client, id, "ended"));
  CHECK(ended >= answered);
  // From the verdict on: the queue and an agent, as on the real PBX.
  const auto story = from_first(sim_story(client), "UserEvent");
  const auto real = from_first(real_story("amd-notsure-silent-human-to-queue.jsonl"), "UserEvent");
  REQUIRE(story.size() >= 4);
  CHECK(std::vector(story.begin(), story.begin() + 2) ==
        std::vector(real.begin(), real.begin() + 2));
  CHECK(count_events(client, "AgentConnect") == 1);
}

TEST_CASE("a customer who presses 1 and hangs up during AMD: DTMF, but no AMD event") {
  SimProcess sim({"--scenario", helper_scenario("amd-dtmf"), "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "vm-mwzvm906-20";
  client.request(originate(id, "Local/555104@sim-customers", "pd-t-dest", "s"));
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 2; }, 0,
                          std::chrono::seconds(20)));
  // Asterisk does not fix where OriginateResponse falls among the answer's
  // events; from the key press on the story is the real one.
  CHECK(from_first(sim_story(client), "DTMFBegin") ==
        from_first(real_story("dtmf-hangup-during-amd-no-amd-event.jsonl"), "DTMFBegin"));
  const Message& dtmf = first_event(client, [](const Message& m) { return m.is_event("DTMFEnd"); });
  CHECK(dtmf.get("Direction") == "Received");
  CHECK(count_events(client, "UserEvent") == 0);
  CHECK(milestone(client, id, "amd").empty());
  CHECK(milestone(client, id, "cause") == "16");
}

TEST_CASE(
    "a campaign destination that does not exist: answered, PanelDialerDest INVALID, hung up") {
  SimProcess sim({"--scenario", helper_scenario("invalid-dest"), "--speed", "20"});
  AmiClient client(sim.port());
  client.login();
  const std::string id = "bad-1";
  client.request(originate(id, "Local/5551000@sim-customers", "pd-t-bad", "s"));
  REQUIRE(client.wait_for([&](const Message&) { return count_events(client, "Hangup") == 2; }));
  const Message& r =
      first_event(client, [](const Message& m) { return m.is_event("OriginateResponse"); });
  CHECK(r.get("Response") == "Success");
  CHECK(r.get("Reason") == "4");
  const Message& dest =
      first_event(client, [](const Message& m) { return m.is_event("UserEvent"); });
  CHECK(dest.get("UserEvent") == "PanelDialerDest");
  CHECK(dest.get("Status") == "INVALID");
  CHECK(dest.get("CallID") == id);
  CHECK(dest.get("Uniqueid") == id);
  for (const Message& m : client.messages())
    if (m.is_event("Hangup")) CHECK(m.get("Cause") == "16");
  CHECK(milestone(client, id, "dest") == "invalid");
  // The helper context itself exists (its Goto target is what is missing).
  const Message show =
      client.request({{"Action", "ShowDialPlan"}, {"ActionID", "sd"}, {"Context", "pd-t-bad"}});
  CHECK(show.get("Response") == "Success");
}
