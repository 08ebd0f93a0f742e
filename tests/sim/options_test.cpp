// pbx-sim's command line.
#include "options.h"

#include <doctest/doctest.h>

using pd::sim::parse_options;

TEST_CASE("defaults and every flag") {
  auto defaults = parse_options({});
  REQUIRE(defaults.has_value());
  CHECK(defaults->host == "127.0.0.1");
  CHECK(defaults->port == 5038);
  CHECK(defaults->scenario_file.empty());
  CHECK_FALSE(defaults->speed.has_value());
  CHECK_FALSE(defaults->seed.has_value());

  auto all = parse_options({"--scenario", "s.json", "--speed", "50", "--seed=7", "--listen",
                            "0.0.0.0:6000", "--stats-interval", "2.5", "--verbose-events",
                            "--write-limit-mb", "8"});
  REQUIRE_MESSAGE(all.has_value(), all.error().describe());
  CHECK(all->scenario_file == "s.json");
  CHECK(*all->speed == 50.0);
  CHECK(*all->seed == 7u);
  CHECK(all->host == "0.0.0.0");
  CHECK(all->port == 6000);
  CHECK(all->stats_interval_s == 2.5);
  CHECK(all->verbose_events);
  CHECK(all->write_limit_bytes == 8u << 20);

  auto port_after_listen = parse_options({"--listen", "127.0.0.2:1", "--port", "0"});
  REQUIRE(port_after_listen.has_value());
  CHECK(port_after_listen->host == "127.0.0.2");
  CHECK(port_after_listen->port == 0);
  CHECK(parse_options({"--help"})->help);

  auto restart =
      parse_options({"--restarted", "--astdb", "/tmp/db.json", "--originate-response-first=0.25"});
  REQUIRE_MESSAGE(restart.has_value(), restart.error().describe());
  CHECK(restart->restarted);
  CHECK(restart->astdb_file == "/tmp/db.json");
  CHECK(*restart->originate_response_first == 0.25);
  CHECK_FALSE(defaults->restarted);
  CHECK(defaults->astdb_file.empty());
  CHECK_FALSE(defaults->originate_response_first.has_value());

  // Issue 15: the full event mix and the Originate ramp by default.
  CHECK(defaults->verbose_events);
  CHECK(defaults->originate_rate == 533);
  CHECK(defaults->ids_in_use.empty());
  auto load = parse_options({"--lean-events", "--originate-rate", "0", "--id-in-use", "5551000",
                             "--id-in-use=5551001:4"});
  REQUIRE_MESSAGE(load.has_value(), load.error().describe());
  CHECK_FALSE(load->verbose_events);
  CHECK(load->originate_rate == 0);
  REQUIRE(load->ids_in_use.size() == 2);
  CHECK(load->ids_in_use[0] == std::pair<std::string, int>{"5551000", 1});
  CHECK(load->ids_in_use[1] == std::pair<std::string, int>{"5551001", 4});
}

TEST_CASE("bad flags are named") {
  auto message = [](std::vector<std::string> args) {
    auto o = parse_options(args);
    REQUIRE_FALSE(o.has_value());
    return o.error().message;
  };
  CHECK(message({"--sped", "2"}) == "unknown flag \"--sped\"");
  CHECK(message({"--speed"}) == "--speed: needs a value");
  CHECK(message({"--speed", "fast"}) == "--speed: \"fast\" is not a number");
  CHECK(message({"--speed", "0"}) == "--speed: must be in (0, 1000000]");
  CHECK(message({"--port", "70000"}) == "--port: \"70000\" is not an integer in [0, 65535]");
  CHECK(message({"--listen", "5038"}) == "--listen: expected HOST:PORT, got \"5038\"");
  CHECK(message({"--seed", "-3"}).starts_with("--seed: \"-3\" is not an integer"));
  CHECK(message({"--originate-response-first", "2"}) ==
        "--originate-response-first: must be in [0, 1]");
  CHECK(message({"--astdb", ""}) == "--astdb: needs a file name");
  CHECK(message({"--originate-rate", "-1"}) ==
        "--originate-rate: must be in [0, 1000000] (0: no limit)");
  CHECK(message({"--id-in-use", ":3"}) == "--id-in-use: expected NUMBER[:COUNT], got \":3\"");
}

TEST_CASE("--help documents every flag") {
  const std::string usage = pd::sim::usage_text();
  for (const char* flag :
       {"--scenario", "--speed", "--seed", "--listen", "--port", "--stats-interval",
        "--verbose-events", "--write-limit-mb", "--restarted", "--astdb",
        "--originate-response-first", "--lean-events", "--originate-rate", "--id-in-use", "--help"})
    CHECK_MESSAGE(usage.find(flag) != std::string::npos, flag);
}
