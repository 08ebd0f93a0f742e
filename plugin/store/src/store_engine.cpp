// The engine's remaining bookkeeping: leads that end without a call, recovery
// after a restart, what the engine reports (queues, campaign status), and the
// agents' pending dispositions.
#include <algorithm>
#include <chrono>

#include "id_chunks.h"
#include "pd/store/store.h"
#include "sql_text.h"

namespace pd::store {
namespace {

bool is_final(NumberState state) {
  return state == NumberState::kDone || state == NumberState::kFailed ||
         state == NumberState::kClosed || state == NumberState::kDnc;
}

}  // namespace

pd::Result<std::size_t> Store::finish_unused(std::span<const std::uint64_t> lead_ids,
                                             NumberState final_state, std::string_view reason) {
  if (!is_final(final_state)) {
    return pd::fail(pd::Error::invalid("finish_unused: '" + std::string(to_string(final_state)) +
                                       "' is not a final state"));
  }
  if (!reason.empty()) {
    // LEFT counts characters, as VARCHAR(255) does: a long reason is cut, not
    // refused by STRICT_ALL_TABLES (which would leave the lead reserved).
    return detail::execute_for_ids(
        conn_,
        "UPDATE dialer_numbers SET state = ?, disposition = 'Refused', last_error = LEFT(?, 255),"
        " claim_owner = NULL, claim_expires_at = NULL WHERE claim_owner = ? AND state = 'reserved'",
        {std::string(to_string(final_state)), std::string(reason), instance_}, lead_ids);
  }
  return detail::execute_for_ids(
      conn_,
      "UPDATE dialer_numbers SET state = ?, claim_owner = NULL, claim_expires_at = NULL"
      " WHERE claim_owner = ? AND state = 'reserved'",
      {std::string(to_string(final_state)), instance_}, lead_ids);
}

pd::Result<std::size_t> Store::release_all_reserved() {
  auto n = conn_.execute("UPDATE dialer_numbers SET state = " PD_GIVEN_BACK_STATE
                         ","
                         " claim_owner = NULL, claim_expires_at = NULL"
                         " WHERE claim_owner = ? AND state = 'reserved'",
                         {instance_});
  if (!n) return pd::fail(n.error());
  return static_cast<std::size_t>(*n);
}

pd::Result<std::vector<OpenCall>> Store::open_calls() {
  auto rows = conn_.query(
      "SELECT k.call_id, k.number_id, k.campaign_id, c.name, k.number, n.name, n.attempts,"
      " k.started_at, c.initial_leg = 'local' OR c.mode = 'preview', c.valid_dtmf"
      " FROM dialer_calls k JOIN dialer_numbers n ON n.id = k.number_id"
      " JOIN dialer_campaigns c ON c.id = k.campaign_id"
      " WHERE k.instance = ? AND k.ended_at IS NULL AND k.direction = 'outbound'"
      " AND n.claim_owner = ? AND n.state IN ('dialing','answered')",
      {instance_, instance_});
  if (!rows) return pd::fail(rows.error());
  std::vector<OpenCall> open;
  open.reserve(rows->rows.size());
  for (const auto& row : rows->rows) {
    OpenCall call;
    call.call_id = std::string(row.str(0));
    call.lead.id = row.u64(1);
    call.lead.campaign_id = static_cast<std::uint32_t>(row.u64(2));
    call.campaign_name = std::string(row.str(3));
    call.lead.number = std::string(row.str(4));
    call.lead.name = std::string(row.str(5));
    call.lead.attempts = static_cast<std::uint16_t>(row.u64(6));
    call.started_at = row.time(7).value_or(now_ms());
    call.local_first = row.i64(8) != 0;
    call.valid_dtmf = std::string(row.str(9));
    open.push_back(std::move(call));
  }
  return open;
}

pd::Status Store::record_queues(std::span<const QueueSeen> queues) {
  const TimePoint now = now_ms();
  for (const auto& queue : queues) {
    auto done = conn_.execute(
        "INSERT INTO dialer_queues_seen (name, members, free_members, last_seen)"
        " VALUES (?,?,?,?) ON DUPLICATE KEY UPDATE members = VALUES(members),"
        " free_members = VALUES(free_members), last_seen = VALUES(last_seen)",
        {queue.name, queue.members, queue.free_members, now});
    if (!done) return pd::fail(done.error());
  }
  return {};
}

pd::Status Store::record_campaign_status(std::span<const CampaignStatus> rows) {
  const TimePoint now = now_ms();
  for (const auto& row : rows) {
    // The column holds 255 characters; a longer reason is cut, not refused.
    const std::string problem = row.problem.substr(0, 255);
    const CampaignFigures& f = row.figures;
    auto done = conn_.execute(
        "INSERT INTO dialer_campaign_status (campaign_id, instance, open_now,"
        " seconds_left_today, next_open_at, live_calls, queued_calls, problem, problem_since,"
        " updated_at, " PD_FIGURE_COLUMNS
        ")"
        " VALUES (?,?,?,?,?,?,?,?,?,?," PD_FIGURE_VALUES
        ") ON DUPLICATE KEY UPDATE open_now = VALUES(open_now),"
        " seconds_left_today = VALUES(seconds_left_today), next_open_at = VALUES(next_open_at),"
        " live_calls = VALUES(live_calls), queued_calls = VALUES(queued_calls),"
        " problem = VALUES(problem),"
        " problem_since = VALUES(problem_since), updated_at = VALUES(updated_at),"
        " " PD_FIGURE_UPDATES,
        {row.campaign_id, instance_, row.open_now,
         std::max<std::int64_t>(0, row.seconds_left_today), row.next_open_at, row.live_calls,
         row.queued_calls, problem,
         problem.empty() ? std::optional<TimePoint>{} : row.problem_since, now,
         detail::figure_param(f.dial_level, 9999.999), detail::figure_param(f.answer_rate_pct),
         detail::figure_param(f.abandon_rate_pct), f.abandoned_in_window, f.answered_in_window,
         detail::figure_param(f.abandon_target_pct), detail::figure_param(f.occupancy_pct),
         f.fallback});
    if (!done) return pd::fail(done.error());
  }
  return {};
}

pd::Status Store::record_samples(std::span<const PacingSample> samples) {
  if (samples.empty()) return {};
  // 12 placeholders a row, at most kSampleRowsPerInsert rows a statement.
  constexpr std::size_t kSampleRowsPerInsert = 500;
  for (std::size_t first = 0; first < samples.size(); first += kSampleRowsPerInsert) {
    const auto chunk =
        samples.subspan(first, std::min(kSampleRowsPerInsert, samples.size() - first));
    std::vector<Param> params;
    params.reserve(chunk.size() * 12);
    for (const PacingSample& sample : chunk) {
      const CampaignFigures& f = sample.figures;
      params.insert(
          params.end(),
          {sample.campaign_id, instance_,
           TimePoint{std::chrono::floor<std::chrono::minutes>(sample.minute)},
           detail::figure_param(f.dial_level, 9999.999), detail::figure_param(f.answer_rate_pct),
           detail::figure_param(f.abandon_rate_pct), f.abandoned_in_window, f.answered_in_window,
           detail::figure_param(f.abandon_target_pct), detail::figure_param(f.occupancy_pct),
           f.fallback, sample.live_calls});
    }
    auto done = conn_.execute(
        "INSERT INTO dialer_pacing_samples (campaign_id, instance, minute_at, " PD_FIGURE_COLUMNS
        ", live_calls) VALUES " +
            detail::repeated_groups("(?,?,?,?,?,?,?,?,?,?,?,?)", chunk.size()) +
            " ON DUPLICATE KEY UPDATE " PD_FIGURE_UPDATES ", live_calls = VALUES(live_calls)",
        params);
    if (!done) return pd::fail(done.error());
  }
  return {};
}

pd::Result<PurgeReport> Store::purge_history(TimePoint audit_before, TimePoint samples_before,
                                             std::size_t limit) {
  PurgeReport report;
  auto audit = conn_.execute("DELETE FROM dialer_compliance_audit WHERE originated_at < ? LIMIT ?",
                             {audit_before, static_cast<std::uint64_t>(limit)});
  if (!audit) return pd::fail(audit.error());
  report.audit_rows = static_cast<std::size_t>(*audit);
  auto samples = conn_.execute("DELETE FROM dialer_pacing_samples WHERE minute_at < ? LIMIT ?",
                               {samples_before, static_cast<std::uint64_t>(limit)});
  if (!samples) return pd::fail(samples.error());
  report.samples = static_cast<std::size_t>(*samples);
  return report;
}

pd::Result<PendingPrompts> Store::pending_prompts(std::string_view agent, std::size_t limit) {
  PendingPrompts out;
  auto rows = conn_.query(
      "SELECT p.call_id, p.campaign_id, p.direction = 'inbound', COALESCE(p.number_id, 0),"
      " p.number, p.created_at, COALESCE(n.name, ''), COALESCE(n.variables, '')"
      " FROM dialer_pending_dispositions p LEFT JOIN dialer_numbers n ON n.id = p.number_id"
      " WHERE p.agent = ? ORDER BY p.created_at, p.call_id LIMIT ?",
      {agent, static_cast<std::uint64_t>(limit)});
  if (!rows) return pd::fail(rows.error());
  out.oldest.reserve(rows->rows.size());
  for (const auto& row : rows->rows) {
    PendingPrompt p;
    p.call_id = std::string(row.str(0));
    p.agent = std::string(agent);
    p.campaign_id = static_cast<std::uint32_t>(row.u64(1));
    p.inbound = row.i64(2) != 0;
    p.number_id = row.u64(3);
    p.number = std::string(row.str(4));
    p.created_at = row.time(5).value_or(TimePoint{});
    p.name = std::string(row.str(6));
    p.variables = std::string(row.str(7));
    out.oldest.push_back(std::move(p));
  }
  if (out.oldest.size() < limit) {
    out.total = out.oldest.size();
    return out;
  }
  auto count =
      conn_.query("SELECT COUNT(*) FROM dialer_pending_dispositions WHERE agent = ?", {agent});
  if (!count) return pd::fail(count.error());
  out.total = std::max<std::uint64_t>(count->rows.at(0).u64(0), out.oldest.size());
  return out;
}

pd::Result<std::vector<AbandonHour>> Store::abandon_hours(std::uint32_t campaign_id,
                                                          TimePoint from) {
  // Times are stored in UTC: hours since the epoch, whatever the session zone.
  auto rows = conn_.query(
      "SELECT TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', answered_at) AS h, COUNT(*),"
      " SUM(abandoned) FROM dialer_calls"
      " WHERE campaign_id = ? AND answered_at >= ? AND machine = 0"
      " AND (ended_at IS NOT NULL OR abandoned = 1) GROUP BY h ORDER BY h",
      {campaign_id, from});
  if (!rows) return pd::fail(rows.error());
  std::vector<AbandonHour> hours;
  hours.reserve(rows->rows.size());
  for (const Row& r : rows->rows) {
    hours.push_back({r.i64(0), static_cast<std::uint32_t>(r.u64(1)),
                     static_cast<std::uint32_t>(r.is_null(2) ? 0 : r.u64(2))});
  }
  return hours;
}

pd::Result<AgentDay> Store::agent_day(std::string_view agent, TimePoint from, TimePoint to) {
  AgentDay day;
  auto calls = conn_.query(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at"
      " THEN TIMESTAMPDIFF(SECOND, answered_at, ended_at) END), 0)"
      " FROM dialer_calls WHERE started_at >= ? AND started_at < ? AND agent = ?",
      {from, to, agent});
  if (!calls) return pd::fail(calls.error());
  if (!calls->rows.empty()) {
    day.calls = calls->rows[0].u64(0);
    day.talk_seconds = calls->rows[0].i64(1);
  }
  auto tags = conn_.query(
      "SELECT agent_disposition, COUNT(*) AS n FROM dialer_calls"
      " WHERE started_at >= ? AND started_at < ? AND agent = ? AND agent_disposition IS NOT NULL"
      " GROUP BY agent_disposition ORDER BY n DESC, agent_disposition LIMIT 100",
      {from, to, agent});
  if (!tags) return pd::fail(tags.error());
  for (const auto& row : tags->rows)
    day.dispositions.emplace_back(std::string(row.str(0)), row.u64(1));
  auto periods = conn_.query(
      "SELECT kind = 'wrapup', COUNT(*),"
      " COALESCE(SUM(TIMESTAMPDIFF(SECOND, started_at, ended_at)), 0)"
      " FROM dialer_agent_events WHERE started_at >= ? AND started_at < ? AND agent = ?"
      " AND ended_at IS NOT NULL GROUP BY kind",
      {from, to, agent});
  if (!periods) return pd::fail(periods.error());
  for (const auto& row : periods->rows) {
    if (row.i64(0) != 0) {
      day.wrapups = row.u64(1);
      day.wrapup_seconds = row.i64(2);
    } else {
      day.pauses = row.u64(1);
      day.pause_seconds = row.i64(2);
    }
  }
  return day;
}

}  // namespace pd::store
