#include "ami_session.h"

#include <chrono>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cinttypes>
#include <cstdio>
#include <iostream>

#include "ami_server.h"
#include "event_mask.h"

namespace pd::sim {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kBanner = "Asterisk Call Manager/11.0.0\r\n";

// "IPV4/TCP/127.0.0.1/5038", as Asterisk's security events print addresses.
std::string address_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  return std::string(address.is_v4() ? "IPV4" : "IPV6") + "/TCP/" + address.to_string() + "/" +
         std::to_string(endpoint.port());
}

}  // namespace

AmiSession::AmiSession(AmiServer& server, SessionId id, tcp::socket socket)
    : server_(server),
      id_(id),
      socket_(std::move(socket)),
      auth_timer_(socket_.get_executor()),
      login_pause_(socket_.get_executor()) {
  boost::system::error_code ec;
  if (auto local = socket_.local_endpoint(ec); !ec) local_address_ = address_text(local);
  if (auto remote = socket_.remote_endpoint(ec); !ec) remote_address_ = address_text(remote);
  created_epoch_ms_ = server_.clock_.epoch_ms(server_.clock_.now());
}

void AmiSession::start() {
  deliver(kBanner);
  auth_timer_.expires_after(server_.config_.auth_timeout);
  auth_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && !self->logged_in_) self->close();
  });
  do_read();
}

void AmiSession::close() {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  boost::system::error_code ignored;
  auth_timer_.cancel();
  login_pause_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  backlog_.clear();
  server_.remove(id_);  // may drop the map's reference: nothing after this line
}

void AmiSession::abort() {
  if (closing_) return;
  closing_ = true;
  pending_.clear();
  backlog_.clear();
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

// ---------------------------------------------------------------- input

void AmiSession::maybe_read() {
  if (reading_ || blocked_ || closing_) return;
  if (unsent_bytes() > server_.config_.write_limit_bytes / 4) return;  // on_write resumes
  do_read();
}

void AmiSession::do_read() {
  reading_ = true;
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t bytes) { self->on_read(ec, bytes); });
}

void AmiSession::on_read(const boost::system::error_code& ec, size_t bytes) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    // End of stream is how a client says goodbye without Logoff: not an error.
    if (ec != asio::error::eof && ec != asio::error::connection_reset &&
        ec != asio::error::operation_aborted)
      std::cerr << "pbx-sim: session " << id_ << ": read failed: " << ec.message() << "\n";
    close();
    return;
  }
  std::vector<Field> fields;
  const Status status = parser_.feed(std::string_view(read_buffer_.data(), bytes),
                                     [&](const pd::ami::MessageView& message) {
                                       fields.clear();
                                       for (const auto& f : message.fields())
                                         fields.emplace_back(f.key, f.value);
                                       on_action(ActionView(fields));
                                     });
  if (!status) {
    // Asterisk drops a connection whose framing it cannot follow.
    std::cerr << "pbx-sim: session " << id_ << ": " << status.error().describe() << "\n";
    close();
    return;
  }
  maybe_read();
}

void AmiSession::on_action(const ActionView& action) {
  if (closing_) return;
  ++server_.stats_.actions;
  if (pd::ami::iequals(action.action(), "Originate")) {
    server_.stats_.originate_rate.add(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }
  if (blocked_) {
    backlog_.emplace_back(action);
    return;
  }
  process(action);
}

// Runs the actions kept aside while blocked, then reads again.
void AmiSession::resume() {
  if (closing_) return;
  blocked_ = false;
  while (!blocked_ && !closing_ && !backlog_.empty()) {
    const OwnedAction next = std::move(backlog_.front());
    backlog_.pop_front();
    process(next.view());
  }
  maybe_read();
}

void AmiSession::process(const ActionView& action) {
  const std::string_view name = action.action();
  if (name.empty()) return reply(action, "Error", "Missing action in request");
  if (pd::ami::iequals(name, "Login")) return login(action);
  if (pd::ami::iequals(name, "Logoff")) return logoff(action);
  // Trace 12: anything else before Login is refused and the connection stays.
  if (!logged_in_) return reply(action, "Error", "Permission denied");
  if (pd::ami::iequals(name, "Ping")) return ping(action);
  if (pd::ami::iequals(name, "Events")) return events_action(action);

  server_.timers_.sync_to_clock();
  in_handle_ = true;
  finished_in_handle_ = false;
  const ActionResult result = server_.pbx_.handle(id_, action);
  in_handle_ = false;
  if (result == ActionResult::kDeferred && !finished_in_handle_) blocked_ = true;
  if (result == ActionResult::kUnknown) {
    reply(action, "Error",
          "Invalid/unknown command: " + std::string(name) +
              ". Use Action: ListCommands to show available commands.");
  }
}

void AmiSession::deferred_done(std::string_view message) {
  deliver(message);
  if (in_handle_) {
    finished_in_handle_ = true;
    return;
  }
  // Not from inside this Pbx call chain: go on with the backlog later, so the
  // Pbx is never re-entered while it is still emitting the events of this step.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->resume(); });
}

// ---------------------------------------------------------------- actions

void AmiSession::reply(const ActionView& action, std::string_view response,
                       std::string_view message) {
  FieldList f;
  f.add("Response", response);
  if (!action.action_id().empty()) f.add("ActionID", action.action_id());
  f.add("Message", message);
  std::string out;
  if (auto s = render(out, f); !s) {
    std::cerr << "pbx-sim: reply not sent: " << s.error().describe() << "\n";
    return;
  }
  deliver(out);
}

void AmiSession::login(const ActionView& action) {
  if (logged_in_) return reply(action, "Success", "Already authenticated");
  const std::string_view user = action.get("Username");
  const std::string_view secret = action.get("Secret");
  const std::string_view auth_type = action.get("AuthType");
  bool ok = false;
  if (auth_type.empty() || pd::ami::iequals(auth_type, "plain")) {
    for (const User& u : server_.scenario_.users)
      if (u.username == user && u.secret == secret) ok = true;
  }
  if (!ok) return failed_login(action);

  logged_in_ = true;
  username_ = std::string(user);
  auth_timer_.cancel();
  ++server_.stats_.logins;
  if (auto mask = parse_event_mask(action.get("Events"))) event_mask_ = *mask;
  reply(action, "Success", "Authentication accepted");

  server_.timers_.sync_to_clock();
  const SimMs now = server_.timers_.base_time();
  if (event_mask_ & event_class::kSystem) {
    FieldList booted;
    booted.add("Event", "FullyBooted")
        .add("Privilege", "system,all")
        .add_int("Uptime", now / 1000)
        .add_int("LastReload", now / 1000)
        .add("Status", "Fully Booted");
    std::string out;
    if (render(out, booted)) deliver(out);
  }
  // A security event: every session that listens to them hears of the login.
  char session_id[32];
  std::snprintf(session_id, sizeof session_id, "0x%" PRIx64,
                static_cast<uint64_t>(0x7f5000001000ULL + id_ * 0x1a0));
  FieldList auth;
  auth.add("Event", "SuccessfulAuth")
      .add("Privilege", "security,all")
      .add_copy("EventTV", event_tv(server_.clock_.epoch_ms(now)))
      .add("Severity", "Informational")
      .add("Service", "AMI")
      .add("EventVersion", "1")
      .add("AccountID", username_)
      .add("SessionID", session_id)
      .add("LocalAddress", local_address_)
      .add("RemoteAddress", remote_address_)
      .add("UsingPassword", "0")
      .add_copy("SessionTV", event_tv(created_epoch_ms_));
  std::string out;
  if (render(out, auth)) server_.broadcast(event_class::kSecurity, out);
}

// Traces 11 and 12: "Authentication failed" about a second later, then the
// connection closes; nothing the client sends meanwhile is answered.
void AmiSession::failed_login(const ActionView& action) {
  ++server_.stats_.failed_logins;
  blocked_ = true;
  FieldList f;
  f.add("Response", "Error");
  if (!action.action_id().empty()) f.add("ActionID", action.action_id());
  f.add("Message", "Authentication failed");
  std::string out;
  if (!render(out, f)) out.clear();
  login_pause_.expires_after(server_.clock_.real_delay(server_.config_.failed_login_pause));
  login_pause_.async_wait(
      [self = shared_from_this(), out = std::move(out)](const boost::system::error_code& ec) {
        if (ec || self->closed_) return;
        self->backlog_.clear();
        self->deliver(out);
        self->close_after_flush();
      });
}

// Asterisk's action_events: EventMask (Events accepted too) sets the mask.
void AmiSession::events_action(const ActionView& action) {
  std::string_view text = action.get("EventMask");
  if (text.empty()) text = action.get("Events");
  const auto mask = parse_event_mask(text);
  if (!mask) return reply(action, "Error", "Missing EventMask");
  event_mask_ = *mask;
  FieldList f;
  f.add("Response", "Success");
  if (!action.action_id().empty()) f.add("ActionID", action.action_id());
  f.add("Events", *mask != 0 ? "On" : "Off");
  std::string out;
  if (render(out, f)) deliver(out);
}

void AmiSession::ping(const ActionView& action) {
  server_.timers_.sync_to_clock();
  const int64_t epoch_ms = server_.clock_.epoch_ms(server_.timers_.base_time());
  char stamp[48];
  std::snprintf(stamp, sizeof stamp, "%" PRId64 ".%06" PRId64, epoch_ms / 1000,
                (epoch_ms % 1000) * 1000);
  FieldList f;
  f.add("Response", "Success");
  if (!action.action_id().empty()) f.add("ActionID", action.action_id());
  f.add("Ping", "Pong").add("Timestamp", stamp);
  std::string out;
  if (render(out, f)) deliver(out);
}

void AmiSession::logoff(const ActionView& action) {
  reply(action, "Goodbye", "Thanks for all the fish.");
  close_after_flush();
}

// ---------------------------------------------------------------- output

void AmiSession::deliver(std::string_view message) {
  if (closing_) return;
  if (pending_.size() + message.size() > server_.config_.write_limit_bytes) {
    drop("the client does not read its events");
    return;
  }
  pending_.append(message);
  if (!write_in_flight_) do_write();
}

void AmiSession::do_write() {
  writing_.clear();
  writing_.swap(pending_);
  write_in_flight_ = true;
  server_.stats_.bytes_sent += writing_.size();
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t bytes) {
                      self->on_write(ec, bytes);
                    });
}

void AmiSession::on_write(const boost::system::error_code& ec, size_t) {
  write_in_flight_ = false;
  if (closed_) return;
  if (ec) {
    if (ec != asio::error::broken_pipe && ec != asio::error::connection_reset)
      std::cerr << "pbx-sim: session " << id_ << ": write failed: " << ec.message() << "\n";
    close();
    return;
  }
  if (!pending_.empty()) {
    do_write();
  } else if (closing_) {
    close();
    return;
  } else if (writing_.capacity() > (1u << 20)) {
    std::string().swap(writing_);  // give back a burst's memory
  }
  maybe_read();
}

void AmiSession::close_after_flush() {
  closing_ = true;
  backlog_.clear();
  if (!write_in_flight_ && pending_.empty()) close();
}

void AmiSession::drop(std::string_view why) {
  if (closing_) return;
  ++server_.stats_.dropped;
  std::cerr << "pbx-sim: session " << id_ << " dropped: " << why << " (" << pending_.size()
            << " bytes waiting, " << (write_in_flight_ ? writing_.size() : 0)
            << " being written)\n";
  closing_ = true;
  pending_.clear();
  // Not now: this may run inside the server's loop over its sessions.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

}  // namespace pd::sim
