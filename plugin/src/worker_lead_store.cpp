#include "worker_lead_store.h"

#include "lead_mapping.h"

#include <unordered_set>

#include "pd/store/migrator.h"

namespace pd::plugin {

WorkerLeadStore::WorkerLeadStore(WorkerLeadStoreOptions options) : options_(std::move(options)) {
  pd::store::StoreWorkerOptions main;
  main.dsn = options_.dsn;
  main.instance = options_.instance;
  main.post = options_.post;
  main.on_health = options_.on_health;
  main.on_write_error = [report = on_refused_](const pd::store::WriteOp&, const pd::Error& error) {
    if (*report) (*report)(error);
  };
  options_.webhooks.dsn = options_.dsn;
  options_.webhooks.instance = options_.instance;
  webhooks_ = std::make_shared<pd::webhook::Dispatcher>(options_.webhooks);
  main.on_written = [hooks = std::weak_ptr<pd::webhook::Dispatcher>(webhooks_)](
                        const pd::store::WriteReport& report) {
    if (report.applied == 0) return;
    if (auto dispatcher = hooks.lock()) dispatcher->nudge();
  };
  pd::store::StoreWorkerOptions dnc;
  dnc.dsn = options_.dsn;
  dnc.instance = options_.instance;
  dnc.post = options_.post;
  dnc_ = std::make_unique<pd::store::StoreWorker>(std::move(dnc));
  store_ = std::make_unique<pd::store::StoreWorker>(std::move(main));
}

WorkerLeadStore::~WorkerLeadStore() {
  stop(std::chrono::seconds(5), {});
}

bool WorkerLeadStore::healthy() const {
  return store_ && store_->healthy() && dnc_->healthy();
}

LeadStore::StopReport WorkerLeadStore::stop(std::chrono::milliseconds flush,
                                            std::vector<uint64_t> unused) {
  if (!store_) return {};
  *on_refused_ = nullptr;
  StopReport report;
  report.unwritten = store_->stop(flush);
  store_.reset();
  dnc_->stop(std::chrono::seconds(1));
  dnc_.reset();
  // After the writer's flush: the events it committed wait in the outbox
  // for the next start if they could not go out now.
  webhooks_->stop();
  webhooks_.reset();
  report.give_back_error = give_back(unused);
  return report;
}

// Leads claimed but not dialed go back at once, so another instance (or this
// one, restarted) need not wait for their lease. The workers are gone by
// now: one short synchronous connection, at shutdown only (the ABI lets
// stop() block).
std::string WorkerLeadStore::give_back(const std::vector<uint64_t>& unused) {
  if (unused.empty()) return "";
  pd::store::ConnectOptions connect;
  connect.connect_timeout = std::chrono::seconds(2);
  connect.read_timeout = std::chrono::seconds(5);
  connect.write_timeout = std::chrono::seconds(5);
  auto connection = pd::store::Connection::open(options_.dsn, connect);
  if (!connection) return connection.error().message;
  pd::store::Store store(*connection, options_.instance);
  auto released = store.release(unused);
  return released ? "" : released.error().message;
}

void WorkerLeadStore::migrate(std::string dir, bool apply, Done<std::vector<std::string>> done) {
  store_->call<std::vector<std::string>>(
      [dir = std::move(dir),
       apply](pd::store::Store& store) -> pd::Result<std::vector<std::string>> {
        if (apply) return pd::store::migrate(store.connection(), dir);
        auto status = pd::store::schema_status(store.connection(), dir);
        if (!status) return pd::fail(status.error());
        if (status->newer_than_code() || status->database_version < status->code_version) {
          return pd::fail(pd::Error::conflict(
              "database schema version " + std::to_string(status->database_version) +
              " differs from this code's " + std::to_string(status->code_version) +
              " and apply_migrations is off"));
        }
        return std::vector<std::string>{};
      },
      std::move(done));
}

void WorkerLeadStore::watch_config(std::chrono::milliseconds every,
                                   std::function<void(pd::store::ConfigSnapshot)> on_change) {
  store_->watch_config(every, std::move(on_change));
}

// Claim, then drop what is on the do-not-call list right there on the
// worker, and map the rows to the engine's leads (loading their zones).
void WorkerLeadStore::claim(int64_t campaign_id, size_t n, std::chrono::seconds lease,
                            Done<std::vector<pd::core::Lead>> done) {
  store_->call<std::vector<pd::core::Lead>>(
      [campaign_id, n, lease,
       zones = zones_](pd::store::Store& store) -> pd::Result<std::vector<pd::core::Lead>> {
        auto leads = store.claim(uint32_t(campaign_id), n, lease);
        if (!leads) return pd::fail(leads.error());
        std::vector<pd::core::Lead> clean;
        if (leads->empty()) return clean;
        std::vector<std::string> numbers;
        for (const auto& lead : *leads) numbers.push_back(lead.number);
        // A failed lookup is not fatal here: the gate checks again before dialing.
        auto listed = store.dnc_lookup(numbers);
        std::unordered_set<std::string> dnc;
        if (listed) dnc.insert(listed->begin(), listed->end());
        std::vector<uint64_t> on_list;
        clean.reserve(leads->size());
        for (const auto& lead : *leads) {
          if (dnc.contains(lead.number)) {
            on_list.push_back(lead.id);
          } else {
            clean.push_back(to_core_lead(lead, *zones));
          }
        }
        if (!on_list.empty()) {
          auto marked = store.finish_unused(on_list, pd::store::NumberState::kDnc);
          if (!marked) return pd::fail(marked.error());
        }
        return clean;
      },
      std::move(done));
}

void WorkerLeadStore::dnc_lookup(std::vector<std::string> numbers,
                                 Done<std::vector<std::string>> done) {
  dnc_->dnc_lookup(std::move(numbers), std::move(done));
}

void WorkerLeadStore::release(std::vector<uint64_t> ids, Done<size_t> done) {
  store_->release(std::move(ids), std::move(done));
}

// As claim(): the do-not-call list checked on the worker, the rows mapped
// with their zones.
void WorkerLeadStore::claim_callbacks(std::vector<std::string> agents, size_t n,
                                      std::chrono::seconds lease,
                                      Done<std::vector<ClaimedCallback>> done) {
  store_->call<std::vector<ClaimedCallback>>(
      [agents = std::move(agents), n, lease,
       zones = zones_](pd::store::Store& store) -> pd::Result<std::vector<ClaimedCallback>> {
        auto claimed = store.claim_callbacks(agents, n, lease);
        if (!claimed) return pd::fail(claimed.error());
        std::vector<ClaimedCallback> clean;
        if (claimed->empty()) return clean;
        std::vector<std::string> numbers;
        for (const auto& callback : *claimed) numbers.push_back(callback.lead.number);
        auto listed = store.dnc_lookup(numbers);
        std::unordered_set<std::string> dnc;
        if (listed) dnc.insert(listed->begin(), listed->end());
        std::vector<uint64_t> on_list;
        for (const auto& callback : *claimed) {
          if (dnc.contains(callback.lead.number)) {
            on_list.push_back(callback.lead.id);
          } else {
            clean.push_back({callback.agent, to_core_lead(callback.lead, *zones)});
          }
        }
        if (!on_list.empty()) {
          auto marked = store.finish_unused(on_list, pd::store::NumberState::kDnc);
          if (!marked) return pd::fail(marked.error());
        }
        return clean;
      },
      std::move(done));
}

void WorkerLeadStore::open_expired_callbacks(size_t limit, Done<size_t> done) {
  store_->call<size_t>(
      [limit](pd::store::Store& store) { return store.open_expired_callbacks(limit); },
      std::move(done));
}

void WorkerLeadStore::defer(std::vector<uint64_t> ids, pd::core::EpochS not_before,
                            Done<size_t> done) {
  const pd::store::TimePoint when{std::chrono::seconds(not_before)};
  store_->call<size_t>(
      [ids = std::move(ids), when](pd::store::Store& store) { return store.defer(ids, when); },
      std::move(done));
}

void WorkerLeadStore::renew(std::vector<uint64_t> ids, std::chrono::seconds lease,
                            Done<size_t> done) {
  store_->renew(std::move(ids), lease, std::move(done));
}

void WorkerLeadStore::finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state,
                                    std::string reason, Done<size_t> done) {
  store_->call<size_t>(
      [ids = std::move(ids), state, reason = std::move(reason)](pd::store::Store& store) {
        return store.finish_unused(ids, state, reason);
      },
      std::move(done));
}

void WorkerLeadStore::recover(Done<std::vector<OpenCall>> done) {
  store_->call<std::vector<OpenCall>>(
      [zones = zones_](pd::store::Store& store) -> pd::Result<std::vector<OpenCall>> {
        if (auto released = store.release_all_reserved(); !released) {
          return pd::fail(released.error());
        }
        auto rows = store.open_calls();
        if (!rows) return pd::fail(rows.error());
        std::vector<OpenCall> calls;
        calls.reserve(rows->size());
        for (const auto& row : *rows) calls.push_back(to_open_call(row, *zones));
        return calls;
      },
      std::move(done));
}

pd::Status WorkerLeadStore::submit(pd::store::WriteOp op) {
  if (!store_) return pd::fail(pd::Error::unavailable("the store is stopped"));
  return store_->submit(std::move(op));
}

void WorkerLeadStore::submit_confirmed(pd::store::WriteOp op, Done<size_t> done) {
  auto shared_done = std::make_shared<Done<size_t>>(std::move(done));
  auto answer = [shared_done](pd::Status written) {
    (*shared_done)(written ? pd::Result<size_t>(1) : pd::Result<size_t>(pd::fail(written.error())));
  };
  if (!store_) {
    options_.post([answer] { answer(pd::fail(pd::Error::unavailable("the store is stopped"))); });
    return;
  }
  // The worker answers through options_.post (the host loop), also when it
  // refuses the op at once.
  store_->submit(std::move(op), std::move(answer));
}

void WorkerLeadStore::on_write_refused(std::function<void(const pd::Error&)> report) {
  if (store_) *on_refused_ = std::move(report);
}

void WorkerLeadStore::heartbeat(pd::store::Heartbeat beat, Done<bool> done) {
  store_->heartbeat(std::move(beat), [done = std::move(done)](pd::Status written) {
    done(written ? pd::Result<bool>(true) : pd::Result<bool>(pd::fail(written.error())));
  });
}

void WorkerLeadStore::record_campaign_status(std::vector<pd::store::CampaignStatus> rows,
                                             Done<size_t> done) {
  store_->call<size_t>(
      [rows = std::move(rows)](pd::store::Store& store) -> pd::Result<size_t> {
        if (auto written = store.record_campaign_status(rows); !written) {
          return pd::fail(written.error());
        }
        return rows.size();
      },
      std::move(done));
}

void WorkerLeadStore::record_queues(std::vector<pd::store::QueueSeen> queues, Done<size_t> done) {
  store_->call<size_t>(
      [queues = std::move(queues)](pd::store::Store& store) -> pd::Result<size_t> {
        if (auto written = store.record_queues(queues); !written) return pd::fail(written.error());
        return queues.size();
      },
      std::move(done));
}

void WorkerLeadStore::record_samples(std::vector<pd::store::PacingSample> samples,
                                     Done<size_t> done) {
  store_->call<size_t>(
      [samples = std::move(samples)](pd::store::Store& store) -> pd::Result<size_t> {
        if (auto written = store.record_samples(samples); !written) {
          return pd::fail(written.error());
        }
        return samples.size();
      },
      std::move(done));
}

void WorkerLeadStore::purge_history(pd::store::TimePoint audit_before,
                                    pd::store::TimePoint samples_before, size_t limit,
                                    Done<pd::store::PurgeReport> done) {
  store_->call<pd::store::PurgeReport>(
      [audit_before, samples_before, limit](pd::store::Store& store) {
        return store.purge_history(audit_before, samples_before, limit);
      },
      std::move(done));
}

void WorkerLeadStore::load_prompts(std::string agent, size_t limit,
                                   Done<pd::store::PendingPrompts> done) {
  store_->call<pd::store::PendingPrompts>(
      [agent = std::move(agent), limit](pd::store::Store& store) {
        return store.pending_prompts(agent, limit);
      },
      std::move(done));
}

void WorkerLeadStore::load_agent_day(std::string agent, pd::store::TimePoint from,
                                     pd::store::TimePoint to, Done<pd::store::AgentDay> done) {
  store_->call<pd::store::AgentDay>(
      [agent = std::move(agent), from, to](pd::store::Store& store) {
        return store.agent_day(agent, from, to);
      },
      std::move(done));
}

void WorkerLeadStore::load_abandon_hours(int64_t campaign_id, pd::store::TimePoint from,
                                         Done<std::vector<pd::store::AbandonHour>> done) {
  store_->call<std::vector<pd::store::AbandonHour>>(
      [campaign_id, from](pd::store::Store& store) {
        return store.abandon_hours(static_cast<std::uint32_t>(campaign_id), from);
      },
      std::move(done));
}

void WorkerLeadStore::run_job(Job job, Done<std::string> done) {
  store_->call<std::string>(std::move(job), std::move(done));
}

}  // namespace pd::plugin
