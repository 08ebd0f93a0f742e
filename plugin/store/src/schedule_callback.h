// The one UPDATE that schedules a callback on a number, shared by the
// AgentTag write (a callback disposition) and Store::schedule_callback (the
// HTTP API). Private to pd_store.
#pragma once

#include <cstdint>

#include "pd/store/connection.h"
#include "pd/store/write_ops.h"

namespace pd::store::detail {

// Personal -> state callback, anyone -> pending, due at `c.due`, attempts
// reset; only a number no instance holds and not on the do-not-call list.
// False when nothing changed for that reason.
pd::Result<bool> schedule_callback(Connection& conn, std::uint64_t id, const ScheduledCallback& c);

}  // namespace pd::store::detail
