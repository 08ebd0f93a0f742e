#include "pd/testing/panel_agents.h"

#include <json/json.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include "pd/testing/process.h"
#include "pd/thread_annotations.h"

namespace pd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct SimulatedAgents::Shared {
  asio::io_context io;
  std::atomic<std::size_t> connected{0}, failed{0}, sent{0}, saved{0}, refused{0};

  void problem(std::string what) {
    pd::MutexLock lock(mutex);
    if (problems.size() < kMaxProblems) problems.push_back(std::move(what));
  }
  std::vector<std::string> all_problems() {
    pd::MutexLock lock(mutex);
    return problems;
  }

 private:
  pd::Mutex mutex;
  std::vector<std::string> problems GUARDED_BY(mutex);
};

namespace {

std::string json_text(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  return Json::writeString(builder, value);
}

std::optional<Json::Value> parse_json(const std::string& text) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors)) return std::nullopt;
  return value;
}

// The first option of a listed call that is not a callback (a callback asks
// for a time: not what a simulated agent chooses); "" when there is none.
std::string plain_option(const Json::Value& call) {
  for (const auto& option : call["options"]) {
    if (!option["callback"].asBool() && option["name"].isString()) return option["name"].asString();
  }
  return {};
}

}  // namespace

// One agent: login over HTTP, then the panel WebSocket; each step a
// do_x / on_x pair on the shared io_context's one thread.
class SimulatedAgents::Agent : public std::enable_shared_from_this<Agent> {
 public:
  Agent(std::shared_ptr<Shared> shared, int port, AgentAccount account)
      : shared_(std::move(shared)),
        endpoint_(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        host_("127.0.0.1:" + std::to_string(port)),
        account_(std::move(account)),
        login_(shared_->io),
        ws_(shared_->io) {}

  void start() { do_login_connect(); }

  void close() {
    closing_ = true;
    beast::error_code ignored;
    login_.socket().close(ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void do_login_connect() {
    login_.expires_after(10s);
    login_.async_connect(endpoint_,
                         beast::bind_front_handler(&Agent::on_login_connect, shared_from_this()));
  }

  void on_login_connect(beast::error_code ec) {
    if (ec) return fail(ec, "login connect");
    Json::Value body(Json::objectValue);
    body["extension"] = account_.extension;
    body["secret"] = account_.secret;
    request_ = {http::verb::post, "/api/login", 11};
    request_.set(http::field::host, host_);
    request_.set(http::field::content_type, "application/json");
    request_.body() = json_text(body);
    request_.prepare_payload();
    login_.expires_after(30s);  // the host's PBKDF2 check takes its time under load
    http::async_write(login_, request_,
                      beast::bind_front_handler(&Agent::on_login_written, shared_from_this()));
  }

  void on_login_written(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "login write");
    http::async_read(login_, buffer_, response_,
                     beast::bind_front_handler(&Agent::on_login_read, shared_from_this()));
  }

  void on_login_read(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "login read");
    beast::error_code ignored;
    login_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    login_.close();
    const auto body = parse_json(response_.body());
    if (response_.result() != http::status::ok || !body || !(*body)["token"].isString()) {
      return fail({}, "login refused (" + std::to_string(response_.result_int()) +
                          "): " + response_.body());
    }
    token_ = (*body)["token"].asString();
    buffer_.consume(buffer_.size());
    beast::get_lowest_layer(ws_).expires_after(10s);
    beast::get_lowest_layer(ws_).async_connect(
        endpoint_, beast::bind_front_handler(&Agent::on_ws_connect, shared_from_this()));
  }

  void on_ws_connect(beast::error_code ec) {
    if (ec) return fail(ec, "panel connect");
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket's own timeouts from here
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(
        websocket::stream_base::decorator([token = token_](websocket::request_type& req) {
          req.set(http::field::authorization, "Bearer " + token);
        }));
    ws_.async_handshake(host_, "/ws",
                        beast::bind_front_handler(&Agent::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "panel handshake");
    open_ = true;
    ++shared_->connected;
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&Agent::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "panel read");
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    handle(text);
    do_read();
  }

  void handle(const std::string& text) {
    const auto message = parse_json(text);
    if (!message || !message->isObject()) {
      return shared_->problem(account_.extension + ": a message that is not a JSON object");
    }
    const std::string type = (*message)["type"].asString();
    if (type == "disposition.pending") return tag_listed((*message)["calls"]);
    if (type == "disposition.saved") {
      ++shared_->saved;
      return;
    }
    if (type == "error") {
      const std::string call_id = (*message)["call_id"].asString();
      if (!call_id.empty()) {
        ++shared_->refused;
        in_flight_.erase(call_id);
      }
      shared_->problem(account_.extension + ": " + (*message)["message"].asString());
    }
  }

  // Tags each listed call not tagged yet; forgets calls no longer listed, so
  // what is remembered stays within the plugin's list.
  void tag_listed(const Json::Value& calls) {
    std::set<std::string> listed;
    for (const auto& call : calls) {
      const std::string call_id = call["call_id"].asString();
      if (call_id.empty()) continue;
      listed.insert(call_id);
      if (in_flight_.count(call_id)) continue;
      int& tries = tries_[call_id];
      if (tries >= kMaxTagTries) continue;
      const std::string disposition = plain_option(call);
      if (disposition.empty()) {
        if (tries++ == 0) shared_->problem(account_.extension + ": no option to tag " + call_id);
        continue;
      }
      ++tries;
      in_flight_.insert(call_id);
      Json::Value set(Json::objectValue);
      set["type"] = "disposition.set";
      set["call_id"] = call_id;
      set["disposition"] = disposition;
      if (send(json_text(set))) ++shared_->sent;
    }
    std::erase_if(in_flight_, [&](const std::string& id) { return !listed.count(id); });
    std::erase_if(tries_, [&](const auto& entry) { return !listed.count(entry.first); });
  }

  bool send(std::string text) {
    if (outbox_.size() >= kMaxQueuedMessages) {
      shared_->problem(account_.extension + ": more than " + std::to_string(kMaxQueuedMessages) +
                       " messages waiting to be sent; one dropped");
      return false;
    }
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) do_write();
    return true;
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()),
                    beast::bind_front_handler(&Agent::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "panel write");
    outbox_.pop_front();
    if (!outbox_.empty()) do_write();
  }

  // The one place a step fails: counted once, said unless we are closing.
  void fail(beast::error_code ec, const std::string& what) {
    if (done_) return;
    done_ = true;
    if (open_) --shared_->connected;
    open_ = false;
    if (closing_) return;
    ++shared_->failed;
    shared_->problem(account_.extension + ": " + what + (ec ? ": " + ec.message() : ""));
  }

  std::shared_ptr<Shared> shared_;
  tcp::endpoint endpoint_;
  std::string host_;
  AgentAccount account_;
  beast::tcp_stream login_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::string token_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;    // at most kMaxQueuedMessages
  std::set<std::string> in_flight_;   // tags sent, not yet off the list
  std::map<std::string, int> tries_;  // of listed calls only
  bool open_ = false, closing_ = false, done_ = false;
};

SimulatedAgents::SimulatedAgents(int port, std::vector<AgentAccount> accounts)
    : shared_(std::make_shared<Shared>()) {
  agents_.reserve(accounts.size());
  for (auto& account : accounts) {
    agents_.push_back(std::make_shared<Agent>(shared_, port, std::move(account)));
    asio::post(shared_->io, [agent = agents_.back()] { agent->start(); });
  }
  thread_ = std::thread([shared = shared_] { shared->io.run(); });
}

SimulatedAgents::~SimulatedAgents() {
  asio::post(shared_->io, [agents = agents_] {
    for (const auto& agent : agents) agent->close();
  });
  thread_.join();  // run() returns once every agent's last step has failed or closed
}

bool SimulatedAgents::wait_connected(std::chrono::milliseconds timeout) const {
  eventually([&] { return shared_->connected + shared_->failed >= agents_.size(); }, timeout);
  return shared_->connected == agents_.size();
}

std::size_t SimulatedAgents::connected() const {
  return shared_->connected;
}
std::size_t SimulatedAgents::tags_sent() const {
  return shared_->sent;
}
std::size_t SimulatedAgents::tags_saved() const {
  return shared_->saved;
}
std::size_t SimulatedAgents::tags_refused() const {
  return shared_->refused;
}
std::vector<std::string> SimulatedAgents::problems() const {
  return shared_->all_problems();
}

}  // namespace pd::testing
