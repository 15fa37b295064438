#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rtm::feeds {

namespace detail {

// 64x64 -> 128-bit multiply, folded: every input bit reaches every output bit.
inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
  __extension__ using Wide = unsigned __int128;
  const Wide product = static_cast<Wide>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

inline std::uint64_t unaligned_load64(const char* p) noexcept {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

inline std::uint64_t unaligned_load32(const char* p) noexcept {
  std::uint32_t word = 0;
  std::memcpy(&word, p, 4);
  return word;
}

}  // namespace detail

// Hashes venue symbols so that a map keyed by std::string can be searched
// with the std::string_view a parser hands out, without building a string.
// Symbols are short ("BTCUSDT", "BTC/USD"): a word or two, read whole (tails
// with overlapping loads) and mixed by multiplication, several times cheaper
// than std::hash's byte loop on every message. The seed is fixed, so maps
// iterate in the same order in every run, which keeps output deterministic.
struct SymbolHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view symbol) const noexcept {
    constexpr std::uint64_t kSeed = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t kMix = 0xD6E8FEB86659FD93ULL;
    const char* p = symbol.data();
    std::size_t n = symbol.size();
    std::uint64_t hash = kSeed ^ n;
    for (; n > 8; p += 8, n -= 8) hash = detail::fold_multiply(hash ^ detail::unaligned_load64(p), kMix);
    std::uint64_t tail = 0;
    if (n >= 4) {
      tail = (detail::unaligned_load32(p) << 32) | detail::unaligned_load32(p + n - 4);
    } else if (n > 0) {
      const auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
      tail = (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
    }
    return detail::fold_multiply(detail::fold_multiply(hash ^ tail, kMix), kSeed);
  }
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
