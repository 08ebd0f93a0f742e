#include "ami_server.h"

#include <boost/asio/ip/address.hpp>
#include <iostream>

#include "ami_session.h"

namespace pd::sim {

namespace asio = boost::asio;
using asio::ip::tcp;

AmiServer::AmiServer(asio::io_context& io, const Scenario& scenario, const SimClock& clock,
                     TimerQueue& timers, ServerConfig config)
    : io_(io),
      scenario_(scenario),
      clock_(clock),
      timers_(timers),
      config_(std::move(config)),
      pbx_(scenario, clock, timers, *this,
           PbxConfig{.verbose_events = config_.verbose_events,
                     .restarted = config_.restarted,
                     .astdb = config_.astdb,
                     .originate_response_first = config_.originate_response_first,
                     .originate_rate = config_.originate_rate,
                     .ids_in_use = config_.ids_in_use}),
      acceptor_(io) {}

AmiServer::~AmiServer() {
  stop();
}

Status AmiServer::start() {
  const std::string where = config_.host + ":" + std::to_string(config_.port);
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(config_.host, ec);
  if (ec) return fail(Error::invalid("cannot listen on " + where + ": not an IP address"));
  const tcp::endpoint endpoint(address, config_.port);
  auto failed = [&](const char* step) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return fail(
        Error::io(std::string("cannot listen on ") + where + " (" + step + "): " + ec.message()));
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return failed("socket");
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) return failed("option");
  if (acceptor_.bind(endpoint, ec); ec) return failed("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return failed("listen");
  bound_port_ = acceptor_.local_endpoint(ec).port();
  timers_.sync_to_clock();
  pbx_.start();
  do_accept();
  return {};
}

void AmiServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  // close() leaves the map: work on a copy.
  auto sessions = sessions_;
  for (auto& [id, session] : sessions) session->close();
  sessions_.clear();
}

void AmiServer::do_accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void AmiServer::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopped_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors and the like: keep the listener, try the next one.
    std::cerr << "pbx-sim: accept failed: " << ec.message() << "\n";
  } else {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const SessionId id = next_session_++;
    auto session = std::make_shared<AmiSession>(*this, id, std::move(socket));
    sessions_.emplace(id, session);
    ++stats_.connections;
    session->start();
  }
  do_accept();
}

void AmiServer::remove(SessionId id) {
  sessions_.erase(id);
}

void AmiServer::broadcast(uint32_t event_class, std::string_view message) {
  for (auto& [id, session] : sessions_) session->deliver_event(event_class, message);
}

void AmiServer::send(SessionId session, std::string_view message) {
  if (auto it = sessions_.find(session); it != sessions_.end()) it->second->deliver(message);
}

void AmiServer::drop_all_sessions() {
  for (auto& [id, session] : sessions_) session->abort();
}

void AmiServer::complete_deferred(SessionId session, std::string_view message) {
  if (auto it = sessions_.find(session); it != sessions_.end()) it->second->deferred_done(message);
}

}  // namespace pd::sim
