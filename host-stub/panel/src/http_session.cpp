#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "json_text.h"
#include "paneldialer/pd_plugin.h"
#include "pd/panel/secret.h"
#include "websocket_session.h"

namespace pd::panel {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kCookieName = "pd_panel_token";
constexpr std::size_t kMaxRequestBody = 16 * 1024;  // outside the API (login)
constexpr std::size_t kMaxExtension = 64;
constexpr std::size_t kMaxSecret = 1024;
// One message for an unknown extension and a wrong secret: a guesser learns nothing.
constexpr std::string_view kLoginRefused = "Unknown extension or wrong secret.";
constexpr std::string_view kNotLoggedIn =
    "Not logged in, or the session has ended (the host restarted or you logged out).";
// Unknown extensions are checked against this hash so that they cost the same
// time as known ones (its secret is random and unknown).
constexpr std::string_view kDummyHash =
    "pbkdf2-sha256$600000$8f3b2a91c4d5e6f708192a3b4c5d6e7f$"
    "5d41402abc4b2a76b9719d911017c592ae2b5f1e0d6c3b7a8f9e0d1c2b3a4f5e";

template <class Body>
void set_common_headers(http::response<Body>& res, bool html) {
  res.set(http::field::server, "panelhost");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  if (html) {
    // The plugin's card HTML is inserted as markup: no inline script may run.
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  }
}

// Beast 1.74 has its own string_view; the rest of the code uses the standard one.
std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const std::string_view pair = trim(header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

std::optional<std::string> query_value(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      auto decoded = percent_decode(pair.substr(equals + 1));
      if (decoded) return *decoded;
      return std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

HttpSession::HttpSession(std::shared_ptr<PanelServer::State> state, asio::ip::tcp::socket socket)
    : state_(std::move(state)),
      stream_(std::move(socket)),
      delay_timer_(stream_.get_executor()),
      connection_id_(state_->track(this)) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  client_address_ = ec ? "unknown" : remote.address().to_string();
}

HttpSession::~HttpSession() {
  state_->untrack(connection_id_);
}

void HttpSession::run() {
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, self()));
}

void HttpSession::force_close() {
  beast::error_code ignored;
  delay_timer_.cancel();
  if (api_request_id_ != 0) state_->api_waiting.erase(std::exchange(api_request_id_, 0));
  if (upgraded_) return;  // the socket belongs to a WebSocketSession now
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(std::max(kMaxRequestBody, state_->config.api_max_body));
  stream_.expires_after(state_->config.http_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, self()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) {
    // The rest of the body is unread: answer, then close.
    request_ = {};
    request_.version(11);
    request_.keep_alive(false);
    return send_error(
        http::status::payload_too_large,
        "The body is over " + std::to_string(state_->config.api_max_body) + " bytes.");
  }
  if (ec) return fail(ec, "read");
  if (state_->stopped) return force_close();
  request_ = parser_->release();
  handle_request();
}

void HttpSession::handle_request() {
  const std::string_view target = sv(request_.target());
  const std::string_view path = target.substr(0, target.find('?'));

  // Browsers send Origin on cross-site POSTs and WebSocket handshakes; only
  // our own pages may log in, out, or open a panel.
  if (const auto origin = sv(request_[http::field::origin]); !origin.empty()) {
    const std::string host(sv(request_[http::field::host]));
    if (origin != "http://" + host && origin != "https://" + host) {
      return send_error(http::status::forbidden, "Cross-origin request refused.");
    }
  }

  if (path == "/ws") {
    if (beast::websocket::is_upgrade(request_)) return handle_upgrade();
    return send_error(http::status::bad_request, "This address takes a WebSocket upgrade.");
  }
  if (path.starts_with("/api/")) {
    if (const auto* route = state_->api_route_of(path)) return handle_api(*route);
    if (request_.body().size() > kMaxRequestBody) {
      request_.keep_alive(false);
      return send_error(http::status::payload_too_large, "The body is too long.");
    }
    const auto method = request_.method();
    if (path == "/api/login") {
      return method == http::verb::post ? handle_login()
                                        : send_error(http::status::method_not_allowed, "Use POST.");
    }
    if (path == "/api/logout") {
      return method == http::verb::post ? handle_logout()
                                        : send_error(http::status::method_not_allowed, "Use POST.");
    }
    if (path == "/api/session") {
      return method == http::verb::get ? handle_session()
                                       : send_error(http::status::method_not_allowed, "Use GET.");
    }
    return send_error(http::status::not_found, "No such API.");
  }
  if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
    return send_error(http::status::method_not_allowed, "Only GET and HEAD are served here.");
  }
  if (request_.body().size() > kMaxRequestBody) {
    request_.keep_alive(false);
    return send_error(http::status::payload_too_large, "The body is too long.");
  }
  handle_static();
}

std::optional<std::string> HttpSession::request_token() const {
  if (auto cookie = cookie_value(sv(request_[http::field::cookie]), kCookieName)) return cookie;
  if (auto query = query_value(sv(request_.target()), "token")) return query;
  const std::string_view authorization = sv(request_[http::field::authorization]);
  if (authorization.starts_with("Bearer ")) return std::string(trim(authorization.substr(7)));
  return std::nullopt;
}

std::optional<std::string> HttpSession::authenticated_agent(std::string* token_out) {
  const auto token = request_token();
  if (!token || token->empty()) return std::nullopt;
  auto agent = state_->tokens.agent_of(*token);
  if (agent && token_out) *token_out = *token;
  return agent;
}

void HttpSession::handle_upgrade() {
  std::string token;
  auto agent = authenticated_agent(&token);
  if (!agent) return send_error(http::status::unauthorized, kNotLoggedIn);
  upgraded_ = true;
  auto session = std::make_shared<WebSocketSession>(state_, stream_.release_socket(),
                                                    std::move(*agent), std::move(token));
  session->run(std::move(request_));
}

void HttpSession::handle_login() {
  if (!request_[http::field::content_type].starts_with("application/json")) {
    return send_error(http::status::unsupported_media_type, "Send the login as application/json.");
  }
  if (const auto wait = state_->login_guard.wait_time(client_address_); wait.count() > 0) {
    return send_error(http::status::too_many_requests,
                      "Too many failed logins from your address; try again in " +
                          std::to_string(wait.count()) + " seconds.");
  }
  const auto body = parse_json(request_.body());
  const bool well_formed =
      body && body->isObject() && (*body)["extension"].isString() && (*body)["secret"].isString();
  if (!well_formed) {
    return send_error(http::status::bad_request,
                      "Send {\"extension\": \"...\", \"secret\": \"...\"} as JSON.");
  }
  std::string extension = (*body)["extension"].asString();
  std::string secret = (*body)["secret"].asString();
  if (extension.empty() || extension.size() > kMaxExtension || secret.empty() ||
      secret.size() > kMaxSecret) {
    return send_error(http::status::bad_request, "Enter your extension and your secret.");
  }

  const auto account = state_->accounts.find(extension);
  const bool known = account != state_->accounts.end();
  std::string hash(known ? std::string_view(account->second.secret_hash) : kDummyHash);
  // PBKDF2 takes a noticeable time by design: run it off the host loop.
  asio::post(state_->verifier,
             [io = &state_->io, session = self(), extension = std::move(extension),
              secret = std::move(secret), hash = std::move(hash), known]() mutable {
               const bool verified = verify_secret(secret, hash) && known;
               asio::post(*io, [session = std::move(session), extension = std::move(extension),
                                verified] { session->finish_login(extension, verified); });
             });
}

void HttpSession::finish_login(std::string extension, bool verified) {
  if (state_->stopped) return force_close();
  if (!verified) {
    state_->login_guard.record_failure(client_address_);
    state_->log(PD_LOG_WARN,
                "panel login refused for extension \"" + extension + "\" from " + client_address_);
    delay_timer_.expires_after(state_->config.failed_login_delay);
    delay_timer_.async_wait([session = self()](beast::error_code ec) {
      if (ec || session->state_->stopped) return;
      session->send_error(http::status::unauthorized, kLoginRefused);
    });
    return;
  }
  state_->login_guard.record_success(client_address_);
  const std::string token = state_->tokens.issue(extension);
  if (token.empty()) {
    return send_error(http::status::internal_server_error, "No random bytes for a session token.");
  }
  const auto lifetime = state_->tokens.lifetime().count();
  Json::Value body(Json::objectValue);
  body["agent"] = extension;
  body["name"] = state_->accounts.at(extension).name;
  body["token"] = token;
  body["expires_in"] = static_cast<Json::Int64>(lifetime);
  state_->log(PD_LOG_INFO,
              "agent " + extension + " logged in to the panel from " + client_address_);
  send_json(http::status::ok, to_json_text(body),
            std::string(kCookieName) + "=" + token +
                "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(lifetime));
}

void HttpSession::handle_logout() {
  if (!request_[http::field::content_type].starts_with("application/json")) {
    return send_error(http::status::unsupported_media_type, "Send the logout as application/json.");
  }
  std::string token;
  if (const auto agent = authenticated_agent(&token)) {
    state_->tokens.revoke(token);
    state_->close_panels_of_token(*agent, token);
    state_->log(PD_LOG_INFO, "agent " + *agent + " logged out of the panel");
  }
  send_json(http::status::ok, R"({"ok":true})",
            std::string(kCookieName) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

void HttpSession::handle_session() {
  const auto agent = authenticated_agent();
  if (!agent) return send_error(http::status::unauthorized, kNotLoggedIn);
  Json::Value body(Json::objectValue);
  body["agent"] = *agent;
  body["name"] = state_->accounts.at(*agent).name;
  Json::Value panels(Json::arrayValue);
  for (const auto& mount : state_->files.mounts()) {
    std::error_code ec;
    if (mount.url_prefix == "/" ||
        !std::filesystem::is_regular_file(mount.root + "/panel.js", ec)) {
      continue;
    }
    std::string_view id(mount.url_prefix);
    id.remove_suffix(1);
    id = id.substr(id.rfind('/') + 1);
    Json::Value panel(Json::objectValue);
    panel["id"] = std::string(id);
    panel["script"] = mount.url_prefix + "panel.js";
    if (std::filesystem::is_regular_file(mount.root + "/panel.css", ec)) {
      panel["style"] = mount.url_prefix + "panel.css";
    }
    panels.append(panel);
  }
  body["panels"] = panels;
  send_json(http::status::ok, to_json_text(body));
}

void HttpSession::handle_static() {
  const auto file = state_->files.resolve(sv(request_.target()));
  if (!file) {
    const bool bad = file.error().code == pd::ErrorCode::kInvalidArgument;
    return send_error(bad ? http::status::bad_request : http::status::not_found,
                      bad ? "Bad path." : "Not found.");
  }
  http::file_body::value_type body;
  beast::error_code ec;
  body.open(file->c_str(), beast::file_mode::scan, ec);
  if (ec) return send_error(http::status::not_found, "Not found.");
  const auto size = body.size();
  const std::string_view type = mime_type(*file);
  const bool html = type.starts_with("text/html");
  if (request_.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, request_.version()};
    set_common_headers(res, html);
    res.set(http::field::content_type, beast::string_view(type.data(), type.size()));
    res.set(http::field::cache_control, "no-cache");
    res.content_length(size);
    res.keep_alive(request_.keep_alive());
    return send(std::move(res));
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, request_.version())};
  set_common_headers(res, html);
  res.set(http::field::content_type, beast::string_view(type.data(), type.size()));
  res.set(http::field::cache_control, "no-cache");
  res.content_length(size);
  res.keep_alive(request_.keep_alive());
  send(std::move(res));
}

void HttpSession::handle_api(const PanelServer::State::ApiRoute& route) {
  // A bearer token from the config (never a panel login: those are agents').
  const std::string_view authorization = sv(request_[http::field::authorization]);
  const std::optional<ApiTokenDigest> token =
      authorization.starts_with("Bearer ") ? state_->api_token_of(trim(authorization.substr(7)))
                                           : std::nullopt;
  if (!token) {
    state_->log(PD_LOG_INFO, "api request refused (no valid token) from " + client_address_);
    http::response<http::string_body> res{http::status::unauthorized, request_.version()};
    set_common_headers(res, false);
    res.set(http::field::www_authenticate, "Bearer realm=\"panelhost\"");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(request_.keep_alive());
    res.body() = authorization.empty()
                     ? R"({"error":"Send an API token: Authorization: Bearer <token>."})"
                     : R"({"error":"Unknown API token."})";
    res.prepare_payload();
    return send(std::move(res));
  }
  const auto method = request_.method();
  const bool reading = method == http::verb::get || method == http::verb::head;
  if (!reading && !token->write) {
    return send_error(http::status::forbidden,
                      "The token \"" + token->name + "\" may only read (GET).");
  }
  if (state_->api_waiting.size() >= state_->config.api_max_in_flight) {
    return send_error(http::status::service_unavailable,
                      "Too many API requests in flight (" +
                          std::to_string(state_->config.api_max_in_flight) + "); retry shortly.");
  }
  const std::string_view target = sv(request_.target());
  const auto question = target.find('?');
  ApiRequest request;
  request.id = state_->next_api_id++;
  request.method = sv(request_.method_string());
  request.path = target.substr(0, question);
  request.query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  request.body = request_.body();
  request.token_name = token->name;
  request.write = token->write;
  api_request_id_ = request.id;
  state_->api_waiting.emplace(request.id, std::weak_ptr<HttpSession>(self()));
  delay_timer_.expires_after(state_->config.api_timeout);
  delay_timer_.async_wait([session = self(), id = request.id](beast::error_code ec) {
    if (ec || session->state_->stopped || session->api_request_id_ != id) return;
    session->state_->api_waiting.erase(id);
    session->api_request_id_ = 0;
    session->send_error(http::status::gateway_timeout, "The plugin did not answer in time.");
  });
  int accepted = PD_EINTERNAL;
  try {
    accepted = route.handler(request);
  } catch (const std::exception& e) {
    state_->log(PD_LOG_ERROR, std::string("api handler failed: ") + e.what());
  }
  if (accepted != PD_OK && api_request_id_ == request.id) {
    state_->api_waiting.erase(request.id);
    api_request_id_ = 0;
    delay_timer_.cancel();
    send_error(http::status::service_unavailable, "The API is not available now.");
  }
}

void HttpSession::finish_api(int status, std::string body) {
  api_request_id_ = 0;
  delay_timer_.cancel();
  send_json(static_cast<http::status>(status), body);
}

void HttpSession::send_json(http::status status, const std::string& body,
                            std::optional<std::string> set_cookie) {
  http::response<http::string_body> res{status, request_.version()};
  set_common_headers(res, false);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  if (set_cookie) res.set(http::field::set_cookie, *set_cookie);
  res.keep_alive(request_.keep_alive());
  res.body() = body;
  res.prepare_payload();
  send(std::move(res));
}

void HttpSession::send_error(http::status status, std::string_view message) {
  Json::Value body(Json::objectValue);
  body["error"] = std::string(message);
  send_json(status, to_json_text(body));
}

template <class Body>
void HttpSession::send(http::response<Body>&& response) {
  auto shared = std::make_shared<http::response<Body>>(std::move(response));
  response_ = shared;
  stream_.expires_after(state_->config.http_timeout);
  http::async_write(
      stream_, *shared,
      beast::bind_front_handler(&HttpSession::on_write, self(), shared->keep_alive()));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  response_.reset();
  if (!keep_alive || state_->stopped) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void HttpSession::fail(beast::error_code ec, const char* what) {
  const bool routine = ec == asio::error::operation_aborted || ec == beast::error::timeout ||
                       ec == asio::error::connection_reset || ec == asio::error::eof;
  state_->log(routine ? PD_LOG_DEBUG : PD_LOG_INFO,
              std::string("panel http ") + what + " from " + client_address_ + ": " + ec.message());
}

}  // namespace pd::panel
