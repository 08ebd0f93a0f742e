#include "plugin_manager.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <system_error>

#include "manifest.h"
#include "plugin_loader.h"
#include "plugin_registry.h"

extern char** environ;

namespace pd::host {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxArchiveEntries = 100000;       // a release holds a few hundred
constexpr size_t kMaxToolOutput = 8 * 1024 * 1024;  // bytes of tar's output read at most

ManagerError fail_with(int code, std::string message) {
  return {code, std::move(message)};
}

// Removes a folder at scope exit unless released.
struct FolderGuard {
  fs::path path;
  ~FolderGuard() {
    if (path.empty()) return;
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A fresh folder "<parent>/<prefix>XXXXXX".
ManagerResult<fs::path> make_temp_folder(const fs::path& parent, const std::string& prefix) {
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return std::unexpected(fail_with(
        kExitFailed, "cannot create a folder in " + parent.string() + ": " + std::strerror(errno)));
  }
  return fs::path(pattern);
}

struct ToolRun {
  int status = -1;  // exit status; -1 when it could not run or was killed
  std::string output;
  bool truncated = false;  // more than kMaxToolOutput bytes: the rest was dropped
};

// Runs argv (no shell) with stdin closed, stdout and stderr captured.
ToolRun run_tool(const std::vector<std::string>& argv) {
  ToolRun run;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    run.output = argv[0] + ": " + std::strerror(spawned);
    return run;
  }
  char buffer[65536];
  while (true) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (!run.truncated && run.output.size() + size_t(n) <= kMaxToolOutput) {
      run.output.append(buffer, size_t(n));
    } else {
      run.truncated = true;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string first_lines(const std::string& text, size_t lines = 3) {
  size_t at = 0;
  for (size_t i = 0; i < lines && at != std::string::npos; ++i) {
    at = text.find('\n', at == 0 ? 0 : at + 1);
  }
  std::string head = text.substr(0, at);
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  return head;
}

// Every name in the archive is checked before anything is written: no
// absolute path, no "..", no more than kMaxArchiveEntries.
ManagerResult<void> extract_archive(const fs::path& archive, const fs::path& into) {
  const ToolRun listing = run_tool({"tar", "--list", "--file", archive.string()});
  if (listing.status != 0) {
    return std::unexpected(fail_with(
        kExitBadPackage, "package " + archive.string() +
                             " is not a readable tar archive: " + first_lines(listing.output)));
  }
  if (listing.truncated) {
    return std::unexpected(fail_with(
        kExitBadPackage, "package " + archive.string() + ": its list of entries is longer than " +
                             std::to_string(kMaxToolOutput) + " bytes: refused"));
  }
  size_t entries = 0;
  size_t start = 0;
  while (start < listing.output.size()) {
    size_t end = listing.output.find('\n', start);
    if (end == std::string::npos) end = listing.output.size();
    const std::string name = listing.output.substr(start, end - start);
    start = end + 1;
    if (name.empty()) continue;
    if (++entries > kMaxArchiveEntries) {
      return std::unexpected(
          fail_with(kExitBadPackage, "package " + archive.string() + " has more than " +
                                         std::to_string(kMaxArchiveEntries) + " entries"));
    }
    std::string trimmed = name;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    if (trimmed == "." || trimmed == "./") continue;
    if (!is_contained_path(trimmed)) {
      return std::unexpected(fail_with(
          kExitBadPackage, "package " + archive.string() + ": entry \"" + name +
                               "\" leaves the package (absolute path or \"..\"): refused"));
    }
  }
  if (entries == 0) {
    return std::unexpected(fail_with(kExitBadPackage, "package " + archive.string() + " is empty"));
  }
  const ToolRun extract =
      run_tool({"tar", "--extract", "--file", archive.string(), "--directory", into.string(),
                "--no-same-owner", "--no-same-permissions", "--no-overwrite-dir"});
  if (extract.status != 0) {
    return std::unexpected(fail_with(
        kExitBadPackage,
        "package " + archive.string() + " could not be unpacked: " + first_lines(extract.output)));
  }
  return {};
}

// Copies a package folder (symbolic links followed: a development folder
// links into the build; what is copied is what they point at).
ManagerResult<void> copy_folder(const fs::path& from, const fs::path& into) {
  std::error_code ec;
  fs::copy(from, into, fs::copy_options::recursive, ec);
  if (ec) {
    return std::unexpected(fail_with(
        kExitBadPackage, "cannot copy package folder " + from.string() + ": " + ec.message()));
  }
  return {};
}

// After unpacking: only folders, regular files and symbolic links that stay
// inside `root` (relative, resolving below it).
ManagerResult<void> check_tree(const fs::path& root, const std::string& package) {
  std::error_code ec;
  const fs::path base = root.lexically_normal();
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path& path = it->path();
    const fs::file_status status = it->symlink_status(ec);
    const std::string shown = path.lexically_relative(root).string();
    if (fs::is_symlink(status)) {
      const fs::path target = fs::read_symlink(path, ec);
      const fs::path resolved = (path.parent_path() / target).lexically_normal();
      const std::string rel = resolved.lexically_relative(base).string();
      if (target.is_absolute() || rel.empty() || rel == ".." || rel.starts_with("../")) {
        return std::unexpected(
            fail_with(kExitBadPackage, "package " + package + ": symbolic link " + shown + " -> " +
                                           target.string() + " leaves the package: refused"));
      }
      continue;
    }
    if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
      return std::unexpected(fail_with(kExitBadPackage, "package " + package + ": " + shown +
                                                            " is not a file or a folder: refused"));
    }
  }
  if (ec) {
    return std::unexpected(
        fail_with(kExitFailed, "cannot walk the unpacked package: " + ec.message()));
  }
  return {};
}

// The folder holding manifest.json: the unpacked root, or its only subfolder
// (a release archive holds "paneldialer-0.1.0/...").
ManagerResult<fs::path> package_root(const fs::path& unpacked, const std::string& package) {
  std::error_code ec;
  if (fs::exists(unpacked / "manifest.json", ec)) return unpacked;
  std::vector<fs::path> children;
  for (const auto& entry : fs::directory_iterator(unpacked, ec)) children.push_back(entry.path());
  if (children.size() == 1 && fs::is_directory(children[0], ec) &&
      fs::exists(children[0] / "manifest.json", ec)) {
    return children[0];
  }
  return std::unexpected(fail_with(
      kExitBadPackage,
      "package " + package + " holds no manifest.json (at its top or in its only folder)"));
}

ManagerResult<void> check_files(const PluginManifest& m, const std::string& package) {
  std::error_code ec;
  auto require = [&](const std::string& rel, const std::string& field,
                     bool folder) -> ManagerResult<void> {
    const fs::path path = fs::path(m.dir) / rel;
    const bool ok = folder ? fs::is_directory(path, ec) : fs::exists(path, ec);
    if (ok) return {};
    return std::unexpected(fail_with(kExitBadPackage, "package " + package + ": manifest.json " +
                                                          field + " names " + rel +
                                                          ", which the package does not hold"));
  };
  if (!fs::is_regular_file(m.library, ec)) {
    return std::unexpected(
        fail_with(kExitBadPackage, "package " + package + ": the library " + m.library_relative +
                                       " (manifest.json field \"library\") is missing"));
  }
  for (const std::string& file : m.files) {
    if (auto ok = require(file, "field \"files\"", false); !ok) return ok;
  }
  struct Folder {
    const std::string* rel;
    const char* field;
  };
  for (Folder f : {Folder{&m.templates, "field \"templates\""},
                   Folder{&m.admin_pages, "field \"admin_pages\""},
                   Folder{&m.migrations, "field \"migrations\""}}) {
    if (f.rel->empty()) continue;
    if (auto ok = require(*f.rel, f.field, true); !ok) return ok;
  }
  return {};
}

int exit_for_load_error(const pd::Error& error) {
  if (error.code == pd::ErrorCode::kConflict) return kExitIncompatible;
  if (error.code == pd::ErrorCode::kIOError) return kExitDependency;  // dlopen: a missing .so
  return kExitBadPackage;
}

struct Unpacked {
  FolderGuard staging;
  PluginManifest manifest;
};

// Unpacks into a staging folder of plugins_dir and checks everything that
// does not depend on what is installed.
ManagerResult<void> unpack_and_check(const std::string& package, const ManagerOptions& options,
                                     Unpacked& out) {
  std::error_code ec;
  fs::create_directories(options.plugins_dir, ec);
  if (!fs::is_directory(options.plugins_dir, ec)) {
    return std::unexpected(
        fail_with(kExitFailed, "plugins folder " + options.plugins_dir + " cannot be created"));
  }
  const fs::path source = fs::absolute(package, ec);
  if (!fs::exists(source, ec)) {
    return std::unexpected(fail_with(kExitBadPackage, "package " + package + " does not exist"));
  }
  auto staging = make_temp_folder(options.plugins_dir, ".staging-");
  if (!staging) return std::unexpected(staging.error());
  out.staging.path = *staging;
  const fs::path unpacked = *staging / "package";
  if (fs::is_directory(source, ec)) {
    if (auto ok = copy_folder(source, unpacked); !ok) return ok;
  } else {
    fs::create_directory(unpacked, ec);
    if (auto ok = extract_archive(source, unpacked); !ok) return ok;
    if (auto ok = check_tree(unpacked, package); !ok) return ok;
  }
  auto root = package_root(unpacked, package);
  if (!root) return std::unexpected(root.error());
  auto manifest = read_manifest(root->string());
  if (!manifest) return std::unexpected(fail_with(kExitBadPackage, manifest.error().message));
  if (options.progress) {
    options.progress("checked manifest.json: " + manifest->id + " " + manifest->version);
  }
  if (auto ok = check_compatible(*manifest); !ok) {
    return std::unexpected(fail_with(kExitIncompatible, ok.error().message));
  }
  if (auto ok = check_files(*manifest, package); !ok) return ok;
  // What the host does at start: dlopen (a missing shared library shows
  // here), the entry point, the table's ABI and callbacks, the id.
  {
    auto loaded = load_plugin(root->string());
    if (!loaded) {
      return std::unexpected(
          fail_with(exit_for_load_error(loaded.error()), loaded.error().message));
    }
  }
  if (options.progress) options.progress("checked the library " + manifest->library_relative);
  out.manifest = std::move(*manifest);
  return {};
}

ManagerResult<void> check_requires(const PluginManifest& m, const Registry& registry) {
  for (const auto& [other, min] : m.requires_plugins) {
    const RegistryEntry* entry = registry.find(other);
    const auto needed = parse_semver(min);
    const auto have = entry ? parse_semver(entry->version) : std::nullopt;
    if (entry == nullptr || !entry->enabled || !have || !needed ||
        compare_semver(*have, *needed) < 0) {
      return std::unexpected(fail_with(
          kExitDependency,
          "plugin " + m.id + " requires plugin " + other + " " + min + " or later, enabled; " +
              (entry ? "installed: " + entry->version + (entry->enabled ? "" : " (disabled)")
                     : std::string("it is not installed"))));
    }
  }
  return {};
}

ManagerResult<void> migrate(const PluginManifest& m, const ManagerOptions& options) {
  if (m.migrations.empty() || options.skip_migrations) return {};
  const std::string dsn = resolve_dsn(options, m.id, m.settings);
  if (dsn.empty()) {
    return std::unexpected(fail_with(
        kExitMigration, "plugin " + m.id + " has migrations (" + m.migrations +
                            ") and no database is known: pass --dsn, set plugins." + m.id +
                            ".mysql_dsn in the host config (--config) or PD_MYSQL_DSN; or "
                            "--skip-migrations to leave them to the plugin's start"));
  }
  if (!options.run_migrations) {
    return std::unexpected(fail_with(kExitFailed, "no migration runner"));
  }
  auto applied = options.run_migrations(dsn, fs::path(m.dir) / m.migrations);
  if (!applied) {
    return std::unexpected(fail_with(
        kExitMigration, "plugin " + m.id + ": migration failed: " + applied.error().message));
  }
  if (options.progress) {
    if (applied->empty()) options.progress("database schema is up to date");
    for (const std::string& name : *applied) options.progress("applied " + name);
  }
  return {};
}

ManagerResult<Registry> load_registry(const ManagerOptions& options) {
  auto registry = read_registry(options.plugins_dir);
  if (!registry) return std::unexpected(fail_with(kExitFailed, registry.error().message));
  return std::move(*registry);
}

std::string installed_version(const fs::path& folder, const Registry& registry,
                              const std::string& id) {
  if (const RegistryEntry* entry = registry.find(id)) return entry->version;
  auto manifest = read_manifest(folder.string());
  return manifest ? manifest->version : std::string();
}

ManagerResult<std::string> install_or_upgrade(const std::string& package,
                                              const ManagerOptions& options, bool upgrade) {
  Unpacked unpacked;
  if (auto ok = unpack_and_check(package, options, unpacked); !ok) {
    return std::unexpected(ok.error());
  }
  const PluginManifest& m = unpacked.manifest;
  auto registry = load_registry(options);
  if (!registry) return std::unexpected(registry.error());
  const fs::path target = fs::path(options.plugins_dir) / m.id;
  std::error_code ec;
  const bool present = fs::exists(target, ec) || registry->find(m.id) != nullptr;
  const std::string old_version = present ? installed_version(target, *registry, m.id) : "";
  if (!upgrade && present) {
    return std::unexpected(fail_with(kExitState, "plugin " + m.id + " is already installed (" +
                                                     (old_version.empty() ? "?" : old_version) +
                                                     "): use `panelhost plugin upgrade`"));
  }
  if (upgrade && !fs::is_directory(target, ec)) {
    return std::unexpected(fail_with(kExitState, "plugin " + m.id + " is not installed in " +
                                                     options.plugins_dir +
                                                     ": use `panelhost plugin install`"));
  }
  if (upgrade) {
    const auto have = parse_semver(old_version);
    const auto next = parse_semver(m.version);
    if (have && next && compare_semver(*next, *have) < 0 && !options.force) {
      return std::unexpected(
          fail_with(kExitIncompatible, "plugin " + m.id + ": " + m.version +
                                           " is older than the installed " + old_version +
                                           ": downgrade refused (--force to do it anyway; "
                                           "its migrations are not undone)"));
    }
  }
  if (!upgrade && registry->plugins.size() >= kMaxPlugins) {
    return std::unexpected(fail_with(
        kExitState, "the registry holds " + std::to_string(kMaxPlugins) + " plugins already"));
  }
  if (auto ok = check_requires(m, *registry); !ok) return std::unexpected(ok.error());

  // Files the installed plugin wrote for itself (the admin pages' database
  // settings) stay across an upgrade.
  if (upgrade) {
    for (const std::string& rel : m.preserve) {
      const fs::path from = target / rel;
      if (!fs::exists(from, ec)) continue;
      const fs::path to = fs::path(m.dir) / rel;
      fs::create_directories(to.parent_path(), ec);
      fs::copy(from, to, fs::copy_options::overwrite_existing | fs::copy_options::recursive, ec);
      if (ec) {
        return std::unexpected(fail_with(
            kExitFailed, "cannot keep " + from.string() + " for the upgrade: " + ec.message()));
      }
      if (options.progress) options.progress("kept " + rel);
    }
  }

  if (auto ok = migrate(m, options); !ok) return std::unexpected(ok.error());

  // Into place.
  FolderGuard old_guard;
  if (upgrade) {
    auto old = make_temp_folder(options.plugins_dir, ".old-" + m.id + "-");
    if (!old) return std::unexpected(old.error());
    fs::remove(*old, ec);
    fs::rename(target, *old, ec);
    if (ec) {
      return std::unexpected(fail_with(
          kExitFailed, "cannot move the installed " + target.string() + " aside: " + ec.message()));
    }
    old_guard.path = *old;
  }
  fs::rename(m.dir, target, ec);
  if (ec) {
    const std::string why = ec.message();
    if (upgrade) {
      fs::rename(old_guard.path, target, ec);
      old_guard.path.clear();
    }
    return std::unexpected(
        fail_with(kExitFailed, "cannot move the plugin into " + target.string() + ": " + why));
  }
  const std::string now = utc_now_iso();
  Registry updated = *registry;
  if (RegistryEntry* entry = updated.find(m.id)) {
    entry->version = m.version;
    entry->updated_at = now;
  } else {
    updated.plugins.push_back({m.id, m.version, true, now, now});
  }
  if (auto ok = write_registry(options.plugins_dir, updated); !ok) {
    // Put the folder back as it was.
    fs::remove_all(target, ec);
    if (upgrade) {
      fs::rename(old_guard.path, target, ec);
      old_guard.path.clear();
    }
    return std::unexpected(fail_with(kExitFailed, ok.error().message));
  }
  if (upgrade) {
    return "upgraded " + m.id + " " + old_version + " -> " + m.version + " in " + target.string() +
           " (restart panelhost to run it)";
  }
  return "installed " + m.id + " " + m.version + " into " + target.string() +
         " (restart panelhost to run it)";
}

}  // namespace

std::string resolve_dsn(const ManagerOptions& options, const std::string& id,
                        const Json::Value& manifest_settings) {
  if (!options.dsn.empty()) return options.dsn;
  const Json::Value& overrides = options.plugin_settings;
  if (overrides.isObject() && overrides.isMember(id) && overrides[id].isObject() &&
      overrides[id]["mysql_dsn"].isString() && !overrides[id]["mysql_dsn"].asString().empty()) {
    return overrides[id]["mysql_dsn"].asString();
  }
  if (manifest_settings.isObject() && manifest_settings["mysql_dsn"].isString() &&
      !manifest_settings["mysql_dsn"].asString().empty()) {
    return manifest_settings["mysql_dsn"].asString();
  }
  const char* env = std::getenv("PD_MYSQL_DSN");
  return env ? env : "";
}

ManagerResult<std::string> install_plugin(const std::string& package,
                                          const ManagerOptions& options) {
  return install_or_upgrade(package, options, false);
}

ManagerResult<std::string> upgrade_plugin(const std::string& package,
                                          const ManagerOptions& options) {
  return install_or_upgrade(package, options, true);
}

ManagerResult<std::string> remove_plugin(const std::string& id, const ManagerOptions& options) {
  auto registry = load_registry(options);
  if (!registry) return std::unexpected(registry.error());
  if (!is_contained_path(id) || id.find('/') != std::string::npos || id.starts_with(".")) {
    return std::unexpected(fail_with(kExitUsage, "'" + id + "' is not a plugin id"));
  }
  const fs::path target = fs::path(options.plugins_dir) / id;
  std::error_code ec;
  const bool folder = fs::exists(target, ec);
  if (!folder && registry->find(id) == nullptr) {
    return std::unexpected(
        fail_with(kExitState, "plugin " + id + " is not installed in " + options.plugins_dir));
  }
  Registry updated = *registry;
  std::erase_if(updated.plugins, [&](const RegistryEntry& e) { return e.id == id; });
  if (folder) {
    // Renamed aside first: the folder disappears at once, then is deleted.
    auto aside = make_temp_folder(options.plugins_dir, ".old-" + id + "-");
    if (!aside) return std::unexpected(aside.error());
    fs::remove(*aside, ec);
    fs::rename(target, *aside, ec);
    if (ec) {
      return std::unexpected(
          fail_with(kExitFailed, "cannot remove " + target.string() + ": " + ec.message()));
    }
    if (auto ok = write_registry(options.plugins_dir, updated); !ok) {
      fs::rename(*aside, target, ec);
      return std::unexpected(fail_with(kExitFailed, ok.error().message));
    }
    fs::remove_all(*aside, ec);
  } else if (auto ok = write_registry(options.plugins_dir, updated); !ok) {
    return std::unexpected(fail_with(kExitFailed, ok.error().message));
  }
  return "removed " + id + " (its database tables are kept)";
}

ManagerResult<std::string> set_plugin_enabled(const std::string& id, bool enabled,
                                              const ManagerOptions& options) {
  auto registry = load_registry(options);
  if (!registry) return std::unexpected(registry.error());
  Registry updated = *registry;
  RegistryEntry* entry = updated.find(id);
  const fs::path target = fs::path(options.plugins_dir) / id;
  std::error_code ec;
  if (entry == nullptr) {
    // A folder put there by hand: registered now.
    auto manifest = fs::is_directory(target, ec) && is_contained_path(id)
                        ? read_manifest(target.string())
                        : pd::Result<PluginManifest>(pd::fail(pd::Error::not_found("")));
    if (!manifest) {
      return std::unexpected(
          fail_with(kExitState, "plugin " + id + " is not installed in " + options.plugins_dir));
    }
    updated.plugins.push_back({id, manifest->version, enabled, "", utc_now_iso()});
  } else {
    if (entry->enabled == enabled) {
      return std::string("plugin " + id + " is already " + (enabled ? "enabled" : "disabled"));
    }
    entry->enabled = enabled;
    entry->updated_at = utc_now_iso();
  }
  if (auto ok = write_registry(options.plugins_dir, updated); !ok) {
    return std::unexpected(fail_with(kExitFailed, ok.error().message));
  }
  return std::string(enabled ? "enabled " : "disabled ") + id +
         " (takes effect at panelhost's next start)";
}

std::vector<std::string> recover_interrupted(const ManagerOptions& options) {
  std::vector<std::string> done;
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(options.plugins_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".staging-") || name.starts_with(".old-")) {
      leftovers.push_back(entry.path());
    }
  }
  for (const fs::path& path : leftovers) {
    const std::string name = path.filename().string();
    // ".old-<id>-XXXXXX": mkdtemp's six characters after the last '-'.
    if (name.starts_with(".old-") && name.size() > 12) {
      const std::string id = name.substr(5, name.size() - 5 - 7);
      const fs::path target = path.parent_path() / id;
      if (is_contained_path(id) && !fs::exists(target, ec)) {
        fs::rename(path, target, ec);
        if (!ec) {
          done.push_back("restored " + id + " from an interrupted upgrade or remove");
          continue;
        }
      }
    }
    fs::remove_all(path, ec);
    done.push_back("deleted " + name + ", left by an interrupted command");
  }
  return done;
}

ManagerResult<std::vector<PluginRow>> list_plugins(const ManagerOptions& options) {
  auto registry = load_registry(options);
  if (!registry) return std::unexpected(registry.error());
  std::vector<PluginRow> rows;
  std::error_code ec;
  for (const RegistryEntry& entry : registry->plugins) {
    const fs::path folder = fs::path(options.plugins_dir) / entry.id;
    const bool there = fs::exists(folder / "manifest.json", ec);
    rows.push_back({entry.id, entry.version, entry.installed_at,
                    !there          ? "missing"
                    : entry.enabled ? "enabled"
                                    : "disabled",
                    folder.string()});
  }
  for (const auto& dirent : fs::directory_iterator(options.plugins_dir, ec)) {
    const std::string name = dirent.path().filename().string();
    if (name.starts_with(".") || !dirent.is_directory(ec)) continue;
    auto manifest = read_manifest(dirent.path().string());
    if (!manifest) {
      // Not loadable as it is: shown, so that it is not a mystery.
      if (fs::exists(dirent.path() / "manifest.json", ec)) {
        rows.push_back({name, "", "", "damaged", dirent.path().string()});
      }
      continue;
    }
    if (registry->find(manifest->id) != nullptr) continue;
    rows.push_back({manifest->id, manifest->version, "", "unregistered", dirent.path().string()});
  }
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return rows;
}

}  // namespace pd::host
