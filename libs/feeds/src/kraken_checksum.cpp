// Kraken's book checksum: CRC32 over the top ten levels of each side.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "crc32_arithmetic.hpp"
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

constexpr std::uint64_t k1e8 = 100'000'000;
constexpr std::uint64_t k1e16 = k1e8 * k1e8;

// A value below 10^16 as sixteen ASCII digits in two words (the first digit
// in the lowest byte of `high`), and how many of them are leading zeros
// (at most fifteen: zero is "0"). Formed without a branch on the length:
// book sizes straddle 10^8 at random, where such a branch mispredicted.
struct DigitBlock {
  std::uint64_t high = 0, low = 0;
  unsigned leading_zeros = 0;
};

[[gnu::always_inline]] inline DigitBlock digit_block(std::uint64_t v) noexcept {
  DigitBlock block{ascii_eight_digits(v / k1e8), ascii_eight_digits(v % k1e8), 0};
  constexpr std::uint64_t kZeros = 0x3030303030303030ULL;
  // A zero digit is 0 once '0' is taken off, so the leading zeros are the
  // low zero bytes.
  const auto high_zeros = static_cast<unsigned>(std::countr_zero(block.high - kZeros)) / 8;  // 8 when all are
  const unsigned low_zeros = std::min(static_cast<unsigned>(std::countr_zero(block.low - kZeros)) / 8, 7U);
  block.leading_zeros = high_zeros == 8 ? 8 + low_zeros : high_zeros;
  return block;
}

// The mantissa's decimal text, as std::to_chars writes it but without its
// digit counting and division loop. `out` needs 28 bytes (the last ones may
// be scribbled past the text's end).
[[gnu::always_inline]] inline char* write_integer(char* out, std::int64_t value) noexcept {
  auto v = static_cast<std::uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    v = ~v + 1;
  }
  if (v >= k1e16) {
    return write_eight(write_eight(write_short(out, v / k1e16), (v / k1e8) % k1e8), v % k1e8);
  }
  const DigitBlock block = digit_block(v);
  // The digits, then room for the 16-byte copy from past the leading zeros.
  std::array<char, 32> digits{};
  std::memcpy(digits.data(), &block.high, 8);
  std::memcpy(digits.data() + 8, &block.low, 8);
  std::memcpy(out, digits.data() + block.leading_zeros, 16);
  return out + 16 - block.leading_zeros;
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

using TextCrc = KrakenBookChecksum::TextCrc;

// A number's text is at most 20 bytes, a level's 40: the whole text of ten
// levels a side fits these shifts.
constexpr std::size_t kMaxText = 2 * kChecksumLevels * 40;
constexpr auto kShift = detail::make_shift_factors<kMaxText>();

// A register run over n > 0 more zero bytes.
[[gnu::always_inline]] inline std::uint32_t shifted(std::uint32_t crc, std::size_t n) noexcept {
  return detail::crc_reduce(detail::carryless_multiply(crc, kShift[n]));
}

// What z leading '0' digits of a sixteen-digit block contribute to its
// register: the register of the block's last 16 - z digits is the block's
// register xor this (the registers are linear in the text).
constexpr std::array<std::uint32_t, 16> make_leading_zero_terms() noexcept {
  std::array<std::uint32_t, 16> terms{};
  for (std::size_t zeros = 0; zeros < terms.size(); ++zeros) {
    std::uint32_t reg = 0;
    for (std::size_t i = 0; i < zeros; ++i) reg = detail::crc_byte(reg, '0');
    terms[zeros] = detail::crc_zero_bytes(reg, 16 - zeros);
  }
  return terms;
}
constexpr auto kLeadingZeroTerms = make_leading_zero_terms();

// The register of a number's text as write_integer writes it, from the
// text: for the numbers no DigitBlock holds.
TextCrc text_crc(std::int64_t value) noexcept {
  std::array<char, 32> text;
  const char* end = write_integer(text.data(), value);
  const auto length = static_cast<std::size_t>(end - text.data());
  return {detail::crc_register(0, reinterpret_cast<const unsigned char*>(text.data()), length),
          static_cast<std::uint32_t>(length)};
}

// The block's sixteen digits' register run on over `after` more zero bytes,
// as products still to be reduced: each 32-bit word of digits is a register
// of its own, shifted past the words and the bytes after it.
[[gnu::always_inline]] inline std::uint64_t block_products(const DigitBlock& block, std::uint32_t after) noexcept {
  using detail::carryless_multiply;
  return carryless_multiply(static_cast<std::uint32_t>(block.high), kShift[after + 16]) ^
         carryless_multiply(static_cast<std::uint32_t>(block.high >> 32), kShift[after + 12]) ^
         carryless_multiply(static_cast<std::uint32_t>(block.low), kShift[after + 8]) ^
         carryless_multiply(static_cast<std::uint32_t>(block.low >> 32), kShift[after + 4]);
}

[[gnu::always_inline]] inline bool fits_digit_block(std::int64_t value) noexcept {
  return value >= 0 && static_cast<std::uint64_t>(value) < k1e16;
}

// A level's text (its price's then its qty's) as a register, worked out from
// the digits in registers with carry-less products and one reduction.
// Nothing is stored and loaded back, which is where writing the text cost
// most (a load across several recent stores waits for them all).
[[gnu::always_inline]] inline TextCrc level_crc(const PriceLevel& level) noexcept {
  if (!fits_digit_block(level.price) || !fits_digit_block(level.size)) [[unlikely]] {
    const TextCrc price = text_crc(level.price);
    const TextCrc size = text_crc(level.size);
    return {shifted(price.crc, size.length) ^ size.crc, price.length + size.length};
  }
  const DigitBlock price = digit_block(static_cast<std::uint64_t>(level.price));
  const DigitBlock size = digit_block(static_cast<std::uint64_t>(level.size));
  const std::uint32_t size_length = 16 - size.leading_zeros;
  // A text is its block's last digits: its register is the block's xor the
  // leading zeros' term, shifted like the block.
  const std::uint64_t products =
      block_products(price, size_length) ^
      detail::carryless_multiply(kLeadingZeroTerms[price.leading_zeros], kShift[size_length]) ^
      block_products(size, 0);
  return {detail::crc_reduce(products) ^ kLeadingZeroTerms[size.leading_zeros],
          16 - price.leading_zeros + size_length};
}

// A level's cache slot of 256: the top eight bits of a multiplicative hash,
// which every bit of the price and the size reaches.
[[gnu::always_inline]] inline std::size_t slot_of(const PriceLevel& level) noexcept {
  const std::uint64_t mixed =
      (static_cast<std::uint64_t>(level.price) * 0x9E3779B97F4A7C15ULL) ^ static_cast<std::uint64_t>(level.size);
  return static_cast<std::size_t>((mixed * 0xC2B2AE3D27D4EB4FULL) >> 56);
}

}  // namespace

std::uint32_t KrakenBookChecksum::compute(const OrderBook& book) noexcept {
  static_assert(kSlots == 256, "slot_of keeps a hash's top eight bits");
  // The levels and their texts' registers in text order: asks first (lowest
  // first), then bids (highest first); top() is best first.
  std::array<PriceLevel, 2 * kLevels> levels;
  std::size_t count = book.top(msg::BookSide::kAsk, std::span(levels).first(kLevels));
  count += book.top(msg::BookSide::kBid, std::span(levels).subspan(count, kLevels));
  std::array<TextCrc, 2 * kLevels> pieces;
  std::array<std::uint8_t, 2 * kLevels> slots;
  // The levels not in the cache, worked out after the lookups: a branch per
  // level on whether it was found mispredicted about every other level and
  // cost more than all the rest, so the lookups are arithmetic only.
  std::array<std::uint8_t, 2 * kLevels> missing;
  std::size_t missing_count = 0;
  std::uint32_t total_length = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const PriceLevel level = levels[i];
    const std::size_t at = slot_of(level);
    const Slot& slot = slots_[at];
    const std::uint32_t found =
        static_cast<std::uint32_t>(((slot.level.price ^ level.price) | (slot.level.size ^ level.size)) == 0);
    pieces[i] = slot.text;  // replaced below when not found
    slots[i] = static_cast<std::uint8_t>(at);
    missing[missing_count] = static_cast<std::uint8_t>(i);
    missing_count += 1 - found;
  }
  for (std::size_t k = 0; k < missing_count; ++k) {
    const std::size_t i = missing[k];
    pieces[i] = level_crc(levels[i]);
    slots_[slots[i]] = {levels[i], pieces[i]};
  }
  for (std::size_t i = 0; i < count; ++i) total_length += pieces[i].length;
  if (total_length == 0) return 0;  // the CRC of no text
  // Each piece is shifted past the text after it; the products are summed
  // and reduced once. The last piece stands as it is, and the start value
  // 0xFFFFFFFF is shifted past the whole text.
  std::uint64_t products = detail::carryless_multiply(0xFFFFFFFFU, kShift[total_length]);
  std::uint32_t after = total_length;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    after -= pieces[i].length;
    products ^= detail::carryless_multiply(pieces[i].crc, kShift[after]);
  }
  return ~(detail::crc_reduce(products) ^ pieces[count - 1].crc);
}

std::uint32_t kraken_book_checksum(const OrderBook& book) noexcept {
  // Asks first (lowest first), then bids (highest first): top() is best first.
  std::array<char, kMaxChecksumText> text;
  char* out = write_side(text.data(), book, msg::BookSide::kAsk);
  out = write_side(out, book, msg::BookSide::kBid);
  return crc32_ieee(std::string_view(text.data(), static_cast<std::size_t>(out - text.data())));
}

}  // namespace rtm::feeds
