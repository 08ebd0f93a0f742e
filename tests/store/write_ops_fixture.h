// Attempt start + result ops for claimed leads, as the engine would send.
#pragma once

#include <string>
#include <vector>

#include "pd/store/records.h"
#include "pd/store/write_ops.h"

namespace pd::store::testing {

inline std::vector<WriteOp> start_and_result(const Lead& lead, const std::string& call_id,
                                             NumberState outcome = NumberState::kDone) {
  std::vector<WriteOp> ops;
  AttemptStart start;
  start.call_id = call_id;
  start.campaign_id = lead.campaign_id;
  start.number_id = lead.id;
  start.number = lead.number;
  start.attempt = static_cast<std::uint16_t>(lead.attempts + 1);
  start.started_at = now_ms();
  ops.push_back(start);
  AttemptResult result;
  result.call_id = call_id;
  result.campaign_id = lead.campaign_id;
  result.number_id = lead.id;
  result.number = lead.number;
  result.attempt = start.attempt;
  result.started_at = start.started_at;
  result.answered_at = start.started_at;
  result.ended_at = now_ms();
  result.new_state = outcome;
  if (outcome == NumberState::kRetry) result.next_try_at = now_ms() + std::chrono::minutes(30);
  result.dial_status = outcome == NumberState::kDone ? "ANSWER" : "BUSY";
  result.hangup_cause = 16;
  result.disposition = "Sale";
  ops.push_back(result);
  return ops;
}

}  // namespace pd::store::testing
