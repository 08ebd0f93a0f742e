#include "pd/store/store_worker.h"

#include <algorithm>
#include <optional>

namespace pd::store {
namespace {

using Clock = std::chrono::steady_clock;

// Doubles the delay up to the cap: 100 ms, 200 ms, … 5 s.
struct Backoff {
  std::chrono::milliseconds initial, max, next;
  Backoff(std::chrono::milliseconds i, std::chrono::milliseconds m) : initial(i), max(m), next(i) {}
  std::chrono::milliseconds take() {
    auto d = next;
    next = std::min(max, next * 2);
    return d;
  }
  void reset() { next = initial; }
};

}  // namespace

StoreWorker::StoreWorker(StoreWorkerOptions options) : options_(std::move(options)) {
  query_thread_ = std::thread([this] { query_loop(); });
  writer_thread_ = std::thread([this] { writer_loop(); });
}

StoreWorker::~StoreWorker() {
  stop();
}

std::size_t StoreWorker::stop(std::chrono::milliseconds flush_timeout) {
  std::deque<Job> dropped;
  {
    pd::MutexLock lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      flush_deadline_ = Clock::now() + flush_timeout;
      dropped.swap(jobs_);
    }
  }
  query_cv_.notify_all();
  writer_cv_.notify_all();
  if (query_thread_.joinable()) query_thread_.join();
  if (writer_thread_.joinable()) writer_thread_.join();
  return unwritten_at_stop_.load();
}

std::size_t StoreWorker::pending_writes() const {
  pd::MutexLock lock(mutex_);
  return writes_.size() + in_flight_;
}

pd::Status StoreWorker::submit(WriteOp op) {
  std::vector<WriteOp> ops;
  ops.push_back(std::move(op));
  return submit(std::move(ops));
}

pd::Status StoreWorker::submit(std::vector<WriteOp> ops) {
  {
    pd::MutexLock lock(mutex_);
    if (stopping_) return pd::fail(pd::Error::unavailable("store worker stopped"));
    const std::size_t pending = writes_.size() + in_flight_;
    if (pending + ops.size() > options_.max_pending_writes)
      return pd::fail(pd::Error::limit("result write queue full (" + std::to_string(pending) +
                                       " of " + std::to_string(options_.max_pending_writes) +
                                       " waiting for the database)"));
    for (WriteOp& op : ops) writes_.push_back(std::move(op));
    next_seq_ += ops.size();
  }
  writer_cv_.notify_one();
  return {};
}

void StoreWorker::submit(WriteOp op, WriteAck ack) {
  pd::Status refused;
  {
    pd::MutexLock lock(mutex_);
    const std::size_t pending = writes_.size() + in_flight_;
    if (stopping_) {
      refused = pd::fail(pd::Error::unavailable("store worker stopped"));
    } else if (pending + 1 > options_.max_pending_writes) {
      refused = pd::fail(pd::Error::limit("result write queue full (" + std::to_string(pending) +
                                          " of " + std::to_string(options_.max_pending_writes) +
                                          " waiting for the database)"));
    } else {
      writes_.push_back(std::move(op));
      acks_.emplace(next_seq_++, std::move(ack));
    }
  }
  if (!refused) {
    options_.post([ack = std::move(ack), refused = std::move(refused)] { ack(refused); });
    return;
  }
  writer_cv_.notify_one();
}

void StoreWorker::acknowledge(std::uint64_t first_seq, std::size_t n, const pd::Status& status) {
  std::vector<WriteAck> due;
  {
    pd::MutexLock lock(mutex_);
    auto it = acks_.lower_bound(first_seq);
    while (it != acks_.end() && it->first < first_seq + n) {
      due.push_back(std::move(it->second));
      it = acks_.erase(it);
    }
  }
  for (auto& ack : due) options_.post([ack = std::move(ack), status] { ack(status); });
}

bool StoreWorker::enqueue(Job job) {
  {
    pd::MutexLock lock(mutex_);
    if (stopping_) return true;  // dropped without a call, as documented
    if (jobs_.size() >= options_.max_pending_jobs) return false;
    jobs_.push_back(std::move(job));
  }
  query_cv_.notify_one();
  return true;
}

void StoreWorker::load_settings(Done<Settings> done) {
  call<Settings>([](Store& s) { return s.load_settings(); }, std::move(done));
}

void StoreWorker::load_campaigns(Done<std::vector<Campaign>> done) {
  call<std::vector<Campaign>>([](Store& s) { return s.load_campaigns(); }, std::move(done));
}

void StoreWorker::claim(std::uint32_t campaign_id, std::size_t n, std::chrono::seconds lease,
                        Done<std::vector<Lead>> done) {
  call<std::vector<Lead>>([=](Store& s) { return s.claim(campaign_id, n, lease); },
                          std::move(done));
}

void StoreWorker::release(std::vector<std::uint64_t> lead_ids, Done<std::size_t> done) {
  call<std::size_t>([ids = std::move(lead_ids)](Store& s) { return s.release(ids); },
                    std::move(done));
}

void StoreWorker::renew(std::vector<std::uint64_t> lead_ids, std::chrono::seconds lease,
                        Done<std::size_t> done) {
  call<std::size_t>([ids = std::move(lead_ids), lease](Store& s) { return s.renew(ids, lease); },
                    std::move(done));
}

void StoreWorker::heartbeat(Heartbeat beat, std::function<void(pd::Status)> done) {
  call<bool>(
      [beat = std::move(beat)](Store& s) -> pd::Result<bool> {
        if (auto st = s.heartbeat(beat); !st) return pd::fail(st.error());
        return true;
      },
      [done = std::move(done)](pd::Result<bool> r) {
        if (!done) return;
        done(r ? pd::Status{} : pd::Status(pd::fail(r.error())));
      });
}

void StoreWorker::dnc_lookup(std::vector<std::string> numbers,
                             Done<std::vector<std::string>> done) {
  call<std::vector<std::string>>(
      [numbers = std::move(numbers)](Store& s) { return s.dnc_lookup(numbers); }, std::move(done));
}

void StoreWorker::add_numbers(std::uint32_t campaign_id, std::vector<NewNumber> numbers,
                              Done<std::size_t> done) {
  call<std::size_t>([campaign_id, numbers = std::move(numbers)](
                        Store& s) { return s.add_numbers(campaign_id, numbers); },
                    std::move(done));
}

void StoreWorker::watch_config(std::chrono::milliseconds interval,
                               std::function<void(ConfigSnapshot)> on_change) {
  {
    pd::MutexLock lock(mutex_);
    watch_interval_ = std::max(interval, std::chrono::milliseconds(10));
    watch_callback_ = std::move(on_change);
    ++watch_generation_;
  }
  query_cv_.notify_one();
}

void StoreWorker::set_health(std::atomic<bool>& flag, bool up, const std::string& why) {
  // Under a lock so that the posted transitions reach the host in the order
  // they happened.
  pd::MutexLock lock(health_mutex_);
  flag.store(up);
  const bool now_healthy = healthy();
  if (reported_healthy_ != now_healthy) {
    reported_healthy_ = now_healthy;
    if (options_.on_health)
      options_.post([cb = options_.on_health, now_healthy, why] { cb(now_healthy, why); });
  }
}

// ---- the query thread ------------------------------------------------------

void StoreWorker::query_loop() {
  std::optional<Connection> conn;
  std::optional<Store> store;  // lives as long as conn: it keeps claim hints
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  auto next_connect = Clock::now();
  auto next_watch = Clock::now();
  auto last_used = Clock::now();
  std::optional<ConfigFingerprint> last_fingerprint;
  std::uint64_t seen_generation = 0;

  while (true) {
    if (!conn && Clock::now() >= next_connect) {
      auto opened = Connection::open(options_.dsn, options_.connect);
      if (opened) {
        conn.emplace(std::move(*opened));
        store.emplace(*conn, options_.instance);
        backoff.reset();
        last_used = Clock::now();
        set_health(query_up_, true, "connected to " + options_.dsn.redacted());
      } else {
        next_connect = Clock::now() + backoff.take();
        set_health(query_up_, false, opened.error().describe());
      }
    }

    Job job;
    bool watch_due = false, ping_due = false;
    std::function<void(ConfigSnapshot)> watch_callback;
    {
      pd::MutexLock lock(mutex_);
      if (stopping_) break;
      const auto now = Clock::now();
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      } else if (conn && watch_callback_ && now >= next_watch) {
        watch_due = true;
        watch_callback = watch_callback_;
        if (watch_generation_ != seen_generation) {
          seen_generation = watch_generation_;
          last_fingerprint.reset();  // a new watcher gets a first snapshot
        }
        next_watch = now + watch_interval_;
      } else if (conn && now >= last_used + kIdlePing) {
        ping_due = true;
      } else if (conn || now < next_connect) {
        // Nothing to do: sleep until a job, stop(), the next connect attempt,
        // the next watch poll or the next idle ping.
        auto wake = conn ? last_used + kIdlePing : next_connect;
        if (conn && watch_callback_) wake = std::min(wake, next_watch);
        lock.wait_until(query_cv_, wake);
        continue;
      } else {
        continue;  // disconnected and the next attempt is due
      }
    }

    if (job) {
      job(store ? &*store : nullptr);
    } else if (watch_due) {
      auto fingerprint = store->config_fingerprint();
      if (fingerprint && (!last_fingerprint || *fingerprint != *last_fingerprint)) {
        auto settings = store->load_settings();
        auto campaigns = store->load_campaigns();
        if (settings && campaigns) {
          ConfigSnapshot snapshot{std::move(*settings), std::move(*campaigns), *fingerprint};
          last_fingerprint = *fingerprint;
          options_.post([cb = std::move(watch_callback), s = std::move(snapshot)]() mutable {
            cb(std::move(s));
          });
        }
      }
    } else if (ping_due) {
      (void)conn->ping();
    }
    last_used = Clock::now();

    if (conn && conn->broken()) {
      store.reset();
      conn.reset();
      // One immediate attempt (a server restart is often over already), then
      // the backoff.
      next_connect = Clock::now();
      set_health(query_up_, false, "query connection to " + options_.dsn.redacted() + " lost");
    }
  }
  query_up_.store(false);
}

// ---- the writer thread -----------------------------------------------------

bool StoreWorker::write_batch(Store& store, std::vector<WriteOp>& batch, std::uint64_t& first_seq) {
  auto written = store.write(batch);
  if (written) {
    if (options_.on_written) options_.post([cb = options_.on_written, r = *written] { cb(r); });
    acknowledge(first_seq, batch.size(), {});
    first_seq += batch.size();
    batch.clear();
    return true;
  }
  const pd::Error& error = written.error();
  if (error.code == pd::ErrorCode::kUnavailable || error.code == pd::ErrorCode::kConflict)
    return false;  // the caller reconnects or retries the same batch

  // The server refused something in the batch. Write the ops one by one to
  // find the culprit(s); the others are written, in order, as usual.
  WriteReport report;
  std::size_t done = 0;
  for (; done < batch.size(); ++done) {
    auto one = store.write(std::span<const WriteOp>(&batch[done], 1));
    if (one) {
      report += *one;
      acknowledge(first_seq + done, 1, {});
      continue;
    }
    if (one.error().code == pd::ErrorCode::kUnavailable ||
        one.error().code == pd::ErrorCode::kConflict)
      break;
    acknowledge(first_seq + done, 1, pd::fail(one.error()));
    if (options_.on_write_error) {
      options_.post(
          [cb = options_.on_write_error, op = batch[done], e = one.error()] { cb(op, e); });
    }
  }
  if (report.ops > 0 && options_.on_written)
    options_.post([cb = options_.on_written, report] { cb(report); });
  batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done));
  first_seq += done;
  return batch.empty();
}

void StoreWorker::writer_loop() {
  std::optional<Connection> conn;
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  auto next_connect = Clock::now();
  auto last_used = Clock::now();
  std::vector<WriteOp> batch;   // taken from writes_, counted in in_flight_
  std::uint64_t batch_seq = 0;  // the sequence number of batch.front()

  while (true) {
    // Connect as soon as due, even with nothing to write: healthy() must
    // tell the truth before the first result arrives.
    if (!conn && Clock::now() >= next_connect) {
      auto opened = Connection::open(options_.dsn, options_.connect);
      if (opened) {
        conn.emplace(std::move(*opened));
        backoff.reset();
        last_used = Clock::now();
        set_health(writer_up_, true, "connected to " + options_.dsn.redacted());
      } else {
        next_connect = Clock::now() + backoff.take();
        set_health(writer_up_, false, opened.error().describe());
      }
    }

    bool ping_due = false;
    {
      pd::MutexLock lock(mutex_);
      const auto now = Clock::now();
      if (stopping_ && batch.empty() && writes_.empty()) break;
      if (stopping_ && now >= flush_deadline_) {
        unwritten_at_stop_ = batch.size() + writes_.size();
        writes_.clear();
        in_flight_ = 0;
        break;  // the acks of what was not written are answered below
      }
      if (conn && batch.empty() && !writes_.empty()) {
        if (!stopping_ && writes_.size() < options_.write_batch_size &&
            options_.write_linger.count() > 0) {
          // Linger for more ops, until a full batch or stop().
          const auto linger_end = Clock::now() + options_.write_linger;
          while (!stopping_ && writes_.size() < options_.write_batch_size) {
            if (lock.wait_until(writer_cv_, linger_end) == std::cv_status::timeout) break;
          }
        }
        batch_seq = next_seq_ - writes_.size();
        const std::size_t take =
            std::min(writes_.size(), std::max<std::size_t>(1, options_.write_batch_size));
        for (std::size_t i = 0; i < take; ++i) {
          batch.push_back(std::move(writes_.front()));
          writes_.pop_front();
        }
        in_flight_ = batch.size();
      }
      if (!conn || batch.empty()) {
        auto wake = conn ? last_used + kIdlePing : next_connect;
        if (stopping_) wake = std::min(wake, flush_deadline_);
        if (now < wake) {
          // Woken early by submit() or stop(); the loop re-checks.
          lock.wait_until(writer_cv_, wake);
          continue;
        }
        ping_due = conn.has_value();
        if (!ping_due) continue;  // the next connect attempt is due
      }
    }

    bool ok = true;
    if (ping_due) {
      (void)conn->ping();
    } else {
      Store store(*conn, options_.instance);
      ok = write_batch(store, batch, batch_seq);
      pd::MutexLock lock(mutex_);
      in_flight_ = batch.size();
    }
    last_used = Clock::now();
    if (conn->broken()) {
      conn.reset();
      next_connect = Clock::now();
      set_health(writer_up_, false, "writer connection to " + options_.dsn.redacted() + " lost");
    } else if (!ok) {
      // A deadlock: the server rolled the batch back; write it again shortly.
      pd::MutexLock lock(mutex_);
      (void)lock.wait_for(writer_cv_, options_.backoff_initial);
    }
  }
  writer_up_.store(false);
  // Whatever was not written (stop() gave up) is answered, so no ack is left
  // waiting for ever.
  std::map<std::uint64_t, WriteAck> unanswered;
  {
    pd::MutexLock lock(mutex_);
    unanswered.swap(acks_);
  }
  for (auto& [seq, ack] : unanswered) {
    options_.post([ack = std::move(ack)] {
      ack(pd::fail(pd::Error::unavailable("the store stopped before writing it")));
    });
  }
}

}  // namespace pd::store
