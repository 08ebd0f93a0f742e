// Maps request targets to files under mounted folders, refusing anything
// that would leave a mount: "..", "." and empty segments (also percent-
// encoded), backslashes, NUL, and symlinks that resolve outside.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pd/result.h"

namespace pd::panel {

struct Mount {
  std::string url_prefix;  // starts and ends with '/'
  std::string root;        // canonical absolute folder
};

// Percent-decodes a URL path (no '+' rule: this is a path, not a form).
// kInvalidArgument on a malformed escape or a decoded NUL.
pd::Result<std::string> percent_decode(std::string_view path);

class StaticFiles {
 public:
  // kInvalidArgument for a prefix without leading/trailing '/' or a missing folder.
  pd::Status add(std::string url_prefix, const std::string& dir);

  // The canonical file path a GET of `target` (path, maybe with a query) names.
  // kInvalidArgument: a traversal attempt or malformed path (answer 400);
  // kNotFound: no mount, no such regular file, or it resolves outside (404).
  // "/" and paths ending in '/' name index.html.
  pd::Result<std::string> resolve(std::string_view target) const;

  const std::vector<Mount>& mounts() const { return mounts_; }

 private:
  std::vector<Mount> mounts_;  // longest prefix first
};

// Content-Type for a file name, by extension; application/octet-stream if unknown.
std::string_view mime_type(std::string_view path);

}  // namespace pd::panel
