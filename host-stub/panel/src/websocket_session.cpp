#include "websocket_session.h"

#include <utility>

#include "json_text.h"
#include "paneldialer/pd_plugin.h"

namespace pd::panel {
namespace beast = boost::beast;
namespace websocket = beast::websocket;

WebSocketSession::WebSocketSession(std::shared_ptr<PanelServer::State> state,
                                   boost::asio::ip::tcp::socket socket, std::string agent,
                                   std::string token)
    : state_(std::move(state)),
      ws_(std::move(socket)),
      agent_(std::move(agent)),
      token_(std::move(token)),
      connection_id_(state_->track(this)) {}

WebSocketSession::~WebSocketSession() {
  // Destroyed without its read failing first (the io_context went away):
  // forget it quietly, the plugin is gone too.
  if (registered_) state_->panel_closed(agent_, this, /*notify=*/false);
  state_->untrack(connection_id_);
}

void WebSocketSession::run(beast::http::request<beast::http::string_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts below take over
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = state_->config.http_timeout;
  timeouts.idle_timeout = state_->config.ws_idle_timeout;
  timeouts.keep_alive_pings = true;  // a ping at half the idle time; no pong by the end closes
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "panelhost"); }));
  ws_.read_message_max(state_->config.max_message);
  ws_.async_accept(upgrade, beast::bind_front_handler(&WebSocketSession::on_accept, self()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  if (state_->stopped) return force_close();
  registered_ = true;
  state_->panel_opened(agent_, this);
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, self()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    leave(/*notify=*/true);
    if (ec == websocket::error::message_too_big) {
      state_->log(PD_LOG_WARN, "panel of agent " + agent_ + ": message over " +
                                   std::to_string(state_->config.max_message) + " bytes, closed");
    }
    return fail(ec, "read");
  }
  if (!ws_.got_text()) {
    queue(std::make_shared<const std::string>(
        error_message_json("binary messages are not accepted; send JSON text")));
  } else {
    const auto data = buffer_.cdata();
    handle_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void WebSocketSession::handle_message(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return queue(std::make_shared<const std::string>(error_message_json("message holds a NUL byte")));
  }
  const auto parsed = parse_json(text);
  if (!parsed) {
    return queue(std::make_shared<const std::string>(error_message_json(parsed.error().message)));
  }
  if (!parsed->isObject() || !(*parsed)["type"].isString() || (*parsed)["type"].asString().empty()) {
    return queue(std::make_shared<const std::string>(
        error_message_json("a message must be a JSON object with a string \"type\"")));
  }
  const std::string type = (*parsed)["type"].asString();
  if (type == "panel.open" || type == "panel.close") {
    return queue(std::make_shared<const std::string>(
        error_message_json("\"" + type + "\" is made by the host, not sent by panels", type)));
  }
  state_->deliver(agent_, text);
}

void WebSocketSession::queue(std::shared_ptr<const std::string> message) {
  if (closing_) return;
  if (outbox_bytes_ + message->size() > state_->config.max_queued_bytes) {
    state_->log(PD_LOG_WARN, "panel of agent " + agent_ + " is too slow (" +
                                 std::to_string(outbox_bytes_) + " bytes waiting), closed");
    return force_close();
  }
  outbox_bytes_ += message->size();
  outbox_.push_back(std::move(message));
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*outbox_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, self()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  outbox_bytes_ -= outbox_.front()->size();
  outbox_.pop_front();
  if (ec) return fail(ec, "write");  // the pending read fails too and cleans up
  if (!outbox_.empty() && !closing_) do_write();
}

void WebSocketSession::force_close() {
  if (closing_) return;
  closing_ = true;
  // The message being written must outlive its write, which the close below aborts.
  if (writing_) outbox_.resize(1);
  else outbox_.clear();
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void WebSocketSession::leave(bool notify) {
  if (!registered_) return;
  registered_ = false;
  state_->panel_closed(agent_, this, notify);
}

void WebSocketSession::fail(beast::error_code ec, const char* what) {
  if (ec == websocket::error::closed || ec == boost::asio::error::operation_aborted ||
      ec == beast::error::timeout || ec == boost::asio::error::eof ||
      ec == boost::asio::error::connection_reset) {
    state_->log(PD_LOG_DEBUG, std::string("panel of agent ") + agent_ + " " + what + ": " + ec.message());
    return;
  }
  state_->log(PD_LOG_INFO, std::string("panel of agent ") + agent_ + " " + what + ": " + ec.message());
}

}  // namespace pd::panel
