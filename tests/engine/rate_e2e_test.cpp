// The dialing rate end to end (docs/rates.md): panelhost + libpaneldialer.so
// + pbx-sim + MariaDB. The admin's calls_per_second is what the PBX sees,
// counted by pbx-sim as the Originates arrive (its "originate_rate" line),
// with panelhost's default ami.rate; and with a low ami.rate the calls wait
// queued in panelhost, and each call's start is when its Originate went onto
// the wire, so the answer delay recorded is the PBX's.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <sstream>

#include "e2e_checks.h"
#include "engine_rig.h"
#include "scenario.h"

using namespace std::chrono_literals;
using pd::testing::CampaignSpec;
using pd::testing::EngineRig;
using pd::testing::eventually;

namespace {

// pbx-sim's last "originate_rate: total=N peak_1s=N per_second=a,b,c" line.
struct OriginateRate {
  long total = -1;
  long peak_1s = -1;
  std::vector<long> per_second;
};

OriginateRate originate_rate(const std::string& log) {
  OriginateRate out;
  const size_t at = log.rfind("originate_rate: ");
  if (at == std::string::npos) return out;
  const std::string line = log.substr(at, log.find('\n', at) - at);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(total=(\d+) peak_1s=(\d+) per_second=([\d,]*))"))) {
    return out;
  }
  out.total = std::stol(m[1]);
  out.peak_1s = std::stol(m[2]);
  std::stringstream list(m[3]);
  for (std::string item; std::getline(list, item, ',');) {
    if (!item.empty()) out.per_second.push_back(std::stol(item));
  }
  return out;
}

// `n` numbers that are busy at once (last digit 5 in engine_scenario): calls
// that end within a tick, so only the rate limits the dialing.
std::vector<std::string> busy_numbers(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("7" + std::to_string(100000 + i) + "5");
  return out;
}

// Dials rate x 5 s worth of numbers at calls_per_second = `rate` through
// panelhost with its default ami.rate, and checks what pbx-sim saw.
void check_rate_honoured(int rate) {
  EngineRig rig(pd::testing::engine_scenario(20));
  rig.set_ami_rate(0);  // panelhost's default: the setting alone decides
  REQUIRE(rig.conn()
              .execute("UPDATE dialer_settings SET value = ? WHERE name = 'calls_per_second'",
                       {std::to_string(rate)})
              .has_value());
  CampaignSpec spec;
  spec.name = "rate" + std::to_string(rate);
  spec.concurrent_calls = 1000;
  const uint32_t campaign = rig.add_campaign(spec);
  const int leads = rate * 5;
  rig.add_numbers(campaign, busy_numbers(leads));
  rig.start_sim();
  rig.start_host();
  pd::testing::require_all_final(rig, campaign, 60s);
  CHECK(rig.stop_host(SIGTERM) == 0);
  const std::string host_log = rig.host_output();
  rig.stop_sim(SIGTERM);
  const OriginateRate seen =
      originate_rate(pd::testing::read_text_file((rig.dir() / "sim.log").string()));
  INFO("pbx-sim per second: " << [&] {
    std::string text;
    for (long n : seen.per_second) text += std::to_string(n) + " ";
    return text;
  }());
  INFO("peak in any 1 s: " << seen.peak_1s);
  CHECK(seen.total == leads);  // each number once: busy, one attempt
  // Not more: in no second did the PBX see more than the setting, give or
  // take a tenth of a second's burst and a scheduling hiccup.
  CHECK(seen.peak_1s <= long(rate * 1.2) + 3);
  // That rate: the whole seconds between the first and the last.
  REQUIRE(seen.per_second.size() >= 4);
  long sum = 0;
  for (size_t i = 1; i + 1 < seen.per_second.size(); ++i) sum += seen.per_second[i];
  const double steady = double(sum) / double(seen.per_second.size() - 2);
  INFO("steady rate: " << steady);
  MESSAGE("calls_per_second " << rate << ": pbx-sim saw " << steady
                              << " Originates a second (steady), at most " << seen.peak_1s
                              << " in any 1 s");
  CHECK(steady >= rate * 0.85);
  CHECK(steady <= rate * 1.15);
  // panelhost's cap is the default and says so; the engine finds nothing to warn of.
  CHECK(host_log.find("AMI actions capped at 2500 a second") != std::string::npos);
  CHECK(host_log.find("panelhost's ami.rate is") == std::string::npos);
}

}  // namespace

TEST_CASE("rate: calls_per_second 40 is what the PBX sees, not more") {
  check_rate_honoured(40);
}

TEST_CASE("rate: calls_per_second 120 is what the PBX sees, not more") {
  check_rate_honoured(120);
}

TEST_CASE(
    "rate: calls queued behind a low ami.rate start when written - the answer delay is the PBX's") {
  // Speed 2: a customer answers 500 ms (real) after the dial and talks 1 s.
  EngineRig rig(pd::testing::engine_scenario(2, 2));
  rig.set_ami_rate(4);  // 4 AMI actions a second: 2 calls a second
  REQUIRE(rig.conn()
              .execute("UPDATE dialer_settings SET value = '100' WHERE name = 'calls_per_second'")
              .has_value());
  CampaignSpec spec;
  spec.name = "queued";
  spec.concurrent_calls = 6;
  const uint32_t campaign = rig.add_campaign(spec);
  std::vector<std::string> numbers;
  for (int i = 0; i < 10; ++i) numbers.push_back("55590000" + std::to_string(i));
  rig.add_numbers(campaign, numbers);
  rig.start_sim();
  rig.start_host();
  // What the dashboard reads: the host's cap, the calls a second it carries.
  CHECK(eventually(
      [&] {
        return rig.scalar(
                   "SELECT CONCAT(ami_rate, '/', cps_ceiling) FROM dialer_heartbeat "
                   "WHERE instance = 'e2e'") == "4.0/2.0";
      },
      20s));
  pd::testing::require_all_final(rig, campaign, 90s);
  CHECK(rig.stop_host(SIGTERM) == 0);
  const std::string log = rig.host_output();
  rig.stop_sim(SIGTERM);
  CHECK(log.find("calls_per_second 100 needs about 200 AMI actions a second; panelhost's "
                 "ami.rate is 4, so calls start at about 2 a second") != std::string::npos);
  // Calls waited in panelhost's queue: their hand-off came well before their start.
  std::smatch m;
  REQUIRE(std::regex_search(log, m, std::regex(R"((\d+) waited in its queue, longest (\d+) ms)")));
  INFO("queued calls: " << m[1] << ", longest wait " << m[2] << " ms");
  MESSAGE("ami.rate 4: " << m[1] << " calls waited in panelhost's queue, longest " << m[2]
                         << " ms");
  CHECK(std::stol(m[1]) >= 3);
  CHECK(std::stol(m[2]) >= 400);
  // Every call answered 500 ms after its Originate reached the PBX, as
  // recorded: timed from the hand-off the queued ones would show their wait
  // on top.
  auto rows = rig.conn().query(
      "SELECT number, TIMESTAMPDIFF(MICROSECOND, started_at, answered_at) DIV 1000 FROM "
      "dialer_calls WHERE campaign_id = ? ORDER BY started_at",
      {campaign});
  REQUIRE(rows.has_value());
  REQUIRE(rows->rows.size() == numbers.size());
  long longest = 0;
  for (const auto& row : rows->rows) {
    const long delay_ms = long(row.i64(1));
    INFO("number " << row.str(0) << ": answer delay " << delay_ms << " ms");
    CHECK(delay_ms >= 450);
    CHECK(delay_ms <= 900);  // timed from the hand-off, the waits (up to ~1 s) would show
    longest = std::max(longest, delay_ms);
  }
  MESSAGE("answer delay recorded: at most " << longest << " ms (pbx-sim: 500 ms)");
}
