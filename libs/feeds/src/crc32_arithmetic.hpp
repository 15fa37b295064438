// CRC-32 (IEEE, reflected polynomial 0xEDB88320) as arithmetic on
// polynomials over GF(2) modulo P, so that CRCs of pieces can be combined
// without touching their bytes again.
//
// Representation (zlib's): a 32-bit register r stands for the polynomial
// whose x^(31-i) coefficient is bit i. A register started at zero is linear
// in the text it runs over, and running it over n more bytes multiplies it by
// x^(8n) mod P, so for texts A and B:
//   zero_start(A || B) = zero_start(A) * x^(8|B|) mod P  ^  zero_start(B)
// and the usual CRC (start 0xFFFFFFFF, final xor) of a text T is
//   ~(0xFFFFFFFF * x^(8|T|) mod P  ^  zero_start(T)).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__PCLMUL__)
#include <immintrin.h>
#endif

namespace rtm::feeds::detail {

// Slicing-by-8 tables: kCrcTables[0] is the classic byte table, table[k]
// advances a byte that is k bytes further from the end, so eight bytes fold
// into the register with eight lookups and no dependency between them.
using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_crc_tables() noexcept {
  CrcTables tables{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    tables[0][i] = c;
  }
  for (std::size_t k = 1; k < tables.size(); ++k) {
    for (std::size_t i = 0; i < 256; ++i) tables[k][i] = (tables[k - 1][i] >> 8) ^ tables[0][tables[k - 1][i] & 0xFFU];
  }
  return tables;
}
inline constexpr CrcTables kCrcTables = make_crc_tables();

// The register run over one byte.
constexpr std::uint32_t crc_byte(std::uint32_t reg, std::uint8_t byte) noexcept {
  return kCrcTables[0][(reg ^ byte) & 0xFFU] ^ (reg >> 8);
}

// The register run over eight bytes, the first in the lowest byte of `bytes`.
[[gnu::always_inline]] inline std::uint32_t crc_eight_bytes(std::uint32_t reg, std::uint64_t bytes) noexcept {
  const auto& t = kCrcTables;
  const std::uint32_t low = reg ^ static_cast<std::uint32_t>(bytes);
  const auto high = static_cast<std::uint32_t>(bytes >> 32);
  return t[7][low & 0xFFU] ^ t[6][(low >> 8) & 0xFFU] ^ t[5][(low >> 16) & 0xFFU] ^ t[4][low >> 24] ^
         t[3][high & 0xFFU] ^ t[2][(high >> 8) & 0xFFU] ^ t[1][(high >> 16) & 0xFFU] ^ t[0][high >> 24];
}

// The register run over `length` bytes, eight at a time, then the rest.
inline std::uint32_t crc_register(std::uint32_t reg, const unsigned char* p, std::size_t length) noexcept {
  for (; length >= 8; p += 8, length -= 8) {
    std::uint64_t word = 0;  // the first byte lowest, whatever the CPU's byte order
    for (unsigned k = 0; k < 8; ++k) word |= std::uint64_t{p[k]} << (8 * k);
    reg = crc_eight_bytes(reg, word);
  }
  for (; length > 0; ++p, --length) reg = crc_byte(reg, *p);
  return reg;
}

// The register run over n zero bytes: reg * x^(8n) mod P, a byte at a time
// (for building constants).
constexpr std::uint32_t crc_zero_bytes(std::uint32_t reg, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) reg = crc_byte(reg, 0);
  return reg;
}

// The carry-less product of two 32-bit registers, in bits 0..62.
[[gnu::always_inline]] inline std::uint64_t carryless_multiply(std::uint32_t a, std::uint32_t b) noexcept {
#if defined(__PCLMUL__)
  const __m128i product =
      _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(a)), _mm_cvtsi32_si128(static_cast<int>(b)), 0x00);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
#else
  std::uint64_t product = 0;
  for (int bit = 0; bit < 32; ++bit) product ^= ((b >> bit) & 1U) != 0 ? std::uint64_t{a} << bit : 0;
  return product;
#endif
}

// A product (or an xor of products) of two registers a and b, reduced to
// the register of a * b * x mod P. In the representation above the 63-bit
// product's bit k is the coefficient of x^(62-k); times x, its low word is
// the register H of the terms from x^63 down to x^32 (H * x^32, which is H
// run over four zero bytes) and its high word the register of the rest.
[[gnu::always_inline]] inline std::uint32_t crc_reduce(std::uint64_t product) noexcept {
  const auto& t = kCrcTables;
  const auto high_terms = static_cast<std::uint32_t>(product);
  return static_cast<std::uint32_t>(product >> 32) ^ t[3][high_terms & 0xFFU] ^ t[2][(high_terms >> 8) & 0xFFU] ^
         t[1][(high_terms >> 16) & 0xFFU] ^ t[0][high_terms >> 24];
}

// shift[n] = x^(8n - 1) mod P for 1 <= n <= N (shift[0] is unused): the
// factor that, through carryless_multiply and crc_reduce (which add the
// missing x), runs a register over n zero bytes.
template <std::size_t N>
constexpr std::array<std::uint32_t, N + 1> make_shift_factors() noexcept {
  std::array<std::uint32_t, N + 1> shift{};
  if constexpr (N >= 1) {
    shift[1] = std::uint32_t{1} << 24;  // x^7
    for (std::size_t n = 2; n <= N; ++n) shift[n] = crc_zero_bytes(shift[n - 1], 1);
  }
  return shift;
}

}  // namespace rtm::feeds::detail
