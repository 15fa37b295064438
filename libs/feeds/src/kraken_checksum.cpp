// Kraken's book checksum: CRC32 over the top ten levels of each side.
#include <algorithm>
#include <array>
#include <charconv>

#include "rtm/feeds/kraken_adapter.hpp"

namespace rtm::feeds {

namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

// One byte through the CRC register (before the final xor).
constexpr std::uint32_t crc_byte(std::uint32_t reg, char byte) noexcept {
  return kCrcTable[(reg ^ static_cast<unsigned char>(byte)) & 0xFFU] ^ (reg >> 8);
}

// A price or qty as Kraken checksums it: the decimal written at the pair's
// precision without the point and the leading zeros ("0.05000" -> "5000"),
// which at that precision is exactly the mantissa's digits. Never a double.
std::uint32_t crc_digits(std::uint32_t reg, std::int64_t mantissa) noexcept {
  std::array<char, 20> digits{};  // an int64 has at most 19 digits and a sign
  const auto written = std::to_chars(digits.data(), digits.data() + digits.size(), mantissa);
  for (const char* c = digits.data(); c != written.ptr; ++c) reg = crc_byte(reg, *c);
  return reg;
}

constexpr std::size_t kChecksumLevels = 10;

std::uint32_t crc_side(std::uint32_t reg, const OrderBook& book, msg::BookSide side) noexcept {
  const std::size_t count = std::min(book.depth(side), kChecksumLevels);
  for (std::size_t i = 0; i < count; ++i) {
    reg = crc_digits(reg, book.level(side, i).price);
    reg = crc_digits(reg, book.level(side, i).size);
  }
  return reg;
}

}  // namespace

std::uint32_t crc32_ieee(std::string_view bytes, std::uint32_t crc) noexcept {
  std::uint32_t reg = ~crc;
  for (const char byte : bytes) reg = crc_byte(reg, byte);
  return ~reg;
}

std::uint32_t kraken_book_checksum(const OrderBook& book) noexcept {
  // level(side, 0) is the best: the lowest ask, the highest bid.
  return ~crc_side(crc_side(0xFFFFFFFFU, book, msg::BookSide::kAsk), book, msg::BookSide::kBid);
}

}  // namespace rtm::feeds
