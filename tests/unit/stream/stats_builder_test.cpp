#include "rtm/stream/stats_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace rtm::stream {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'700'000'000 * kSecond;
const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kCoinbase, "BTC-USD");

struct CollectingStats : DerivedSink {
  void on_bar(const msg::Bar&) override {}
  void on_nbbo(const msg::Nbbo&) override {}
  void on_stats(const msg::Stats& stats) override { records.push_back(stats); }
  void on_alert(const msg::Alert&) override {}
  std::vector<msg::Stats> records;
};

struct Seen {
  std::int64_t ts;
  double price;
};

// Each statistic straight from its definition, over every trade kept, with
// the window's start found the way the builder's documentation gives it: it
// moves forward over trades (in arrival order) older than watermark - window.
struct Reference {
  std::vector<Seen> trades;
  std::size_t first = 0;
  msg::Stats at(std::int64_t watermark, std::int64_t window, std::int64_t last_mantissa) {
    while (first < trades.size() && trades[first].ts < watermark - window) ++first;
    msg::Stats s;
    const double last = trades.back().price;
    const double reference = first > 0 ? trades[first - 1].price : first < trades.size() ? trades[first].price : last;
    s.last_price = last_mantissa;
    s.change_bps = (last - reference) / reference * 1e4;
    double squares = 0;
    for (std::size_t i = first + 1; i < trades.size(); ++i) {
      const double r = std::log(trades[i].price / trades[i - 1].price);
      squares += r * r;
    }
    s.realized_volatility = std::sqrt(squares) * std::sqrt(365.25 * 86'400 * 1e9 / static_cast<double>(window));
    s.trades_per_second = static_cast<double>(trades.size() - first) / (static_cast<double>(window) / 1e9);
    return s;
  }
};

TEST(StatsBuilder, MatchesTheDefinitionsOnARandomWalk) {
  StatsOptions options;
  options.windows = {10s, 60s};
  options.publish_every = 500ms;
  CollectingStats sink;
  StatsBuilder builder(options, sink);
  std::vector<Reference> references(options.windows.size());
  std::mt19937_64 rng(9);
  std::normal_distribution<double> step(0.0, 2.0);
  std::int64_t now = kStart;
  double price = 65'000.0;
  std::int64_t watermark = 0;
  for (int i = 0; i < 6'000; ++i) {
    now += static_cast<std::int64_t>(rng() % (kSecond / 10));
    price = std::max(1.0, price + step(rng));
    msg::Trade trade;
    trade.header.venue = msg::Venue::kCoinbase;
    trade.header.instrument_id = kBtc;
    trade.header.ts_event = now;
    trade.price = static_cast<std::int64_t>(std::llround(price * 100));
    trade.price_scale = 2;
    trade.size = 1;
    trade.aggressor = msg::Aggressor::kBuy;
    watermark = now;
    for (auto& reference : references) {
      reference.trades.push_back({now, static_cast<double>(trade.price) / 100});
    }
    const std::size_t before = sink.records.size();
    builder.on_trade(trade);
    if (i % 7 == 0) {  // a top of book now and then
      VenueTop top{.instrument = kBtc,
                   .venue = msg::Venue::kCoinbase,
                   .live = true,
                   .bid_price = trade.price - 5,
                   .bid_size = 3,
                   .ask_price = trade.price + 5,
                   .ask_size = 1,
                   .price_scale = 2,
                   .size_scale = 0,
                   .ts_event = now,
                   .ts_recv = now};
      builder.on_top(top);
    }
    for (std::size_t r = before; r < sink.records.size(); ++r) {
      const msg::Stats& got = sink.records[r];
      const std::size_t w = got.window_ns == 10 * kSecond ? 0 : 1;
      const msg::Stats want = references[w].at(watermark, got.window_ns, trade.price);
      const std::string where = "trade " + std::to_string(i);
      EXPECT_EQ(got.last_price, want.last_price) << where;
      EXPECT_NEAR(got.change_bps, want.change_bps, 1e-9) << where;
      EXPECT_NEAR(got.realized_volatility, want.realized_volatility, 1e-9 * (1 + want.realized_volatility)) << where;
      EXPECT_DOUBLE_EQ(got.trades_per_second, want.trades_per_second) << where;
      if (i > 0 && got.book_imbalance != 0) {
        EXPECT_DOUBLE_EQ(got.book_imbalance, 0.5) << where;  // (3 - 1) / (3 + 1)
        EXPECT_GT(got.spread_bps, 0) << where;
      }
    }
  }
  // Published for both windows, about every half second of event time.
  std::size_t per_window[2] = {0, 0};
  for (const msg::Stats& s : sink.records) ++per_window[s.window_ns == 10 * kSecond ? 0 : 1];
  const double seconds = static_cast<double>(now - kStart) / 1e9;
  for (const std::size_t count : per_window) {
    EXPECT_GT(static_cast<double>(count), seconds);
    EXPECT_LT(static_cast<double>(count), 2.2 * seconds);
  }
}

// One log return, of small moves (worked out by a series) and of a large
// one (by the library's log), against log1p of the move, which keeps the
// digits that the quotient of two close prices loses.
TEST(StatsBuilder, VolatilityOfOneReturnToDoublePrecision) {
  struct Move {
    std::int64_t from, to;  // cents
  };
  for (const Move move : {Move{10'000, 10'040}, Move{10'040, 10'000}, Move{10'000, 10'001}, Move{10'000, 11'000}}) {
    CollectingStats sink;
    StatsBuilder builder({.windows = {1min}, .publish_every = 0s}, sink);
    msg::Trade trade;
    trade.header.venue = msg::Venue::kKraken;
    trade.header.instrument_id = kBtc;
    trade.price_scale = 2;
    trade.size = 1;
    trade.header.ts_event = kStart;
    trade.price = move.from;
    builder.on_trade(trade);
    trade.header.ts_event = kStart + 1;
    trade.price = move.to;
    builder.on_trade(trade);
    ASSERT_EQ(sink.records.size(), 2U);
    // The prices as the builder holds them, in units (100.4 is not exact in
    // binary); their difference is exact, and log1p keeps its digits.
    const double from = static_cast<double>(move.from) / 100;
    const double to = static_cast<double>(move.to) / 100;
    const double log_return = std::log1p((to - from) / from);
    const double year_over_window = 365.25 * 86'400 / 60.0;
    const double want = std::abs(log_return) * std::sqrt(year_over_window);
    EXPECT_NEAR(sink.records[1].realized_volatility, want, 1e-15 * want) << move.from << " -> " << move.to;
  }
}

TEST(StatsBuilder, SpreadAndImbalanceFromTheTopOfBook) {
  CollectingStats sink;
  StatsBuilder builder({.windows = {1min}, .publish_every = 0s}, sink);
  msg::Trade trade;
  trade.header.venue = msg::Venue::kKraken;
  trade.header.instrument_id = kBtc;
  trade.header.ts_event = kStart;
  trade.price = 1000;
  trade.price_scale = 1;
  trade.size = 1;
  builder.on_trade(trade);
  builder.on_top({.instrument = kBtc,
                  .venue = msg::Venue::kKraken,
                  .live = true,
                  .bid_price = 999,
                  .bid_size = 1,
                  .ask_price = 1001,
                  .ask_size = 3,
                  .price_scale = 1,
                  .size_scale = 0,
                  .ts_event = kStart + 1});
  ASSERT_EQ(sink.records.size(), 2U);
  EXPECT_NEAR(sink.records[1].spread_bps, 20.0, 1e-9);  // 0.2 on a mid of 100.0
  EXPECT_DOUBLE_EQ(sink.records[1].book_imbalance, -0.5);
  // A stale book gives no spread.
  builder.on_top({.instrument = kBtc,
                  .venue = msg::Venue::kKraken,
                  .live = false,
                  .bid_price = 999,
                  .bid_size = 1,
                  .ask_price = 1001,
                  .ask_size = 3,
                  .price_scale = 1,
                  .size_scale = 0,
                  .ts_event = kStart + 2});
  ASSERT_EQ(sink.records.size(), 3U);
  EXPECT_EQ(sink.records[2].spread_bps, 0);
}

}  // namespace
}  // namespace rtm::stream
