// The agent panel server: HTTP (login, static files) and one WebSocket per
// browser tab, carrying JSON texts between an agent's panels and the plugin.
//
// Threads.  The server runs on the io_context it is started with, which ONE
// thread runs (the host loop). start(), send(), add_static_mount(), port()
// and stop() must be called on that thread (or before it runs); every
// callback is made on it. Secret verification (PBKDF2, deliberately slow)
// runs on one private worker thread so a login never stalls the loop.
//
// Sessions.  A login yields a random 256-bit token kept in memory only (12 h
// by default): after a host restart every token is unknown, the browser's
// reconnect is refused and the page goes back to the login form with a
// message saying so. No signing key to manage or leak; agents log in again.
//
// What reaches the plugin.  Every WebSocket text that is a JSON object with a
// string "type" (anything else gets an `error` message back; the connection
// stays). The browser may not send "panel.open" / "panel.close": the server
// makes those itself, when an agent's first tab opens and its last closes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "pd/panel/secret.h"
#include "pd/result.h"

namespace pd::panel {

struct AgentAccount {
  std::string extension;    // what the agent types to log in; the plugin's agent id
  std::string secret_hash;  // hash_secret() output: "pbkdf2-sha256$<iter>$<salt>$<hash>"
  std::string name;         // shown in the panel header
};

// A bearer token for the HTTP API (the config's "api.tokens"): `name` is
// what the log and the plugin see, `secret` what the client sends
// ("Authorization: Bearer <secret>"), `write` whether it may change anything
// (a read token gets GET and HEAD only; 403 otherwise).
struct ApiToken {
  std::string name;
  std::string secret;
  bool write = false;
};

struct PanelConfig {
  std::string listen = "127.0.0.1:8088";  // "host:port"; port 0 picks a free one (see port())
  std::vector<AgentAccount> agents;
  std::string shell_dir;                // the host's web shell (host-stub/panel/web), served at "/"
  std::size_t max_message = 64 * 1024;  // a bigger WebSocket message closes that tab
  std::size_t max_queued_bytes = 1 << 20;  // per tab; a tab that falls further behind is closed
  std::chrono::seconds session_lifetime = std::chrono::hours(12);
  std::chrono::seconds http_timeout = std::chrono::seconds(30);
  std::chrono::seconds ws_idle_timeout = std::chrono::seconds(30);  // pings at half of it
  // Failed logins: every refusal waits this long, and an address with more
  // than max_login_failures within login_failure_window is told to wait.
  std::chrono::milliseconds failed_login_delay = std::chrono::milliseconds(300);
  int max_login_failures = 10;
  std::chrono::seconds login_failure_window = std::chrono::minutes(5);
  // The HTTP API (docs/API.md): its tokens (none: every API request is
  // refused 401), the body limit (413 beyond), the requests waiting for a
  // plugin's answer at once (503 beyond: the bound of the in-flight table)
  // and how long one waits (504 after).
  std::vector<ApiToken> api_tokens;
  std::size_t api_max_body = 1 << 20;
  std::size_t api_max_in_flight = 64;
  std::chrono::seconds api_timeout = std::chrono::seconds(30);
};

// One authenticated API request for a route's handler. Views valid only
// during the handler's call.
struct ApiRequest {
  std::uint64_t id = 0;  // answer it with PanelServer::api_reply(id, ...)
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::string_view body;
  std::string_view token_name;
  bool write = false;  // the token's scope
};
// Returns PD_OK when it will answer through api_reply (exactly once); any
// other code and the server answers 503 at once. Called on the host loop.
using ApiHandler = std::function<int(const ApiRequest& request)>;

struct Callbacks {
  // A message for the plugin: `agent` is the authenticated extension, `json`
  // a JSON object text with a string "type". Both views are valid only during
  // the call. May call PanelServer::send() re-entrantly.
  std::function<void(std::string_view agent, std::string_view json)> on_message;
  // Optional. One log line; level is a pd_log_level (PD_LOG_DEBUG..PD_LOG_ERROR).
  std::function<void(int level, std::string_view line)> on_log;
};

class PanelServer {
 public:
  // Binds, listens and starts accepting. Fails with kInvalidArgument (bad
  // listen address, agent with an unparsable secret_hash, duplicate
  // extension, shell_dir not a folder) or kIOError (bind/listen failed).
  static pd::Result<std::unique_ptr<PanelServer>> start(boost::asio::io_context& io,
                                                        PanelConfig config, Callbacks callbacks);

  // Stops (as stop()) if still running.
  ~PanelServer();
  PanelServer(const PanelServer&) = delete;
  PanelServer& operator=(const PanelServer&) = delete;

  // Queues `json` (copied) for every open tab of `agent`. PD_OK, PD_ENOTFOUND
  // when the agent has no open panel (dropped), PD_ESTATE after stop(). The
  // text is passed as is: the plugin is trusted to send JSON objects.
  int send(std::string_view agent, std::string_view json);

  // Serves the files under `dir` at `url_prefix` (must start and end with
  // '/', e.g. "/plugins/paneldialer/"). Longest prefix wins; the shell is the
  // "/" mount. A mount whose folder holds panel.js is listed to the browser as
  // a panel module (GET /api/session): the shell imports it and calls its
  // mount(); panel.css beside it is loaded too. kInvalidArgument for a bad
  // prefix or a folder that does not exist.
  pd::Status add_static_mount(std::string url_prefix, std::string dir);

  // Serves the API requests whose path starts with `prefix` (must start with
  // "/api/", end with '/', and not be a prefix of another route's or have one
  // as its own: kInvalidArgument, kConflict). Requests are authenticated here
  // (bearer token: 401 without one or with an unknown one, 403 for a read
  // token on a method other than GET/HEAD) before the handler sees them.
  pd::Status add_api_route(std::string prefix, ApiHandler handler);

  // Answers API request `id` with `status` and the JSON text `json`. PD_OK;
  // PD_ENOTFOUND when it waits no more (answered, timed out, the client
  // left); PD_EINVAL for a status outside 100..599.
  int api_reply(std::uint64_t id, int status, std::string_view json);

  // API requests waiting for their answer now (at most api_max_in_flight).
  std::size_t api_in_flight() const;

  // The bound TCP port (useful with listen port 0).
  std::uint16_t port() const;

  // Closes the listener and every connection; no callback is made after it
  // returns (panel.close is not sent: the plugin is stopping too). Idempotent.
  void stop();

  struct State;  // internal

 private:
  explicit PanelServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace pd::panel
