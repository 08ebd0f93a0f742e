#include "ami_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pd::sim::testing {

std::string Message::get(const std::string& key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return {};
}

bool Message::has(const std::string& key) const {
  for (const auto& field : fields)
    if (field.first == key) return true;
  return false;
}

std::vector<std::string> Message::keys() const {
  std::vector<std::string> keys;
  for (const auto& field : fields) keys.push_back(field.first);
  return keys;
}

bool Message::is_event(const std::string& name) const {
  return !fields.empty() && fields[0].first == "Event" && fields[0].second == name;
}

bool Message::is_response_to(const std::string& action_id) const {
  return !fields.empty() && fields[0].first == "Response" && get("ActionID") == action_id;
}

std::string Message::first_line() const {
  return fields.empty() ? std::string() : fields[0].first + ": " + fields[0].second;
}

AmiClient::AmiClient(int port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (receive_buffer > 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("connect to port " + std::to_string(port) + ": " +
                             std::strerror(errno));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (parser_.banner().empty() && !closed_ && std::chrono::steady_clock::now() < deadline)
    read_some(std::chrono::milliseconds(100));
  banner_ = std::string(parser_.banner());
}

AmiClient::~AmiClient() {
  if (fd_ >= 0) ::close(fd_);
}

// Reads while it waits to write: a server that stops taking actions until its
// replies are read (pbx-sim does) must not dead-lock the test.
void AmiClient::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd_, static_cast<short>(POLLOUT | (closed_ ? 0 : POLLIN)), 0};
    if (::poll(&p, 1, static_cast<int>(kWait.count())) <= 0)
      throw std::runtime_error("send: the server took nothing for " +
                               std::to_string(kWait.count()) + " ms");
    if (p.revents & POLLIN) read_some(std::chrono::milliseconds(0));
    if (!(p.revents & (POLLOUT | POLLERR | POLLHUP))) continue;
    const ssize_t n =
        ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
}

void AmiClient::send(const Fields& action) {
  std::string bytes;
  for (const auto& [k, v] : action) bytes += k + ": " + v + "\r\n";
  bytes += "\r\n";
  send_raw(bytes);
}

bool AmiClient::read_some(std::chrono::milliseconds timeout) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  char buffer[64 * 1024];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  raw_.append(buffer, static_cast<size_t>(n));
  const pd::Status status = parser_.feed(
      std::string_view(buffer, static_cast<size_t>(n)), [&](const pd::ami::MessageView& view) {
        Message message;
        for (const auto& f : view.fields())
          message.fields.emplace_back(std::string(f.key), std::string(f.value));
        messages_.push_back(std::move(message));
      });
  if (!status) throw std::runtime_error("pbx-sim broke AMI framing: " + status.error().describe());
  return true;
}

void AmiClient::poll() {
  while (read_some(std::chrono::milliseconds(0))) {
  }
}

std::optional<size_t> AmiClient::wait_for(const Predicate& want, size_t from,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t next = from;
  while (true) {
    for (; next < messages_.size(); ++next)
      if (want(messages_[next])) return next;
    const auto now = std::chrono::steady_clock::now();
    if (closed_ || now >= deadline) return std::nullopt;
    read_some(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
}

Message AmiClient::request(const Fields& action, std::chrono::milliseconds timeout) {
  std::string id;
  for (const auto& [k, v] : action)
    if (k == "ActionID") id = v;
  REQUIRE_MESSAGE(!id.empty(), "request() needs an ActionID");
  const size_t from = messages_.size();
  send(action);
  auto at = wait_for([&](const Message& m) { return m.is_response_to(id); }, from, timeout);
  REQUIRE_MESSAGE(at.has_value(), "no response to " << id);
  return messages_[*at];
}

void AmiClient::login(const std::string& user, const std::string& secret) {
  const Message reply = request(
      {{"Action", "Login"}, {"ActionID", "login-1"}, {"Username", user}, {"Secret", secret}});
  REQUIRE(reply.get("Response") == "Success");
  REQUIRE(reply.get("Message") == "Authentication accepted");
}

bool AmiClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline)
    read_some(std::chrono::milliseconds(50));
  return closed_;
}

size_t AmiClient::count(const Predicate& want, size_t from) const {
  size_t n = 0;
  for (size_t i = from; i < messages_.size(); ++i)
    if (want(messages_[i])) ++n;
  return n;
}

}  // namespace pd::sim::testing
