// Kraken's book checksum: CRC32 over the top ten levels of each side.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE4_1__)
#include <immintrin.h>
#endif

#include "rtm/feeds/kraken_adapter.hpp"

namespace rtm::feeds {

namespace {

// v < 10^8 as eight ASCII digits, leading zeros included, the first digit in
// the lowest byte: each step splits every lane into two lanes of half as
// many digits with a multiply-shift division (exact in these ranges).
[[gnu::always_inline]] inline std::uint64_t ascii_eight_digits(std::uint64_t v) noexcept {
  const std::uint64_t fours = (v / 10000) | ((v % 10000) << 32);
  const std::uint64_t high_pairs = ((fours * 10486) >> 20) & 0x0000007F0000007FULL;  // / 100
  const std::uint64_t pairs = ((fours - 100 * high_pairs) << 16) | high_pairs;
  const std::uint64_t high_digits = ((pairs * 103) >> 10) & 0x000F000F000F000FULL;  // / 10
  const std::uint64_t digits = ((pairs - 10 * high_digits) << 8) | high_digits;
  return digits + 0x3030303030303030ULL;
}

// Writes exactly eight digits; `out` needs 8 bytes.
[[gnu::always_inline]] inline char* write_eight(char* out, std::uint64_t v) noexcept {
  const std::uint64_t ascii = ascii_eight_digits(v);
  std::memcpy(out, &ascii, 8);
  return out + 8;
}

// Writes v < 10^8 without leading zeros ("0" for zero); `out` needs 8 bytes.
[[gnu::always_inline]] inline char* write_short(char* out, std::uint64_t v) noexcept {
  if (v == 0) {
    *out = '0';
    return out + 1;
  }
  const std::uint64_t ascii = ascii_eight_digits(v);
  // v > 0, so at most seven of the eight digits are leading zeros.
  const unsigned leading_zeros =
      std::min(static_cast<unsigned>(std::countr_zero(ascii - 0x3030303030303030ULL)) / 8, 7U);
  const std::uint64_t shifted = ascii >> (8 * leading_zeros);
  std::memcpy(out, &shifted, 8);
  return out + 8 - leading_zeros;
}

// The mantissa's decimal text, as std::to_chars writes it but without its
// digit counting and division loop, and for any value below 10^16 without
// a branch on its length: sixteen digits are formed (two words of eight)
// and the leading zeros skipped. Book sizes straddle 10^8 at random, where a
// branch on the length mispredicted. `out` needs 28 bytes (the last ones may
// be scribbled past the text's end).
[[gnu::always_inline]] inline char* write_integer(char* out, std::int64_t value) noexcept {
  auto v = static_cast<std::uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    v = ~v + 1;
  }
  constexpr std::uint64_t k1e8 = 100'000'000;
  if (v >= k1e8 * k1e8) {
    return write_eight(write_eight(write_short(out, v / (k1e8 * k1e8)), (v / k1e8) % k1e8), v % k1e8);
  }
  const std::uint64_t high = ascii_eight_digits(v / k1e8);
  const std::uint64_t low = ascii_eight_digits(v % k1e8);
  constexpr std::uint64_t kZeros = 0x3030303030303030ULL;
  // Leading zeros: a zero digit is 0 once '0' is taken off, so they are the
  // low zero bytes (the first digit is in the lowest byte); at most fifteen.
  const std::uint64_t high_digits = high - kZeros;
  const std::uint64_t low_digits = low - kZeros;
  const auto high_zeros = static_cast<unsigned>(std::countr_zero(high_digits)) / 8;  // 8 when all are
  const unsigned low_zeros = std::min(static_cast<unsigned>(std::countr_zero(low_digits)) / 8, 7U);  // "0" keeps one
  const unsigned leading_zeros = high_zeros == 8 ? 8 + low_zeros : high_zeros;
  // The digits, then room for the 16-byte copy from past the leading zeros.
  std::array<char, 32> digits{};
  std::memcpy(digits.data(), &high, 8);
  std::memcpy(digits.data() + 8, &low, 8);
  std::memcpy(out, digits.data() + leading_zeros, 16);
  return out + 16 - leading_zeros;
}

constexpr std::size_t kChecksumLevels = 10;
// An int64 has at most 19 digits and a sign; two per level, two sides, and
// room for write_integer's scribbling past the last.
constexpr std::size_t kMaxChecksumText = std::size_t{2} * 2 * kChecksumLevels * 20 + 8;

// Appends a side's top levels as Kraken checksums them: each price and qty
// written at the pair's precision without the point and the leading zeros
// ("0.05000" -> "5000"), which at that precision is exactly the mantissa's
// digits. Never a double.
char* write_side(char* out, const OrderBook& book, msg::BookSide side) noexcept {
  std::array<PriceLevel, kChecksumLevels> levels;
  const std::size_t count = book.top(side, levels);
  for (std::size_t i = 0; i < count; ++i) {
    out = write_integer(out, levels[i].price);
    out = write_integer(out, levels[i].size);
  }
  return out;
}

// One level's text, written at `out` (which needs 48 bytes).
[[gnu::always_inline]] inline std::uint32_t write_level(char* out, const PriceLevel& level) noexcept {
  const char* end = write_integer(write_integer(out, level.price), level.size);
  return static_cast<std::uint32_t>(end - out);
}

// Which of ten kept levels (prices[k], sizes[k]) equal `level`: bit k of
// the result. Without a branch per candidate where SSE4.1 is there.
[[gnu::always_inline]] inline unsigned find_level(const std::int64_t* prices, const std::int64_t* sizes,
                                                  const PriceLevel& level) noexcept {
  unsigned found = 0;
#if defined(__SSE4_1__)
  const __m128i price = _mm_set1_epi64x(level.price);
  const __m128i size = _mm_set1_epi64x(level.size);
  for (unsigned k = 0; k < 10; k += 2) {
    const __m128i same_price = _mm_cmpeq_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(prices + k)), price);
    const __m128i same_size = _mm_cmpeq_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sizes + k)), size);
    found |= static_cast<unsigned>(_mm_movemask_pd(_mm_castsi128_pd(_mm_and_si128(same_price, same_size)))) << k;
  }
#else
  for (unsigned k = 0; k < 10; ++k) {
    found |= static_cast<unsigned>(prices[k] == level.price && sizes[k] == level.size) << k;
  }
#endif
  return found;
}

}  // namespace

std::uint32_t KrakenBookChecksum::compute(const OrderBook& book) noexcept {
  static_assert(kLevels == 10, "the lookup compares five pairs of levels");
  // Room for every level's 48-byte copy, the last one's included.
  std::array<char, 2 * kLevels * 48> text;
  char* out = text.data();
  // Asks first (lowest first), then bids (highest first): top() is best first.
  for (const msg::BookSide side : {msg::BookSide::kAsk, msg::BookSide::kBid}) {
    const std::size_t s = side == msg::BookSide::kAsk ? 0 : 1;
    std::array<PriceLevel, kLevels> levels;
    const std::size_t count = book.top(side, levels);
    const SideLevels& previous = sides_[s][current_[s]];
    SideLevels& next = sides_[s][current_[s] ^ 1];
    for (std::size_t i = 0; i < count; ++i) {
      const PriceLevel level = levels[i];
      next.prices[i] = level.price;
      next.sizes[i] = level.size;
      const unsigned found = find_level(previous.prices.data(), previous.sizes.data(), level);
      if (found != 0) {
        const auto at = static_cast<std::size_t>(std::countr_zero(found));
        next.texts[i] = previous.texts[at];
        next.lengths[i] = previous.lengths[at];
      } else {
        next.lengths[i] = write_level(next.texts[i].data(), level);
      }
      std::memcpy(out, next.texts[i].data(), next.texts[i].size());
      out += next.lengths[i];
    }
    for (std::size_t i = count; i < kLevels; ++i) next.sizes[i] = 0;
    current_[s] ^= 1;
  }
  return crc32_ieee(std::string_view(text.data(), static_cast<std::size_t>(out - text.data())));
}

std::uint32_t kraken_book_checksum(const OrderBook& book) noexcept {
  // Asks first (lowest first), then bids (highest first): top() is best first.
  std::array<char, kMaxChecksumText> text;
  char* out = write_side(text.data(), book, msg::BookSide::kAsk);
  out = write_side(out, book, msg::BookSide::kBid);
  return crc32_ieee(std::string_view(text.data(), static_cast<std::size_t>(out - text.data())));
}

}  // namespace rtm::feeds
