#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rtm::feeds {

// Hashes venue symbols so that a map keyed by std::string can be searched
// with the std::string_view a parser hands out, without building a string.
struct SymbolHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view symbol) const noexcept { return std::hash<std::string_view>{}(symbol); }
};

// Per-symbol state (books, sequence tracking) looked up on every message.
template <class Value>
using SymbolMap = std::unordered_map<std::string, Value, SymbolHash, std::equal_to<>>;

}  // namespace rtm::feeds
