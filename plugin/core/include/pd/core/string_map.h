// A hash map keyed by std::string that is searched with a std::string_view
// (the AMI fields the core reads are views): no temporary string per lookup.
// Threads: as std::unordered_map.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pd::core {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;

}  // namespace pd::core
