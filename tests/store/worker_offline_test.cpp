// StoreWorker without a server: nothing blocks, nothing is dropped silently.
#include "pd/store/store_worker.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_loop.h"

using namespace pd::store;
using namespace std::chrono_literals;

namespace {

// A loopback port nobody listens on: connects are refused at once.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

AttemptResult result_for(int i) {
  AttemptResult r;
  r.call_id = "call-" + std::to_string(i);
  r.campaign_id = 1;
  r.number_id = static_cast<std::uint64_t>(i);
  r.number = "555" + std::to_string(i);
  r.ended_at = now_ms();
  return r;
}

}  // namespace

TEST_CASE("worker offline: the bounded queue refuses instead of dropping and queries fail fast") {
  testing::TestLoop loop;
  StoreWorkerOptions options;
  auto dsn = parse_dsn("mysql://u:p@127.0.0.1:" + std::to_string(closed_port()) + "/db");
  REQUIRE(dsn.has_value());
  options.dsn = *dsn;
  options.instance = "offline";
  options.post = loop.post_fn();
  options.max_pending_writes = 10;
  options.backoff_initial = 20ms;
  options.backoff_max = 100ms;
  StoreWorker worker(options);

  CHECK_FALSE(worker.healthy());
  for (int i = 0; i < 10; ++i) CHECK(worker.submit(result_for(i)).has_value());
  auto refused = worker.submit(result_for(10));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == pd::ErrorCode::kLimit);
  CHECK(worker.pending_writes() == 10);
  // All or nothing for a group of ops.
  std::vector<WriteOp> two{result_for(11), result_for(12)};
  CHECK_FALSE(worker.submit(std::move(two)).has_value());
  CHECK(worker.pending_writes() == 10);

  std::optional<pd::Result<std::vector<Lead>>> claimed;
  worker.claim(1, 50, 60s, [&](pd::Result<std::vector<Lead>> r) { claimed = std::move(r); });
  REQUIRE(loop.run_until([&] { return claimed.has_value(); }, 5s));
  REQUIRE_FALSE(claimed->has_value());
  CHECK(claimed->error().code == pd::ErrorCode::kUnavailable);
  CHECK_FALSE(worker.healthy());

  // stop() gives up on the unwritten ops after the flush timeout and says how many.
  CHECK(worker.stop(200ms) == 10);
  CHECK(worker.submit(result_for(13)).error().code == pd::ErrorCode::kUnavailable);
}

TEST_CASE(
    "worker offline: an acknowledged write answers once - queue full at once, unwritten at stop") {
  testing::TestLoop loop;
  StoreWorkerOptions options;
  auto dsn = parse_dsn("mysql://u:p@127.0.0.1:" + std::to_string(closed_port()) + "/db");
  REQUIRE(dsn.has_value());
  options.dsn = *dsn;
  options.instance = "offline-ack";
  options.post = loop.post_fn();
  options.max_pending_writes = 2;
  options.backoff_initial = 20ms;
  options.backoff_max = 100ms;
  StoreWorker worker(options);

  std::vector<pd::Status> first, second, third, late;
  worker.submit(result_for(1), [&](pd::Status s) { first.push_back(s); });
  worker.submit(result_for(2), [&](pd::Status s) { second.push_back(s); });
  // The queue is full: refused at once (through the loop), nothing queued.
  worker.submit(result_for(3), [&](pd::Status s) { third.push_back(s); });
  REQUIRE(loop.run_until([&] { return !third.empty(); }, 5s));
  CHECK(third[0].error().code == pd::ErrorCode::kLimit);
  CHECK(worker.pending_writes() == 2);
  CHECK(first.empty());  // waiting for the server, as every queued write
  CHECK(second.empty());

  // stop() gives up on them: each ack says so, once.
  CHECK(worker.stop(100ms) == 2);
  worker.submit(result_for(4), [&](pd::Status s) { late.push_back(s); });
  REQUIRE(loop.run_until([&] { return !first.empty() && !second.empty() && !late.empty(); }, 5s));
  loop.run_pending();
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  REQUIRE(late.size() == 1);
  CHECK(first[0].error().code == pd::ErrorCode::kUnavailable);
  CHECK(second[0].error().code == pd::ErrorCode::kUnavailable);
  CHECK(late[0].error().code == pd::ErrorCode::kUnavailable);
  CHECK(third.size() == 1);
}
