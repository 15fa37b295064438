#pragma once

// Word-at-a-time helpers for the ASCII digits venues send: eight bytes
// checked and converted at once instead of a branch per digit. Private to
// libs/feeds.
#include <array>
#include <cstdint>
#include <cstring>

namespace rtm::feeds::detail {

inline constexpr std::uint64_t kAsciiZeros = 0x3030303030303030ULL;  // "00000000"

inline constexpr auto kPow10 = [] {
  std::array<std::uint64_t, 19> powers{};
  std::uint64_t power = 1;
  for (auto& entry : powers) {
    entry = power;
    power *= 10;
  }
  return powers;
}();

[[gnu::always_inline]] inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

// True when all eight bytes are '0'..'9': the high nibble is 3 and adding 6
// does not carry the low nibble out of it.
[[gnu::always_inline]] inline bool eight_ascii_digits(std::uint64_t word) noexcept {
  return ((word & 0xF0F0F0F0F0F0F0F0ULL) | (((word + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ==
         0x3333333333333333ULL;
}

// Eight digit values (0-9, the first in the lowest byte) as a number
// (Lemire's SWAR conversion).
[[gnu::always_inline]] inline std::uint64_t eight_digit_value(std::uint64_t digits) noexcept {
  digits = (digits * 10) + (digits >> 8);
  return (((digits & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((digits >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}

}  // namespace rtm::feeds::detail
