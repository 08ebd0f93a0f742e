// A LeadStore in memory for the engine's unit tests: leads per campaign, a
// do-not-call list, what was released, finished, written and published.
// Answers are posted through the host (FakeHost::run_posted runs them), as
// the real store's come back on the host loop. Test-only code; one thread.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host_link.h"
#include "lead_store.h"

namespace pd::testing {

class FakeStore final : public pd::plugin::LeadStore {
 public:
  explicit FakeStore(const pd_host_services_v1* services) : host_(services) {}

  // ---- what the test sets up ----
  // A lead with its own time zone when `time_zone` is set (loaded from the
  // system's zoneinfo, as the real store does; an unknown one stays null).
  // Claims hand out the highest `priority` first, then in the order added, as
  // the real store's claim orders by priority at claim time.
  pd::core::Lead& add_lead(uint32_t campaign, uint64_t id, std::string number,
                           std::string time_zone = {}, int priority = 0) {
    pd::core::Lead lead;
    lead.id = id;
    lead.campaign_id = campaign;
    lead.number = std::move(number);
    lead.name = "Lead " + lead.number;
    if (!time_zone.empty()) {
      lead.time_zone = time_zone;
      if (auto zone = pd::core::TimeZone::load(time_zone)) lead.zone = *zone;
    }
    auto& pending = pending_[campaign];
    // After the last lead of at least the same priority.
    auto at = std::find_if(pending.begin(), pending.end(),
                           [&](const Pending& p) { return p.priority < priority; });
    return pending.insert(at, Pending{priority, std::move(lead)})->lead;
  }
  std::set<std::string> dnc;
  bool is_healthy = true;
  // Personal callbacks waiting for their agent (state callback): claimed by
  // claim_callbacks() once `due` (UTC seconds) <= callback_now().
  struct PersonalCallback {
    std::string agent;
    pd::core::EpochS due = 0;
    pd::core::Lead lead;
  };
  std::vector<PersonalCallback> personal_callbacks;
  std::function<pd::core::EpochS()> callback_now = [] { return pd::core::EpochS(0); };
  int callback_claims = 0;
  std::vector<std::vector<std::string>> callback_claim_agents;  // the agents of each claim
  int expired_opens = 0;
  // renew answers: an error, or fewer leads than asked.
  std::optional<pd::Error> renew_error;
  std::vector<pd::plugin::OpenCall> open_calls;  // what recover() finds
  // Delivers a configuration, as the config watch would.
  void push_config(pd::store::ConfigSnapshot snapshot) {
    if (on_config_) on_config_(std::move(snapshot));
  }

  // ---- what the test reads ----
  std::vector<uint64_t> released;
  std::vector<std::pair<uint64_t, pd::core::EpochS>> deferred;  // id, not before
  std::map<uint64_t, std::string> finish_reasons;               // id -> reason given
  std::vector<std::pair<uint64_t, pd::store::NumberState>> finished;
  std::vector<pd::store::WriteOp> writes;
  std::map<uint32_t, pd::store::CampaignStatus> statuses;  // the latest per campaign
  std::vector<pd::store::PacingSample> samples;            // every one written, in order
  struct Purge {
    pd::store::TimePoint audit_before, samples_before;
    size_t limit = 0;
  };
  std::vector<Purge> purges;
  int claims = 0;
  std::vector<uint64_t> claimed;  // every lead a claim handed out, in order
  int renewals = 0;
  std::vector<uint64_t> given_back;
  std::vector<pd::store::Heartbeat> heartbeats;  // every one written, in order
  // dialer_pending_dispositions by agent: what load_prompts() reads. A
  // PendingPrompt write adds its row at once; a tag's write removes it when
  // it is confirmed (confirm_writes), as the real store does in one write.
  std::map<std::string, std::vector<pd::store::PendingPrompt>> prompt_rows;
  int prompt_loads = 0;

  // submit_confirmed writes not answered yet.
  size_t unconfirmed() const { return unconfirmed_.size(); }
  // Answers them: written, or `error`.
  void confirm_writes() {
    for (auto& [agent, call_id] : unconfirmed_tags_) {
      std::erase_if(prompt_rows[agent], [&](const auto& row) { return row.call_id == call_id; });
    }
    unconfirmed_tags_.clear();
    for (auto& done : unconfirmed_) answer(std::move(done), size_t(1));
    unconfirmed_.clear();
  }
  void fail_writes(pd::Error error) {
    unconfirmed_tags_.clear();
    for (auto& done : unconfirmed_) answer(std::move(done), pd::Result<size_t>(pd::fail(error)));
    unconfirmed_.clear();
  }
  // The server refused a write: reported through on_write_refused, posted as
  // the real store's report is.
  void refuse_write(pd::Error error) {
    host_.post([this, error = std::move(error)] {
      if (on_refused_) on_refused_(error);
    });
  }

  template <class Op>
  std::vector<Op> writes_of() const {
    std::vector<Op> out;
    for (const auto& w : writes) {
      if (const auto* op = std::get_if<Op>(&w)) out.push_back(*op);
    }
    return out;
  }

  // ---- LeadStore ----
  bool healthy() const override { return is_healthy; }
  StopReport stop(std::chrono::milliseconds, std::vector<uint64_t> unused) override {
    given_back = std::move(unused);
    return {};
  }
  void migrate(std::string, bool, Done<std::vector<std::string>> done) override {
    answer(std::move(done), std::vector<std::string>{});
  }
  void watch_config(std::chrono::milliseconds,
                    std::function<void(pd::store::ConfigSnapshot)> on_change) override {
    on_config_ = std::move(on_change);
  }
  void claim(int64_t campaign_id, size_t n, std::chrono::seconds,
             Done<std::vector<pd::core::Lead>> done) override {
    ++claims;
    if (!is_healthy) return fail(std::move(done));
    auto& pending = pending_[uint32_t(campaign_id)];
    std::vector<pd::core::Lead> out;
    while (!pending.empty() && out.size() < n) {
      pd::core::Lead lead = std::move(pending.front().lead);
      pending.pop_front();
      if (dnc.contains(lead.number)) {
        finished.emplace_back(lead.id, pd::store::NumberState::kDnc);
      } else {
        claimed.push_back(lead.id);
        out.push_back(std::move(lead));
      }
    }
    answer(std::move(done), std::move(out));
  }
  void dnc_lookup(std::vector<std::string> numbers, Done<std::vector<std::string>> done) override {
    if (!is_healthy) return fail(std::move(done));
    std::vector<std::string> listed;
    for (auto& number : numbers) {
      if (dnc.contains(number)) listed.push_back(std::move(number));
    }
    answer(std::move(done), std::move(listed));
  }
  void release(std::vector<uint64_t> ids, Done<size_t> done) override {
    released.insert(released.end(), ids.begin(), ids.end());
    answer(std::move(done), ids.size());
  }
  void claim_callbacks(std::vector<std::string> agents, size_t n, std::chrono::seconds,
                       Done<std::vector<pd::plugin::ClaimedCallback>> done) override {
    ++callback_claims;
    callback_claim_agents.push_back(agents);
    if (!is_healthy) return fail(std::move(done));
    std::vector<pd::plugin::ClaimedCallback> out;
    for (auto it = personal_callbacks.begin(); it != personal_callbacks.end() && out.size() < n;) {
      if (std::find(agents.begin(), agents.end(), it->agent) != agents.end() &&
          it->due <= callback_now()) {
        claimed.push_back(it->lead.id);
        out.push_back({it->agent, it->lead});
        it = personal_callbacks.erase(it);
      } else {
        ++it;
      }
    }
    answer(std::move(done), std::move(out));
  }
  void open_expired_callbacks(size_t, Done<size_t> done) override {
    ++expired_opens;
    if (!is_healthy) return fail(std::move(done));
    answer(std::move(done), size_t(0));
  }
  void defer(std::vector<uint64_t> ids, pd::core::EpochS not_before, Done<size_t> done) override {
    for (auto id : ids) deferred.emplace_back(id, not_before);
    answer(std::move(done), ids.size());
  }
  void renew(std::vector<uint64_t> ids, std::chrono::seconds, Done<size_t> done) override {
    ++renewals;
    if (renew_error) return answer(std::move(done), pd::Result<size_t>(pd::fail(*renew_error)));
    answer(std::move(done), ids.size());
  }
  void finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state, std::string reason,
                     Done<size_t> done) override {
    for (auto id : ids) {
      finished.emplace_back(id, state);
      if (!reason.empty()) finish_reasons[id] = reason;
    }
    answer(std::move(done), ids.size());
  }
  void recover(Done<std::vector<pd::plugin::OpenCall>> done) override {
    answer(std::move(done), open_calls);
  }
  pd::Status submit(pd::store::WriteOp op) override {
    if (const auto* prompt = std::get_if<pd::store::PendingPrompt>(&op)) {
      prompt_rows[prompt->agent].push_back(*prompt);
    }
    writes.push_back(std::move(op));
    return {};
  }
  // Recorded in `writes` at once, in order; answered when the test says
  // (confirm_writes / fail_writes), as the real store answers after its batch.
  void submit_confirmed(pd::store::WriteOp op, Done<size_t> done) override {
    if (const auto* tag = std::get_if<pd::store::AgentTag>(&op)) {
      unconfirmed_tags_.emplace_back(tag->agent, tag->call_id);
    } else if (const auto* tag = std::get_if<pd::store::InboundTag>(&op)) {
      unconfirmed_tags_.emplace_back(tag->agent, tag->call_id);
    }
    writes.push_back(std::move(op));
    unconfirmed_.push_back(std::move(done));
  }
  void on_write_refused(std::function<void(const pd::Error&)> report) override {
    on_refused_ = std::move(report);
  }
  void heartbeat(pd::store::Heartbeat beat, Done<bool> done) override {
    heartbeats.push_back(std::move(beat));
    answer(std::move(done), true);
  }
  void record_campaign_status(std::vector<pd::store::CampaignStatus> rows,
                              Done<size_t> done) override {
    for (auto& row : rows) statuses[row.campaign_id] = row;
    answer(std::move(done), rows.size());
  }
  void record_queues(std::vector<pd::store::QueueSeen> queues, Done<size_t> done) override {
    answer(std::move(done), queues.size());
  }
  void record_samples(std::vector<pd::store::PacingSample> rows, Done<size_t> done) override {
    const size_t n = rows.size();
    for (auto& row : rows) samples.push_back(std::move(row));
    answer(std::move(done), n);
  }
  void purge_history(pd::store::TimePoint audit_before, pd::store::TimePoint samples_before,
                     size_t limit, Done<pd::store::PurgeReport> done) override {
    purges.push_back({audit_before, samples_before, limit});
    answer(std::move(done), pd::store::PurgeReport{});
  }
  void load_prompts(std::string agent, size_t limit,
                    Done<pd::store::PendingPrompts> done) override {
    ++prompt_loads;
    if (!is_healthy) return fail(std::move(done));
    pd::store::PendingPrompts out;
    auto rows = prompt_rows[agent];
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.created_at != b.created_at ? a.created_at < b.created_at : a.call_id < b.call_id;
    });
    out.total = rows.size();
    for (size_t i = 0; i < rows.size() && i < limit; ++i) out.oldest.push_back(rows[i]);
    answer(std::move(done), std::move(out));
  }
  // What load_agent_day() answers (the test sets it); counted.
  pd::store::AgentDay agent_day;
  int agent_day_loads = 0;
  void load_agent_day(std::string, pd::store::TimePoint, pd::store::TimePoint,
                      Done<pd::store::AgentDay> done) override {
    ++agent_day_loads;
    if (!is_healthy) return fail(std::move(done));
    answer(std::move(done), pd::store::AgentDay(agent_day));
  }
  // What load_abandon_hours() answers (the test sets it); counted.
  // The next `abandon_load_failures` reads fail.
  std::vector<pd::store::AbandonHour> abandon_hours;
  int abandon_loads = 0;
  int abandon_load_failures = 0;
  void load_abandon_hours(int64_t, pd::store::TimePoint,
                          Done<std::vector<pd::store::AbandonHour>> done) override {
    ++abandon_loads;
    if (!is_healthy || abandon_load_failures > 0) {
      --abandon_load_failures;
      return fail(std::move(done));
    }
    answer(std::move(done), std::vector<pd::store::AbandonHour>(abandon_hours));
  }

 private:
  template <class T>
  void answer(Done<T> done, pd::Result<T> result) {
    host_.post([done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }
  template <class T>
  void answer(Done<T> done, T value) {
    answer(std::move(done), pd::Result<T>(std::move(value)));
  }
  template <class T>
  void fail(Done<T> done) {
    answer(std::move(done), pd::Result<T>(pd::fail(pd::Error::unavailable("database away"))));
  }

  struct Pending {
    int priority = 0;
    pd::core::Lead lead;
  };
  pd::plugin::HostLink host_;
  std::map<uint32_t, std::deque<Pending>> pending_;  // highest priority first
  std::function<void(pd::store::ConfigSnapshot)> on_config_;
  std::vector<Done<size_t>> unconfirmed_;
  std::vector<std::pair<std::string, std::string>> unconfirmed_tags_;  // agent, call id
  std::function<void(const pd::Error&)> on_refused_;
};

// Runs background work at once, on the caller's thread.
class InlineBackground final : public pd::plugin::Background {
 public:
  bool run(std::function<void()> job) override {
    job();
    return true;
  }
  void stop() override {}
};

}  // namespace pd::testing
