// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as Kraken's book
// checksum uses: carry-less multiplication folds 16 bytes per step where the
// CPU has PCLMULQDQ (libs/feeds is built for it on x86-64), and a
// slicing-by-8 table does the rest and every other CPU.
#include <cstdint>

#include "crc32_arithmetic.hpp"
#include "rtm/feeds/kraken_adapter.hpp"

#if defined(__PCLMUL__) && defined(__SSE4_1__)
#include <immintrin.h>
#define RTM_CRC32_CLMUL 1
#endif

namespace rtm::feeds {
namespace {

#ifdef RTM_CRC32_CLMUL
// The register over the first length & ~15 bytes (length >= 16), by folding
// (Gopal et al., "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ", Intel, 2009). The constants are x^n mod P, bit-reflected, for
// the fold distances used: 4x128 bits, 128 bits, then 64 and 32 bits and the
// Barrett reduction to 32.
std::uint32_t crc_clmul(std::uint32_t reg, const unsigned char* p, std::size_t length) noexcept {
  const __m128i k_fold4 = _mm_set_epi64x(0x00000001c6e41596LL, 0x0000000154442bd4LL);
  const __m128i k_fold1 = _mm_set_epi64x(0x00000000ccaa009eLL, 0x00000001751997d0LL);
  const __m128i k_fold32 = _mm_set_epi64x(0, 0x0000000163cd6124LL);
  const __m128i k_barrett = _mm_set_epi64x(0x00000001f7011641LL, 0x00000001db710641LL);
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  const auto load = [](const unsigned char* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); };
  // One block folded forward by the distance k encodes, onto the next.
  const auto fold = [](__m128i block, __m128i k, __m128i next) {
    return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(block, k, 0x00), _mm_clmulepi64_si128(block, k, 0x11)),
                         next);
  };

  __m128i x = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(reg)));
  p += 16;
  length -= 16;
  if (length >= 48) {
    __m128i x2 = load(p);
    __m128i x3 = load(p + 16);
    __m128i x4 = load(p + 32);
    p += 48;
    length -= 48;
    for (; length >= 64; p += 64, length -= 64) {
      x = fold(x, k_fold4, load(p));
      x2 = fold(x2, k_fold4, load(p + 16));
      x3 = fold(x3, k_fold4, load(p + 32));
      x4 = fold(x4, k_fold4, load(p + 48));
    }
    x = fold(fold(fold(x, k_fold1, x2), k_fold1, x3), k_fold1, x4);
  }
  for (; length >= 16; p += 16, length -= 16) x = fold(x, k_fold1, load(p));

  // 128 bits to 64, to 32, then Barrett to the 32-bit register.
  x = _mm_xor_si128(_mm_clmulepi64_si128(x, k_fold1, 0x10), _mm_srli_si128(x, 8));
  x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), k_fold32, 0x00), _mm_srli_si128(x, 4));
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), k_barrett, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), k_barrett, 0x00);
  return static_cast<std::uint32_t>(_mm_extract_epi32(_mm_xor_si128(x, t), 1));
}
#endif

}  // namespace

std::uint32_t crc32_ieee(std::string_view bytes, std::uint32_t crc) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t length = bytes.size();
  std::uint32_t reg = ~crc;
#ifdef RTM_CRC32_CLMUL
  if (length >= 16) {
    reg = crc_clmul(reg, p, length);
    p += length & ~std::size_t{15};
    length &= 15;
  }
#endif
  return ~detail::crc_register(reg, p, length);
}

}  // namespace rtm::feeds
