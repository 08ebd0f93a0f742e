// `panelhost plugin COMMAND ...`: the command line of the plugin manager
// (plugin_manager.h). Prints to stdout/stderr and returns the exit code
// (PluginExit). Threads: the main thread, once.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace pd::host {

// `args` are the words after "plugin".
int run_plugin_command(std::span<const std::string_view> args);

// The text of `panelhost plugin --help`.
std::string plugin_usage();

}  // namespace pd::host
