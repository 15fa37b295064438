#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::feeds {

struct KrakenOptions {
  // The depth the book channel was subscribed at (10, 25, 100, 500 or 1000).
  // Kraken sends no removal for a level that falls out of range, so the book
  // is cut to this depth after every message, as the venue's checksum assumes.
  std::size_t book_depth = 10;
};

// The outcome of the last book checksum check of a symbol.
//   kNone: nothing to check against yet (the pair's precisions are unknown
//          until the instrument channel has described it, or the message had
//          no checksum).
enum class ChecksumStatus : std::uint8_t { kNone, kOk, kMismatch };

// Kraken WebSocket v2: the trade, book and instrument channels; status,
// heartbeat and method replies are recognized and ignored.
//
// Local book, as Kraken documents it: a book snapshot replaces the book; an
// update applies only to a live book (a stale one waits for the snapshot its
// resubscription brings); qty 0 removes a level; after applying a whole
// message the book is cut to the subscribed depth and its top 10 levels must
// match the message's CRC32 checksum, or the book is stale and resubscribed.
// The checksum is computed over prices and sizes formatted at the pair's
// precisions, so it is verified only for pairs the instrument channel has
// described (whose scales the adapter then sets to those precisions).
class KrakenAdapter final : public VenueAdapter {
 public:
  KrakenAdapter(InstrumentCatalog& catalog, RecordSink& sink, KrakenOptions options = {});
  ~KrakenAdapter() override;

  FrameResult on_frame(PaddedFrame frame, std::int64_t ts_recv) override;
  void on_disconnect(std::int64_t ts_recv) override;

  [[nodiscard]] const OrderBook* book(std::string_view symbol) const override;
  [[nodiscard]] BookState book_state(std::string_view symbol) const override;
  // kNone for a symbol without a book.
  [[nodiscard]] ChecksumStatus last_checksum(std::string_view symbol) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// CRC-32 as zlib computes it (IEEE polynomial, reflected, init and final xor
// 0xFFFFFFFF): crc32_ieee("123456789") == 0xCBF43926. Pass a previous result
// as `crc` to continue it over more bytes.
[[nodiscard]] std::uint32_t crc32_ieee(std::string_view bytes, std::uint32_t crc = 0) noexcept;

// Kraken's book checksum: the CRC-32 of the top 10 asks (lowest first), then
// the top 10 bids (highest first), each level written as its price then its
// qty, each formatted at the pair's precision without the decimal point and
// leading zeros. The book's mantissas must be at the pair's precisions
// (price_precision, qty_precision): that text is then exactly a mantissa's
// digits, so no scale is needed here, and none would change the result.
[[nodiscard]] std::uint32_t kraken_book_checksum(const OrderBook& book) noexcept;

// The same checksum for one book followed message after message. CRCs of
// texts combine without their bytes (a CRC register is linear in its text),
// so a level's text is kept only as its CRC register and length, in a small
// cache keyed by the level's price and size, and a message works out the
// registers of the levels it brought (an update usually touches one or two
// of the twenty) from their digits, never writing the text. A level's text
// depends on its mantissas alone, so nothing ever needs to be forgotten.
class KrakenBookChecksum {
 public:
  static constexpr std::size_t kLevels = 10;
  // A text's CRC register (started at zero, no final xor) and its length.
  struct TextCrc {
    std::uint32_t crc = 0;
    std::uint32_t length = 0;
  };

  [[nodiscard]] std::uint32_t compute(const OrderBook& book) noexcept;

 private:
  // Direct-mapped: a level's slot is a hash of its price and size, and a
  // level found in its slot is confirmed against the one kept there. Two
  // levels that share a slot only cost a recomputation; the book's top
  // twenty levels rarely do in 256 slots.
  static constexpr std::size_t kSlots = 256;
  struct Slot {
    PriceLevel level{};  // size 0, which no book level has, while unused
    TextCrc text;
  };
  std::array<Slot, kSlots> slots_{};
};

}  // namespace rtm::feeds
