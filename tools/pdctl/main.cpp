// pdctl: PanelDialer's command line for integrators (docs/pdctl.md).
//   pdctl [--dsn DSN] [--json] GROUP COMMAND [operands] [options]
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

namespace {

using namespace pdctl;

std::vector<Group> all_groups() {
  return {campaign_group(),     numbers_group(),   stats_group(), dnc_group(),
          dispositions_group(), callbacks_group(), groups_group()};
}

std::string main_help(const std::vector<Group>& groups) {
  std::string out =
      "usage: pdctl [--dsn DSN] [--json] GROUP COMMAND [operands] [options]\n"
      "\n"
      "PanelDialer's command line: campaigns, their numbers, statistics, the\n"
      "do-not-call list, dispositions, callbacks and contact groups, in the same\n"
      "database as the engine and the admin pages, with the same rules.\n"
      "\n"
      "groups:\n";
  for (const Group& g : groups) {
    out += "  " + g.name + std::string(g.name.size() < 14 ? 14 - g.name.size() : 1, ' ') +
           g.summary + "\n";
  }
  out +=
      "\n"
      "global options (before or after the command):\n"
      "  --dsn DSN     the database, mysql://user:pass@host:port/db or\n"
      "                mysql://user:pass@localhost/db?socket=/path (default: $PD_MYSQL_DSN)\n"
      "  --json        machine-readable output on stdout (errors too: {\"ok\":false,...})\n"
      "  -h, --help    this text; `pdctl GROUP --help`, `pdctl GROUP COMMAND --help`\n"
      "\n"
      "exit status:\n"
      "  0  done\n"
      "  1  failed: the database or a file (the reason is printed on stderr)\n"
      "  2  bad usage: unknown command or option, a missing operand\n"
      "  3  not found: the campaign, number, entry named does not exist\n"
      "  4  refused: a value broke a rule (the message names the field or line),\n"
      "     a conflict (a name taken, a number in a call), a missing --yes\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dsn;
  if (const char* env = std::getenv("PD_MYSQL_DSN")) dsn = env;
  bool json = false;
  bool help = false;
  std::vector<std::string> rest;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      rest.insert(rest.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "--dsn") {
      if (i + 1 >= args.size()) {
        std::cerr << "pdctl: --dsn needs a value\n";
        return kExitUsage;
      }
      dsn = args[++i];
    } else if (a.starts_with("--dsn=")) {
      dsn = a.substr(6);
    } else {
      rest.push_back(a);
    }
  }
  const std::vector<Group> groups = all_groups();
  if (rest.empty()) {
    if (help) {
      std::cout << main_help(groups);
      return kExitOk;
    }
    std::cerr << "pdctl: no command\n\n" << main_help(groups);
    return kExitUsage;
  }
  const Group* group = nullptr;
  for (const Group& g : groups) {
    if (g.name == rest[0]) group = &g;
  }
  if (group == nullptr) {
    std::cerr << "pdctl: unknown command '" << rest[0] << "'\n\n" << main_help(groups);
    return kExitUsage;
  }
  // A group of one unnamed command (stats) takes its operands directly.
  const Command* command = nullptr;
  std::size_t first_arg = 2;
  if (group->commands.size() == 1 && group->commands[0].name.empty()) {
    command = &group->commands[0];
    first_arg = 1;
  } else if (rest.size() >= 2) {
    for (const Command& c : group->commands) {
      if (c.name == rest[1]) command = &c;
    }
    if (command == nullptr) {
      std::cerr << "pdctl: unknown command '" << group->name << " " << rest[1] << "'\n\n"
                << group_help(*group);
      return kExitUsage;
    }
  }
  if (command == nullptr) {
    if (help) {
      std::cout << group_help(*group);
      return kExitOk;
    }
    std::cerr << "pdctl: " << group->name << ": no command\n\n" << group_help(*group);
    return kExitUsage;
  }
  if (help) {
    std::cout << command_help(*group, *command);
    return kExitOk;
  }
  std::vector<std::string> command_args(rest.begin() + static_cast<long>(first_arg), rest.end());
  auto parsed = parse_args(*command, command_args);
  if (!parsed) {
    std::cerr << "pdctl: " << group->name << (command->name.empty() ? "" : " " + command->name)
              << ": " << parsed.error().message << "\n\n"
              << command_help(*group, *command);
    return kExitUsage;
  }
  Context ctx(dsn, json);
  return command->run(ctx, *parsed);
}
