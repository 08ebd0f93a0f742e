// What every session of one PanelServer shares. Host loop only, except
// `verifier` (its tasks run on its own thread and post results back).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connection.h"
#include "login_guard.h"
#include "pd/panel/panel_server.h"
#include "static_files.h"
#include "token_store.h"

namespace pd::panel {

class WebSocketSession;
class HttpSession;

// An API token as kept: the SHA-256 of its secret (compared in constant time
// with the presented one's digest, so neither its bytes nor its length leak).
struct ApiTokenDigest {
  std::string name;
  std::array<unsigned char, 32> digest{};
  bool write = false;
};

struct PanelServer::State {
  State(boost::asio::io_context& io_context, PanelConfig panel_config, Callbacks panel_callbacks);

  boost::asio::io_context& io;
  PanelConfig config;
  Callbacks callbacks;
  boost::asio::ip::tcp::acceptor acceptor;
  StaticFiles files;
  TokenStore tokens;
  LoginGuard login_guard;
  std::unordered_map<std::string, AgentAccount> accounts;  // by extension
  boost::asio::thread_pool verifier{1};
  bool stopped = false;

  // Open panels (accepted WebSockets) by agent; an entry is never empty.
  std::unordered_map<std::string, std::vector<WebSocketSession*>> panels;
  // Every live connection, so that stop() can close them all.
  std::unordered_map<std::uint64_t, Connection*> connections;
  std::uint64_t next_connection_id = 1;

  // The HTTP API: routes (longest prefix first: none is a prefix of another),
  // tokens, and the requests waiting for their answer, by id (at most
  // config.api_max_in_flight; an entry goes when answered or timed out).
  struct ApiRoute {
    std::string prefix;
    ApiHandler handler;
  };
  std::vector<ApiRoute> api_routes;
  std::vector<ApiTokenDigest> api_tokens;
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> api_waiting;
  std::uint64_t next_api_id = 1;
  const ApiRoute* api_route_of(std::string_view path) const;
  // The token whose secret is `secret`, checked against every token in
  // constant time; nullopt when none.
  std::optional<ApiTokenDigest> api_token_of(std::string_view secret) const;

  void log(int level, std::string_view line) const;
  // Hands a browser message to the plugin (not after stop()).
  void deliver(std::string_view agent, std::string_view json) const;
  // A tab's WebSocket is open / gone; the first and last of an agent tell the plugin.
  void panel_opened(const std::string& agent, WebSocketSession* session);
  void panel_closed(const std::string& agent, WebSocketSession* session, bool notify);
  // Closes every open tab that logged in with `token` (logout).
  void close_panels_of_token(const std::string& agent, std::string_view token);

  std::uint64_t track(Connection* connection);
  void untrack(std::uint64_t id) { connections.erase(id); }
};

}  // namespace pd::panel
