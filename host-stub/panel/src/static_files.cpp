#include "static_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "hex.h"

namespace pd::panel {
namespace fs = std::filesystem;

pd::Result<std::string> percent_decode(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) {
        return pd::fail(pd::Error::invalid("truncated percent escape"));
      }
      const int hi = hex_digit(path[i + 1]);
      const int lo = hex_digit(path[i + 2]);
      if (hi < 0 || lo < 0) return pd::fail(pd::Error::invalid("malformed percent escape"));
      c = static_cast<char>(hi << 4 | lo);
      i += 2;
    }
    if (c == '\0') return pd::fail(pd::Error::invalid("NUL in path"));
    out.push_back(c);
  }
  return out;
}

pd::Status StaticFiles::add(std::string url_prefix, const std::string& dir) {
  if (url_prefix.empty() || url_prefix.front() != '/' || url_prefix.back() != '/') {
    return pd::fail(pd::Error::invalid("mount prefix must start and end with '/': " + url_prefix));
  }
  if (url_prefix.find("..") != std::string::npos || url_prefix.find('%') != std::string::npos) {
    return pd::fail(pd::Error::invalid("mount prefix must be a plain path: " + url_prefix));
  }
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) {
    return pd::fail(pd::Error::invalid("mount folder does not exist: " + dir));
  }
  std::erase_if(mounts_, [&](const Mount& m) { return m.url_prefix == url_prefix; });
  mounts_.push_back(Mount{std::move(url_prefix), root.string()});
  std::ranges::sort(mounts_, std::ranges::greater{},
                    [](const Mount& m) { return m.url_prefix.size(); });
  return {};
}

pd::Result<std::string> StaticFiles::resolve(std::string_view target) const {
  const std::string_view raw_path = target.substr(0, target.find_first_of("?#"));
  if (raw_path.empty() || raw_path.front() != '/') {
    return pd::fail(pd::Error::invalid("path must start with '/'"));
  }
  auto decoded = percent_decode(raw_path);
  if (!decoded) return pd::fail(decoded.error());
  std::string path = std::move(*decoded);
  if (path.find('\\') != std::string::npos) return pd::fail(pd::Error::invalid("backslash in path"));

  const auto mount = std::ranges::find_if(
      mounts_, [&](const Mount& m) { return path.starts_with(m.url_prefix); });
  if (mount == mounts_.end()) return pd::fail(pd::Error::not_found("no mount"));

  std::string relative = path.substr(mount->url_prefix.size());
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  // Every segment must be a plain name: no "..", ".", or "" (a "//").
  for (std::size_t start = 0; start <= relative.size();) {
    const std::size_t slash = std::min(relative.find('/', start), relative.size());
    const std::string_view segment(relative.data() + start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return pd::fail(pd::Error::invalid("path segment not allowed"));
    }
    start = slash + 1;
  }

  std::error_code ec;
  const fs::path file = fs::canonical(fs::path(mount->root) / relative, ec);
  if (ec) return pd::fail(pd::Error::not_found("no such file"));
  const std::string file_text = file.string();
  if (!file_text.starts_with(mount->root + "/")) {
    return pd::fail(pd::Error::not_found("resolves outside its mount"));
  }
  if (!fs::is_regular_file(file, ec)) return pd::fail(pd::Error::not_found("not a file"));
  return file_text;
}

std::string_view mime_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"ico", "image/vnd.microsoft.icon"},
      {"webp", "image/webp"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  };
  for (const auto& entry : kTypes) {
    if (entry.ext == ext) return entry.type;
  }
  return "application/octet-stream";
}

}  // namespace pd::panel
