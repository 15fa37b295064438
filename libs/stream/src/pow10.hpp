#pragma once

// Powers of ten for rescaling exact decimals. Private to libs/stream.
#include <array>
#include <cstdint>

namespace rtm::stream::detail {

inline constexpr std::array<std::int64_t, 19> kPow10 = [] {
  std::array<std::int64_t, 19> powers{};
  powers[0] = 1;
  for (std::size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
  return powers;
}();

}  // namespace rtm::stream::detail
