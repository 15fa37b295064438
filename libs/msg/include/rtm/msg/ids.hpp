#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rtm::msg {

// Venue ids are part of the wire format: never renumber, only append.
enum class Venue : std::uint16_t {
  kUnknown = 0,
  kBinance = 1,
  kCoinbase = 2,
  kKraken = 3,
  // Records about a canonical symbol across venues (cross-venue best
  // bid/offer, consolidated bars) carry this venue.
  kComposite = 100,
};

std::string_view venue_name(Venue venue) noexcept;  // "binance", "composite", ...
std::optional<Venue> parse_venue(std::string_view name) noexcept;

using InstrumentId = std::uint64_t;
inline constexpr InstrumentId kNoInstrument = 0;

namespace detail {
constexpr char ascii_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr std::uint64_t fnv1a_step(std::uint64_t hash, char c) noexcept {
  return (hash ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
}
// splitmix64's finalizer: spreads FNV's weak low bits over the whole word.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
}  // namespace detail

// The id of a venue's instrument, computed from its name alone, so every
// process (and every language that repeats the recipe) derives the same id
// with no central service: a 64-bit hash of "<venue id>:<SYMBOL>" with the
// symbol upper-cased (Binance streams say "btcusdt" where REST says
// "BTCUSDT"). Distinct names can in principle collide; InstrumentRegistry
// detects that. Never returns kNoInstrument.
constexpr InstrumentId make_instrument_id(Venue venue, std::string_view symbol) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto venue_code = static_cast<std::uint16_t>(venue);
  hash = detail::fnv1a_step(hash, static_cast<char>(venue_code & 0xff));
  hash = detail::fnv1a_step(hash, static_cast<char>(venue_code >> 8));
  hash = detail::fnv1a_step(hash, ':');
  for (char c : symbol) hash = detail::fnv1a_step(hash, detail::ascii_upper(c));
  const InstrumentId id = detail::mix64(hash);
  return id == kNoInstrument ? 1 : id;
}

}  // namespace rtm::msg
