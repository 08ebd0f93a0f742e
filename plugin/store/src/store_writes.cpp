// Call writes (attempt start, answer, result, prompts and tags), in order, one
// transaction per batch. Each op is guarded so that writing a batch again
// after an unknown COMMIT outcome changes nothing (see write_ops.h).
#include <algorithm>
#include <span>
#include <variant>
#include <vector>

#include "pd/store/store.h"
#include "schedule_callback.h"
#include "sql_text.h"
#include "webhook_outbox.h"

namespace pd::store {
namespace {

pd::Status validate(const WriteOp& op, std::size_t index) {
  auto bad = [&](std::string why) {
    return pd::fail(pd::Error::invalid("write op " + std::to_string(index) + ": " + why));
  };
  const std::string& call_id =
      std::visit([](const auto& o) -> const std::string& { return o.call_id; }, op);
  if (const auto* period = std::get_if<AgentPeriod>(&op)) {
    // A pause follows no call.
    if (call_id.size() > 64) return bad("call_id must be at most 64 characters");
    if (period->agent.empty() || period->agent.size() > 80)
      return bad("agent must be 1..80 characters");
    if (period->ended_at && *period->ended_at < period->started_at) {
      return bad("a period ends before it starts");
    }
    return {};
  }
  if (call_id.empty() || call_id.size() > 64) return bad("call_id must be 1..64 characters");
  if (const auto* r = std::get_if<AttemptResult>(&op)) {
    switch (r->new_state) {
      case NumberState::kRetry:
        if (!r->next_try_at) return bad("a retry result needs next_try_at");
        break;
      case NumberState::kDone:
      case NumberState::kFailed:
      case NumberState::kClosed:
      case NumberState::kDnc:
      case NumberState::kUnknown:
        break;
      default:
        return bad(
            "a result's new state must be retry, done, failed, closed, dnc or unknown, not " +
            std::string(to_string(r->new_state)));
    }
  }
  return {};
}

class Writer {
 public:
  Writer(Connection& conn, const std::string& instance)
      : conn_(conn), instance_(instance), outbox_(conn) {}

  pd::Status operator()(const AttemptStart& s) {
    auto inserted = conn_.execute(
        "INSERT IGNORE INTO dialer_calls (call_id, campaign_id, number_id, number, attempt,"
        " instance, direction, started_at, unique_id) VALUES (?,?,?,?,?,?,'outbound',?,?)",
        {s.call_id, s.campaign_id, s.number_id, s.number, s.attempt, instance_, s.started_at,
         s.unique_id});
    if (!inserted) return pd::fail(inserted.error());
    if (*inserted == 0) {
      ++report_.duplicates;
      return {};
    }
    auto lead = conn_.execute(
        "UPDATE dialer_numbers SET state = 'dialing', unique_id = COALESCE(?, unique_id),"
        " callback_at = NULL, callback_agent = NULL, callback_until = NULL"
        " WHERE id = ? AND claim_owner = ? AND state = 'reserved'",
        {s.unique_id, s.number_id, instance_});
    if (!lead) return pd::fail(lead.error());
    ++(*lead ? report_.applied : report_.stale);
    return outbox_.enqueue(pd::core::WebhookEvent::kDialing, s.campaign_id, s.call_id, "dialing",
                           std::nullopt);
  }

  pd::Status operator()(const AttemptAnswer& a) {
    auto call = conn_.execute(
        "UPDATE dialer_calls SET answered_at = ?, agent = COALESCE(?, agent),"
        " unique_id = COALESCE(?, unique_id)"
        " WHERE call_id = ? AND answered_at IS NULL AND ended_at IS NULL",
        {a.answered_at, a.agent, a.unique_id, a.call_id});
    if (!call) return pd::fail(call.error());
    if (*call == 0) {
      // Already answered or ended (a retried batch), or the start row is
      // missing: the result carries answered_at again in that case.
      ++report_.duplicates;
      return {};
    }
    auto lead = conn_.execute(
        "UPDATE dialer_numbers SET state = 'answered', agent = COALESCE(?, agent)"
        " WHERE id = ? AND claim_owner = ? AND state IN ('reserved','dialing')",
        {a.agent, a.number_id, instance_});
    if (!lead) return pd::fail(lead.error());
    ++(*lead ? report_.applied : report_.stale);
    return outbox_.enqueue(pd::core::WebhookEvent::kAnswered, a.call_id);
  }

  pd::Status operator()(const AttemptResult& r) {
    auto ended = conn_.execute(
        "UPDATE dialer_calls SET answered_at = COALESCE(answered_at, ?), ended_at = ?,"
        " dial_status = ?, hangup_cause = ?, disposition = ?, dtmf = ?,"
        " agent = COALESCE(?, agent), unique_id = COALESCE(?, unique_id), abandoned = ?,"
        " machine = ?"
        " WHERE call_id = ? AND ended_at IS NULL",
        {r.answered_at, r.ended_at, r.dial_status, r.hangup_cause, r.disposition, r.dtmf, r.agent,
         r.unique_id, std::int64_t{r.abandoned}, std::int64_t{r.machine}, r.call_id});
    if (!ended) return pd::fail(ended.error());
    if (*ended == 0) {
      auto exists = conn_.query("SELECT 1 FROM dialer_calls WHERE call_id = ?", {r.call_id});
      if (!exists) return pd::fail(exists.error());
      if (!exists->rows.empty()) {  // ended before: this result was applied already
        ++report_.duplicates;
        return {};
      }
      auto inserted = conn_.execute(
          "INSERT IGNORE INTO dialer_calls (call_id, campaign_id, number_id, number, attempt,"
          " instance, direction, started_at, answered_at, ended_at, dial_status, hangup_cause,"
          " disposition, dtmf, agent, unique_id, abandoned, machine)"
          " VALUES (?,?,?,?,?,?,'outbound',?,?,?,?,?,?,?,?,?,?,?)",
          {r.call_id, r.campaign_id, r.number_id, r.number, r.attempt, instance_, r.started_at,
           r.answered_at, r.ended_at, r.dial_status, r.hangup_cause, r.disposition, r.dtmf, r.agent,
           r.unique_id, std::int64_t{r.abandoned}, std::int64_t{r.machine}});
      if (!inserted) return pd::fail(inserted.error());
      if (*inserted == 0) {
        ++report_.duplicates;
        return {};
      }
    }
    // The call row changed just now, so this is the one time the lead moves,
    // and the one time its webhook event is queued (the same transaction).
    std::optional<TimePoint> next_try;
    if (r.new_state == NumberState::kRetry) next_try = r.next_try_at;
    if (auto queued = outbox_.enqueue(pd::core::WebhookEvent::kResult, r.campaign_id, r.call_id,
                                      std::string(to_string(r.new_state)), next_try);
        !queued) {
      return queued;
    }
    auto lead = conn_.execute(
        "UPDATE dialer_numbers SET state = ?, attempts = attempts + ?,"
        " next_try_at = COALESCE(?, next_try_at), disposition = COALESCE(?, disposition),"
        " dial_status = ?, unique_id = COALESCE(?, unique_id), agent = COALESCE(?, agent),"
        " claim_owner = NULL, claim_expires_at = NULL,"
        " abandoned_at = IF(?, ?, abandoned_at)"
        " WHERE id = ? AND claim_owner = ? AND state IN ('reserved','dialing','answered')",
        {to_string(r.new_state), std::int64_t{r.counts_attempt ? 1 : 0}, next_try, r.disposition,
         r.dial_status, r.unique_id, r.agent, std::int64_t{r.abandoned}, r.ended_at, r.number_id,
         instance_});
    if (!lead) return pd::fail(lead.error());
    if (*lead == 0) {
      ++report_.stale;
      return {};
    }
    ++report_.applied;
    if (r.close_same_name) return close_same_name(r);
    return {};
  }

  pd::Status operator()(const AttemptWithdrawn& w) {
    auto deleted = conn_.execute("DELETE FROM dialer_calls WHERE call_id = ? AND ended_at IS NULL",
                                 {w.call_id});
    if (!deleted) return pd::fail(deleted.error());
    if (*deleted == 0) {  // written before (a retried batch), or never started
      ++report_.duplicates;
      return {};
    }
    auto lead =
        w.give_back
            ? conn_.execute("UPDATE dialer_numbers SET state = " PD_GIVEN_BACK_STATE
                            ","
                            " claim_owner = NULL, claim_expires_at = NULL"
                            " WHERE id = ? AND claim_owner = ? AND state IN ('reserved','dialing')",
                            {w.number_id, instance_})
            : conn_.execute(
                  "UPDATE dialer_numbers SET state = 'reserved'"
                  " WHERE id = ? AND claim_owner = ? AND state = 'dialing'",
                  {w.number_id, instance_});
    if (!lead) return pd::fail(lead.error());
    ++(*lead ? report_.applied : report_.stale);
    return {};
  }

  pd::Status operator()(const AgentTag& t) {
    auto call = conn_.execute("UPDATE dialer_calls SET agent_disposition = ? WHERE call_id = ?",
                              {t.disposition, t.call_id});
    if (!call) return pd::fail(call.error());
    auto lead = conn_.execute("UPDATE dialer_numbers SET agent_disposition = ? WHERE id = ?",
                              {t.disposition, t.number_id});
    if (!lead) return pd::fail(lead.error());
    auto prompt = delete_prompt(t.agent, t.call_id);
    if (!prompt) return pd::fail(prompt.error());
    if (t.callback) {
      auto scheduled = detail::schedule_callback(conn_, t.number_id, *t.callback);
      if (!scheduled) return pd::fail(scheduled.error());
      if (!*scheduled) {
        // In a call of some instance, or on the do-not-call list: not scheduled.
        ++report_.stale;
        return {};
      }
    }
    const bool changed = *call + *lead + *prompt > 0;
    ++(changed ? report_.applied : report_.duplicates);
    // A tag written again (a retried batch) has the same event id: not sent twice.
    if (changed && *call > 0)
      return outbox_.enqueue(pd::core::WebhookEvent::kDisposition, t.call_id);
    return {};
  }

  pd::Status operator()(const PendingPrompt& p) {
    auto inserted = conn_.execute(
        "INSERT IGNORE INTO dialer_pending_dispositions (agent, call_id, campaign_id, direction,"
        " number_id, number, created_at) VALUES (?,?,?,?,?,?,?)",
        {p.agent, p.call_id, p.campaign_id, p.inbound ? "inbound" : "outbound",
         p.inbound || p.number_id == 0 ? std::optional<std::uint64_t>{}
                                       : std::optional<std::uint64_t>{p.number_id},
         p.number, p.created_at});
    if (!inserted) return pd::fail(inserted.error());
    ++(*inserted ? report_.applied : report_.duplicates);
    return {};
  }

  pd::Status operator()(const InboundTag& t) {
    const TimePoint now = now_ms();
    auto done = conn_.execute(
        "INSERT INTO dialer_calls (call_id, campaign_id, number_id, number, attempt, instance,"
        " direction, started_at, ended_at, agent, agent_disposition, unique_id)"
        " VALUES (?,?,NULL,?,1,?,'inbound',?,?,?,?,?) ON DUPLICATE KEY UPDATE"
        " agent_disposition = VALUES(agent_disposition)",
        {t.call_id, t.campaign_id, t.number, instance_, now, now, t.agent, t.disposition,
         t.call_id});
    if (!done) return pd::fail(done.error());
    auto prompt = delete_prompt(t.agent, t.call_id);
    if (!prompt) return pd::fail(prompt.error());
    ++report_.applied;
    return {};
  }

  pd::Status operator()(const AgentPeriod& p) {
    // Written again after an unknown COMMIT: the same row, the same values.
    auto inserted = conn_.execute(
        std::string("INSERT INTO dialer_agent_events (agent, kind, reason, campaign_id, call_id,"
                    " started_at, ended_at, ended_by) VALUES (?,?,?,?,?,?,?,?)") +
            (p.ended_at ? " ON DUPLICATE KEY UPDATE ended_at = VALUES(ended_at),"
                          " ended_by = VALUES(ended_by)"
                        : " ON DUPLICATE KEY UPDATE id = id"),
        {p.agent, p.wrapup ? "wrapup" : "pause", p.reason.substr(0, 64),
         p.campaign_id == 0 ? std::optional<std::uint32_t>{}
                            : std::optional<std::uint32_t>{p.campaign_id},
         p.call_id.empty() ? std::optional<std::string>{} : std::optional<std::string>{p.call_id},
         p.started_at, p.ended_at, p.ended_by.substr(0, 16)});
    if (!inserted) return pd::fail(inserted.error());
    ++(*inserted ? report_.applied : report_.duplicates);
    return {};
  }

  // A single audit op (std::visit); Store::write sends runs of them to
  // audits() instead.
  pd::Status operator()(const ComplianceAudit& a) { return audits(std::span(&a, 1)); }

  // Audit rows in multi-row INSERT IGNOREs of up to kAuditRowsPerInsert rows:
  // one round trip per chunk, not per Originate.
  pd::Status audits(std::span<const ComplianceAudit> rows) {
    constexpr std::size_t kColumns = 22;
    for (std::size_t first = 0; first < rows.size(); first += kAuditRowsPerInsert) {
      const auto chunk = rows.subspan(first, std::min(kAuditRowsPerInsert, rows.size() - first));
      std::vector<Param> params;
      params.reserve(chunk.size() * kColumns);
      for (const ComplianceAudit& a : chunk) {
        const CampaignFigures& f = a.figures;
        params.insert(params.end(), {a.call_id,
                                     a.campaign_id,
                                     a.number_id,
                                     a.number,
                                     instance_,
                                     a.originated_at,
                                     a.mode,
                                     a.dnc_checked,
                                     a.dnc_listed,
                                     a.party_zone,
                                     a.party_local_time,
                                     a.window_start_s,
                                     a.window_end_s,
                                     a.window_days,
                                     a.window_ok,
                                     detail::figure_param(f.abandon_rate_pct),
                                     detail::figure_param(f.abandon_target_pct),
                                     a.abandon_window,
                                     f.abandoned_in_window,
                                     f.answered_in_window,
                                     detail::figure_param(f.dial_level, 9999.999),
                                     f.fallback});
      }
      auto inserted = conn_.execute(
          "INSERT IGNORE INTO dialer_compliance_audit (call_id, campaign_id, number_id, number,"
          " instance, originated_at, mode, dnc_checked, dnc_listed, party_zone, party_local_time,"
          " window_start, window_end, window_days, window_ok, abandon_rate_pct,"
          " abandon_target_pct, abandon_window, abandoned_in_window, answered_in_window,"
          " dial_level, predictive_fallback) VALUES " +
              detail::repeated_groups(
                  "(?,?,?,?,?,?,?,?,?,?,?,SEC_TO_TIME(?),SEC_TO_TIME(?),?,?,?,?,?,?,?,?,?)",
                  chunk.size()),
          params);
      if (!inserted) return pd::fail(inserted.error());
      report_.applied += static_cast<std::size_t>(*inserted);
      report_.duplicates += chunk.size() - static_cast<std::size_t>(*inserted);
    }
    return {};
  }

  const WriteReport& report() const { return report_; }
  WriteReport& report() { return report_; }

 private:
  // Group by name: the contact answered on one number, so its other numbers
  // in the campaign are not dialed.
  pd::Status close_same_name(const AttemptResult& r) {
    auto name =
        conn_.query("SELECT campaign_id, name FROM dialer_numbers WHERE id = ?", {r.number_id});
    if (!name) return pd::fail(name.error());
    if (name->rows.empty() || name->rows[0].str(1).empty()) return {};
    std::string lead_name(name->rows[0].str(1));
    auto closed = conn_.execute(
        "UPDATE dialer_numbers SET state = 'closed'"
        " WHERE campaign_id = ? AND name = ? AND id <> ? AND state IN ('pending','retry')",
        {name->rows[0].u64(0), lead_name, r.number_id});
    if (!closed) return pd::fail(closed.error());
    return {};
  }

  pd::Result<std::uint64_t> delete_prompt(const std::string& agent, const std::string& call_id) {
    auto deleted =
        conn_.execute("DELETE FROM dialer_pending_dispositions WHERE agent = ? AND call_id = ?",
                      {agent, call_id});
    if (!deleted) return pd::fail(deleted.error());
    return std::uint64_t(*deleted);
  }

  Connection& conn_;
  const std::string& instance_;
  detail::WebhookOutbox outbox_;
  WriteReport report_;
};

}  // namespace

pd::Result<WriteReport> Store::write(std::span<const WriteOp> ops) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (auto st = validate(ops[i], i); !st) return pd::fail(st.error());
  }
  auto txn = Transaction::begin(conn_);
  if (!txn) return pd::fail(txn.error());
  Writer writer(conn_, instance_);
  std::vector<ComplianceAudit> audits;  // a run of consecutive audit ops
  auto flush_audits = [&]() -> pd::Status {
    if (audits.empty()) return {};
    auto st = writer.audits(audits);
    audits.clear();
    return st;
  };
  for (const WriteOp& op : ops) {
    if (const auto* audit = std::get_if<ComplianceAudit>(&op)) {
      audits.push_back(*audit);
      continue;
    }
    if (auto st = flush_audits(); !st) return pd::fail(st.error());
    if (auto st = std::visit(writer, op); !st) return pd::fail(st.error());
  }
  if (auto st = flush_audits(); !st) return pd::fail(st.error());
  if (auto st = txn->commit(); !st) return pd::fail(st.error());
  WriteReport report = writer.report();
  report.ops = ops.size();
  return report;
}

}  // namespace pd::store
