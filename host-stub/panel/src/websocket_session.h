// One browser tab's WebSocket, after the HTTP session authenticated the
// upgrade request. Reads JSON messages for the plugin; writes the plugin's
// messages through a bounded queue with one write in flight.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include "connection.h"
#include "server_state.h"

namespace pd::panel {

class WebSocketSession : public Connection {
 public:
  WebSocketSession(std::shared_ptr<PanelServer::State> state, boost::asio::ip::tcp::socket socket,
                   std::string agent, std::string token);
  ~WebSocketSession() override;

  // Completes the handshake for `upgrade`, then reads until the tab goes away.
  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);
  // Queues one message; closes the tab when it is too far behind.
  void queue(std::shared_ptr<const std::string> message);
  void force_close() override;

  const std::string& token() const { return token_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_message(std::string_view text);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void fail(boost::beast::error_code ec, const char* what);
  void leave(bool notify);
  std::shared_ptr<WebSocketSession> self() {
    return std::static_pointer_cast<WebSocketSession>(shared_from_this());
  }

  std::shared_ptr<PanelServer::State> state_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::string agent_;
  std::string token_;
  std::uint64_t connection_id_;
  std::deque<std::shared_ptr<const std::string>> outbox_;
  std::size_t outbox_bytes_ = 0;
  bool writing_ = false;
  bool registered_ = false;  // counted in state_->panels
  bool closing_ = false;
};

}  // namespace pd::panel
