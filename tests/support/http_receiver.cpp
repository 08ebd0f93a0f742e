#include "pd/testing/http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace pd::testing {

HttpReceiver::HttpReceiver() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("receiver: socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("receiver: bind/listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpReceiver::~HttpReceiver() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    pd::MutexLock lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : connections_) t.join();
}

std::string HttpReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpReceiver::set_status(int status) {
  status_ = status;
}
void HttpReceiver::set_delay(std::chrono::milliseconds delay) {
  delay_ms_ = delay.count();
}
void HttpReceiver::on_request(std::function<void(const ReceivedRequest&)> hook) {
  pd::MutexLock lock(mutex_);
  hook_ = std::move(hook);
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  pd::MutexLock lock(mutex_);
  return requests_;
}

std::size_t HttpReceiver::count() const {
  pd::MutexLock lock(mutex_);
  return requests_.size();
}

std::size_t HttpReceiver::accepted() const {
  pd::MutexLock lock(mutex_);
  return static_cast<std::size_t>(std::count_if(requests_.begin(), requests_.end(), [](auto& r) {
    return r.answered >= 200 && r.answered < 300;
  }));
}

void HttpReceiver::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pd::MutexLock lock(mutex_);
    if (open_fds_.size() >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    open_fds_.push_back(fd);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void HttpReceiver::serve(int fd) {
  std::string buffer;
  char chunk[8192];
  auto fill = [&]() {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  while (!stopping_) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) goto done;
    }
    {
      ReceivedRequest request;
      const std::string head = buffer.substr(0, head_end);
      std::size_t line_end = head.find("\r\n");
      const std::string first = head.substr(0, line_end);
      const std::size_t sp1 = first.find(' ');
      const std::size_t sp2 = first.find(' ', sp1 + 1);
      request.method = first.substr(0, sp1);
      request.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
      std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
      while (at < head.size()) {
        std::size_t end = head.find("\r\n", at);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(at, end - at);
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return std::tolower(c); });
          std::size_t v = colon + 1;
          while (v < line.size() && line[v] == ' ') ++v;
          request.headers[name] = line.substr(v);
        }
        at = end + 2;
      }
      std::size_t length = 0;
      if (auto it = request.headers.find("content-length"); it != request.headers.end()) {
        length = std::stoul(it->second);
      }
      buffer.erase(0, head_end + 4);
      while (buffer.size() < length) {
        if (!fill()) goto done;
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      request.at = std::chrono::steady_clock::now();
      request.wall = std::chrono::system_clock::now();
      const long delay = delay_ms_.load();
      const int status = status_.load();
      if (delay > 0) {
        // Waits, but gives up at once when the sender hangs up (its timeout).
        pollfd p{fd, POLLRDHUP, 0};
        if (::poll(&p, 1, static_cast<int>(delay)) > 0) goto done;
      }
      request.answered = status;
      std::function<void(const ReceivedRequest&)> hook;
      {
        pd::MutexLock lock(mutex_);
        requests_.push_back(request);
        hook = hook_;
      }
      if (hook) hook(request);
      const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 (status < 300 ? " OK" : " Error") +
                                 "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
      if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) goto done;
    }
  }
done:
  pd::MutexLock lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

}  // namespace pd::testing
