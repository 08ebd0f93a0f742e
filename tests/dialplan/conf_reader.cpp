#include "conf_reader.h"

#include <sstream>

namespace pd::testing {

namespace {

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// ';' starts a comment unless escaped as "\;".
std::string strip_comment(const std::string& line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ';' && (i == 0 || line[i - 1] != '\\')) return line.substr(0, i);
  }
  return line;
}

}  // namespace

ParsedDialplan read_extensions_conf(const std::string& text) {
  ParsedDialplan parsed;
  std::istringstream in(text);
  std::string raw;
  std::string context;
  std::string last_exten;
  int last_priority = 0;
  int line_number = 0;
  auto error = [&](const std::string& what) {
    parsed.errors.push_back("line " + std::to_string(line_number) + ": " + what);
  };
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = trim(strip_comment(raw));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        error("bad context header");
        continue;
      }
      context = line.substr(1, line.size() - 2);
      if (parsed.contexts.contains(context)) error("context " + context + " defined twice");
      parsed.contexts[context];
      last_exten.clear();
      continue;
    }
    const size_t arrow = line.find("=>");
    if (arrow == std::string::npos) {
      error("not a dialplan line: " + line);
      continue;
    }
    if (context.empty()) {
      error("line outside a context");
      continue;
    }
    const std::string kind = trim(line.substr(0, arrow));
    std::string rest = trim(line.substr(arrow + 2));
    DialplanStep step;
    if (kind == "exten") {
      const size_t comma = rest.find(',');
      if (comma == std::string::npos) {
        error("exten without priority");
        continue;
      }
      step.exten = rest.substr(0, comma);
      rest = rest.substr(comma + 1);
    } else if (kind == "same") {
      if (last_exten.empty()) {
        error("'same =>' before any 'exten =>'");
        continue;
      }
      step.exten = last_exten;
    } else {
      error("unknown keyword " + kind);
      continue;
    }
    const size_t comma = rest.find(',');
    if (comma == std::string::npos) {
      error("no application");
      continue;
    }
    std::string priority = rest.substr(0, comma);
    if (const size_t paren = priority.find('('); paren != std::string::npos) {
      priority = priority.substr(0, paren);  // n(label)
    }
    if (priority == "n") {
      if (step.exten != last_exten) {
        error("priority n on a new extension");
        continue;
      }
      step.priority = last_priority + 1;
    } else {
      try {
        step.priority = std::stoi(priority);
      } catch (...) {
        error("bad priority " + priority);
        continue;
      }
    }
    const std::string application = rest.substr(comma + 1);
    const size_t open = application.find('(');
    if (open == std::string::npos || application.back() != ')') {
      step.application = application;
    } else {
      step.application = application.substr(0, open);
      step.arguments = application.substr(open + 1, application.size() - open - 2);
    }
    // Parentheses must balance, or Asterisk reads a different application line.
    int depth = 0;
    for (char c : step.arguments) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth != 0) error("unbalanced parentheses in " + application);
    last_exten = step.exten;
    last_priority = step.priority;
    parsed.contexts[context].push_back(step);
  }
  return parsed;
}

}  // namespace pd::testing
