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

// An adapter's state for one instrument (a Track with an `instrument`
// pointer), made and pointed at the instrument the first time it is seen.
template <class Track, class Instrument>
Track& track_for(SymbolMap<Track>& tracks, Instrument& instrument) {
  auto [slot, added] = tracks.try_emplace(instrument.spec.symbol);
  if (added) slot->second.instrument = &instrument;
  return slot->second;
}

}  // namespace rtm::feeds
