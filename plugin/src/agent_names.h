// How the engine names an agent: by extension, the same id the panel host
// authenticates. Queue members are interfaces; the extension is read from them.
#pragma once

#include <string>
#include <string_view>

namespace pd::plugin {

// "Local/101@sim-agents/n", "PJSIP/101", "SIP/101" -> "101".
inline std::string extension_of(std::string_view interface) {
  const size_t slash = interface.find('/');
  if (slash == std::string_view::npos) return std::string(interface);
  const std::string_view rest = interface.substr(slash + 1);
  return std::string(rest.substr(0, rest.find_first_of("@/")));
}

}  // namespace pd::plugin
