// Parsed templates in ctemplate's process-wide cache, keyed by their text (an
// edited template is parsed anew), with a bound: at most kMaxTemplates texts
// per cache; the oldest is deleted from ctemplate's cache when one more
// arrives, so an admin editing templates all day does not grow the process.
//
// Header-only; include it only from code that links ctemplate.
// Threads: every member may be called from any thread (one mutex).
#pragma once

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>

#include "pd/thread_annotations.h"

namespace pd {

class TemplateCache {
 public:
  static constexpr std::size_t kMaxTemplates = 16;

  // `prefix` keeps the caches of different template kinds apart ("pd-preview:").
  explicit TemplateCache(std::string prefix) : prefix_(std::move(prefix)) {}

  // The key to expand `text` with, or nothing when it does not parse.
  std::optional<std::string> key_for(const std::string& text) EXCLUDES(mutex_) {
    std::string key = prefix_ + text;
    pd::MutexLock lock(mutex_);
    if (known_.contains(key)) return key;
    if (!ctemplate::StringToTemplateCache(key, text, ctemplate::DO_NOT_STRIP)) return std::nullopt;
    known_.insert(key);
    order_.push_back(key);
    while (order_.size() > kMaxTemplates) {
      ctemplate::mutable_default_template_cache()->Delete(order_.front());
      known_.erase(order_.front());
      order_.pop_front();
    }
    return key;
  }

  std::size_t size() const EXCLUDES(mutex_) {
    pd::MutexLock lock(mutex_);
    return order_.size();
  }

 private:
  const std::string prefix_;
  mutable pd::Mutex mutex_;
  std::unordered_set<std::string> known_ GUARDED_BY(mutex_);  // keys in ctemplate's cache
  std::deque<std::string> order_ GUARDED_BY(mutex_);          // the same keys, oldest first
};

}  // namespace pd
