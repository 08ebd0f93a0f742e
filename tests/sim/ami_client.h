// A plain blocking AMI client for the integration tests: one TCP connection
// to pbx-sim, every byte and every message it received kept for checks.
// Test-only code: failures throw or fail the current doctest check.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pd/ami/parser.h"

namespace pd::sim::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Message {
  Fields fields;

  // First value of `key` (exact case, as sent); empty when absent.
  std::string get(const std::string& key) const;
  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;
  bool is_event(const std::string& name) const;
  bool is_response_to(const std::string& action_id) const;
  // "Event: Name" or "Response: Value": the first line.
  std::string first_line() const;
};

using Predicate = std::function<bool(const Message&)>;
inline constexpr std::chrono::milliseconds kWait{10000};

class AmiClient {
 public:
  // Connects to 127.0.0.1:port and waits for the banner. A receive_buffer > 0
  // fixes the socket's receive buffer (no autotuning), for a client that
  // plays a slow reader.
  explicit AmiClient(int port, int receive_buffer = 0);
  ~AmiClient();
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  // "Action: ...\r\n" for each field, then a blank line.
  void send(const Fields& action);
  void send_raw(const std::string& bytes);

  // The index of the first message from `from` on that satisfies `want`,
  // reading as needed; nullopt on timeout or when the server closed first.
  // `want` sees each message once, in order, so it may count as it goes.
  std::optional<size_t> wait_for(const Predicate& want, size_t from = 0,
                                 std::chrono::milliseconds timeout = kWait);
  // Sends `action` (which must carry an ActionID) and waits for its Response.
  Message request(const Fields& action, std::chrono::milliseconds timeout = kWait);
  // Logs in as the rig's user; REQUIREs success.
  void login(const std::string& user = "dialer", const std::string& secret = "dialersecret");
  // Reads until the server closes the connection; false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout = kWait);
  // Reads whatever has arrived, without waiting.
  void poll();

  const std::string& banner() const { return banner_; }
  const std::string& raw() const { return raw_; }  // every byte, banner included
  const std::vector<Message>& messages() const { return messages_; }
  size_t count(const Predicate& want, size_t from = 0) const;
  bool closed() const { return closed_; }

 private:
  // Waits up to `timeout` for bytes; false when none came or the peer closed.
  bool read_some(std::chrono::milliseconds timeout);

  int fd_ = -1;
  pd::ami::Parser parser_{pd::ami::Parser::Start::kExpectBanner};
  std::string banner_;
  std::string raw_;
  std::vector<Message> messages_;
  bool closed_ = false;
};

}  // namespace pd::sim::testing
