// panelhost's one connection to the Asterisk Manager Interface.
//
// Life of the link: connect → banner → Login → Events (EventMask: on) → up.
// While up, a Ping every ping_interval; no answer within min(interval, 10 s)
// drops the link. Any loss (connect refused, failed login, EOF, framing
// error, ping timeout) closes the socket, reports down once, and retries
// after an exponential backoff (0.5 s doubling, capped at 30 s); a failed
// login is logged as such every time, with the user name.
//
// Actions of plugins are paced by a token bucket (`rate` a second) and wait
// in a bounded queue beyond it; the client's own Login/Events/Ping/Logoff
// bypass the bucket. Each queued action carries its sender (an owner index)
// and its ActionID: queued(owner) counts what an owner has waiting, and
// on_written reports each one when its bytes are handed to the socket write
// (the moment it leaves the host, to within the kernel's send buffer).
// Actions still queued when the link drops are discarded, never reported
// (their senders learn of it through on_link(false)).
//
// Threads: everything — construction, every method, every callback — runs on
// the thread that runs the io_context (the host loop). Nothing blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pacing.h"
#include "paneldialer/pd_plugin.h"
#include "pd/ami/message.h"
#include "pd/ami/parser.h"

namespace pd::host {

struct AmiClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5038;
  std::string user;
  std::string secret;
  double rate = 2500;        // plugin actions a second (config.h: ami.rate)
  size_t queue_max = 10000;  // plugin actions waiting for the bucket
  std::chrono::seconds ping_interval{20};
  Millis backoff_first{500};
  Millis backoff_cap{30000};
};

struct AmiClientStats {
  uint64_t connects = 0;         // successful logins
  uint64_t login_failures = 0;   // "Authentication failed" answers
  uint64_t link_losses = 0;      // up → down transitions
  uint64_t messages_in = 0;      // everything parsed after login
  uint64_t events_in = 0;        // of which events
  uint64_t actions_sent = 0;     // plugin actions written to the socket
  uint64_t actions_refused = 0;  // PD_EINVAL / PD_EAGAIN / PD_ENOLINK answers
  uint64_t actions_dropped = 0;  // queued, then discarded at a link loss
};

class AmiClient {
 public:
  struct Callbacks {
    // The link is up (logged in, events on) or went down. Called once per
    // transition.
    std::function<void(bool up)> on_link;
    // Every message after login except answers to the client's own actions.
    // The view is valid only during the call.
    std::function<void(const pd::ami::MessageView& message)> on_message;
    std::function<void(pd_log_level level, std::string_view line)> log;
    // An action queued by send() is being written to the socket now
    // (`epoch_ms`: wall clock). Called from inside send() too (an action
    // that need not wait is written at once): the receiver must not call
    // back into the sender there (PluginRuntime defers it).
    std::function<void(uint32_t owner, std::string_view action_id, int64_t epoch_ms)> on_written;
  };
  static constexpr uint32_t kNoOwner = UINT32_MAX;

  // ActionIDs starting with this belong to the client itself.
  static constexpr std::string_view kOwnActionPrefix = "pdhost-";

  AmiClient(boost::asio::io_context& io, AmiClientOptions options, Callbacks callbacks);
  ~AmiClient();
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  // Starts connecting (and keeps reconnecting until stop()).
  void start();

  // Queues one action: `fields` (fields[0] is Action; no ActionID) plus
  // "ActionID: action_id". Returns PD_OK, PD_EINVAL (bad key/value; *why says
  // which), PD_ENOLINK (link down) or PD_EAGAIN (queue full).
  // `owner` < kMaxOwners: whose action it is (queued(owner), on_written);
  // kNoOwner: nobody counts it.
  int send(std::span<const pd::ami::FieldView> fields, std::string_view action_id,
           std::string* why = nullptr, uint32_t owner = kNoOwner);

  // Logs off when up (waits at most `grace` for the answer), closes, and then
  // calls `done` on the loop. No other callback is made after stop().
  void stop(std::function<void()> done, Millis grace = Millis(1000));

  bool up() const { return state_ == State::kUp; }
  const AmiClientStats& stats() const { return stats_; }
  // Actions waiting for the bucket (or for the write in flight), in all and
  // of one owner; how long the owner's oldest has waited (0 when none).
  size_t queued() const { return queue_.size() + outgoing_reports_.size(); }
  size_t queued(uint32_t owner) const {
    return owner < queued_by_owner_.size() ? queued_by_owner_[owner] : 0;
  }
  int64_t oldest_wait_ms(uint32_t owner) const;
  double rate() const { return options_.rate; }
  size_t queue_max() const { return options_.queue_max; }
  // Owners are small indexes (PluginRuntime's plugin index); at most this many.
  static constexpr uint32_t kMaxOwners = 1024;

 private:
  enum class State { kIdle, kConnecting, kBanner, kLogin, kEvents, kUp, kStopping, kStopped };

  void connect();
  void on_connected(const boost::system::error_code& error);
  void read();
  void on_read(const boost::system::error_code& error, size_t bytes);
  void handle(const pd::ami::MessageView& message);
  void handle_own_answer(const pd::ami::MessageView& message, std::string_view action_id);
  void send_own(std::string_view action, std::initializer_list<pd::ami::FieldView> extra);
  void write_raw(std::string_view bytes);
  void flush();
  void pump_queue();
  void arm_pacing_timer(int64_t wait_ms);
  void arm_ping();
  void link_lost(std::string_view why);
  void close_socket();
  void log(pd_log_level level, std::string_view line) const;
  int64_t now_ms() const;

  boost::asio::io_context& io_;
  AmiClientOptions options_;
  Callbacks callbacks_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer ping_timer_;
  boost::asio::steady_timer pace_timer_;
  boost::asio::steady_timer stop_timer_;

  State state_ = State::kIdle;
  Backoff backoff_;
  TokenBucket bucket_;
  pd::ami::Parser parser_;
  std::array<char, 64 * 1024> read_buffer_{};

  // A plugin action waiting for the bucket, serialised.
  struct Queued {
    std::string bytes;
    std::string action_id;
    uint32_t owner = kNoOwner;
    int64_t queued_ms = 0;  // monotonic, for oldest_wait_ms
  };
  // What to report when the bytes now in outgoing_ are handed to the socket.
  struct Report {
    std::string action_id;
    uint32_t owner = kNoOwner;
    int64_t queued_ms = 0;
  };
  void discard_queue();
  void uncount(uint32_t owner);

  std::deque<Queued> queue_;               // bounded by options_.queue_max
  std::vector<Report> outgoing_reports_;   // the plugin actions in outgoing_
  std::vector<uint32_t> queued_by_owner_;  // indexes < kMaxOwners
  std::string outgoing_;                   // bytes to write next
  std::string writing_;                    // bytes of the write in flight
  bool write_in_flight_ = false;
  bool pace_timer_armed_ = false;

  uint64_t own_sequence_ = 0;
  std::string ping_outstanding_;  // ActionID of the unanswered Ping, empty when none
  std::string logoff_id_;
  std::function<void()> stop_done_;
  uint64_t generation_ = 0;  // bumps at every close: stale handlers check it
  AmiClientStats stats_;
};

}  // namespace pd::host
