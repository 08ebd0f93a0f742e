#include "pd/store/store.h"

namespace pd::store {

pd::Status Store::heartbeat(const Heartbeat& beat) {
  auto n = conn_.execute(
      "INSERT INTO dialer_heartbeat"
      " (instance, version, hostname, started_at, last_beat, active_calls, ami_up)"
      " VALUES (?,?,?,?,NOW(3),?,?)"
      " ON DUPLICATE KEY UPDATE version = VALUES(version), hostname = VALUES(hostname),"
      " started_at = VALUES(started_at), last_beat = VALUES(last_beat),"
      " active_calls = VALUES(active_calls), ami_up = VALUES(ami_up)",
      {instance_, beat.version, beat.hostname, beat.started_at, beat.active_calls, beat.ami_up});
  if (!n) return pd::fail(n.error());
  return {};
}

}  // namespace pd::store
