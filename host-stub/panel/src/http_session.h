// One HTTP connection (Beast-examples style): reads a request, answers it
// (API, static file, or hands the socket to a WebSocketSession on an
// authenticated upgrade), keeps alive, 30 s timeout before every read/write.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>
#include <string>

#include "connection.h"
#include "server_state.h"

namespace pd::panel {

class HttpSession : public Connection {
 public:
  HttpSession(std::shared_ptr<PanelServer::State> state, boost::asio::ip::tcp::socket socket);
  ~HttpSession() override;

  void run();
  void force_close() override;
  // The route's plugin answered this session's API request (host loop).
  void finish_api(int status, std::string body);

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_request();
  void handle_upgrade();
  void handle_login();
  void finish_login(std::string extension, bool verified);
  void handle_logout();
  void handle_session();
  void handle_static();
  void handle_api(const PanelServer::State::ApiRoute& route);

  // Who the request's token (cookie pd_panel_token, ?token=, or
  // "Authorization: Bearer") says is calling, if it is a live session.
  std::optional<std::string> request_token() const;
  std::optional<std::string> authenticated_agent(std::string* token_out = nullptr);

  void send_json(boost::beast::http::status status, const std::string& body,
                 std::optional<std::string> set_cookie = std::nullopt);
  void send_error(boost::beast::http::status status, std::string_view message);
  template <class Body>
  void send(boost::beast::http::response<Body>&& response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void fail(boost::beast::error_code ec, const char* what);
  std::shared_ptr<HttpSession> self() {
    return std::static_pointer_cast<HttpSession>(shared_from_this());
  }

  std::shared_ptr<PanelServer::State> state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;
  std::shared_ptr<void> response_;  // keeps the response alive during its write
  boost::asio::steady_timer delay_timer_;
  std::string client_address_;
  std::uint64_t connection_id_;
  bool upgraded_ = false;
  std::uint64_t api_request_id_ = 0;  // the API request waiting for its answer; 0: none
};

}  // namespace pd::panel
