#include "pd/panel/panel_server.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "http_session.h"
#include "paneldialer/pd_plugin.h"
#include "server_state.h"
#include "websocket_session.h"

namespace pd::panel {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kPanelOpen = R"({"type":"panel.open"})";
constexpr std::string_view kPanelClose = R"({"type":"panel.close"})";

pd::Result<tcp::endpoint> parse_listen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    return pd::fail(pd::Error::invalid("listen must be \"address:port\": " + std::string(listen)));
  }
  std::string host(listen.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string_view port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return pd::fail(
        pd::Error::invalid("listen port is not a number 0-65535: " + std::string(listen)));
  }
  boost::system::error_code address_error;
  const auto address = asio::ip::make_address(host, address_error);
  if (address_error) {
    return pd::fail(
        pd::Error::invalid("listen address must be a numeric IP: " + std::string(listen)));
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

// SO_REUSEADDR lets a restarted panelhost bind while the connections of the
// one before linger (TIME_WAIT, FIN_WAIT). It does not help while that process
// is still exiting and its listener still open: a restart within milliseconds
// of a kill -9 (a script, a supervisor that does not wait) meets exactly that.
// So "address in use" is retried for a moment, as nginx does, before giving up.
constexpr std::chrono::milliseconds kBindPatience{3000};
constexpr std::chrono::milliseconds kBindRetryEvery{50};

boost::system::error_code listen_once(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec && acceptor.is_open()) {
    boost::system::error_code ignored;  // the bind error is the one reported
    acceptor.close(ignored);
  }
  return ec;
}

void do_accept(const std::shared_ptr<PanelServer::State>& state) {
  state->acceptor.async_accept(
      [weak = std::weak_ptr(state)](boost::system::error_code ec, tcp::socket socket) {
        const auto state = weak.lock();
        if (!state || state->stopped) return;
        if (ec) {
          state->log(PD_LOG_WARN, "panel accept: " + ec.message());
        } else {
          std::make_shared<HttpSession>(state, std::move(socket))->run();
        }
        do_accept(state);
      });
}

}  // namespace

PanelServer::State::State(asio::io_context& io_context, PanelConfig panel_config,
                          Callbacks panel_callbacks)
    : io(io_context),
      config(std::move(panel_config)),
      callbacks(std::move(panel_callbacks)),
      acceptor(io_context),
      tokens(config.session_lifetime),
      login_guard(config.max_login_failures, config.login_failure_window) {}

namespace {
std::array<unsigned char, 32> sha256_of(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}
}  // namespace

const PanelServer::State::ApiRoute* PanelServer::State::api_route_of(std::string_view path) const {
  for (const ApiRoute& route : api_routes) {
    if (path.starts_with(route.prefix)) return &route;
  }
  return nullptr;
}

std::optional<ApiTokenDigest> PanelServer::State::api_token_of(std::string_view secret) const {
  const auto presented = sha256_of(secret);
  std::optional<ApiTokenDigest> found;
  for (const ApiTokenDigest& token : api_tokens) {  // no early exit: every token costs the same
    if (CRYPTO_memcmp(presented.data(), token.digest.data(), presented.size()) == 0) found = token;
  }
  return found;
}

void PanelServer::State::log(int level, std::string_view line) const {
  if (callbacks.on_log) callbacks.on_log(level, line);
}

void PanelServer::State::deliver(std::string_view agent, std::string_view json) const {
  if (stopped || !callbacks.on_message) return;
  callbacks.on_message(agent, json);
}

void PanelServer::State::panel_opened(const std::string& agent, WebSocketSession* session) {
  auto& tabs = panels[agent];
  tabs.push_back(session);
  log(PD_LOG_INFO,
      "panel of agent " + agent + " opened (" + std::to_string(tabs.size()) + " tab(s))");
  if (tabs.size() == 1) deliver(agent, kPanelOpen);
}

void PanelServer::State::panel_closed(const std::string& agent, WebSocketSession* session,
                                      bool notify) {
  const auto it = panels.find(agent);
  if (it == panels.end()) return;
  std::erase(it->second, session);
  if (!it->second.empty()) return;
  panels.erase(it);
  log(PD_LOG_INFO, "last panel of agent " + agent + " closed");
  if (notify) deliver(agent, kPanelClose);
}

void PanelServer::State::close_panels_of_token(const std::string& agent, std::string_view token) {
  const auto it = panels.find(agent);
  if (it == panels.end()) return;
  const auto tabs = it->second;  // force_close never re-enters, but stay safe against edits
  for (WebSocketSession* tab : tabs) {
    if (tab->token() == token) tab->force_close();
  }
}

std::uint64_t PanelServer::State::track(Connection* connection) {
  const std::uint64_t id = next_connection_id++;
  connections.emplace(id, connection);
  return id;
}

pd::Result<std::unique_ptr<PanelServer>> PanelServer::start(asio::io_context& io,
                                                            PanelConfig config,
                                                            Callbacks callbacks) {
  const auto endpoint = parse_listen(config.listen);
  if (!endpoint) return pd::fail(endpoint.error());

  auto state = std::make_shared<State>(io, std::move(config), std::move(callbacks));
  for (const auto& agent : state->config.agents) {
    if (agent.extension.empty()) return pd::fail(pd::Error::invalid("an agent has no extension"));
    if (!is_secret_hash(agent.secret_hash)) {
      return pd::fail(pd::Error::invalid("agent " + agent.extension +
                                         ": secret_hash is not a panelhost-hash-secret output"));
    }
    if (!state->accounts.emplace(agent.extension, agent).second) {
      return pd::fail(pd::Error::invalid("agent " + agent.extension + " is listed twice"));
    }
  }
  for (const ApiToken& token : state->config.api_tokens) {
    if (token.name.empty() || token.secret.size() < 16) {
      return pd::fail(pd::Error::invalid("api token \"" + token.name +
                                         "\": needs a name and a secret of 16 characters or more"));
    }
    for (const ApiTokenDigest& other : state->api_tokens) {
      if (other.name == token.name) {
        return pd::fail(pd::Error::invalid("api token \"" + token.name + "\" is listed twice"));
      }
    }
    state->api_tokens.push_back({token.name, sha256_of(token.secret), token.write});
  }
  if (state->config.api_max_in_flight == 0) state->config.api_max_in_flight = 1;
  if (auto shell = state->files.add("/", state->config.shell_dir); !shell) {
    return pd::fail(pd::Error::invalid("shell_dir: " + shell.error().message));
  }

  // Called before the host runs its io_context: waiting here holds up nothing.
  auto ec = listen_once(state->acceptor, *endpoint);
  if (ec == asio::error::address_in_use) {
    state->log(PD_LOG_WARN, "panel server: " + state->config.listen +
                                " is in use (a panelhost still exiting?); retrying for up to " +
                                std::to_string(kBindPatience.count()) + " ms");
    const auto deadline = std::chrono::steady_clock::now() + kBindPatience;
    while (ec == asio::error::address_in_use && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kBindRetryEvery);
      ec = listen_once(state->acceptor, *endpoint);
    }
  }
  if (ec) {
    return pd::fail(pd::Error::io("panel server cannot listen on " + state->config.listen + ": " +
                                  ec.message()));
  }
  do_accept(state);
  state->log(PD_LOG_INFO, "panel server listening on " + state->config.listen);
  return std::unique_ptr<PanelServer>(new PanelServer(std::move(state)));
}

PanelServer::PanelServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

PanelServer::~PanelServer() {
  stop();
}

int PanelServer::send(std::string_view agent, std::string_view json) {
  if (state_->stopped) return PD_ESTATE;
  const auto it = state_->panels.find(std::string(agent));
  if (it == state_->panels.end()) return PD_ENOTFOUND;
  const auto message = std::make_shared<const std::string>(json);
  const auto tabs = it->second;  // queue() may close a slow tab
  for (WebSocketSession* tab : tabs) tab->queue(message);
  return PD_OK;
}

pd::Status PanelServer::add_static_mount(std::string url_prefix, std::string dir) {
  if (url_prefix == "/") return pd::fail(pd::Error::invalid("\"/\" is the shell's mount"));
  return state_->files.add(std::move(url_prefix), dir);
}

pd::Status PanelServer::add_api_route(std::string prefix, ApiHandler handler) {
  if (!prefix.starts_with("/api/") || !prefix.ends_with("/") || prefix.size() < 6 || !handler ||
      prefix.find("..") != std::string::npos) {
    return pd::fail(pd::Error::invalid("API route prefix must be \"/api/<name>/\": " + prefix));
  }
  for (const auto& route : state_->api_routes) {
    if (route.prefix.starts_with(prefix) || prefix.starts_with(route.prefix)) {
      return pd::fail(
          pd::Error::conflict("API route prefix " + prefix + " overlaps " + route.prefix));
    }
  }
  state_->api_routes.push_back({std::move(prefix), std::move(handler)});
  return {};
}

int PanelServer::api_reply(std::uint64_t id, int status, std::string_view json) {
  if (status < 100 || status > 599) return PD_EINVAL;
  const auto it = state_->api_waiting.find(id);
  if (it == state_->api_waiting.end()) return PD_ENOTFOUND;
  const auto session = it->second.lock();
  state_->api_waiting.erase(it);
  if (!session || state_->stopped) return PD_ENOTFOUND;
  session->finish_api(status, std::string(json));
  return PD_OK;
}

std::size_t PanelServer::api_in_flight() const {
  return state_->api_waiting.size();
}

std::uint16_t PanelServer::port() const {
  boost::system::error_code ec;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void PanelServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  std::vector<Connection*> open;
  for (const auto& [id, connection] : state_->connections) open.push_back(connection);
  for (Connection* connection : open) connection->force_close();
  state_->api_waiting.clear();
  state_->verifier.join();  // a login being checked finishes; its answer is dropped
  state_->log(PD_LOG_INFO, "panel server stopped");
}

}  // namespace pd::panel
