// Number patterns for the scenario's outcome rules: Asterisk extension
// patterns ("_X.", "_NXX[2-5]!", or a literal number) and ECMAScript regexes.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include "pd/result.h"

namespace pd::sim {

class DialPattern {
 public:
  // "_..." is an Asterisk pattern: X = 0-9, Z = 1-9, N = 2-9, [a-c1] a set,
  // "." one or more of anything, "!" zero or more. Unlike Asterisk, "." and "!"
  // may also stand in the middle ("_X.5" = ends with 5). Without "_" the text
  // must match exactly (case-insensitive, like Asterisk).
  static Result<DialPattern> asterisk(std::string_view text);
  // A regex searched anywhere in the number (anchor it with ^...$ if needed).
  static Result<DialPattern> regex(std::string_view text);

  bool matches(std::string_view number) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind { kLiteral, kAsterisk, kRegex };
  DialPattern(Kind kind, std::string text) : kind_(kind), text_(std::move(text)) {}
  bool match_asterisk(size_t pi, std::string_view number, size_t ni) const;

  Kind kind_;
  std::string text_;  // for kAsterisk: without the leading '_'
  std::shared_ptr<const std::regex> regex_;
};

// Shell-style glob with '*' and '?' (context names in the scenario map).
bool glob_matches(std::string_view glob, std::string_view text);

}  // namespace pd::sim
