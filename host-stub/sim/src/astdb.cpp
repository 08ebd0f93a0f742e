#include "astdb.h"

#include <fcntl.h>
#include <json/json.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pd::sim {
namespace {

// Writes all of `text` to `fd`; false on any error.
bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string parent_dir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<AstDb> AstDb::open(const std::string& path) {
  AstDb db;
  db.path_ = path;
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return db;  // created by the first write
    return fail(Error::io("cannot read AstDB file " + path + ": " + std::strerror(errno)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Error::io("cannot read AstDB file " + path));
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return db;
  Json::CharReaderBuilder builder;
  Json::Value root;
  std::string errors;
  if (!Json::parseFromStream(builder, text, &root, &errors) || !root.isObject())
    return fail(Error::invalid("AstDB file " + path + " is not a JSON object of strings"));
  for (const auto& key : root.getMemberNames()) {
    if (!root[key].isString() || key.empty() || key.front() != '/')
      return fail(Error::invalid("AstDB file " + path + ": bad entry \"" + key + "\""));
    db.entries_.emplace(key, root[key].asString());
  }
  return db;
}

std::string AstDb::full_key(std::string_view family, std::string_view key) {
  std::string out;
  out.reserve(family.size() + key.size() + 2);
  out.append("/").append(family).append("/").append(key);
  return out;
}

std::string AstDb::prefix_of(std::string_view family, std::string_view key_prefix) {
  return key_prefix.empty() ? "/" + std::string(family) : full_key(family, key_prefix);
}

Status AstDb::put(std::string_view family, std::string_view key, std::string_view value) {
  entries_.insert_or_assign(full_key(family, key), std::string(value));
  return save();
}

const std::string* AstDb::get(std::string_view family, std::string_view key) const {
  auto it = entries_.find(full_key(family, key));
  return it == entries_.end() ? nullptr : &it->second;
}

Result<bool> AstDb::del(std::string_view family, std::string_view key) {
  if (entries_.erase(full_key(family, key)) == 0) return false;
  if (auto s = save(); !s) return fail(s.error());
  return true;
}

// Asterisk matches "key || '/' LIKE prefix || '/%'": the prefix is whole path
// elements, so /paneldialer/c1 does not take /paneldialer/c10.
std::vector<std::pair<std::string, std::string>> AstDb::tree(std::string_view family,
                                                             std::string_view key_prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (family.empty()) {  // the whole database, as ast_db_gettree(NULL, NULL)
    out.assign(entries_.begin(), entries_.end());
    return out;
  }
  const std::string prefix = prefix_of(family, key_prefix);
  for (auto it = entries_.lower_bound(prefix); it != entries_.end(); ++it) {
    const std::string& k = it->first;
    if (k.compare(0, prefix.size(), prefix) != 0) break;
    if (k.size() == prefix.size() || k[prefix.size()] == '/') out.emplace_back(k, it->second);
  }
  return out;
}

Result<size_t> AstDb::del_tree(std::string_view family, std::string_view key_prefix) {
  const auto doomed = tree(family, key_prefix);
  for (const auto& [k, v] : doomed) entries_.erase(k);
  if (!doomed.empty()) {
    if (auto s = save(); !s) return fail(s.error());
  }
  return doomed.size();
}

Status AstDb::save() const {
  if (path_.empty()) return {};
  Json::Value root(Json::objectValue);
  for (const auto& [k, v] : entries_) root[k] = v;
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  const std::string text = Json::writeString(writer, root) + "\n";
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::io("cannot write " + tmp + ": " + std::strerror(errno)));
  const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok) return fail(Error::io("cannot write " + tmp + ": " + std::strerror(saved_errno)));
  if (std::rename(tmp.c_str(), path_.c_str()) != 0)
    return fail(Error::io("cannot rename " + tmp + " to " + path_ + ": " + std::strerror(errno)));
  // The rename itself must reach the disk too.
  const int dir = ::open(parent_dir(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace pd::sim
