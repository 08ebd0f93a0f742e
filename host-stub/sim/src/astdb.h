// Asterisk's internal database (AstDB) as pbx-sim keeps it: "/family/key" ->
// value, ordered by key like Asterisk's "ORDER BY key". In memory, or backed
// by a file (--astdb) that is rewritten after every change: written to a
// temporary file, flushed, then renamed over the old one, so a process killed
// at any moment leaves either the old or the new database, never half of one.
//
// Thread: one (the Pbx's).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/result.h"

namespace pd::sim {

class AstDb {
 public:
  // In memory only.
  AstDb() = default;
  // Backed by `path`: loads it when it exists (a missing file is an empty
  // database). An Error when the file cannot be read or is not a database.
  static Result<AstDb> open(const std::string& path);

  bool persistent() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

  // The write operations persist at once when backed by a file; a failed
  // write is reported (the in-memory change stays).
  Status put(std::string_view family, std::string_view key, std::string_view value);
  const std::string* get(std::string_view family, std::string_view key) const;
  // True when the key was there.
  Result<bool> del(std::string_view family, std::string_view key);
  // Entries under /family or /family/key_prefix (a whole path element, as
  // ast_db_deltree); returns how many went.
  Result<size_t> del_tree(std::string_view family, std::string_view key_prefix);
  // (full key, value) under /family[/key_prefix], by key.
  std::vector<std::pair<std::string, std::string>> tree(std::string_view family,
                                                        std::string_view key_prefix) const;
  size_t size() const { return entries_.size(); }

 private:
  static std::string full_key(std::string_view family, std::string_view key);
  static std::string prefix_of(std::string_view family, std::string_view key_prefix);
  Status save() const;

  std::string path_;
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace pd::sim
