// A test plugin for the posted-work rule of pd_plugin.h. At start() it spawns
// three threads that post() items until the host refuses one (which happens
// once the host begins stopping the plugin), then exit; stop() joins them.
// With config {"fail_start": true} it instead posts ten items during start()
// (half from the host loop, half from a thread it joins) and fails.
//
// Every item is registered here, not freed by fn/drop, so the audit in
// poster_report() can tell "never disposed of" from "disposed of twice"
// without undefined behaviour; under ASan, a host bug also shows as a leak
// or a use after free.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "paneldialer/pd_plugin.h"
#include "pd/thread_annotations.h"
#include "poster.h"

namespace {

constexpr int kThreads = 3;
// Accepted items not run or dropped yet: a poster waits below this, so the
// queue stays bounded while the test holds the loop.
constexpr uint64_t kMaxOutstanding = 64;

struct Item {
  int thread = 0;
  uint64_t seq = 0;
  bool accepted = false;
  int disposals = 0;  // fn + drop calls; exactly 1 for an accepted item, 0 otherwise
};

struct Registry {
  pd::Mutex mutex;
  std::condition_variable changed;  // any counter moved
  // The items themselves are read and written under the mutex too.
  std::vector<std::unique_ptr<Item>> items GUARDED_BY(mutex);
  PosterReport counters GUARDED_BY(mutex);
  // Per poster (index kThreads: the start() posts).
  uint64_t last_disposed[kThreads + 1] GUARDED_BY(mutex) = {};
  std::thread::id loop_thread GUARDED_BY(mutex);
  bool stopping GUARDED_BY(mutex) = false;
  int threads_refused GUARDED_BY(mutex) = 0;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

// fn and drop share this: both are "the one disposal" of an accepted item.
void dispose(void* arg, bool ran) noexcept {
  Registry& r = registry();
  pd::MutexLock lock(r.mutex);
  auto* item = static_cast<Item*>(arg);
  (ran ? r.counters.runs : r.counters.drops)++;
  if (std::this_thread::get_id() != r.loop_thread) r.counters.wrong_thread++;
  if (r.stopping) r.counters.during_stop++;
  ++item->disposals;  // judged by the audit in poster_report()
  uint64_t& last = r.last_disposed[item->thread];
  if (item->seq <= last) r.counters.out_of_order++;
  last = item->seq;
  r.changed.notify_all();
}

void run_item(void* arg) noexcept {
  dispose(arg, true);
}

void drop_item(void* arg) noexcept {
  dispose(arg, false);
}

// Registers a new item and posts it; false when the host refused it.
bool post_one(const pd_host_services_v1* host, int thread, uint64_t seq) {
  Registry& r = registry();
  Item* item = nullptr;
  {
    pd::MutexLock lock(r.mutex);
    r.items.push_back(std::make_unique<Item>());
    item = r.items.back().get();
    item->thread = thread;
    item->seq = seq;
    // Marked before post(): the host may run it before post() returns.
    item->accepted = true;
  }
  const int rc = host->post(host->host, run_item, item, drop_item);
  pd::MutexLock lock(r.mutex);
  r.changed.notify_all();
  if (rc == PD_OK) {
    r.counters.accepted++;
    return true;
  }
  item->accepted = false;
  r.counters.refused++;
  return false;
}

}  // namespace

struct pd_plugin_state {
  const pd_host_services_v1* host = nullptr;
  std::vector<std::thread> threads;
};

namespace {

void poster_thread(const pd_host_services_v1* host, int index) {
  Registry& r = registry();
  for (uint64_t seq = 1;; ++seq) {
    {
      pd::MutexLock lock(r.mutex);
      while (r.counters.accepted - r.counters.runs - r.counters.drops >= kMaxOutstanding)
        lock.wait(r.changed);
    }
    if (!post_one(host, index, seq)) break;
  }
  pd::MutexLock lock(r.mutex);
  r.threads_refused++;
  r.changed.notify_all();
}

int poster_start(const pd_host_services_v1* host, const char* config_json,
                 pd_plugin_state** state_out) noexcept {
  Registry& r = registry();
  {
    pd::MutexLock lock(r.mutex);
    r.loop_thread = std::this_thread::get_id();
    r.stopping = false;
  }
  if (std::strstr(config_json, "\"fail_start\": true") != nullptr) {
    for (uint64_t seq = 1; seq <= 5; ++seq) post_one(host, kThreads, seq);
    std::thread helper([host] {
      for (uint64_t seq = 6; seq <= 10; ++seq) post_one(host, kThreads, seq);
    });
    helper.join();  // the contract: a failed start() leaves no thread behind
    return PD_EINTERNAL;
  }
  auto* state = new pd_plugin_state;
  state->host = host;
  for (int i = 0; i < kThreads; ++i) state->threads.emplace_back(poster_thread, host, i);
  *state_out = state;
  return PD_OK;
}

void poster_event(pd_plugin_state*, const pd_ami_field*, size_t) noexcept {}
void poster_link(pd_plugin_state*, int) noexcept {}
void poster_tick(pd_plugin_state*, uint64_t) noexcept {}

void poster_stop(pd_plugin_state* state) noexcept {
  {
    Registry& r = registry();
    pd::MutexLock lock(r.mutex);
    r.stopping = true;
  }
  // The threads end on their own: the host refuses every post from now on.
  for (std::thread& thread : state->threads) thread.join();
  delete state;
}

const pd_plugin_v1 kPoster = {
    sizeof(pd_plugin_v1),
    PD_ABI_VERSION,
    "poster",
    "1.0.0",
    poster_start,
    poster_event,
    poster_link,
    nullptr,
    poster_tick,
    poster_stop,
    "poster: posted-work test plugin",
};

}  // namespace

extern "C" PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t) noexcept {
  return &kPoster;
}

extern "C" PD_PLUGIN_EXPORT void poster_report(PosterReport* out, int finish) {
  Registry& r = registry();
  pd::MutexLock lock(r.mutex);
  *out = r.counters;
  out->threads_refused = r.threads_refused;
  if (!finish) return;
  for (const auto& item : r.items) {
    if (item->accepted && item->disposals == 0) out->lost++;
    if (item->disposals > 1 || (!item->accepted && item->disposals > 0)) out->twice++;
  }
  r.items.clear();
  r.counters = PosterReport{};
  for (auto& last : r.last_disposed) last = 0;
  r.threads_refused = 0;
}

extern "C" PD_PLUGIN_EXPORT int poster_wait(PosterDoneFn done, void* context, int timeout_ms) {
  Registry& r = registry();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  pd::MutexLock lock(r.mutex);
  auto holds = [&] {
    r.mutex.assert_held();  // called below, under the lock
    PosterReport snapshot = r.counters;
    snapshot.threads_refused = r.threads_refused;
    return done(&snapshot, context) != 0;
  };
  while (!holds()) {
    if (lock.wait_until(r.changed, deadline) == std::cv_status::timeout) return holds() ? 1 : 0;
  }
  return 1;
}
