#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/feeds/order_book.hpp"
#include "rtm/msg/ids.hpp"

namespace rtm::feeds {

// One asset of the simulated market, listed on every simulated venue as
// <base>USDT on Binance, <base>-USD on Coinbase and <base>/USD on Kraken.
struct SimulatedAsset {
  std::string base;         // "BTC"
  double start_price = 0;   // in USD
  int price_decimals = 2;   // the tick is 10^-price_decimals
  double volatility = 0;    // of the log price, per square root of a second
  double typical_size = 0;  // median resting level size, in the base asset
};

// BTC, ETH and SOL at realistic prices and ticks, with the volatility
// exaggerated a little so that a dashboard visibly moves.
std::vector<SimulatedAsset> default_simulated_assets();

struct MarketSimulatorOptions {
  std::uint64_t seed = 42;
  std::vector<SimulatedAsset> assets = default_simulated_assets();
  std::vector<msg::Venue> venues = {msg::Venue::kBinance, msg::Venue::kCoinbase, msg::Venue::kKraken};
  double events_per_second = 200;  // of simulated time: book updates and trade bursts, all venues
  std::size_t book_depth = 20;     // levels a side on Binance and Coinbase; Kraken's is 10, as its checksum covers
  // Probability that a book update (or, on Coinbase, a trade) is lost on its
  // way, as on a bad network: the adapters must notice and resync.
  double loss_rate = 0;
  std::int64_t start_time_ns = 1'700'000'000'000'000'000;
  double correlation = 0.6;  // between the assets' returns
};

// A frame the simulated venues sent.
struct SimulatedFrame {
  msg::Venue venue = msg::Venue::kUnknown;
  bool rest = false;       // a REST response (Binance's depth snapshot)
  std::string_view url;    // the request's URL for REST, the stream's for WebSocket
  std::string_view text;   // the venue's JSON; valid until the next call to next()
  std::int64_t ts_ns = 0;  // simulated time it was sent
};

// A seeded market on Binance, Coinbase and Kraken that speaks each venue's
// own WebSocket protocol, so that everything downstream runs the real
// parsing path: correlated prices (one random walk per asset, a small
// mean-reverting basis per venue, so the venues' quotes differ by a few
// basis points and now and then cross), books of realistic spread and depth
// that each venue updates with its own diff messages (sequence ids, Kraken's
// checksums), and bursts of trades that take liquidity from the books.
//
// Drive it like a feed: call next() for each frame and hand the frame to the
// venue's adapter; wire the adapters' resync handlers to request_snapshot(),
// as a live connection would fetch a snapshot or resubscribe. The same seed
// and options always give the same frames, byte for byte.
class MarketSimulator {
 public:
  explicit MarketSimulator(MarketSimulatorOptions options = {});
  ~MarketSimulator();
  MarketSimulator(const MarketSimulator&) = delete;
  MarketSimulator& operator=(const MarketSimulator&) = delete;

  // The next frame, in simulated time order; the market never ends.
  const SimulatedFrame& next();
  // Binance: the next frame is the REST depth snapshot of `symbol`;
  // Coinbase and Kraken: the next frame of that venue is a fresh book
  // snapshot, as resubscribing brings. Unknown symbols are ignored.
  void request_snapshot(msg::Venue venue, std::string_view symbol);

  // Whether every frame of the events so far has been handed out, so that
  // the venues' books are what their frames said.
  [[nodiscard]] bool caught_up() const noexcept;
  // The venue's own book of a symbol, what a correct client must hold
  // (prices at the asset's decimals, sizes at 8); nullptr if unknown.
  [[nodiscard]] const OrderBook* venue_book(msg::Venue venue, std::string_view symbol) const;
  // The venue symbols simulated on a venue.
  [[nodiscard]] std::vector<std::string> symbols(msg::Venue venue) const;
  [[nodiscard]] const MarketSimulatorOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::feeds
