// LeadStore on MySQL/MariaDB: two StoreWorkers (pd/store/store_worker.h),
// one for claims, writes and the dashboard, one for the pre-dial do-not-call
// lookup only (it sits between a free agent and the Originate, so it never
// waits behind a claim or a configuration load).
//
// Threads and callbacks: as LeadStore says; the workers' own threads run the
// SQL and post the answers through `post`.
#pragma once

#include <memory>
#include <string>

#include "lead_store.h"
#include "pd/core/time_zone.h"
#include "pd/store/dsn.h"
#include "pd/webhook/dispatcher.h"

namespace pd::plugin {

struct WorkerLeadStoreOptions {
  pd::store::Dsn dsn;
  std::string instance;    // claim owner, heartbeat name
  pd::store::PostFn post;  // runs a task on the host loop; thread-safe
  // On the host loop: the database came or went.
  std::function<void(bool healthy, const std::string& why)> on_health;
  // The webhook worker (pd/webhook/dispatcher.h; dsn and instance are
  // taken from above). Its own thread and connection; nudged after each
  // committed batch of result writes (the outbox rows they inserted).
  pd::webhook::DispatcherOptions webhooks;
};

class WorkerLeadStore final : public LeadStore {
 public:
  explicit WorkerLeadStore(WorkerLeadStoreOptions options);
  ~WorkerLeadStore() override;

  bool healthy() const override;
  StopReport stop(std::chrono::milliseconds flush, std::vector<uint64_t> unused) override;
  void migrate(std::string dir, bool apply, Done<std::vector<std::string>> done) override;
  void watch_config(std::chrono::milliseconds every,
                    std::function<void(pd::store::ConfigSnapshot)> on_change) override;
  void claim(int64_t campaign_id, size_t n, std::chrono::seconds lease,
             Done<std::vector<pd::core::Lead>> done) override;
  void dnc_lookup(std::vector<std::string> numbers, Done<std::vector<std::string>> done) override;
  void release(std::vector<uint64_t> ids, Done<size_t> done) override;
  void claim_callbacks(std::vector<std::string> agents, size_t n, std::chrono::seconds lease,
                       Done<std::vector<ClaimedCallback>> done) override;
  void open_expired_callbacks(size_t limit, Done<size_t> done) override;
  void defer(std::vector<uint64_t> ids, pd::core::EpochS not_before, Done<size_t> done) override;
  void renew(std::vector<uint64_t> ids, std::chrono::seconds lease, Done<size_t> done) override;
  void finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state, std::string reason,
                     Done<size_t> done) override;
  void recover(Done<std::vector<OpenCall>> done) override;
  pd::Status submit(pd::store::WriteOp op) override;
  void submit_confirmed(pd::store::WriteOp op, Done<size_t> done) override;
  void on_write_refused(std::function<void(const pd::Error&)> report) override;
  void heartbeat(pd::store::Heartbeat beat, Done<bool> done) override;
  void record_campaign_status(std::vector<pd::store::CampaignStatus> rows,
                              Done<size_t> done) override;
  void record_queues(std::vector<pd::store::QueueSeen> queues, Done<size_t> done) override;
  void record_samples(std::vector<pd::store::PacingSample> samples, Done<size_t> done) override;
  void purge_history(pd::store::TimePoint audit_before, pd::store::TimePoint samples_before,
                     size_t limit, Done<pd::store::PurgeReport> done) override;
  void load_prompts(std::string agent, size_t limit, Done<pd::store::PendingPrompts> done) override;
  void load_abandon_hours(int64_t campaign_id, pd::store::TimePoint from,
                          Done<std::vector<pd::store::AbandonHour>> done) override;
  void load_agent_day(std::string agent, pd::store::TimePoint from, pd::store::TimePoint to,
                      Done<pd::store::AgentDay> done) override;
  void run_job(Job job, Done<std::string> done) override;

 private:
  // "" when given back, else why not.
  std::string give_back(const std::vector<uint64_t>& unused);

  WorkerLeadStoreOptions options_;
  // Who on_write_refused() named: the writer's reports are posted to the
  // host loop and look it up there (set and read on the host loop only;
  // emptied by stop(), so a report still queued then goes nowhere).
  std::shared_ptr<std::function<void(const pd::Error&)>> on_refused_ =
      std::make_shared<std::function<void(const pd::Error&)>>();
  std::unique_ptr<pd::store::StoreWorker> store_;
  std::unique_ptr<pd::store::StoreWorker> dnc_;
  // Shared with the writer's on_written callback (which only nudges it).
  std::shared_ptr<pd::webhook::Dispatcher> webhooks_;
  // Leads' own time zones, loaded on store_'s query thread only (the one
  // thread that maps claimed rows). Bounded by the zones installed on the
  // machine (an unknown name is not kept).
  std::shared_ptr<pd::core::TimeZoneCache> zones_ = std::make_shared<pd::core::TimeZoneCache>();
};

}  // namespace pd::plugin
