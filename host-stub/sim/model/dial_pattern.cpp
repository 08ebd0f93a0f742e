#include "dial_pattern.h"

#include <cctype>

#include "pd/ami/message.h"

namespace pd::sim {
namespace {

// Length of the set "[...]" starting at `open`, or 0 when it is not closed.
size_t set_length(std::string_view pattern, size_t open) {
  const size_t close = pattern.find(']', open + 1);
  return close == std::string_view::npos ? 0 : close - open + 1;
}

bool set_contains(std::string_view set, char c) {
  // set is the text between the brackets
  for (size_t i = 0; i < set.size(); ++i) {
    if (i + 2 < set.size() && set[i + 1] == '-') {
      if (c >= set[i] && c <= set[i + 2]) return true;
      i += 2;
    } else if (set[i] == c) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<DialPattern> DialPattern::asterisk(std::string_view text) {
  if (text.empty()) return fail(Error::invalid("empty number pattern"));
  if (text.front() != '_') return DialPattern(Kind::kLiteral, std::string(text));
  std::string body(text.substr(1));
  if (body.empty()) return fail(Error::invalid("pattern \"_\" matches nothing"));
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '[') {
      const size_t len = set_length(body, i);
      if (len < 3) return fail(Error::invalid("unclosed or empty [set] in pattern " + body));
      i += len - 1;
    } else if (body[i] == ']') {
      return fail(Error::invalid("stray ']' in pattern _" + body));
    }
  }
  return DialPattern(Kind::kAsterisk, std::move(body));
}

Result<DialPattern> DialPattern::regex(std::string_view text) {
  DialPattern pattern(Kind::kRegex, std::string(text));
  try {
    pattern.regex_ = std::make_shared<const std::regex>(pattern.text_, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return fail(Error::invalid("bad regex \"" + pattern.text_ + "\": " + e.what()));
  }
  return pattern;
}

bool DialPattern::matches(std::string_view number) const {
  switch (kind_) {
    case Kind::kLiteral:
      return pd::ami::iequals(text_, number);
    case Kind::kAsterisk:
      return match_asterisk(0, number, 0);
    case Kind::kRegex:
      return std::regex_search(number.begin(), number.end(), *regex_);
  }
  return false;
}

bool DialPattern::match_asterisk(size_t pi, std::string_view number, size_t ni) const {
  while (pi < text_.size()) {
    const char p = text_[pi];
    if (p == '.' || p == '!') {
      const size_t least = p == '.' ? 1 : 0;
      for (size_t take = least; ni + take <= number.size(); ++take) {
        if (match_asterisk(pi + 1, number, ni + take)) return true;
      }
      return false;
    }
    if (ni >= number.size()) return false;
    const char c = number[ni];
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(p)));
    if (up == 'X') {
      if (c < '0' || c > '9') return false;
    } else if (up == 'Z') {
      if (c < '1' || c > '9') return false;
    } else if (up == 'N') {
      if (c < '2' || c > '9') return false;
    } else if (p == '[') {
      const size_t len = set_length(text_, pi);
      if (!set_contains(std::string_view(text_).substr(pi + 1, len - 2), c)) return false;
      pi += len;
      ++ni;
      continue;
    } else if (std::tolower(static_cast<unsigned char>(p)) !=
               std::tolower(static_cast<unsigned char>(c))) {
      return false;
    }
    ++pi;
    ++ni;
  }
  return ni == number.size();
}

bool glob_matches(std::string_view glob, std::string_view text) {
  size_t g = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == text[t])) {
      ++g;
      ++t;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

}  // namespace pd::sim
