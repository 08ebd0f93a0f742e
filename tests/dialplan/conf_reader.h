// Reads extensions.conf text the way Asterisk's pbx_config does, enough to
// check what the dialplan writer produces: [context] headers, "exten =>" and
// "same =>" lines, priorities (numbers, n, n(label)), comments after ';'.
// Test-only code.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pd::testing {

struct DialplanStep {
  std::string exten;
  int priority = 0;
  std::string application;  // "Dial"
  std::string arguments;    // inside the parentheses
};

struct ParsedDialplan {
  std::map<std::string, std::vector<DialplanStep>> contexts;
  std::vector<std::string> errors;  // as Asterisk would warn, with line numbers
};

ParsedDialplan read_extensions_conf(const std::string& text);

}  // namespace pd::testing
