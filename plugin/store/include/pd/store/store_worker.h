// The store on its own threads, for the engine: the host loop hands work in
// and never waits on MySQL; answers come back through the host's post().
//
// Threads. Two worker threads, each with its own connection:
//   - the query thread runs claims, loads, lookups, heartbeats and the config
//     watch, one job at a time in submission order;
//   - the writer thread writes the call results (submit), in order, in
//     batches of up to write_batch_size ops, one transaction per batch.
// Every public member may be called from any thread and never blocks on the
// database (it takes a short mutex). Every callback (done, on_written,
// on_write_error, on_health, the config watch) runs through options.post,
// i.e. on the host loop, never on a worker thread.
//
// Connection loss. A thread that loses its connection marks the worker
// unhealthy and reconnects with exponential backoff (backoff_initial doubling
// up to backoff_max). Meanwhile:
//   - query jobs fail at once with kUnavailable (nothing waits for the
//     server to come back; the engine retries later);
//   - at most max_pending_jobs query jobs wait at any time; one more fails
//     at once with kLimit (its callback says so), so a stuck server cannot
//     grow the queue without bound;
//   - submit() keeps queueing result writes in memory, up to
//     max_pending_writes; beyond that it returns kLimit and queues nothing
//     (nothing is ever dropped silently). After reconnecting, the writer
//     writes the queue in order. A batch whose COMMIT was in doubt is written
//     again; the ops are idempotent (write_ops.h), so each result is applied
//     exactly once.
// healthy() is false from the first lost connection until both threads are
// connected again; the engine stops claiming leads meanwhile.
//
// Ownership and lifetime. The worker copies its options. Callbacks are
// destroyed on the worker's threads or inside post(). stop() (or the
// destructor) discards query jobs not yet started without calling them, waits
// for the one running (its callback is still posted), flushes the write queue
// for up to flush_timeout, and joins the threads; callbacks posted before it
// returned may still run on the host loop afterwards, so they must not
// capture state that dies with the engine without a liveness check.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "pd/result.h"
#include "pd/store/connection.h"
#include "pd/store/dsn.h"
#include "pd/store/records.h"
#include "pd/store/store.h"
#include "pd/store/write_ops.h"
#include "pd/thread_annotations.h"

namespace pd::store {

using PostFn = std::function<void(std::function<void()>)>;

struct StoreWorkerOptions {
  Dsn dsn;
  std::string instance;  // claim owner and heartbeat name
  PostFn post;           // required: runs a task on the host loop; thread-safe
  std::size_t max_pending_writes = 100'000;
  std::size_t max_pending_jobs = 10'000;  // query jobs waiting (see the header)
  std::size_t write_batch_size = 500;
  // After the first op of a batch arrives, wait this long for more to join it.
  std::chrono::milliseconds write_linger{5};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  ConnectOptions connect;
  // Optional, on the host loop: after each committed batch.
  std::function<void(const WriteReport&)> on_written;
  // Optional, on the host loop: an op the server refused for a reason other
  // than the connection (e.g. a value too long for its column). The op was
  // written alone to find it, and is dropped; the others were written.
  std::function<void(const WriteOp&, const pd::Error&)> on_write_error;
  // Optional, on the host loop: healthy() changed; `why` says what happened.
  std::function<void(bool healthy, const std::string& why)> on_health;
};

// What the config watch delivers: everything the engine configures from.
struct ConfigSnapshot {
  Settings settings;
  std::vector<Campaign> campaigns;
  ConfigFingerprint fingerprint;
};

class StoreWorker {
 public:
  template <class T>
  using Done = std::function<void(pd::Result<T>)>;

  // Starts the threads; they connect in the background (healthy() turns true
  // once both are connected).
  explicit StoreWorker(StoreWorkerOptions options);
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // See the lifetime notes above. Returns how many queued writes could not be
  // written before flush_timeout (0 when all were). Idempotent.
  std::size_t stop(std::chrono::milliseconds flush_timeout = std::chrono::seconds(5))
      EXCLUDES(mutex_);

  bool healthy() const { return query_up_.load() && writer_up_.load(); }
  // Writes queued or in flight.
  std::size_t pending_writes() const EXCLUDES(mutex_);

  // Queues result writes, in order. kLimit when the queue cannot take them
  // all (none is queued then); kUnavailable after stop().
  pd::Status submit(WriteOp op) EXCLUDES(mutex_);
  pd::Status submit(std::vector<WriteOp> ops) EXCLUDES(mutex_);

  // Answers a write queued with submit(op, ack); runs through options.post.
  using WriteAck = std::function<void(pd::Status)>;
  // Queues one result write like submit(op), in the same order as every
  // other write, and calls `ack` exactly once, on the host loop, when the op
  // is done with: success once its batch committed; kLimit (queue full) or
  // kUnavailable (after stop()) at once, nothing queued; the server's error
  // when it refused the op (on_write_error says so too); kUnavailable when
  // stop() gave up before writing it. While the connection is down the op
  // and its ack wait, as every queued write does.
  void submit(WriteOp op, WriteAck ack) EXCLUDES(mutex_);

  // Query jobs (Store's operations on the query thread).
  void load_settings(Done<Settings> done);
  void load_campaigns(Done<std::vector<Campaign>> done);
  void claim(std::uint32_t campaign_id, std::size_t n, std::chrono::seconds lease,
             Done<std::vector<Lead>> done);
  void release(std::vector<std::uint64_t> lead_ids, Done<std::size_t> done);
  void renew(std::vector<std::uint64_t> lead_ids, std::chrono::seconds lease,
             Done<std::size_t> done);
  void heartbeat(Heartbeat beat, std::function<void(pd::Status)> done);
  void dnc_lookup(std::vector<std::string> numbers, Done<std::vector<std::string>> done);
  void add_numbers(std::uint32_t campaign_id, std::vector<NewNumber> numbers,
                   Done<std::size_t> done);

  // Any other Store operation: fn(Store&) runs on the query thread, its
  // result goes to done on the host loop. kUnavailable without running fn
  // while disconnected. fn must not throw (errors are values here) and must
  // not keep the Store& beyond the call.
  template <class T, class Fn>
  void call(Fn fn, Done<T> done) EXCLUDES(mutex_) {
    auto shared_done = std::make_shared<Done<T>>(std::move(done));
    const PostFn post = options_.post;
    const bool queued = enqueue([post, fn = std::move(fn), shared_done](Store* store) mutable {
      auto deliver = [&](pd::Result<T> r) {
        post([shared_done, r = std::move(r)]() mutable { (*shared_done)(std::move(r)); });
      };
      if (store) {
        deliver(fn(*store));
      } else {
        deliver(unavailable_result<T>());
      }
    });
    if (!queued) {
      post([shared_done, limit = options_.max_pending_jobs]() {
        (*shared_done)(pd::fail(
            pd::Error::limit("database job queue full (" + std::to_string(limit) + " waiting)")));
      });
    }
  }

  // Polls config_fingerprint() every `interval` on the query thread and, when
  // it differs from the last one (and once at the start), loads settings and
  // campaigns and delivers them. Replaces an earlier watch.
  void watch_config(std::chrono::milliseconds interval,
                    std::function<void(ConfigSnapshot)> on_change) EXCLUDES(mutex_);

 private:
  using Job = std::function<void(Store*)>;  // Store* is null while disconnected
  template <class T>
  static pd::Result<T> unavailable_result() {
    return pd::fail(pd::Error::unavailable("database connection is down; reconnecting"));
  }
  // False when max_pending_jobs are waiting (the job is not queued). A job
  // queued after stop() is dropped without a call (see the lifetime notes).
  bool enqueue(Job job) EXCLUDES(mutex_);
  void query_loop() EXCLUDES(mutex_);
  void writer_loop() EXCLUDES(mutex_);
  void set_health(std::atomic<bool>& flag, bool up, const std::string& why) EXCLUDES(health_mutex_);
  // Writes `batch`, whose first op has sequence number `first_seq`; the ops
  // done with are erased from it and `first_seq` moves past them. Talks to
  // the database: never with mutex_ held (submit() must not wait).
  bool write_batch(Store& store, std::vector<WriteOp>& batch, std::uint64_t& first_seq)
      EXCLUDES(mutex_);
  // Posts the acks of the ops first_seq .. first_seq + n - 1 that have one.
  void acknowledge(std::uint64_t first_seq, std::size_t n, const pd::Status& status)
      EXCLUDES(mutex_);

  // An idle connection is pinged this often, so that healthy() turns false
  // soon after the server goes away even when there is nothing to do.
  static constexpr std::chrono::milliseconds kIdlePing{1000};

  const StoreWorkerOptions options_;

  mutable pd::Mutex mutex_;
  std::condition_variable query_cv_;   // jobs_, stopping_, watch changes
  std::condition_variable writer_cv_;  // writes_, stopping_
  std::deque<Job> jobs_ GUARDED_BY(mutex_);
  std::deque<WriteOp> writes_ GUARDED_BY(mutex_);
  std::size_t in_flight_ GUARDED_BY(mutex_) = 0;  // ops taken by the writer
  // Every op queued gets the next sequence number, so the front of writes_
  // is op next_seq_ - writes_.size(); acks_ holds the acks of ops not yet
  // done with (submit(op, ack) only), by sequence number.
  std::uint64_t next_seq_ GUARDED_BY(mutex_) = 0;
  std::map<std::uint64_t, WriteAck> acks_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::chrono::steady_clock::time_point flush_deadline_ GUARDED_BY(mutex_);
  std::chrono::milliseconds watch_interval_ GUARDED_BY(mutex_){0};
  std::function<void(ConfigSnapshot)> watch_callback_ GUARDED_BY(mutex_);
  std::uint64_t watch_generation_ GUARDED_BY(mutex_) = 0;

  std::atomic<bool> query_up_{false};
  std::atomic<bool> writer_up_{false};
  pd::Mutex health_mutex_;  // orders the posted health transitions
  bool reported_healthy_ GUARDED_BY(health_mutex_) = false;
  std::atomic<std::size_t> unwritten_at_stop_{0};

  std::thread query_thread_;
  std::thread writer_thread_;
};

}  // namespace pd::store
