#include "pd/webhook/dispatcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "pd/store/connection.h"
#include "pd/store/store.h"
#include "pd/webhook/signature.h"

namespace pd::webhook {
namespace {

using Steady = std::chrono::steady_clock;

// At most this much of a receiver's answer is kept (for the admin's "last
// error"); the rest is read and dropped.
constexpr std::size_t kKeptAnswer = 200;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t keep_answer(char* data, std::size_t size, std::size_t n, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const std::size_t bytes = size * n;
  if (answer->size() < kKeptAnswer) {
    answer->append(data, std::min(bytes, kKeptAnswer - answer->size()));
  }
  return bytes;
}

// One POST under way. Owns its easy handle and header list; the body and the
// headers stay alive until the handle is cleaned up.
struct Transfer {
  pd::store::WebhookDelivery delivery;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (headers) curl_slist_free_all(headers);
  }
};

}  // namespace

struct Dispatcher::Impl {
  explicit Impl(DispatcherOptions o) : options(std::move(o)) {
    options.max_in_flight = std::clamp<std::size_t>(options.max_in_flight, 1, 64);
    if (options.max_in_flight_per_campaign == 0) {
      options.max_in_flight_per_campaign = std::max<std::size_t>(1, options.max_in_flight / 2);
    }
    options.max_in_flight_per_campaign =
        std::min(options.max_in_flight_per_campaign, options.max_in_flight);
    global_init();
    multi = curl_multi_init();
    token_prefix = options.instance + "-" +
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()) +
                   "-";
  }
  ~Impl() {
    if (multi) curl_multi_cleanup(multi);
  }

  void log(int level, const std::string& message) const {
    if (options.log) options.log(level, message);
  }
  void run();
  bool connect();
  void read_outbox();
  std::unique_ptr<Transfer> start(pd::store::WebhookDelivery delivery);
  void finish(Transfer& transfer, CURLcode code);
  void database_error(const std::string& what, const pd::Error& error);
  void hand_back_all();
  void prune();

  DispatcherOptions options;
  CURLM* multi = nullptr;
  std::string token_prefix;
  std::atomic<bool> stopping{false};
  std::atomic<bool> nudged{true};
  std::atomic<std::uint64_t> delivered{0}, retried{0}, failed{0};

  // Worker thread only.
  std::optional<pd::store::Connection> conn;
  std::optional<pd::store::Store> store;
  std::chrono::milliseconds backoff{1000};
  Steady::time_point next_connect{};
  Steady::time_point next_read{};
  Steady::time_point next_prune{};
  bool outage_logged = false;
  std::uint64_t claims = 0;
  // Bounded by max_in_flight. Keyed by the easy handle; the claim token of
  // each transfer is kept with it.
  std::map<CURL*, std::pair<std::unique_ptr<Transfer>, std::string>> transfers;
  // POSTs under way by campaign (no entry at 0): at most max_in_flight entries.
  std::map<std::uint32_t, std::size_t> per_campaign;
};

Dispatcher::Dispatcher(DispatcherOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  thread_ = std::thread([impl = impl_.get()] { impl->run(); });
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::nudge() {
  impl_->nudged.store(true);
  curl_multi_wakeup(impl_->multi);
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  impl_->stopping.store(true);
  curl_multi_wakeup(impl_->multi);
  thread_.join();
}

DispatcherStats Dispatcher::stats() const {
  return {impl_->delivered.load(), impl_->retried.load(), impl_->failed.load()};
}

bool Dispatcher::Impl::connect() {
  pd::store::ConnectOptions connect_options;
  connect_options.connect_timeout = std::chrono::seconds(3);
  connect_options.read_timeout = std::chrono::seconds(10);
  connect_options.write_timeout = std::chrono::seconds(10);
  auto opened = pd::store::Connection::open(options.dsn, connect_options);
  if (!opened) {
    if (!outage_logged) {
      log(1, "webhooks: database unavailable, retrying: " + opened.error().message);
      outage_logged = true;
    }
    next_connect = Steady::now() + backoff;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(30));
    return false;
  }
  conn.emplace(std::move(*opened));
  store.emplace(*conn, options.instance);
  if (outage_logged) log(0, "webhooks: database connected again");
  outage_logged = false;
  backoff = std::chrono::milliseconds(1000);
  next_read = Steady::now();
  return true;
}

void Dispatcher::Impl::database_error(const std::string& what, const pd::Error& error) {
  log(1, "webhooks: " + what + ": " + error.message);
  if (error.code == pd::ErrorCode::kUnavailable) {
    store.reset();
    conn.reset();
    next_connect = Steady::now() + backoff;
  }
}

void Dispatcher::Impl::read_outbox() {
  const std::size_t room = options.max_in_flight - transfers.size();
  const std::string token = token_prefix + std::to_string(++claims);
  // The lease outlasts the POST (connect + request timeouts) with room for
  // recording its outcome; an event whose worker died is due again after it.
  const auto lease = options.connect_timeout + options.request_timeout + std::chrono::seconds(10);
  std::vector<std::uint32_t> full;
  for (const auto& [campaign, n] : per_campaign) {
    if (n >= options.max_in_flight_per_campaign) full.push_back(campaign);
  }
  auto claimed = store->claim_webhooks(token, room, pd::store::now_ms(), lease, full);
  next_read = Steady::now() + options.idle_poll;
  if (!claimed) {
    database_error("reading the outbox", claimed.error());
    return;
  }
  if (claimed->size() == room) next_read = Steady::now();  // more may be waiting
  for (pd::store::WebhookDelivery& delivery : *claimed) {
    if (delivery.url.empty()) {
      // The campaign's webhook was removed (or the campaign): kept as failed,
      // replayable once a URL is set again.
      pd::store::WebhookOutcome outcome;
      outcome.kind = pd::store::WebhookOutcome::kFailed;
      outcome.error = "the campaign has no webhook URL";
      if (auto done = store->finish_webhook(delivery.id, token, outcome, pd::store::now_ms());
          !done) {
        database_error("recording an event", done.error());
        return;
      }
      ++failed;
      continue;
    }
    std::size_t& share = per_campaign[delivery.campaign_id];
    if (share >= options.max_in_flight_per_campaign) {
      // Its share is full: back to the outbox, due at once; the next claim
      // skips the campaign until one of its POSTs ends.
      if (share == 0) per_campaign.erase(delivery.campaign_id);
      if (auto back = store->release_webhook(delivery.id, token); !back) {
        database_error("handing an event back", back.error());
        return;
      }
      continue;
    }
    const std::uint32_t campaign = delivery.campaign_id;
    auto transfer = start(std::move(delivery));
    if (!transfer) {
      if (share == 0) per_campaign.erase(campaign);
      continue;
    }
    ++share;
    CURL* easy = transfer->easy;
    transfers.emplace(easy, std::make_pair(std::move(transfer), token));
  }
}

std::unique_ptr<Transfer> Dispatcher::Impl::start(pd::store::WebhookDelivery delivery) {
  auto t = std::make_unique<Transfer>();
  t->delivery = std::move(delivery);
  t->easy = curl_easy_init();
  if (!t->easy) return nullptr;  // out of memory: the lease brings it back
  const pd::store::WebhookDelivery& d = t->delivery;
  const std::int64_t timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  auto header = [&](const std::string& line) {
    t->headers = curl_slist_append(t->headers, line.c_str());
  };
  header("Content-Type: application/json");
  header("Expect:");  // no 100-continue round trip
  header("X-PanelDialer-Event: " + d.event);
  header("X-PanelDialer-Event-Id: " + d.event_id);
  header("X-PanelDialer-Delivery-Attempt: " + std::to_string(d.attempts + 1));
  header("X-PanelDialer-Timestamp: " + std::to_string(timestamp));
  if (!d.secret.empty()) {
    header("X-PanelDialer-Signature: " + signature(d.secret, timestamp, d.payload));
  }
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, d.payload.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.payload.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "PanelDialer-Webhook/1");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_answer);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->answer);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  if (curl_multi_add_handle(multi, e) != CURLM_OK) return nullptr;
  return t;
}

void Dispatcher::Impl::finish(Transfer& t, CURLcode code) {
  pd::core::WebhookAttempt attempt;
  if (code != CURLE_OK) {
    attempt.transport_error = t.error[0] ? t.error : curl_easy_strerror(code);
  } else {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    attempt.http_status = static_cast<int>(status);
  }
  const pd::store::TimePoint now = pd::store::now_ms();
  const pd::core::WebhookNext next = pd::core::next_delivery(
      options.policy, t.delivery.attempts + 1, attempt, now.time_since_epoch().count());
  pd::store::WebhookOutcome outcome;
  if (attempt.transport_error.empty()) outcome.http_status = attempt.http_status;
  outcome.error = next.error;
  // A refusal's first bytes help the admin see why ("HTTP 400: bad signature").
  if (next.kind != pd::core::WebhookNext::kDelivered && attempt.transport_error.empty() &&
      !t.answer.empty()) {
    outcome.error += ": " + t.answer;
  }
  switch (next.kind) {
    case pd::core::WebhookNext::kDelivered:
      outcome.kind = pd::store::WebhookOutcome::kDelivered;
      ++delivered;
      break;
    case pd::core::WebhookNext::kRetry:
      outcome.kind = pd::store::WebhookOutcome::kRetry;
      outcome.retry_at = pd::store::TimePoint(std::chrono::milliseconds(next.retry_at));
      ++retried;
      break;
    case pd::core::WebhookNext::kGiveUp:
      outcome.kind = pd::store::WebhookOutcome::kFailed;
      ++failed;
      log(1, "webhooks: gave up on event " + t.delivery.event_id + " to " + t.delivery.url + ": " +
                 outcome.error + " (the admin's Webhooks page can replay it)");
      break;
  }
  auto it = transfers.find(t.easy);
  const std::string token = it != transfers.end() ? it->second.second : std::string();
  if (!store) return;  // the lease brings it back
  if (auto done = store->finish_webhook(t.delivery.id, token, outcome, now); !done) {
    database_error("recording an event", done.error());
  }
}

void Dispatcher::Impl::hand_back_all() {
  for (auto& [easy, entry] : transfers) {
    curl_multi_remove_handle(multi, easy);
    if (store) {
      if (auto back = store->release_webhook(entry.first->delivery.id, entry.second); !back) {
        database_error("handing an event back", back.error());
      }
    }
  }
  transfers.clear();
  per_campaign.clear();
}

void Dispatcher::Impl::prune() {
  next_prune = Steady::now() + std::chrono::minutes(10);
  const auto before = pd::store::now_ms() - options.keep_delivered;
  auto pruned =
      store->prune_webhooks(std::chrono::time_point_cast<std::chrono::milliseconds>(before), 1000);
  if (!pruned) {
    database_error("pruning delivered events", pruned.error());
    return;
  }
  if (*pruned == 1000) next_prune = Steady::now() + std::chrono::seconds(1);  // more to go
}

void Dispatcher::Impl::run() {
  while (!stopping.load()) {
    const auto now = Steady::now();
    if (!store && now >= next_connect) connect();
    if (store && now >= next_prune) prune();
    if (store && transfers.size() < options.max_in_flight &&
        (nudged.exchange(false) || Steady::now() >= next_read)) {
      read_outbox();
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      finish(*it->second.first, code);
      curl_multi_remove_handle(multi, easy);
      const std::uint32_t campaign = it->second.first->delivery.campaign_id;
      if (auto share = per_campaign.find(campaign);
          share != per_campaign.end() && --share->second == 0) {
        per_campaign.erase(share);
      }
      transfers.erase(it);
      next_read = Steady::now();  // the call's next event may be due now
    }
    // Sleep until a socket is ready, a timeout of curl's, a nudge, the next
    // read of the outbox or the next connection attempt.
    auto until = store ? next_read : next_connect;
    if (store && transfers.size() >= options.max_in_flight)
      until = Steady::now() + options.idle_poll;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Steady::now());
    const int wait_ms =
        static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, options.idle_poll.count()));
    if (wait_ms > 0 || running > 0) curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }
  hand_back_all();
}

}  // namespace pd::webhook
