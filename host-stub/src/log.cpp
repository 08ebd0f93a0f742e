#include "log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace pd::host {

namespace {

std::atomic<int> g_level{PD_LOG_INFO};

const char* level_name(pd_log_level level) {
  switch (level) {
    case PD_LOG_DEBUG:
      return "DEBUG";
    case PD_LOG_INFO:
      return "INFO ";
    case PD_LOG_WARN:
      return "WARN ";
    case PD_LOG_ERROR:
      return "ERROR";
  }
  return "?????";
}

}  // namespace

void set_log_level(pd_log_level level) {
  g_level.store(level);
}
pd_log_level log_level() {
  return static_cast<pd_log_level>(g_level.load());
}

void log(pd_log_level level, std::string_view tag, std::string_view message) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(millis));
  std::string line;
  line.reserve(message.size() + tag.size() + 48);
  line.append(stamp).append(" ").append(level_name(level)).append(" [").append(tag).append("] ");
  line.append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace pd::host
