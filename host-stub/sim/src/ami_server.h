// The AMI server of pbx-sim: accepts TCP connections on one address, runs an
// AmiSession for each, and connects the sessions to the simulated PBX as its
// PbxOutput (events to every logged-in session whose mask wants them, replies
// to one session).
//
// Thread: one. Construct, start(), stop() and destroy on the thread that runs
// the io_context; every handler runs there too. The io_context must outlive
// the server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "originate_rate.h"
#include "pbx.h"
#include "pd/result.h"

namespace pd::sim {

class AmiSession;

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 5038;  // 0: any free port; port() says which
  // Unsent bytes a session may hold (a client that stops reading) before it is
  // dropped; keeps memory bounded whatever the clients do.
  size_t write_limit_bytes = 64u << 20;
  // A failed Login is answered after this pause (simulated ms; Asterisk sleeps 1 s).
  SimMs failed_login_pause = 1000;
  // manager.conf authtimeout: a connection that has not logged in is closed (real time).
  std::chrono::milliseconds auth_timeout = std::chrono::seconds(30);
  bool verbose_events = true;  // see PbxConfig (false: --lean-events)
  bool restarted = false;      // see PbxConfig
  AstDb* astdb = nullptr;      // see PbxConfig; must outlive the server
  std::optional<double> originate_response_first;
  double originate_rate = 0;                            // see PbxConfig
  std::vector<std::pair<std::string, int>> ids_in_use;  // see PbxConfig
};

struct ServerStats {
  uint64_t connections = 0;  // accepted so far
  uint64_t logins = 0;       // successful
  uint64_t failed_logins = 0;
  uint64_t dropped = 0;  // closed for overrunning write_limit_bytes
  uint64_t actions = 0;  // actions received from all sessions
  uint64_t bytes_sent = 0;
  // Originate actions as they arrive off the wire, by wall-clock second.
  OriginateRate originate_rate;
};

class AmiServer final : public PbxOutput {
 public:
  AmiServer(boost::asio::io_context& io, const Scenario& scenario, const SimClock& clock,
            TimerQueue& timers, ServerConfig config);
  ~AmiServer() override;
  AmiServer(const AmiServer&) = delete;
  AmiServer& operator=(const AmiServer&) = delete;

  // Binds and listens, puts the scenario's agents into their queues, and starts
  // accepting. An I/O Error names the address when the port cannot be had.
  Status start();
  // Stops accepting and closes every session at once (pending output is lost).
  void stop();

  uint16_t port() const { return bound_port_; }
  size_t session_count() const { return sessions_.size(); }
  const ServerStats& stats() const { return stats_; }
  const Pbx& pbx() const { return pbx_; }

  // PbxOutput.
  void broadcast(uint32_t event_class, std::string_view message) override;
  void send(SessionId session, std::string_view message) override;
  void complete_deferred(SessionId session, std::string_view message) override;
  void drop_all_sessions() override;

 private:
  friend class AmiSession;

  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void remove(SessionId id);  // called by a session once closed

  boost::asio::io_context& io_;
  const Scenario& scenario_;
  const SimClock& clock_;
  TimerQueue& timers_;
  const ServerConfig config_;
  Pbx pbx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t bound_port_ = 0;
  bool stopped_ = false;
  // Ordered by id: events reach sessions in the order they connected.
  std::map<SessionId, std::shared_ptr<AmiSession>> sessions_;
  SessionId next_session_ = 1;
  ServerStats stats_;
};

}  // namespace pd::sim
