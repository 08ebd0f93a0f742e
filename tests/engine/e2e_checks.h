// Checks the engine's end-to-end tests share: numbers by state, "every
// number final", the call log's consistency. Test-only code.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "engine_rig.h"

namespace pd::testing {

struct NumberRow {
  std::string state;
  std::string dial_status;
  std::string disposition;
  int attempts = 0;
  std::string agent;
};

inline std::map<std::string, NumberRow> numbers_of(EngineRig& rig, uint32_t campaign) {
  auto rows = rig.conn().query(
      "SELECT number, state, COALESCE(dial_status,''), COALESCE(disposition,''), attempts, "
      "COALESCE(agent,'') FROM dialer_numbers WHERE campaign_id = ?",
      {campaign});
  REQUIRE(rows.has_value());
  std::map<std::string, NumberRow> out;
  for (const auto& row : rows->rows) {
    out[std::string(row.str(0))] = {std::string(row.str(1)), std::string(row.str(2)),
                                    std::string(row.str(3)), int(row.i64(4)),
                                    std::string(row.str(5))};
  }
  return out;
}

inline std::string final_states_where(uint32_t campaign) {
  return "campaign_id = " + std::to_string(campaign) +
         " AND state NOT IN ('done','failed','closed','dnc','unknown')";
}

// Waits until every number of the campaign is in a final state; the host's
// log is the message when it does not happen.
inline void require_all_final(EngineRig& rig, uint32_t campaign, std::chrono::seconds timeout) {
  REQUIRE_MESSAGE(
      eventually([&] { return rig.count("dialer_numbers", final_states_where(campaign)) == 0; },
                 timeout),
      rig.host_output());
}

// Waits until no number of the campaign is waiting to be dialed or on a
// call: each is final or scheduled for a retry.
inline void require_all_final_or_retry(EngineRig& rig, uint32_t campaign,
                                       std::chrono::seconds timeout) {
  const std::string unsettled = "campaign_id = " + std::to_string(campaign) +
                                " AND state IN ('pending','reserved','dialing','answered')";
  REQUIRE_MESSAGE(eventually([&] { return rig.count("dialer_numbers", unsettled) == 0; }, timeout),
                  rig.host_output());
}

// Every attempt has its call row, ended, and no number had two calls at once.
inline void check_call_log(EngineRig& rig, uint32_t campaign) {
  CHECK(rig.count("dialer_calls",
                  "campaign_id = " + std::to_string(campaign) + " AND ended_at IS NULL") == 0);
  CHECK(rig.scalar(
            "SELECT COUNT(*) FROM dialer_numbers n WHERE n.campaign_id = " +
            std::to_string(campaign) +
            " AND n.attempts <> (SELECT COUNT(*) FROM dialer_calls k WHERE k.number_id = n.id)") ==
        "0");
  CHECK(rig.scalar(
            "SELECT COUNT(*) FROM dialer_calls a JOIN dialer_calls b ON a.number_id = "
            "b.number_id AND a.id < b.id AND b.started_at < a.ended_at WHERE a.campaign_id = " +
            std::to_string(campaign)) == "0");
}

inline std::vector<std::string> numbers_ending(const std::string& prefix,
                                               const std::string& digits) {
  std::vector<std::string> out;
  for (char d : digits) out.push_back(prefix + d);
  return out;
}

}  // namespace pd::testing
