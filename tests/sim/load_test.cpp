// Thousands of calls at once: every Originate gets its OriginateResponse, a
// client that stops reading is dropped instead of growing the simulator's
// memory, and SIGTERM ends the run with its summary line and status 0.
#include <doctest/doctest.h>
#include <signal.h>

#include <set>

#include "ami_client.h"
#include "sim_process.h"

using pd::sim::testing::AmiClient;
using pd::sim::testing::Message;
using pd::sim::testing::SimProcess;

TEST_CASE("2,000 calls at speed 50 get 2,000 OriginateResponses") {
  constexpr int kCalls = 2000;
  SimProcess sim({"--speed", "50", "--write-limit-mb", "2", "--stats-interval", "1"});

  // Logged in, listening to everything, never reading. Its small fixed receive
  // buffer keeps the kernel from soaking up what pbx-sim must hold itself.
  AmiClient stalled(sim.port(), 64 * 1024);
  stalled.login();

  AmiClient client(sim.port());
  client.login();
  for (int i = 0; i < kCalls; ++i) {
    const std::string n = std::to_string(i);
    // Every last digit, so every outcome; the IVR context keeps agents out of it.
    client.send({{"Action", "Originate"},
                 {"ActionID", "load-" + n},
                 {"Channel", "Local/55" + std::string(5 - std::min<size_t>(n.size(), 5), '0') + n +
                                 "@sim-customers"},
                 {"Context", "dialer-wait"},
                 {"Exten", "s"},
                 {"Timeout", "20000"},
                 {"Async", "true"},
                 {"ChannelId", "load-" + n}});
    if (i % 50 == 49) client.poll();  // keep both directions moving
  }
  // wait_for() shows each message once, in order: count as they come.
  size_t responses = 0;
  const auto all_responded = [&](const Message& m) {
    if (m.is_event("OriginateResponse")) ++responses;
    return responses == static_cast<size_t>(kCalls);
  };
  REQUIRE(client.wait_for(all_responded, 0, std::chrono::seconds(30)));

  std::set<std::string> ids;
  size_t answered = 0;
  for (const Message& m : client.messages()) {
    if (!m.is_event("OriginateResponse")) continue;
    ids.insert(m.get("ActionID"));
    if (m.get("Reason") == "4") ++answered;
  }
  CHECK(ids.size() == static_cast<size_t>(kCalls));         // one each, none twice
  CHECK(answered == static_cast<size_t>(kCalls) * 6 / 10);  // last digits 0-4 and 8 answer
  CHECK(client.count([](const Message& m) { return m.get("Response") == "Success"; }) >=
        static_cast<size_t>(kCalls));

  // The stalled session overran its 2 MiB and was dropped; the reader was not.
  CHECK(sim.wait_for_output("dropped: the client does not read its events"));
  CHECK_FALSE(client.closed());

  CHECK(sim.stop() == 0);
  CHECK(sim.output().find("pbx-sim: originates=2000 answered=") != std::string::npos);
}
