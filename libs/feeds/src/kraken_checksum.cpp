// Kraken's book checksum: CRC32 over the top ten levels of each side.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

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
// digit counting and division loop: eight digits per step. `out` needs 28
// bytes (the last ones may be scribbled past the text's end).
[[gnu::always_inline]] inline char* write_integer(char* out, std::int64_t value) noexcept {
  auto v = static_cast<std::uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    v = ~v + 1;
  }
  constexpr std::uint64_t k1e8 = 100'000'000;
  if (v < k1e8) return write_short(out, v);
  if (v < k1e8 * k1e8) return write_eight(write_short(out, v / k1e8), v % k1e8);
  return write_eight(write_eight(write_short(out, v / (k1e8 * k1e8)), (v / k1e8) % k1e8), v % k1e8);
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

}  // namespace

std::uint32_t KrakenBookChecksum::compute(const OrderBook& book) noexcept {
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
    const std::size_t previous_count = counts_[s];
    for (std::size_t i = 0; i < count; ++i) {
      Level& entry = next[i];
      entry.level = levels[i];
      // The level was likely at the same place last time, or a place off
      // after an insertion or a removal above it; else anywhere.
      const Level* known = nullptr;
      for (const std::size_t guess : {i, i + 1, i - 1}) {  // i - 1 wraps past the end at 0
        if (guess < previous_count && previous[guess].level == levels[i]) {
          known = &previous[guess];
          break;
        }
      }
      for (std::size_t j = 0; j < previous_count && known == nullptr; ++j) {
        if (previous[j].level == levels[i]) known = &previous[j];
      }
      if (known != nullptr) {
        entry.text = known->text;
        entry.length = known->length;
      } else {
        entry.length = write_level(entry.text.data(), levels[i]);
      }
      std::memcpy(out, entry.text.data(), entry.text.size());
      out += entry.length;
    }
    current_[s] ^= 1;
    counts_[s] = count;
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
