#pragma once

// The fast path for the decimals venues send as text ("65000.01000000",
// "0.5117"): digits with at most one point, read a word or a vector at a
// time into a mantissa at the instrument's scale. Whatever it does not take
// (a sign, an exponent, too many digits, anything finer than the scale,
// every error) it refuses, and the general parser decides. The text must lie
// in a padded frame: bytes past its end are read (and ignored). Private to
// libs/feeds.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE4_1__)
#include <immintrin.h>
#endif

#include "ascii_digits.hpp"

namespace rtm::feeds::detail {

// A word at a time, for CPUs without SSE4.1: up to 7 integer digits, then
// optionally a point and 1 to 8 fraction digits, no finer than `scale`
// ("65000.01000000", "0.5117"). The fraction is read as one 8-byte word and
// shifted so that '0's pad it on the left: the frame's padding makes the
// bytes past a short fraction readable. No division anywhere. Anything else
// (a sign, an exponent, longer numbers, every error) returns false for the
// general parser to decide.
[[gnu::always_inline]] inline bool plain_mantissa_swar(std::string_view text, std::uint8_t scale,
                                                  std::int64_t& out) noexcept {
  constexpr std::uint64_t kZeros = kAsciiZeros;
  if (scale > 18 || text.empty()) return false;  // an absent field's view may point nowhere
  const char* p = text.data();
  const char* const end = p + text.size();
  // The integer digits, up to seven of them, from one 8-byte word: the
  // first byte that is no digit ends them (a byte below '0' wraps to >= 0xD0,
  // one above '9' reaches 0x80 once 0x76 is added; digits before it borrow
  // and carry nothing), and they are shifted to the word's top as above.
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  const std::uint64_t digit_values = word - kZeros;
  const std::uint64_t not_digits = (digit_values | (digit_values + 0x7676767676767676ULL)) & 0x8080808080808080ULL;
  if (not_digits == 0) return false;  // eight or more integer digits: the general parser's
  const auto integer_digits = static_cast<std::size_t>(std::countr_zero(not_digits)) / 8;
  if (integer_digits == 0 || integer_digits > text.size()) return false;
  const std::uint64_t integer = eight_digit_value(digit_values << (8 * (8 - integer_digits)));
  p += integer_digits;
  std::uint64_t fraction = 0;
  std::size_t fraction_digits = 0;
  if (p != end) {
    if (*p != '.') return false;
    ++p;
    fraction_digits = static_cast<std::size_t>(end - p);
    if (fraction_digits == 0 || fraction_digits > 8 || fraction_digits > scale) return false;
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, p, 8);
    // The digits move to the word's top bytes (the last characters, little-
    // endian) and '0's fill the bytes below: "5117" reads as "00005117".
    const auto shift = static_cast<unsigned>(8 * (8 - fraction_digits));
    const std::uint64_t low_bytes = shift == 0 ? 0 : ~std::uint64_t{0} >> (64 - shift);
    chunk = (chunk << shift) | (kZeros & low_bytes);
    if (!eight_ascii_digits(chunk)) return false;
    fraction = eight_digit_value(chunk - kZeros);
  }
  std::uint64_t value = 0;
  // fraction < 10^fraction_digits, so its term stays below 10^scale.
  if (__builtin_mul_overflow(integer, kPow10[scale], &value) ||
      __builtin_add_overflow(value, fraction * kPow10[scale - fraction_digits], &value) ||
      value > 0x7FFFFFFFFFFFFFFFULL) {
    return false;
  }
  out = static_cast<std::int64_t>(value);
  return true;
}


#if defined(__SSE4_1__)
// Up to 16 characters in one 16-byte vector: the digits' positions and the
// point's come from two compares, one shuffle drops the point and moves the
// digits to the vector's end (zeros before them), and three multiply-adds
// turn 16 digits into two 8-digit halves. No branch depends on the digits,
// so a book message's changing number lengths cost no mispredictions, and
// a number costs about a third of the word-at-a-time path's instructions.
[[gnu::always_inline]] inline bool plain_mantissa_sse(std::string_view text, std::uint8_t scale,
                                                      std::int64_t& out) noexcept {
  const std::size_t length = text.size();
  if (length == 0 || length > 16 || scale > 18) return false;  // an absent field's view may point nowhere
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data()));
  const __m128i digits = _mm_sub_epi8(bytes, _mm_set1_epi8('0'));
  const unsigned in_text = (1U << length) - 1;
  const auto is_digit =
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(digits, _mm_set1_epi8(9)), digits)));
  const auto point = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('.')))) & in_text;
  // Every character a digit but at most one point.
  if ((~is_digit & in_text) != point || (point & (point - 1)) != 0) return false;
  const bool has_point = point != 0;
  const std::size_t integer_digits = has_point ? static_cast<std::size_t>(std::countr_zero(point)) : length;
  const std::size_t digit_count = length - (has_point ? 1 : 0);
  const std::size_t fraction_digits = digit_count - integer_digits;
  if (integer_digits == 0 || (has_point && fraction_digits == 0) || fraction_digits > scale) return false;

  // Output byte k takes digit j = k - (16 - digit_count), which sits one
  // byte further on once past the point; a negative index (high bit set)
  // makes the shuffle write a zero.
  const __m128i positions = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m128i source = _mm_sub_epi8(positions, _mm_set1_epi8(static_cast<char>(16 - digit_count)));
  source = _mm_sub_epi8(source, _mm_cmpgt_epi8(source, _mm_set1_epi8(static_cast<char>(integer_digits - 1))));
  const __m128i aligned = _mm_shuffle_epi8(digits, source);

  const __m128i pairs = _mm_maddubs_epi16(aligned, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  const __m128i fours = _mm_madd_epi16(pairs, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  const __m128i packed = _mm_packus_epi32(fours, fours);
  const __m128i eights = _mm_madd_epi16(packed, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  const auto halves = static_cast<std::uint64_t>(_mm_cvtsi128_si64(eights));
  const std::uint64_t digits_value = (halves & 0xFFFFFFFFULL) * 100'000'000ULL + (halves >> 32);

  std::uint64_t value = 0;
  if (__builtin_mul_overflow(digits_value, kPow10[scale - fraction_digits], &value) ||
      value > 0x7FFFFFFFFFFFFFFFULL) {
    return false;
  }
  out = static_cast<std::int64_t>(value);
  return true;
}
#endif

// The fast path this build has.
[[gnu::always_inline]] inline bool plain_mantissa(std::string_view text, std::uint8_t scale,
                                                  std::int64_t& out) noexcept {
#if defined(__SSE4_1__)
  return plain_mantissa_sse(text, scale, out);
#else
  return plain_mantissa_swar(text, scale, out);
#endif
}

}  // namespace rtm::feeds::detail
