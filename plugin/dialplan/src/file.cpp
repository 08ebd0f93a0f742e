#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pd/dialplan/dialplan.h"

namespace pd::dialplan {

namespace {

// The line starting at `at` (without its '\n').
std::string_view line_at(std::string_view text, size_t at) {
  const size_t end = text.find('\n', at);
  return text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

bool is_marker(std::string_view line, std::string_view marker) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return line.starts_with(marker) && (line.size() == marker.size() || line[marker.size()] == ' ');
}

pd::Error io_error(const std::string& what, const std::string& path) {
  return pd::Error::io(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

pd::Result<std::string> replace_block(std::string_view file_text, std::string_view block) {
  size_t begin = std::string_view::npos;
  size_t end_after = std::string_view::npos;
  for (size_t at = 0; at < file_text.size();) {
    const std::string_view line = line_at(file_text, at);
    const size_t next = at + line.size() + 1;
    if (is_marker(line, kBeginMarker)) {
      if (begin != std::string_view::npos) {
        return pd::fail(pd::Error::invalid("two '" + std::string(kBeginMarker) +
                                           "' lines: fix the file by hand"));
      }
      begin = at;
    } else if (is_marker(line, kEndMarker)) {
      if (begin == std::string_view::npos || end_after != std::string_view::npos) {
        return pd::fail(pd::Error::invalid("an '" + std::string(kEndMarker) +
                                           "' line without its BEGIN: fix the file by hand"));
      }
      end_after = std::min(next, file_text.size());
    }
    at = next;
  }
  if (begin != std::string_view::npos && end_after == std::string_view::npos) {
    return pd::fail(pd::Error::invalid("'" + std::string(kBeginMarker) +
                                       "' without its END line: fix the file by hand"));
  }
  std::string out;
  out.reserve(file_text.size() + block.size() + 2);
  if (begin == std::string_view::npos) {
    out.append(file_text);
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
    if (!out.empty()) out.push_back('\n');
    out.append(block);
    return out;
  }
  out.append(file_text.substr(0, begin));
  out.append(block);
  out.append(file_text.substr(end_after));
  return out;
}

pd::Result<bool> write_block(const std::string& path, std::string_view block) {
  namespace fs = std::filesystem;
  std::string current;
  mode_t mode = 0644;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    mode = info.st_mode & 07777;
    std::ifstream in(path, std::ios::binary);
    if (!in) return pd::fail(io_error("cannot read", path));
    std::ostringstream text;
    text << in.rdbuf();
    current = text.str();
  } else if (errno != ENOENT) {
    return pd::fail(io_error("cannot stat", path));
  }
  auto next = replace_block(current, block);
  if (!next) {
    return pd::fail(pd::Error{next.error().code, path + ": " + next.error().message});
  }
  if (*next == current) return false;

  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (folder / ("." + target.filename().string() + ".pd-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return pd::fail(io_error("cannot create a temporary file beside", path));
  auto fail_with = [&](const std::string& what) {
    pd::Error error = io_error(what, temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return pd::fail(std::move(error));
  };
  for (size_t written = 0; written < next->size();) {
    const ssize_t n = ::write(fd, next->data() + written, next->size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_with("cannot write");
    }
    written += size_t(n);
  }
  if (::fchmod(fd, mode) != 0) return fail_with("cannot chmod");
  if (::fsync(fd) != 0) return fail_with("cannot fsync");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return pd::fail(io_error("cannot close", temp));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    pd::Error error = io_error("cannot rename into place", path);
    ::unlink(temp.c_str());
    return pd::fail(std::move(error));
  }
  // The rename itself must survive a crash too.
  if (const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

}  // namespace pd::dialplan
