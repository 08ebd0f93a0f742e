#include "pd/core/pacer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pd::core {
namespace {
constexpr int kUnlimited = std::numeric_limits<int>::max() / 2;
}

int calls_wanted(const PacingInput& in) {
  if (!in.may_dial) return 0;
  int wanted = 0;
  switch (in.mode) {
    case DialMode::kAutomatic:
      wanted = in.concurrent_calls - in.live_calls - in.queued_calls;
      break;
    case DialMode::kProgressive:
    case DialMode::kPredictive:  // the fallback; the engine asks predict_calls() otherwise
      wanted = in.free_agents - in.awaiting_agent;
      break;
    case DialMode::kPreview:
      wanted = in.free_agents - in.reserved_agents;
      break;
  }
  return std::max(0, wanted);
}

int host_room(const HostQueue& host, int starting) {
  if (!host.known || !(host.rate_per_s > 0) || !std::isfinite(host.rate_per_s)) return kUnlimited;
  const double second = std::ceil(std::min(host.rate_per_s, double(kUnlimited)));
  const int backlog = std::max(kMinHostBacklog, int(second));
  return std::max(0, backlog - std::max(0, host.queued) - std::max(0, starting));
}

double host_calls_per_second(double host_rate_per_s) {
  if (!(host_rate_per_s > 0) || !std::isfinite(host_rate_per_s)) return 0;
  return host_rate_per_s / kAmiActionsPerCall;
}

namespace {
std::string whole(double value) {
  return std::to_string(int64_t(std::floor(value + 0.5)));
}
}  // namespace

std::string host_rate_shortfall(double setting_cps, double host_rate_per_s) {
  const double ceiling = host_calls_per_second(host_rate_per_s);
  if (ceiling <= 0) return {};
  if (setting_cps > 0 && setting_cps <= ceiling + 1e-9) return {};
  const std::string rest = "panelhost's ami.rate is " + whole(host_rate_per_s) +
                           ", so calls start at about " + whole(ceiling) +
                           " a second and the rest wait queued in panelhost";
  if (setting_cps <= 0) return "calls_per_second is unlimited (0); " + rest;
  return "calls_per_second " + whole(setting_cps) + " needs about " +
         whole(setting_cps * kAmiActionsPerCall) + " AMI actions a second; " + rest;
}

std::vector<std::string> preview_candidates(
    const QueueView& queues, std::string_view queue,
    const std::function<bool(std::string_view interface)>& has_reservation) {
  std::vector<std::string> out;
  for (const QueueMember* member : queues.free_members(queue)) {
    if (!has_reservation || !has_reservation(member->interface)) out.push_back(member->interface);
  }
  // Stable order (hash order is not): the same agents first on every tick.
  std::sort(out.begin(), out.end());
  return out;
}

RateLimiter::RateLimiter(double rate_per_s, double burst, EpochMs now) {
  set_rate(rate_per_s, burst, now);
  tokens_ = burst_;
}

void RateLimiter::set_rate(double rate_per_s, double burst, EpochMs now) {
  rate_ = std::isfinite(rate_per_s) ? rate_per_s : 0;
  burst_ = std::max(1.0, std::isfinite(burst) ? burst : 1.0);
  tokens_ = std::min(tokens_, burst_);
  last_ = now;
}

void RateLimiter::refill(EpochMs now) {
  if (now <= last_) return;  // a clock that goes back adds nothing
  tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now - last_) / 1000.0);
  last_ = now;
}

int RateLimiter::available(EpochMs now) {
  if (unlimited()) return kUnlimited;
  refill(now);
  return static_cast<int>(std::floor(tokens_ + 1e-9));
}

int RateLimiter::take(int wanted, EpochMs now) {
  if (wanted <= 0) return 0;
  if (unlimited()) return wanted;
  const int granted = std::min(wanted, available(now));
  tokens_ -= granted;
  return granted;
}

EpochMs RateLimiter::wait_ms(EpochMs now) {
  if (unlimited() || available(now) >= 1) return 0;
  return static_cast<EpochMs>(std::ceil((1.0 - tokens_) * 1000.0 / rate_));
}

void RateLimiter::refund(int tokens, EpochMs now) {
  if (tokens <= 0 || unlimited()) return;
  refill(now);
  tokens_ = std::min(burst_, tokens_ + tokens);
}

void Pacer::give_back(int unused, EpochMs now) {
  limiter_.refund(unused, now);
}

}  // namespace pd::core
