#pragma once

// Each simulated venue's messages, written as the venue writes them. Prices
// are mantissas at the asset's decimals, sizes at 8 decimals.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rtm/feeds/order_book.hpp"

namespace rtm::feeds::simulator {

inline constexpr int kSizeDecimals = 8;

struct LevelChange {
  msg::BookSide side = msg::BookSide::kBid;
  std::int64_t price = 0;
  std::int64_t size = 0;  // 0 removes
};

struct Fill {
  bool buyer_is_aggressor = false;
  std::int64_t price = 0;
  std::int64_t size = 0;
  std::uint64_t trade_id = 0;
};

// What every writer needs to know of the instrument and the moment.
struct FrameContext {
  std::string_view symbol;  // the venue's own symbol
  int price_decimals = 2;
  std::int64_t ts_ns = 0;
};

// "65000.1" written with `decimals` decimals: "65000.10000000" for 8.
std::string fixed_decimal(std::int64_t mantissa, int scale, int decimals);
// The shortest exact text, as Kraken writes JSON numbers: "65000.1", "40".
std::string short_decimal(std::int64_t mantissa, int scale);
// RFC 3339 with microseconds, UTC: "2023-11-14T22:13:20.123456Z".
std::string rfc3339(std::int64_t ts_ns);

// Binance (combined-stream wrapper; stream names use the lower-case symbol).
std::string binance_depth(const FrameContext& at, std::uint64_t first_id, std::uint64_t last_id,
                          std::span<const LevelChange> changes);
std::string binance_trade(const FrameContext& at, const Fill& fill);
std::string binance_book_ticker(const FrameContext& at, std::uint64_t update_id, const OrderBook& book);
std::string binance_snapshot(const FrameContext& at, std::uint64_t last_update_id, const OrderBook& book);
std::string binance_stream_url(std::string_view symbol);
std::string binance_snapshot_url(std::string_view symbol);

// Coinbase Exchange.
std::string coinbase_subscriptions(std::span<const std::string> products);
std::string coinbase_snapshot(const FrameContext& at, const OrderBook& book);
std::string coinbase_l2update(const FrameContext& at, std::span<const LevelChange> changes);
std::string coinbase_match(const FrameContext& at, std::uint64_t sequence, const Fill& fill);
std::string coinbase_ticker(const FrameContext& at, std::uint64_t sequence, const Fill& last, const OrderBook& book);
std::string coinbase_heartbeat(const FrameContext& at, std::uint64_t sequence, std::uint64_t last_trade_id);

// Kraken WebSocket v2.
struct KrakenPair {
  std::string symbol;
  int price_decimals = 1;
};
std::string kraken_instrument(std::span<const KrakenPair> pairs);
// type "snapshot" or "update": the levels are a whole book or the changes.
std::string kraken_book(const FrameContext& at, std::string_view type, std::span<const LevelChange> levels,
                        std::uint32_t checksum);
std::string kraken_trade(const FrameContext& at, std::span<const Fill> fills);
std::string kraken_heartbeat();

}  // namespace rtm::feeds::simulator
