#include "rtm/store/hot_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "rtm/msg/codec.hpp"

namespace rtm::store {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kBinance, "BTCUSDT");
const msg::InstrumentId kEth = msg::make_instrument_id(msg::Venue::kBinance, "ETHUSDT");

msg::Trade trade(msg::InstrumentId instrument, std::int64_t ts, std::uint64_t id) {
  msg::Trade t;
  t.header.venue = msg::Venue::kBinance;
  t.header.instrument_id = instrument;
  t.header.sequence = id;
  t.header.ts_event = ts;
  t.header.ts_recv = ts + 1000;
  t.price = 6'500'000 + static_cast<std::int64_t>(id % 100);
  t.size = static_cast<std::int64_t>(id);
  t.trade_id = id;
  t.aggressor = id % 2 == 0 ? msg::Aggressor::kBuy : msg::Aggressor::kSell;
  t.price_scale = 2;
  t.size_scale = 8;
  return t;
}

StoredTrade stored(std::int64_t ts, std::uint64_t id) {
  StoredTrade s;
  s.ts_event = ts;
  s.trade_id = id;
  return s;
}

// Random pushes (some out of order) and pops against a sorted vector: the
// series holds the same trades in event-time order, ties in arrival order,
// across many chunks and their reuse.
TEST(TradeSeries, KeepsEventTimeOrderAcrossChunks) {
  std::mt19937_64 random(7);
  TradeSeries series;
  std::vector<StoredTrade> reference;
  std::int64_t now = 0;
  for (std::uint64_t id = 1; id <= 20'000; ++id) {
    now += static_cast<std::int64_t>(random() % 5);
    const std::int64_t late = random() % 10 == 0 ? static_cast<std::int64_t>(random() % 30) : 0;
    const StoredTrade t = stored(now - late, id);
    series.push(t);
    const auto at = std::upper_bound(reference.begin(), reference.end(), t.ts_event,
                                     [](std::int64_t ts, const StoredTrade& s) { return ts < s.ts_event; });
    reference.insert(at, t);
    if (random() % 3 == 0) {
      series.pop_front();
      reference.erase(reference.begin());
    }
  }
  ASSERT_EQ(series.size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) {
    ASSERT_EQ(series[i].trade_id, reference[i].trade_id) << i;
  }
  for (const std::int64_t ts : {std::int64_t{-1}, reference[100].ts_event, now + 1}) {
    const auto expected = std::lower_bound(reference.begin(), reference.end(), ts,
                                           [](const StoredTrade& s, std::int64_t t) { return s.ts_event < t; });
    EXPECT_EQ(series.lower_bound(ts), static_cast<std::size_t>(expected - reference.begin()));
  }
  while (!series.empty()) series.pop_front();
  EXPECT_LE(series.memory_bytes(), sizeof(TradeSeries) + sizeof(StoredTrade) * TradeSeries::kChunkTrades + 64)
      << "an emptied series keeps one spare chunk at most";
}

// The figure: a stored trade costs no more memory than its encoded
// record (here 1 million of them; the benchmark measures 10 million with
// the allocator's own count).
TEST(HotStore, ATradeTakesNoMoreMemoryThanItsRecord) {
  HotStore store({.trade_retention = 24h, .max_trades_per_instrument = 10'000'000});
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    store.add_trade(trade(i % 2 == 0 ? kBtc : kEth, kStart + static_cast<std::int64_t>(i) * 1000, i));
  }
  EXPECT_EQ(store.counters().trades, 1'000'000U);
  EXPECT_LE(store.trade_memory_bytes(), 1'000'000U * msg::kEncodedSize<msg::Trade>);
}

TEST(HotStore, TradesAreKeptByCountAndByAgeAndQueriedByTime) {
  HotStore store({.trade_retention = 10s, .max_trades_per_instrument = 50});
  for (std::uint64_t i = 0; i < 100; ++i)
    store.add_trade(trade(kBtc, kStart + static_cast<std::int64_t>(i) * 1'000'000, i));
  // By count: the newest 50.
  std::vector<msg::Trade> all = store.trades(kBtc, 0, INT64_MAX, 1000);
  ASSERT_EQ(all.size(), 50U);
  EXPECT_EQ(all.front().trade_id, 50U);
  EXPECT_EQ(all.back().trade_id, 99U);
  EXPECT_EQ(all.back(), trade(kBtc, kStart + 99'000'000, 99)) << "a trade comes back as it went in";
  // By time range [from, to) and limit.
  const std::vector<msg::Trade> some = store.trades(kBtc, kStart + 60'000'000, kStart + 70'000'000, 1000);
  ASSERT_EQ(some.size(), 10U);
  EXPECT_EQ(some.front().trade_id, 60U);
  EXPECT_EQ(store.trades(kBtc, kStart + 60'000'000, kStart + 70'000'000, 3).size(), 3U);
  const std::vector<msg::Trade> tape = store.latest_trades(kBtc, kStart + 60'000'000, kStart + 70'000'000, 3);
  ASSERT_EQ(tape.size(), 3U);
  EXPECT_EQ(tape[0].trade_id, 69U) << "newest first";
  EXPECT_EQ(tape[2].trade_id, 67U);
  EXPECT_TRUE(store.trades(kEth, 0, INT64_MAX, 10).empty());
  // Pages: each starts after the last trade of the one before, ties included.
  for (std::uint64_t id = 200; id < 205; ++id) store.add_trade(trade(kBtc, kStart + 99'000'000, id));
  std::vector<std::uint64_t> paged;
  std::optional<TradePosition> after;
  for (int page = 0; page < 10; ++page) {
    const auto trades = store.trades(kBtc, kStart + 98'000'000, INT64_MAX, 2, after);
    if (trades.empty()) break;
    for (const msg::Trade& t : trades) paged.push_back(t.trade_id);
    after = TradePosition{trades.back().header.ts_event, trades.back().header.sequence};
  }
  EXPECT_EQ(paged, (std::vector<std::uint64_t>{98, 99, 200, 201, 202, 203, 204}));
  // By age: a trade 20 s later leaves only what is within 10 s of it.
  store.add_trade(trade(kBtc, kStart + 20'000'000'000, 1000));
  all = store.trades(kBtc, 0, INT64_MAX, 1000);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(store.counters().trades_evicted, 50U + 5U + 50U);
}

msg::Bar bar(std::int64_t start, std::uint16_t revision, std::uint64_t trades) {
  msg::Bar b;
  b.header.venue = msg::Venue::kBinance;
  b.header.instrument_id = kBtc;
  b.start_ns = start;
  b.interval_ns = 60'000'000'000;
  b.trade_count = trades;
  b.revision = revision;
  return b;
}

TEST(HotStore, ABarIsReplacedByItsLaterVersionsAndOldBarsGo) {
  HotStore store({.bar_retention = 10min, .max_bars_per_series = 100});
  store.put_bar(bar(kStart, 0, 1));
  store.put_bar(bar(kStart, 0, 2));  // the open bar moved
  store.put_bar(bar(kStart, 1, 3));  // a revision
  std::vector<msg::Bar> bars = store.bars(kBtc, 60'000'000'000, 0, INT64_MAX, 10);
  ASSERT_EQ(bars.size(), 1U);
  EXPECT_EQ(bars[0].trade_count, 3U);
  EXPECT_EQ(bars[0].revision, 1U);
  EXPECT_TRUE(store.bars(kBtc, 300'000'000'000, 0, INT64_MAX, 10).empty()) << "another interval";
  for (int minute = 1; minute <= 20; ++minute) store.put_bar(bar(kStart + minute * 60'000'000'000LL, 0, 1));
  bars = store.bars(kBtc, 60'000'000'000, 0, INT64_MAX, 100);
  ASSERT_EQ(bars.size(), 11U) << "ten minutes back from the newest start, both ends kept";
  EXPECT_EQ(bars.front().start_ns, kStart + 10 * 60'000'000'000LL);
  const std::vector<msg::Bar> newest = store.bars(kBtc, 60'000'000'000, kStart, kStart + 15 * 60'000'000'000LL, 2);
  ASSERT_EQ(newest.size(), 2U) << "the newest of the range, oldest first";
  EXPECT_EQ(newest[0].start_ns, kStart + 13 * 60'000'000'000LL);
  EXPECT_EQ(newest[1].start_ns, kStart + 14 * 60'000'000'000LL);
}

// A late trade can revise an older bar, or be the first of an interval
// that had none, after newer bars are stored: the series stays in order.
TEST(HotStore, OlderBarsArriveLateAndKeepTheirPlace) {
  HotStore store({.bar_retention = 60min, .max_bars_per_series = 100});
  for (const int minute : {0, 2, 5, 6}) store.put_bar(bar(kStart + minute * 60'000'000'000LL, 0, 1));
  store.put_bar(bar(kStart + 2 * 60'000'000'000LL, 1, 7));  // a revision, in the middle
  store.put_bar(bar(kStart + 3 * 60'000'000'000LL, 1, 4));  // a late first, between two
  store.put_bar(bar(kStart - 60'000'000'000LL, 1, 9));      // a late first, before them all
  const std::vector<msg::Bar> bars = store.bars(kBtc, 60'000'000'000, 0, INT64_MAX, 100);
  std::vector<std::int64_t> minutes;
  for (const msg::Bar& b : bars) minutes.push_back((b.start_ns - kStart) / 60'000'000'000LL);
  EXPECT_EQ(minutes, (std::vector<std::int64_t>{-1, 0, 2, 3, 5, 6}));
  EXPECT_EQ(bars[2].trade_count, 7U);
  EXPECT_EQ(bars[2].revision, 1U);
  EXPECT_EQ(store.oldest_bar_start(kBtc, 60'000'000'000), kStart - 60'000'000'000LL);
  const std::vector<msg::Bar> middle =
      store.bars(kBtc, 60'000'000'000, kStart + 60'000'000'000LL, kStart + 5 * 60'000'000'000LL, 100);
  ASSERT_EQ(middle.size(), 2U) << "starts in [1m, 5m)";
  EXPECT_EQ(middle[0].start_ns, kStart + 2 * 60'000'000'000LL);
  EXPECT_EQ(middle[1].start_ns, kStart + 3 * 60'000'000'000LL);
}

// Two stream members around a rebalance, or one republishing after a
// restart, may send a bar's older state after its newer one: a final bar is
// never replaced by an open one, nor a revision by an earlier one.
TEST(HotStore, AnOlderStateOfABarNeverReplacesANewerOne) {
  HotStore store({.bar_retention = 60min, .max_bars_per_series = 100});
  msg::Bar final_bar = bar(kStart, 0, 5);
  final_bar.header.flags = msg::flags::kFinal;
  store.put_bar(final_bar);
  store.put_bar(bar(kStart, 0, 4));  // the open bar, as it was a moment before
  std::vector<msg::Bar> bars = store.bars(kBtc, 60'000'000'000, 0, INT64_MAX, 10);
  ASSERT_EQ(bars.size(), 1U);
  EXPECT_EQ(bars[0].trade_count, 5U);
  EXPECT_NE(bars[0].header.flags & msg::flags::kFinal, 0);

  msg::Bar revised = bar(kStart, 2, 7);
  revised.header.flags = msg::flags::kFinal | msg::flags::kRevision;
  store.put_bar(revised);
  msg::Bar earlier_revision = bar(kStart, 1, 6);
  earlier_revision.header.flags = msg::flags::kFinal | msg::flags::kRevision;
  store.put_bar(earlier_revision);
  bars = store.bars(kBtc, 60'000'000'000, 0, INT64_MAX, 10);
  ASSERT_EQ(bars.size(), 1U);
  EXPECT_EQ(bars[0].revision, 2U);
  EXPECT_EQ(bars[0].trade_count, 7U);
}

TEST(HotStore, BooksAlertsStatsAndSymbols) {
  HotStore store({.max_alerts = 3, .book_depth = 2});
  msg::RecordHeader header;
  header.venue = msg::Venue::kBinance;
  header.instrument_id = kBtc;
  header.ts_event = kStart;
  const std::vector<BookLevel> bids = {{100, 1}, {99, 2}, {98, 3}};
  const std::vector<BookLevel> asks = {{101, 1}};
  store.put_book(header, true, 2, 8, bids, asks);
  std::optional<BookTop> top = store.book(kBtc, 10);
  ASSERT_TRUE(top);
  EXPECT_TRUE(top->live);
  EXPECT_EQ(top->bids, (std::vector<BookLevel>{{100, 1}, {99, 2}})) << "kept to the configured depth";
  EXPECT_EQ(top->asks, asks);
  EXPECT_EQ(store.book(kBtc, 1)->bids.size(), 1U);
  store.put_book(header, false, 2, 8, {}, {});
  EXPECT_FALSE(store.book(kBtc, 10)->live);
  EXPECT_FALSE(store.book(kEth, 10));

  for (int i = 0; i < 5; ++i) {
    msg::Alert alert;
    alert.header.ts_event = kStart + i;
    store.add_alert(alert);
  }
  const std::vector<msg::Alert> alerts = store.alerts(kStart + 3, 10);
  ASSERT_EQ(alerts.size(), 2U);
  EXPECT_EQ(alerts[0].header.ts_event, kStart + 3);
  EXPECT_EQ(store.alerts(0, 10).size(), 3U) << "the newest max_alerts are kept";
  EXPECT_EQ(store.alerts(0, 1).at(0).header.ts_event, kStart + 4) << "a limit keeps the newest";

  msg::Stats minute;
  minute.header.instrument_id = kBtc;
  minute.window_ns = 60'000'000'000;
  msg::Stats second = minute;
  second.window_ns = 1'000'000'000;
  store.put_stats(minute);
  store.put_stats(second);
  store.put_stats(minute);
  const std::vector<msg::Stats> stats = store.stats(kBtc);
  ASSERT_EQ(stats.size(), 2U);
  EXPECT_EQ(stats[0].window_ns, 1'000'000'000);

  const msg::InstrumentId composite = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");
  store.add_symbol(composite, "BTC-USD");
  EXPECT_EQ(store.composite_of_symbol("BTC-USD"), composite);
  EXPECT_EQ(store.symbol_of(composite), "BTC-USD");
  EXPECT_FALSE(store.composite_of_symbol("ETH-USD"));
}

}  // namespace
}  // namespace rtm::store
