// What the engine asks of its database, as one interface: the engine adapter
// depends on this, not on MySQL, so it is unit-tested with a fake
// (tests/engine/fake_store.h) and runs on WorkerLeadStore (MySQL worker
// threads) in the plugin.
//
// Threads: every member is called on the host loop. Every callback runs on
// the host loop too, later (never inside the call), and at most once; after
// stop() none runs. A failure is a value in the callback, never silence:
// kUnavailable while the database is away, kLimit when a queue is full.
// Ownership: arguments are taken by value; nothing is kept after the callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pd/core/clock.h"
#include "pd/core/lead.h"
#include "pd/result.h"
#include "pd/store/records.h"
#include "pd/store/store.h"
#include "pd/store/store_worker.h"
#include "pd/store/write_ops.h"

namespace pd::plugin {

// A personal callback due now, claimed for its agent (reserved like a
// claimed lead; given back with release(), it waits for its agent again).
struct ClaimedCallback {
  std::string agent;
  pd::core::Lead lead;
};

// A call an earlier run of this instance started and saw no end of (the
// process died): what the engine needs to follow it again.
struct OpenCall {
  std::string call_id;
  pd::core::Lead lead;  // attempts: this call not counted yet
  std::string campaign_name;
  pd::store::TimePoint started_at{};
  bool local_first = false;  // local first leg or preview: the customer is dialed second
  std::string valid_dtmf;
};

class LeadStore {
 public:
  template <class T>
  using Done = std::function<void(pd::Result<T>)>;

  virtual ~LeadStore() = default;

  // Both the store and the pre-dial do-not-call lookup can answer now.
  virtual bool healthy() const = 0;

  // What stop() could not do.
  struct StopReport {
    size_t unwritten = 0;         // result writes not written before the flush timeout
    std::string give_back_error;  // why `unused` could not be given back ("" when it was)
  };
  // Stops: flushes queued result writes for up to `flush`, gives the leads in
  // `unused` back (claimed, never dialed), joins the threads. Idempotent.
  virtual StopReport stop(std::chrono::milliseconds flush, std::vector<uint64_t> unused) = 0;

  // Schema: applies the migrations of `dir` (apply) or only checks the
  // version; the names applied. kConflict: the database is newer than the
  // code, or differs and may not be migrated.
  virtual void migrate(std::string dir, bool apply, Done<std::vector<std::string>> done) = 0;
  // Delivers the configuration at the start and whenever it changes.
  virtual void watch_config(std::chrono::milliseconds every,
                            std::function<void(pd::store::ConfigSnapshot)> on_change) = 0;

  // Claims up to n ready leads of a campaign for `lease`; those on the
  // do-not-call list are finished as dnc, not returned. Each lead's own time
  // zone is loaded (Lead::zone; null when it is unknown).
  virtual void claim(int64_t campaign_id, size_t n, std::chrono::seconds lease,
                     Done<std::vector<pd::core::Lead>> done) = 0;
  // The numbers of `numbers` on the do-not-call list (its own connection:
  // never waits behind a claim).
  virtual void dnc_lookup(std::vector<std::string> numbers,
                          Done<std::vector<std::string>> done) = 0;
  virtual void release(std::vector<uint64_t> ids, Done<size_t> done) = 0;
  // Personal callbacks (pd::store::Store::claim_callbacks): the due ones of
  // `agents` (at most pd::store::Store::kMaxCallbackAgents), oldest first, at
  // most n, claimed for `lease`; those on the do-not-call list are finished
  // as dnc, not returned. Each lead's own zone is loaded as claim() does.
  virtual void claim_callbacks(std::vector<std::string> agents, size_t n,
                               std::chrono::seconds lease,
                               Done<std::vector<ClaimedCallback>> done) = 0;
  // Personal callbacks whose grace is over go to anyone (at most `limit`);
  // how many did.
  virtual void open_expired_callbacks(size_t limit, Done<size_t> done) = 0;
  // Gives claimed leads back, not to be claimed again before `not_before`
  // (UTC seconds): outside the hours of their own time zone.
  virtual void defer(std::vector<uint64_t> ids, pd::core::EpochS not_before, Done<size_t> done) = 0;
  virtual void renew(std::vector<uint64_t> ids, std::chrono::seconds lease, Done<size_t> done) = 0;
  // A final state for leads never dialed; `reason` (may be empty) is kept
  // on the lead for the admin.
  virtual void finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state,
                             std::string reason, Done<size_t> done) = 0;
  // After a restart: gives back the leads only reserved, returns the calls
  // an earlier run of this instance left in flight.
  virtual void recover(Done<std::vector<OpenCall>> done) = 0;

  // Queues a call write (start, answer, result, prompt, agent tag), in order.
  virtual pd::Status submit(pd::store::WriteOp op) = 0;
  // Queues a call write like submit(), in the same order (after every op
  // submitted before it), and answers once it is done: 1 when it is
  // written; an error when the queue is full (kLimit), the server refused it,
  // or the store stopped before writing it (kUnavailable). While the
  // database is away the write waits in the queue, and so does the answer.
  // For writes a person waits on (an agent's disposition).
  virtual void submit_confirmed(pd::store::WriteOp op, Done<size_t> done) = 0;
  // Reports each call write (submit or submit_confirmed) the server refused
  // for a reason other than the connection, e.g. a value too long for its
  // column: the write was tried alone and is dropped; the others are written.
  // `report` runs on the host loop, once per refused write, until stop() or
  // the next call here (which replaces it). Null: none is reported.
  virtual void on_write_refused(std::function<void(const pd::Error&)> report) = 0;

  // What the dashboard reads.
  virtual void heartbeat(pd::store::Heartbeat beat, Done<bool> done) = 0;
  virtual void record_campaign_status(std::vector<pd::store::CampaignStatus> rows,
                                      Done<size_t> done) = 0;
  virtual void record_queues(std::vector<pd::store::QueueSeen> queues, Done<size_t> done) = 0;
  // The minute's pacing figures of each campaign (the dashboard's chart);
  // how many rows were written.
  virtual void record_samples(std::vector<pd::store::PacingSample> samples, Done<size_t> done) = 0;
  // Deletes audit rows older than `audit_before` and samples older than
  // `samples_before`, at most `limit` of each (pd::store::Store::purge_history).
  virtual void purge_history(pd::store::TimePoint audit_before, pd::store::TimePoint samples_before,
                             size_t limit, Done<pd::store::PurgeReport> done) = 0;

  // An agent's pending dispositions (written and removed by call writes:
  // PendingPrompt, AgentTag, InboundTag): the oldest `limit`, oldest first,
  // and the total. Read on the query thread, so writes still queued are not
  // in it yet.
  virtual void load_prompts(std::string agent, size_t limit,
                            Done<pd::store::PendingPrompts> done) = 0;
  // What the agent did from `from` to `to` (the panel's figures of the day;
  // pd::store::Store::agent_day). Read on the query thread.
  virtual void load_agent_day(std::string agent, pd::store::TimePoint from, pd::store::TimePoint to,
                              Done<pd::store::AgentDay> done) = 0;
  // Predictive: the campaign's answered live calls and abandons per hour
  // since `from` (pd::store::Store::abandon_hours), to seed its window.
  virtual void load_abandon_hours(int64_t campaign_id, pd::store::TimePoint from,
                                  Done<std::vector<pd::store::AbandonHour>> done) = 0;

  // Any other Store operation (the HTTP API's: the same Store functions
  // pdctl calls): `job` runs on the query thread, in order with the claims,
  // and its answer (a JSON text) comes to `done`. kUnavailable while the
  // database is away, kLimit when the job queue is full (its bound:
  // pd::store::StoreWorkerOptions::max_pending_jobs). This default, for
  // stores without a database (unit-test fakes), answers kUnavailable.
  using Job = std::function<pd::Result<std::string>(pd::store::Store&)>;
  virtual void run_job(Job job, Done<std::string> done) {
    (void)job;
    done(pd::fail(pd::Error::unavailable("this store runs no database jobs")));
  }
};

}  // namespace pd::plugin
