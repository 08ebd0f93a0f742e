// One AMI connection of pbx-sim: the banner, Login (and its failure, worded as
// Asterisk 22 words it), the session's event mask, Ping, Logoff; every other
// action goes to the Pbx. Output goes through a bounded buffer with one write
// in flight; a client that stops reading is dropped once the buffer is full.
// While a quarter of that is unsent the session reads no more actions, so
// that a client sending many actions at once is slowed, not dropped.
//
// Actions of one session are handled in order: while a synchronous Originate
// waits for its outcome (or a failed Login sits out its pause) the session
// keeps later actions aside and stops reading.
//
// Thread: the io_context's one thread. Owned by a shared_ptr (the server's map
// and the pending handlers).
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>

#include "ami_text.h"
#include "pbx.h"
#include "pd/ami/parser.h"

namespace pd::sim {

class AmiServer;

class AmiSession : public std::enable_shared_from_this<AmiSession> {
 public:
  AmiSession(AmiServer& server, SessionId id, boost::asio::ip::tcp::socket socket);
  AmiSession(const AmiSession&) = delete;
  AmiSession& operator=(const AmiSession&) = delete;

  // Sends the banner and starts reading.
  void start();
  // Closes the socket at once and leaves the server; unsent output is lost.
  void close();
  // As close(), but safe inside this session's own action handling: nothing
  // more is read or sent, the socket closes right after.
  void abort();

  SessionId id() const { return id_; }
  // An event for the sessions whose mask has `event_class`.
  void deliver_event(uint32_t event_class, std::string_view message) {
    if (logged_in_ && (event_mask_ & event_class) != 0) deliver(message);
  }
  // A reply for this session.
  void deliver(std::string_view message);
  // The reply of the synchronous Originate this session waits for.
  void deferred_done(std::string_view message);

 private:
  // Reads on unless blocked, closing, or this session's own output is backed
  // up: a client that fires actions faster than it takes their replies and
  // events is slowed down instead of dropped.
  void maybe_read();
  size_t unsent_bytes() const { return pending_.size() + (write_in_flight_ ? writing_.size() : 0); }
  void do_read();
  void on_read(const boost::system::error_code& ec, size_t bytes);
  void on_action(const ActionView& action);
  void process(const ActionView& action);
  void resume();
  void login(const ActionView& action);
  void failed_login(const ActionView& action);
  void events_action(const ActionView& action);
  void ping(const ActionView& action);
  void logoff(const ActionView& action);
  void reply(const ActionView& action, std::string_view response, std::string_view message);
  void do_write();
  void on_write(const boost::system::error_code& ec, size_t bytes);
  void close_after_flush();
  void drop(std::string_view why);

  AmiServer& server_;
  const SessionId id_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer auth_timer_;
  boost::asio::steady_timer login_pause_;
  std::string local_address_;  // IPV4/TCP/127.0.0.1/5038, for SuccessfulAuth
  std::string remote_address_;
  int64_t created_epoch_ms_ = 0;

  pd::ami::Parser parser_{pd::ami::Parser::Start::kNoBanner};
  // Small on purpose: one read of actions (Originates) turns into about ten
  // times its size of events, and that burst must stay far below the write limit.
  std::array<char, 16 * 1024> read_buffer_;
  bool reading_ = false;

  bool logged_in_ = false;
  std::string username_;
  uint32_t event_mask_ = event_class::kAll;

  // Blocked: a synchronous Originate or a failed Login is not finished; later
  // actions wait in backlog_ (at most one read's worth: reading stops).
  bool blocked_ = false;
  bool in_handle_ = false;
  bool finished_in_handle_ = false;
  std::deque<OwnedAction> backlog_;

  std::string pending_;  // not yet handed to the socket
  std::string writing_;  // the write in flight
  bool write_in_flight_ = false;
  bool closing_ = false;  // no more input or output; close once flushed
  bool closed_ = false;
};

}  // namespace pd::sim
