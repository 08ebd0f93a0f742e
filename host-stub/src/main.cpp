// panelhost: loads the plugins, keeps the AMI link, serves the agent panels.
// Usage: panelhost --help.
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include "config.h"
#include "host_app.h"
#include "log.h"
#include "manifest.h"
#include "plugin_cli.h"

namespace {

// `--duration S` is a run-time option of the binary, not a config setting:
// scripts and tests use it to run for a while and read the summary.
bool take_duration(std::vector<std::string_view>& args, double& duration_s, std::string& error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view value;
    size_t used = 0;
    if (args[i] == "--duration" && i + 1 < args.size()) {
      value = args[i + 1];
      used = 2;
    } else if (args[i].starts_with("--duration=")) {
      value = args[i].substr(11);
      used = 1;
    } else if (args[i] == "--duration") {
      error = "option --duration needs a value";
      return false;
    } else {
      continue;
    }
    try {
      size_t end = 0;
      duration_s = std::stod(std::string(value), &end);
      if (end != value.size() || duration_s <= 0) throw std::invalid_argument("range");
    } catch (const std::exception&) {
      error = "option --duration: '" + std::string(value) + "' is not a positive number of seconds";
      return false;
    }
    args.erase(args.begin() + long(i), args.begin() + long(i + used));
    return true;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "plugin") {
    return pd::host::run_plugin_command(std::span(args).subspan(1));
  }
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("panelhost %s (plugin ABI %u.%u)\n", pd::host::host_version(), PD_ABI_VERSION_MAJOR,
                PD_ABI_VERSION_MINOR);
    return 0;
  }
  double duration_s = 0;
  std::string error;
  if (!take_duration(args, duration_s, error)) {
    std::fprintf(stderr, "panelhost: %s (see --help)\n", error.c_str());
    return 2;
  }
  auto command_line = pd::host::parse_command_line(args);
  if (!command_line) {
    std::fprintf(stderr, "panelhost: %s\n", command_line.error().message.c_str());
    return 2;
  }
  if (command_line->help) {
    std::string text = pd::host::usage();
    text +=
        "\nRun control:\n"
        "  --duration SECONDS     stop by itself after that long (as on SIGTERM)\n"
        "  --version              print the version and the plugin ABI, exit\n"
        "\nPlugins: panelhost plugin install|upgrade|remove|enable|disable|list\n"
        "  (panelhost plugin --help)\n";
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  pd::host::set_log_level(command_line->config.log_level);
  auto summary = pd::host::run_host(command_line->config, duration_s);
  if (!summary) {
    pd::host::log_error("host", summary.error().message);
    return 1;
  }
  std::fputs(pd::host::format_summary(*summary).c_str(), stdout);
  std::fflush(stdout);
  return 0;
}
