#include <cstddef>

#include "pd/store/store.h"

namespace pd::store {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF); 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// At most `max_chars` characters of `text`, never cut inside one: a
// VARCHAR(255) utf8mb4 column under STRICT_ALL_TABLES refuses both a longer
// value and ill-formed UTF-8 (a server message may quote the bytes of the
// value it refused), and the heartbeat must not be refused for its message.
std::string fit_column(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  while (!text.empty() && chars < max_chars) {
    const std::size_t n = utf8_sequence(text);
    if (n == 0) {
      out += '?';
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    }
    ++chars;
  }
  return out;
}

}  // namespace

pd::Status Store::heartbeat(const Heartbeat& beat) {
  std::optional<std::string> error;
  std::optional<TimePoint> error_at;
  if (beat.writes_refused > 0) {
    error = fit_column(beat.last_write_error, 255);
    error_at = beat.last_write_error_at;
  }
  auto n = conn_.execute(
      "INSERT INTO dialer_heartbeat"
      " (instance, version, hostname, started_at, last_beat, active_calls, calls_queued,"
      " ami_queued, ami_rate, cps_ceiling, ami_up, writes_refused, last_write_error,"
      " last_write_error_at, writes_dialplan, extensions_conf)"
      " VALUES (?,?,?,?,NOW(3),?,?,?,?,?,?,?,?,?,?,?)"
      " ON DUPLICATE KEY UPDATE version = VALUES(version), hostname = VALUES(hostname),"
      " started_at = VALUES(started_at), last_beat = VALUES(last_beat),"
      " active_calls = VALUES(active_calls), calls_queued = VALUES(calls_queued),"
      " ami_queued = VALUES(ami_queued), ami_rate = VALUES(ami_rate),"
      " cps_ceiling = VALUES(cps_ceiling), ami_up = VALUES(ami_up),"
      " writes_refused = VALUES(writes_refused), last_write_error = VALUES(last_write_error),"
      " last_write_error_at = VALUES(last_write_error_at),"
      " writes_dialplan = VALUES(writes_dialplan), extensions_conf = VALUES(extensions_conf)",
      {instance_, beat.version, beat.hostname, beat.started_at, beat.active_calls,
       beat.calls_queued, beat.ami_queued, beat.ami_rate, beat.cps_ceiling, beat.ami_up,
       beat.writes_refused, error, error_at, beat.writes_dialplan,
       beat.extensions_conf.empty()
           ? std::optional<std::string>{}
           : std::optional<std::string>{fit_column(beat.extensions_conf, 255)}});
  if (!n) return pd::fail(n.error());
  return {};
}

}  // namespace pd::store
