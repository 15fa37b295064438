#include "rtm/store/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

namespace rtm::store {
namespace {

[[maybe_unused]] constexpr std::array<std::uint32_t, 256> kTable = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) != 0 ? 0x82F63B78U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}();

}  // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc) noexcept {
  std::uint32_t reg = ~crc;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t length = bytes.size();
#if defined(__SSE4_2__)
  std::uint64_t wide = reg;
  for (; length >= 8; p += 8, length -= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    wide = _mm_crc32_u64(wide, word);
  }
  reg = static_cast<std::uint32_t>(wide);
  for (; length > 0; ++p, --length) reg = _mm_crc32_u8(reg, *p);
#else
  for (; length > 0; ++p, --length) reg = kTable[(reg ^ *p) & 0xFFU] ^ (reg >> 8);
#endif
  return ~reg;
}

}  // namespace rtm::store
