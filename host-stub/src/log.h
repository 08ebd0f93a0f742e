// The host's log: one line per call on stderr, "time LEVEL [tag] message".
// Threads: safe from any thread (a line is written with one fwrite); the level
// is set once at start-up.
#pragma once

#include <string_view>

#include "paneldialer/pd_plugin.h"

namespace pd::host {

void set_log_level(pd_log_level level);
pd_log_level log_level();
void log(pd_log_level level, std::string_view tag, std::string_view message);

inline void log_debug(std::string_view tag, std::string_view m) {
  log(PD_LOG_DEBUG, tag, m);
}
inline void log_info(std::string_view tag, std::string_view m) {
  log(PD_LOG_INFO, tag, m);
}
inline void log_warn(std::string_view tag, std::string_view m) {
  log(PD_LOG_WARN, tag, m);
}
inline void log_error(std::string_view tag, std::string_view m) {
  log(PD_LOG_ERROR, tag, m);
}

}  // namespace pd::host
