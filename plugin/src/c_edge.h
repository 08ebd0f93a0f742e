// The guard every extern "C" function of the plugin runs its C++ inside: an
// exception must never unwind into the host's C frames (undefined behaviour,
// in practice std::terminate and the whole host gone), so it becomes a log
// line through the host and a fallback value (an error code, or nothing).
//
// Allocation-free on the error path: the exception may be std::bad_alloc.
#pragma once

#include <cstdio>
#include <exception>
#include <type_traits>
#include <utility>

#include "paneldialer/pd_plugin.h"

namespace pd::plugin {

// Logs "internal error in <where>: <what>" through `host` when its table holds
// log(); `host` may be null (nothing to log through, e.g. a bad start()).
inline void report_c_edge_exception(const pd_host_services_v1* host, const char* where,
                                    const char* what) noexcept {
  if (host == nullptr || !PD_HAS_FIELD(pd_host_services_v1, host, log) || host->log == nullptr) {
    return;
  }
  char line[512];
  std::snprintf(line, sizeof line, "internal error in %s: %s", where, what);
  host->log(host->host, PD_LOG_ERROR, line);
}

// Returns body(), or `on_throw` when it throws (after logging it).
template <typename Result, typename Body>
Result guard_c_edge(const pd_host_services_v1* host, const char* where, Result on_throw,
                    Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::exception& e) {
    report_c_edge_exception(host, where, e.what());
  } catch (...) {
    report_c_edge_exception(host, where, "an exception not derived from std::exception");
  }
  return on_throw;
}

// Runs body(); logs what it throws.
template <typename Body>
void guard_c_edge(const pd_host_services_v1* host, const char* where, Body&& body) noexcept {
  try {
    std::forward<Body>(body)();
  } catch (const std::exception& e) {
    report_c_edge_exception(host, where, e.what());
  } catch (...) {
    report_c_edge_exception(host, where, "an exception not derived from std::exception");
  }
}

}  // namespace pd::plugin
