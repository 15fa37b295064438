// The synthetic market through the real adapters: it must parse cleanly,
// keep every book consistent, look like a market, and be reproducible.
#include "rtm/feeds/market_simulator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "rtm/feeds/venue_set.hpp"

namespace rtm::feeds {
namespace {

using msg::Venue;

// Counts trades by instrument and aggressor.
class TradeCounter final : public RecordSink {
 public:
  void on_trade(const msg::Trade& r) override { ++trades[{r.header.instrument_id, r.aggressor}]; }
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta&) override {}
  void on_status(const msg::Status&) override {}
  void on_instrument(const msg::InstrumentDef&) override {}
  std::map<std::pair<msg::InstrumentId, msg::Aggressor>, std::uint64_t> trades;
};

// A simulator wired to a venue set as a live connection would be.
struct Harness {
  explicit Harness(MarketSimulatorOptions options = {}) : market(std::move(options)), venues(catalog, counter) {
    venues.set_resync_handler([this](Venue venue, std::string_view symbol) { market.request_snapshot(venue, symbol); });
  }
  // At least `frames`, then up to the end of the last event.
  void run(std::size_t frames) {
    for (std::size_t i = 0; i < frames || !market.caught_up(); ++i) {
      const SimulatedFrame& frame = market.next();
      const PaddedFrame padded = buffer.assign(frame.text);
      const FrameResult result = frame.rest ? venues.on_rest(frame.venue, frame.url, padded, frame.ts_ns)
                                            : venues.on_frame(frame.venue, padded, frame.ts_ns);
      ASSERT_NE(result, FrameResult::kMalformed) << venues.last_error() << "\n" << frame.text;
    }
  }
  // The adapter's book, level by level, equals the venue's own (the adapters
  // of Binance and Coinbase keep prices at scale 8, the venue at the asset's
  // decimals).
  void expect_books_equal(Venue venue, const std::string& symbol, int price_decimals) {
    const VenueAdapter* adapter = venues.find(venue);
    ASSERT_NE(adapter, nullptr);
    const OrderBook* ours = adapter->book(symbol);
    const OrderBook* theirs = market.venue_book(venue, symbol);
    ASSERT_NE(ours, nullptr) << symbol;
    ASSERT_NE(theirs, nullptr) << symbol;
    const std::int64_t factor =
        venue == Venue::kKraken ? 1 : static_cast<std::int64_t>(std::pow(10, 8 - price_decimals));
    for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
      ASSERT_EQ(ours->depth(side), theirs->depth(side)) << symbol;
      for (std::size_t i = 0; i < theirs->depth(side); ++i) {
        const PriceLevel level = theirs->level(side, i);
        ASSERT_EQ(ours->level(side, i), (PriceLevel{level.price * factor, level.size})) << symbol << " level " << i;
      }
    }
  }

  MarketSimulator market;
  InstrumentCatalog catalog;
  TradeCounter counter;
  VenueSet venues;
  FrameBuffer buffer;
};

int decimals_of(const std::string& symbol) {
  for (const SimulatedAsset& asset : default_simulated_assets()) {
    if (symbol.starts_with(asset.base)) return asset.price_decimals;
  }
  return 8;
}

TEST(MarketSimulator, RunsCleanlyThroughTheRealAdapters) {
  Harness harness;
  harness.run(40'000);
  const AdapterCounters totals = harness.venues.totals();
  EXPECT_EQ(totals.frames_malformed, 0U);
  EXPECT_EQ(totals.gaps, 0U);
  EXPECT_EQ(totals.checksum_failures, 0U);
  EXPECT_EQ(totals.crossed_books, 0U);
  EXPECT_EQ(totals.unknown_types, 0U);
  EXPECT_GT(totals.frames_ok, 30'000U);

  for (const Venue venue : {Venue::kBinance, Venue::kCoinbase, Venue::kKraken}) {
    for (const std::string& symbol : harness.market.symbols(venue)) {
      EXPECT_EQ(harness.venues.find(venue)->book_state(symbol), BookState::kLive) << symbol;
      harness.expect_books_equal(venue, symbol, decimals_of(symbol));
      const Instrument* instrument = harness.catalog.find(venue, symbol);
      ASSERT_NE(instrument, nullptr) << symbol;
      EXPECT_GT((harness.counter.trades[{instrument->id, msg::Aggressor::kBuy}]), 20U) << symbol;
      EXPECT_GT((harness.counter.trades[{instrument->id, msg::Aggressor::kSell}]), 20U) << symbol;
    }
  }
  const auto* kraken = dynamic_cast<const KrakenAdapter*>(harness.venues.find(Venue::kKraken));
  ASSERT_NE(kraken, nullptr);
  EXPECT_EQ(kraken->last_checksum("BTC/USD"), ChecksumStatus::kOk) << "checksums are verified, not skipped";
}

TEST(MarketSimulator, VenuesQuoteTheSameMarket) {
  MarketSimulator market;
  std::size_t checks = 0;
  for (std::size_t i = 0; i < 50'000; ++i) {
    market.next();
    if (i % 500 != 0) continue;
    for (const SimulatedAsset& asset : default_simulated_assets()) {
      std::vector<double> mids;
      for (const Venue venue : {Venue::kBinance, Venue::kCoinbase, Venue::kKraken}) {
        const std::string symbol = venue == Venue::kBinance    ? asset.base + "USDT"
                                   : venue == Venue::kCoinbase ? asset.base + "-USD"
                                                               : asset.base + "/USD";
        const OrderBook* book = market.venue_book(venue, symbol);
        ASSERT_NE(book, nullptr);
        ASSERT_TRUE(book->best_bid() && book->best_ask());
        EXPECT_LT(book->best_bid()->price, book->best_ask()->price) << symbol;
        mids.push_back(static_cast<double>(book->best_bid()->price + book->best_ask()->price) / 2);
      }
      const auto [low, high] = std::minmax_element(mids.begin(), mids.end());
      EXPECT_LT((*high - *low) / *low, 50e-4) << asset.base << ": venues more than 50 bps apart";
      ++checks;
    }
  }
  EXPECT_GT(checks, 200U);
}

TEST(MarketSimulator, TheSameSeedGivesTheSameFrames) {
  MarketSimulator a;
  MarketSimulator b;
  MarketSimulator other({.seed = 7});
  bool differs = false;
  for (int i = 0; i < 20'000; ++i) {
    const std::string frame(a.next().text);
    ASSERT_EQ(frame, b.next().text) << "frame " << i;
    differs = differs || frame != other.next().text;
  }
  EXPECT_TRUE(differs);
}

TEST(MarketSimulator, LostMessagesAreNoticedAndEveryBookRecovers) {
  Harness harness({.loss_rate = 0.005});
  harness.run(40'000);
  const AdapterCounters totals = harness.venues.totals();
  EXPECT_EQ(totals.frames_malformed, 0U);
  EXPECT_GT(totals.gaps, 0U) << "Binance update ids and Coinbase sequences jump";
  EXPECT_GT(totals.checksum_failures, 0U) << "Kraken's checksum catches its lost updates";
  EXPECT_GE(totals.resyncs, totals.gaps + totals.checksum_failures);
  std::size_t live = 0;
  std::size_t books = 0;
  for (const Venue venue : {Venue::kBinance, Venue::kCoinbase, Venue::kKraken}) {
    for (const std::string& symbol : harness.market.symbols(venue)) {
      ++books;
      // A book resyncs as soon as its snapshot arrives; one caught between a
      // loss and its snapshot at the very end is stale, never wrong.
      if (harness.venues.find(venue)->book_state(symbol) != BookState::kLive) continue;
      ++live;
      harness.expect_books_equal(venue, symbol, decimals_of(symbol));
    }
  }
  EXPECT_GE(live, books - 1);
}

TEST(MarketSimulator, SnapshotsOnRequest) {
  MarketSimulator market;
  market.request_snapshot(Venue::kBinance, "ETHUSDT");
  const SimulatedFrame& rest = market.next();
  EXPECT_TRUE(rest.rest);
  EXPECT_EQ(rest.url, "https://api.binance.com/api/v3/depth?symbol=ETHUSDT&limit=1000");
  EXPECT_TRUE(rest.text.starts_with(R"({"lastUpdateId":)"));
  market.request_snapshot(Venue::kKraken, "SOL/USD");
  EXPECT_TRUE(market.next().text.starts_with(R"({"channel":"book","type":"snapshot","data":[{"symbol":"SOL/USD")"));
  market.request_snapshot(Venue::kCoinbase, "BTC-USD");
  EXPECT_TRUE(market.next().text.starts_with(R"({"type":"snapshot","product_id":"BTC-USD")"));
  market.request_snapshot(Venue::kCoinbase, "DOGE-USD");  // not listed: ignored
  EXPECT_EQ(market.venue_book(Venue::kCoinbase, "DOGE-USD"), nullptr);
}

}  // namespace
}  // namespace rtm::feeds
