#include "ami_client.h"

#include <algorithm>
#include <array>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "pd/ami/writer.h"

namespace pd::host {

namespace asio = boost::asio;
using boost::system::error_code;
using pd::ami::FieldView;

namespace {

// Asterisk answers a failed Login with "Authentication failed" about a second
// later and then closes; telling it apart from other errors makes the log useful.
bool is_auth_failure(const pd::ami::MessageView& message) {
  return pd::ami::iequals(message.get("Response"), "Error") &&
         message.get("Message").find("uthentication") != std::string_view::npos;
}

}  // namespace

AmiClient::AmiClient(asio::io_context& io, AmiClientOptions options, Callbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      resolver_(io),
      socket_(io),
      retry_timer_(io),
      ping_timer_(io),
      pace_timer_(io),
      stop_timer_(io),
      backoff_(options_.backoff_first, options_.backoff_cap),
      // A burst of a tenth of a second's worth keeps pacing smooth at high rates.
      bucket_(options_.rate, std::max(1.0, options_.rate / 10.0)),
      parser_(pd::ami::Parser::Start::kExpectBanner) {}

AmiClient::~AmiClient() {
  ++generation_;
  error_code ignored;
  socket_.close(ignored);
}

void AmiClient::start() {
  if (state_ != State::kIdle) return;
  connect();
}

void AmiClient::connect() {
  state_ = State::kConnecting;
  const uint64_t generation = generation_;
  resolver_.async_resolve(
      options_.host, std::to_string(options_.port),
      [this, generation](const error_code& error, asio::ip::tcp::resolver::results_type results) {
        if (generation != generation_ || state_ != State::kConnecting) return;
        if (error) {
          link_lost("cannot resolve " + options_.host + ": " + error.message());
          return;
        }
        asio::async_connect(socket_, results,
                            [this, generation](const error_code& connect_error, const auto&) {
                              if (generation != generation_) return;
                              on_connected(connect_error);
                            });
      });
}

void AmiClient::on_connected(const error_code& error) {
  if (state_ != State::kConnecting) return;
  if (error) {
    link_lost("cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " +
              error.message());
    return;
  }
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  parser_.reset();
  state_ = State::kBanner;
  read();
}

void AmiClient::read() {
  const uint64_t generation = generation_;
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, generation](const error_code& error, size_t bytes) {
                            if (generation != generation_) return;
                            on_read(error, bytes);
                          });
}

void AmiClient::on_read(const error_code& error, size_t bytes) {
  if (error) {
    if (state_ == State::kStopping) {
      close_socket();
      return;
    }
    link_lost(error == asio::error::eof ? "Asterisk closed the connection" : error.message());
    return;
  }
  const uint64_t generation = generation_;
  const auto status = parser_.feed(std::string_view(read_buffer_.data(), bytes),
                                   [this, generation](const pd::ami::MessageView& message) {
                                     // A handler may have closed the link mid-chunk.
                                     if (generation == generation_) handle(message);
                                   });
  if (generation != generation_) return;
  if (!status) {
    link_lost("AMI framing error: " + status.error().message);
    return;
  }
  if (state_ == State::kBanner && !parser_.banner().empty()) {
    log(PD_LOG_DEBUG, "banner: " + std::string(parser_.banner()));
    state_ = State::kLogin;
    send_own("Login", {{"Username", options_.user}, {"Secret", options_.secret}});
  }
  read();
}

void AmiClient::handle(const pd::ami::MessageView& message) {
  const std::string_view action_id = message.get("ActionID");
  if (action_id.starts_with(kOwnActionPrefix)) {
    handle_own_answer(message, action_id);
    return;
  }
  if (state_ != State::kUp && state_ != State::kStopping) return;  // before login: not for plugins
  ++stats_.messages_in;
  if (message.is_event()) ++stats_.events_in;
  if (callbacks_.on_message) callbacks_.on_message(message);
}

void AmiClient::handle_own_answer(const pd::ami::MessageView& message, std::string_view action_id) {
  if (!message.is_response()) return;
  const bool success = pd::ami::iequals(message.get("Response"), "Success");
  if (state_ == State::kLogin) {
    if (!success) {
      ++stats_.login_failures;
      const std::string why = is_auth_failure(message)
                                  ? "AMI login refused for user '" + options_.user +
                                        "': authentication failed (check ami.user / ami.secret)"
                                  : "AMI login refused: " + std::string(message.get("Message"));
      link_lost(why);
      return;
    }
    state_ = State::kEvents;
    send_own("Events", {{"EventMask", "on"}});
    return;
  }
  if (state_ == State::kEvents) {
    if (!success) log(PD_LOG_WARN, "Events: on refused: " + std::string(message.get("Message")));
    state_ = State::kUp;
    ++stats_.connects;
    backoff_.reset();
    log(PD_LOG_INFO, "AMI link up (" + options_.host + ":" + std::to_string(options_.port) +
                         ", user " + options_.user + ")");
    arm_ping();
    if (callbacks_.on_link) callbacks_.on_link(true);
    pump_queue();
    return;
  }
  if (action_id == ping_outstanding_) {
    ping_outstanding_.clear();
    arm_ping();
    return;
  }
  if (state_ == State::kStopping && action_id == logoff_id_) close_socket();
}

void AmiClient::send_own(std::string_view action, std::initializer_list<FieldView> extra) {
  const std::string action_id = std::string(kOwnActionPrefix) + std::to_string(++own_sequence_);
  std::vector<FieldView> fields;
  fields.reserve(extra.size() + 2);
  fields.push_back({"Action", action});
  fields.push_back({"ActionID", action_id});
  fields.insert(fields.end(), extra.begin(), extra.end());
  std::string bytes;
  if (auto ok = pd::ami::append_message(bytes, fields); !ok) {
    // Only the configured user/secret can be bad here.
    link_lost("cannot send " + std::string(action) + ": " + ok.error().message);
    return;
  }
  if (action == "Ping") ping_outstanding_ = action_id;
  if (action == "Logoff") logoff_id_ = action_id;
  write_raw(bytes);
}

int AmiClient::send(std::span<const FieldView> fields, std::string_view action_id, std::string* why,
                    uint32_t owner) {
  auto refuse = [&](int code, std::string text) {
    ++stats_.actions_refused;
    if (why) *why = std::move(text);
    return code;
  };
  if (fields.empty() || !pd::ami::iequals(fields[0].key, "Action")) {
    return refuse(PD_EINVAL, "the first field must be Action");
  }
  if (state_ != State::kUp) return refuse(PD_ENOLINK, "AMI link is down");
  if (owner != kNoOwner && owner >= kMaxOwners) return refuse(PD_EINVAL, "bad owner");
  if (queued() >= options_.queue_max) {
    return refuse(PD_EAGAIN, "AMI send queue full (" + std::to_string(options_.queue_max) + ")");
  }
  std::vector<FieldView> with_id;
  with_id.reserve(fields.size() + 1);
  with_id.push_back(fields[0]);
  with_id.push_back({"ActionID", action_id});
  for (const FieldView& field : fields.subspan(1)) {
    if (pd::ami::iequals(field.key, "ActionID")) continue;  // ours replaces the caller's
    with_id.push_back(field);
  }
  std::string bytes;
  if (auto ok = pd::ami::append_message(bytes, with_id); !ok) {
    return refuse(PD_EINVAL, ok.error().message);
  }
  queue_.push_back({std::move(bytes), std::string(action_id), owner, now_ms()});
  if (owner != kNoOwner) {
    if (queued_by_owner_.size() <= owner) queued_by_owner_.resize(owner + 1, 0);
    ++queued_by_owner_[owner];
  }
  pump_queue();
  return PD_OK;
}

void AmiClient::uncount(uint32_t owner) {
  if (owner < queued_by_owner_.size() && queued_by_owner_[owner] > 0) --queued_by_owner_[owner];
}

int64_t AmiClient::oldest_wait_ms(uint32_t owner) const {
  // The reports are older than the queue; both are in send order.
  for (const Report& report : outgoing_reports_) {
    if (report.owner == owner) return std::max<int64_t>(0, now_ms() - report.queued_ms);
  }
  if (queued(owner) == 0) return 0;
  for (const Queued& action : queue_) {
    if (action.owner == owner) return std::max<int64_t>(0, now_ms() - action.queued_ms);
  }
  return 0;
}

// At a link loss or a stop: what still waits is never written.
void AmiClient::discard_queue() {
  stats_.actions_dropped += queue_.size() + outgoing_reports_.size();
  queue_.clear();
  outgoing_reports_.clear();
  std::fill(queued_by_owner_.begin(), queued_by_owner_.end(), 0);
}

void AmiClient::pump_queue() {
  if (state_ != State::kUp) return;
  while (!queue_.empty()) {
    const int64_t now = now_ms();
    if (!bucket_.try_take(now)) {
      arm_pacing_timer(bucket_.wait_ms(now));
      break;
    }
    ++stats_.actions_sent;
    Queued& action = queue_.front();
    outgoing_ += action.bytes;
    outgoing_reports_.push_back({std::move(action.action_id), action.owner, action.queued_ms});
    queue_.pop_front();
  }
  flush();
}

void AmiClient::arm_pacing_timer(int64_t wait_ms) {
  if (pace_timer_armed_) return;
  pace_timer_armed_ = true;
  const uint64_t generation = generation_;
  pace_timer_.expires_after(Millis(std::max<int64_t>(1, wait_ms)));
  pace_timer_.async_wait([this, generation](const error_code& error) {
    if (generation != generation_) return;
    pace_timer_armed_ = false;
    if (!error) pump_queue();
  });
}

void AmiClient::write_raw(std::string_view bytes) {
  outgoing_ += bytes;
  flush();
}

void AmiClient::flush() {
  if (write_in_flight_ || outgoing_.empty() || !socket_.is_open()) return;
  write_in_flight_ = true;
  writing_.swap(outgoing_);
  outgoing_.clear();
  if (!outgoing_reports_.empty()) {
    // The bytes go to the socket now: each action leaves the host.
    std::vector<Report> reports;
    reports.swap(outgoing_reports_);
    const int64_t written =
        std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (const Report& report : reports) {
      if (report.owner == kNoOwner) continue;
      uncount(report.owner);
      if (callbacks_.on_written) callbacks_.on_written(report.owner, report.action_id, written);
    }
  }
  const uint64_t generation = generation_;
  asio::async_write(socket_, asio::buffer(writing_),
                    [this, generation](const error_code& error, size_t) {
                      if (generation != generation_) return;
                      write_in_flight_ = false;
                      writing_.clear();
                      if (error) {
                        if (state_ == State::kStopping) {
                          close_socket();
                        } else {
                          link_lost("write failed: " + error.message());
                        }
                        return;
                      }
                      flush();
                    });
}

void AmiClient::arm_ping() {
  const uint64_t generation = generation_;
  const bool waiting_for_pong = !ping_outstanding_.empty();
  const auto wait = waiting_for_pong ? std::min<std::chrono::seconds>(options_.ping_interval,
                                                                      std::chrono::seconds(10))
                                     : options_.ping_interval;
  ping_timer_.expires_after(wait);
  ping_timer_.async_wait([this, generation](const error_code& error) {
    if (error || generation != generation_ || state_ != State::kUp) return;
    if (!ping_outstanding_.empty()) {
      link_lost("no answer to Ping: the link is dead");
      return;
    }
    send_own("Ping", {});
    arm_ping();
  });
}

void AmiClient::link_lost(std::string_view why) {
  const bool was_up = state_ == State::kUp;
  close_socket();
  if (state_ == State::kStopped) return;
  const auto wait = backoff_.next();
  log(was_up ? PD_LOG_WARN : PD_LOG_ERROR,
      std::string(why) + "; retrying in " + std::to_string(wait.count()) + " ms");
  discard_queue();
  state_ = State::kIdle;
  if (was_up) {
    ++stats_.link_losses;
    if (callbacks_.on_link) callbacks_.on_link(false);
  }
  if (state_ != State::kIdle) return;  // a callback may have stopped us
  const uint64_t generation = generation_;
  retry_timer_.expires_after(wait);
  retry_timer_.async_wait([this, generation](const error_code& error) {
    if (error || generation != generation_ || state_ != State::kIdle) return;
    connect();
  });
}

void AmiClient::close_socket() {
  ++generation_;
  error_code ignored;
  resolver_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  ping_timer_.cancel();
  pace_timer_.cancel();
  pace_timer_armed_ = false;
  write_in_flight_ = false;
  outgoing_.clear();
  writing_.clear();
  ping_outstanding_.clear();
  // Plugin actions in outgoing_ were never handed to the socket: they go
  // with the queue (link_lost / stop discard them).
  for (const Report& report : outgoing_reports_) uncount(report.owner);
  stats_.actions_dropped += outgoing_reports_.size();
  outgoing_reports_.clear();
  if (state_ == State::kStopping) {
    state_ = State::kStopped;
    stop_timer_.cancel();
    if (auto done = std::move(stop_done_)) {
      stop_done_ = nullptr;
      asio::post(io_, std::move(done));
    }
  }
}

void AmiClient::stop(std::function<void()> done, Millis grace) {
  const bool was_up = state_ == State::kUp;
  callbacks_.on_link = nullptr;
  callbacks_.on_message = nullptr;
  callbacks_.on_written = nullptr;
  retry_timer_.cancel();
  discard_queue();
  stop_done_ = std::move(done);
  state_ = State::kStopping;
  if (!was_up) {
    close_socket();
    return;
  }
  send_own("Logoff", {});
  const uint64_t generation = generation_;
  stop_timer_.expires_after(grace);
  stop_timer_.async_wait([this, generation](const error_code& error) {
    if (error || generation != generation_) return;
    close_socket();
  });
}

void AmiClient::log(pd_log_level level, std::string_view line) const {
  if (callbacks_.log) callbacks_.log(level, line);
}

int64_t AmiClient::now_ms() const {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace pd::host
