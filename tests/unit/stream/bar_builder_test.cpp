#include "rtm/stream/bar_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

namespace rtm::stream {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'700'000'000 * kSecond;  // 2023-11-14T22:13:20Z
const msg::InstrumentId kBtcBinance = msg::make_instrument_id(msg::Venue::kBinance, "BTCUSDT");
const msg::InstrumentId kBtcCoinbase = msg::make_instrument_id(msg::Venue::kCoinbase, "BTC-USD");
const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");

__extension__ using Int128 = __int128;

struct CollectingBars : DerivedSink {
  void on_bar(const msg::Bar& bar) override { bars.push_back(bar); }
  void on_nbbo(const msg::Nbbo&) override {}
  void on_stats(const msg::Stats&) override {}
  void on_alert(const msg::Alert&) override {}
  std::vector<msg::Bar> bars;
};

msg::Trade trade(msg::InstrumentId id, msg::Venue venue, std::int64_t ts, std::int64_t price, std::int64_t size,
                 msg::Aggressor side, std::uint8_t price_scale = 2, std::uint8_t size_scale = 4) {
  msg::Trade t;
  t.header.venue = venue;
  t.header.instrument_id = id;
  t.header.ts_event = ts;
  t.header.ts_recv = ts + 1'000'000;
  t.price = price;
  t.size = size;
  t.aggressor = side;
  t.price_scale = price_scale;
  t.size_scale = size_scale;
  return t;
}

// The reference the builder is checked against, as plainly as it can be
// written: every trade of a bucket is kept, and the bar recomputed from all
// of them whenever it is asked for.
class ReferenceBars {
 public:
  struct Kept {
    std::int64_t ts, price, size;
    msg::Aggressor side;
    std::size_t arrival;
  };
  struct Bucket {
    std::vector<Kept> trades;
    std::uint16_t late = 0;  // trades that came once the bucket was due final
    bool on_time = false;    // some trade came before that
  };
  using Key = std::tuple<msg::InstrumentId, std::int64_t, std::int64_t>;  // series, interval, start

  explicit ReferenceBars(const BarOptions& options) : options_(options) {}

  void on_trade(const msg::Trade& t, msg::InstrumentId composite) {
    watermark_ = std::max(watermark_, t.header.ts_event);
    for (const msg::InstrumentId series : {t.header.instrument_id, composite}) {
      if (series == msg::kNoInstrument) continue;
      for (const auto interval_duration : options_.intervals) {
        const std::int64_t interval = interval_duration.count();
        std::int64_t start = t.header.ts_event / interval * interval;
        if (start > t.header.ts_event) start -= interval;
        if (start + interval + options_.revision_horizon.count() < watermark_) continue;  // too late
        Bucket& bucket = buckets_[{series, interval, start}];
        bucket.trades.push_back({t.header.ts_event, t.price, t.size, t.aggressor, arrivals_});
        if (start + interval + options_.allowed_lateness.count() <= watermark_) {
          ++bucket.late;
        } else {
          bucket.on_time = true;
        }
      }
    }
    ++arrivals_;
  }

  [[nodiscard]] const Bucket* find(const Key& key) const {
    const auto found = buckets_.find(key);
    return found == buckets_.end() ? nullptr : &found->second;
  }

  // The bar of all the bucket's trades (at one scale, as the tests feed).
  static msg::Bar bar_of(const Bucket& bucket) {
    std::vector<Kept> trades = bucket.trades;
    std::stable_sort(trades.begin(), trades.end(), [](const Kept& a, const Kept& b) { return a.ts < b.ts; });
    msg::Bar bar;
    bar.open = trades.front().price;
    bar.close = trades.back().price;
    bar.high = bar.low = bar.open;
    Int128 notional = 0;
    for (const Kept& k : trades) {
      bar.high = std::max(bar.high, k.price);
      bar.low = std::min(bar.low, k.price);
      bar.volume += k.size;
      if (k.side == msg::Aggressor::kBuy) bar.buy_volume += k.size;
      if (k.side == msg::Aggressor::kSell) bar.sell_volume += k.size;
      notional += static_cast<Int128>(k.price) * k.size;
    }
    bar.trade_count = trades.size();
    // Half away from zero, spelled out: twice the remainder against the divisor.
    const Int128 quotient = notional / bar.volume;
    const Int128 remainder = notional % bar.volume;
    bar.vwap = static_cast<std::int64_t>(quotient + (2 * remainder >= bar.volume ? 1 : 0));
    return bar;
  }

  [[nodiscard]] std::int64_t watermark() const { return watermark_; }
  [[nodiscard]] const std::map<Key, Bucket>& buckets() const { return buckets_; }

 private:
  BarOptions options_;
  std::int64_t watermark_ = INT64_MIN;
  std::size_t arrivals_ = 0;
  std::map<Key, Bucket> buckets_;
};

void expect_same_bar(const msg::Bar& got, const msg::Bar& want, const std::string& where) {
  EXPECT_EQ(got.open, want.open) << where;
  EXPECT_EQ(got.high, want.high) << where;
  EXPECT_EQ(got.low, want.low) << where;
  EXPECT_EQ(got.close, want.close) << where;
  EXPECT_EQ(got.volume, want.volume) << where;
  EXPECT_EQ(got.buy_volume, want.buy_volume) << where;
  EXPECT_EQ(got.sell_volume, want.sell_volume) << where;
  EXPECT_EQ(got.trade_count, want.trade_count) << where;
  EXPECT_EQ(got.vwap, want.vwap) << where;
}

// Two venues' BTC and their composite, with trades out of order, late by up
// to ten seconds and a few past the revision horizon: every bar published
// is the reference's bar of its bucket at that moment, flagged as the
// reference says, and at the end every bucket's last bar is that of all its
// trades.
TEST(BarBuilder, MatchesTheReferenceOnRandomStreamsWithLateTrades) {
  BarOptions options;
  options.intervals = {1s, 5s, 1min};
  options.allowed_lateness = 2s;
  options.open_update_every = 250ms;
  options.revision_horizon = 30s;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    CollectingBars sink;
    BarBuilder builder(options, sink);
    ReferenceBars reference(options);
    std::map<ReferenceBars::Key, std::int64_t> last_open_publication;
    // Times in whole milliseconds, as Binance sends them: trades at the same
    // time, and a watermark exactly on a bar's deadline, both happen.
    constexpr std::int64_t kMilli = 1'000'000;
    std::int64_t now = kStart;
    for (int i = 0; i < 12'000; ++i) {
      now += static_cast<std::int64_t>(rng() % 50) * kMilli;
      std::int64_t ts = now;
      const std::uint64_t lateness = rng() % 100;
      if (lateness < 10) {
        ts -= static_cast<std::int64_t>(rng() % 3'000) * kMilli;  // out of order, on time
      } else if (lateness < 13) {
        ts -= static_cast<std::int64_t>(rng() % 10'000) * kMilli;  // late
      } else if (lateness == 13) {
        ts -= 45 * kSecond;  // past the horizon
      }
      const bool binance = (rng() & 1) != 0;
      const auto side = static_cast<msg::Aggressor>(rng() % 3);
      const msg::Trade t =
          trade(binance ? kBtcBinance : kBtcCoinbase, binance ? msg::Venue::kBinance : msg::Venue::kCoinbase, ts,
                6'500'000 + static_cast<std::int64_t>(rng() % 20'000) - 10'000,
                1 + static_cast<std::int64_t>(rng() % 50'000), side);
      const std::size_t before = sink.bars.size();
      builder.on_trade(t, kBtc);
      reference.on_trade(t, kBtc);
      for (std::size_t r = before; r < sink.bars.size(); ++r) {
        const msg::Bar& bar = sink.bars[r];
        const ReferenceBars::Key key{bar.header.instrument_id, bar.interval_ns, bar.start_ns};
        const ReferenceBars::Bucket* bucket = reference.find(key);
        ASSERT_NE(bucket, nullptr) << "a bar for a bucket without trades, at trade " << i;
        const std::string where = "trade " + std::to_string(i) + ", bar at " + std::to_string(bar.start_ns);
        expect_same_bar(bar, ReferenceBars::bar_of(*bucket), where);
        const bool due = bar.start_ns + bar.interval_ns + options.allowed_lateness.count() <= reference.watermark();
        EXPECT_EQ((bar.header.flags & msg::flags::kFinal) != 0, due) << where;
        EXPECT_EQ(bar.revision, bucket->late) << where;
        EXPECT_EQ((bar.header.flags & msg::flags::kRevision) != 0, bucket->late > 0) << where;
        if (!due) {
          auto [previous, first] = last_open_publication.try_emplace(key, reference.watermark());
          if (!first) {
            EXPECT_GE(reference.watermark() - previous->second, options.open_update_every.count()) << where;
            previous->second = reference.watermark();
          }
        }
      }
    }
    builder.finish();
    // Every bucket: one final bar (revision 0) if a trade came in time, one
    // revision per late trade, and the last bar that of all its trades.
    std::map<ReferenceBars::Key, std::vector<const msg::Bar*>> published;
    for (const msg::Bar& bar : sink.bars) {
      published[{bar.header.instrument_id, bar.interval_ns, bar.start_ns}].push_back(&bar);
    }
    ASSERT_EQ(published.size(), reference.buckets().size());
    std::uint64_t late = 0;
    for (const auto& [key, bucket] : reference.buckets()) {
      const auto& bars = published[key];
      ASSERT_FALSE(bars.empty());
      const auto finals = std::count_if(bars.begin(), bars.end(), [](const msg::Bar* b) {
        return (b->header.flags & msg::flags::kFinal) != 0 && b->revision == 0;
      });
      EXPECT_EQ(finals, bucket.on_time ? 1 : 0);
      const auto revisions = std::count_if(
          bars.begin(), bars.end(), [](const msg::Bar* b) { return (b->header.flags & msg::flags::kRevision) != 0; });
      EXPECT_EQ(revisions, bucket.late);
      expect_same_bar(*bars.back(), ReferenceBars::bar_of(bucket), "last bar");
      EXPECT_NE(bars.back()->header.flags & msg::flags::kFinal, 0);
      late += bucket.late;
    }
    EXPECT_EQ(builder.counters().revisions, late);
    EXPECT_GT(late, 0U) << "the stream has late trades";
    EXPECT_GT(builder.counters().trades_too_late, 0U) << "and trades past the horizon";
  }
}

TEST(BarBuilder, BucketsAreUtcBoundariesAndEmptyIntervalsHaveNoBar) {
  BarOptions options;
  options.intervals = {1min, 24h};
  CollectingBars sink;
  BarBuilder builder(options, sink);
  // 2023-11-14T23:59:59.5Z and 2023-11-15T00:02:00Z: nothing in 00:00 or 00:01.
  const std::int64_t day = 19'676LL * 86'400 * kSecond;  // 2023-11-15T00:00:00Z
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, day - kSecond / 2, 100, 1, msg::Aggressor::kBuy));
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, day + 120 * kSecond, 101, 2, msg::Aggressor::kSell));
  builder.finish();
  std::vector<std::pair<std::int64_t, std::int64_t>> starts;  // interval, start
  for (const msg::Bar& bar : sink.bars) {
    if ((bar.header.flags & msg::flags::kFinal) != 0) starts.emplace_back(bar.interval_ns, bar.start_ns);
  }
  std::sort(starts.begin(), starts.end());
  const std::int64_t minute = 60 * kSecond;
  const std::int64_t one_day = 86'400 * kSecond;
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {
      {minute, day - minute}, {minute, day + 2 * minute}, {one_day, day - one_day}, {one_day, day}};
  EXPECT_EQ(starts, expected);
}

// A composite of a venue at two decimals and one at one: the bar holds the
// finer scale, the coarser trade scaled up exactly.
TEST(BarBuilder, CompositeBarsTakeTheFinerScale) {
  BarOptions options;
  options.intervals = {1min};
  CollectingBars sink;
  BarBuilder builder(options, sink);
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, 650'001, 10, msg::Aggressor::kBuy, 1, 2), kBtc);
  builder.on_trade(trade(kBtcCoinbase, msg::Venue::kCoinbase, kStart + 1, 6'500'005, 1, msg::Aggressor::kSell, 2, 3),
                   kBtc);
  // A coarser trade into the bar that is now finer: scaled up to it.
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 2, 650'002, 10, msg::Aggressor::kBuy, 1, 2), kBtc);
  builder.finish();
  const msg::Bar* composite = nullptr;
  for (const msg::Bar& bar : sink.bars) {
    if (bar.header.instrument_id == kBtc && (bar.header.flags & msg::flags::kFinal) != 0) composite = &bar;
  }
  ASSERT_NE(composite, nullptr);
  EXPECT_EQ(composite->header.venue, msg::Venue::kComposite);
  EXPECT_EQ(composite->price_scale, 2);
  EXPECT_EQ(composite->size_scale, 3);
  EXPECT_EQ(composite->open, 6'500'010);   // 65000.1
  EXPECT_EQ(composite->close, 6'500'020);  // 65000.2
  EXPECT_EQ(composite->high, 6'500'020);
  EXPECT_EQ(composite->low, 6'500'005);  // 65000.05
  EXPECT_EQ(composite->volume, 201);     // 0.1 + 0.001 + 0.1
  EXPECT_EQ(composite->buy_volume, 200);
  EXPECT_EQ(composite->sell_volume, 1);
  EXPECT_EQ(composite->trade_count, 3U);
  // (6500010 * 100 + 6500005 * 1 + 6500020 * 100) / 201 = 6500014.95..., rounded half away from zero.
  EXPECT_EQ(composite->vwap, 6'500'015);
}

// The last bar published for a series, interval and start.
const msg::Bar* last_bar(const CollectingBars& sink, msg::InstrumentId id, std::int64_t interval, std::int64_t start) {
  const msg::Bar* found = nullptr;
  for (const msg::Bar& bar : sink.bars) {
    if (bar.header.instrument_id == id && bar.interval_ns == interval && bar.start_ns == start) found = &bar;
  }
  return found;
}

// While every interval's newest bar is open and at one scale, a trade goes
// to all of them at once. Each case below breaks that for one interval after
// a few trades (so the shortcut was in use), and that interval must decide
// for itself.
TEST(BarBuilder, EachIntervalDecidesForItselfWhenItsBarDiffers) {
  constexpr std::int64_t kMilli = 1'000'000;
  const auto buy = msg::Aggressor::kBuy;
  {
    SCOPED_TRACE("a bar goes final while its instrument is quiet: its next trade is a revision");
    CollectingBars sink;
    BarBuilder builder({.intervals = {1s, 1min}}, sink);
    for (std::int64_t i = 0; i < 3; ++i) {
      builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + i * 100 * kMilli, 100 + i, 1, buy));
    }
    builder.on_trade(trade(kBtcCoinbase, msg::Venue::kCoinbase, kStart + 4 * kSecond, 200, 1, buy));  // event time
    builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 500 * kMilli, 105, 1, buy));
    const msg::Bar* second = last_bar(sink, kBtcBinance, kSecond, kStart);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->header.flags, msg::flags::kFinal | msg::flags::kRevision);
    EXPECT_EQ(second->revision, 1);
    EXPECT_EQ(second->trade_count, 4U);
    EXPECT_EQ(second->close, 105);
    builder.finish();
    const msg::Bar* minute = last_bar(sink, kBtcBinance, 60 * kSecond, kStart - kStart % (60 * kSecond));
    ASSERT_NE(minute, nullptr);
    EXPECT_EQ(minute->revision, 0) << "on time for the minute";
    EXPECT_EQ(minute->trade_count, 4U);
  }
  {
    SCOPED_TRACE("a composite's second is coarser than its minute: each scales the trade to its own bar");
    CollectingBars sink;
    BarBuilder builder({.intervals = {1s, 1min}}, sink);
    builder.on_trade(trade(kBtcCoinbase, msg::Venue::kCoinbase, kStart, 6'500'005, 1, buy, 2, 3), kBtc);
    for (std::int64_t i = 1; i <= 3; ++i) {
      builder.on_trade(
          trade(kBtcBinance, msg::Venue::kBinance, kStart + kSecond + i * 100 * kMilli, 650'000 + i, 10, buy, 1, 2),
          kBtc);
    }
    builder.finish();
    const msg::Bar* minute = last_bar(sink, kBtc, 60 * kSecond, kStart - kStart % (60 * kSecond));
    ASSERT_NE(minute, nullptr);
    EXPECT_EQ(minute->price_scale, 2);
    EXPECT_EQ(minute->size_scale, 3);
    EXPECT_EQ(minute->volume, 301);  // 0.001 + 3 x 0.1
    EXPECT_EQ(minute->high, 6'500'030);
    EXPECT_EQ(minute->close, 6'500'030);
    const msg::Bar* second = last_bar(sink, kBtc, kSecond, kStart + kSecond);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->price_scale, 1);
    EXPECT_EQ(second->volume, 30);
  }
  {
    SCOPED_TRACE("a revision horizon shorter than the lateness: an open bar past it takes no trade");
    CollectingBars sink;
    BarBuilder builder({.intervals = {1s}, .allowed_lateness = 2s, .revision_horizon = 0s}, sink);
    for (std::int64_t i = 0; i < 3; ++i) {
      builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + i * 100 * kMilli, 100 + i, 1, buy));
    }
    builder.on_trade(trade(kBtcCoinbase, msg::Venue::kCoinbase, kStart + 1500 * kMilli, 200, 1, buy));
    builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 300 * kMilli, 105, 1, buy));
    EXPECT_EQ(builder.counters().trades_too_late, 1U);
    builder.finish();
    const msg::Bar* second = last_bar(sink, kBtcBinance, kSecond, kStart);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->trade_count, 3U);
  }
}

// nanoseconds::max() as the lateness and the horizon means never final
// before the end and revisable for ever: the sums with a bar's end stop at
// the largest time instead of wrapping round to the past.
TEST(BarBuilder, TheLargestLatenessAndHorizonMeanForever) {
  CollectingBars sink;
  BarBuilder builder({.intervals = {1s},
                      .allowed_lateness = std::chrono::nanoseconds::max(),
                      .revision_horizon = std::chrono::nanoseconds::max()},
                     sink);
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, 100, 1, msg::Aggressor::kBuy));
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 3600 * kSecond, 101, 1, msg::Aggressor::kBuy));
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 1, 102, 1, msg::Aggressor::kBuy));
  EXPECT_EQ(builder.counters().trades_too_late, 0U);
  EXPECT_EQ(builder.counters().bars_final, 0U) << "not before the end";
  builder.finish();
  EXPECT_EQ(builder.counters().bars_final, 2U);
  EXPECT_EQ(builder.counters().revisions, 0U);
  const msg::Bar* first = last_bar(sink, kBtcBinance, kSecond, kStart);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->trade_count, 2U);
  EXPECT_EQ(first->close, 102);
}

// A trade that falls in every interval's open bar is taken once for all of
// them and handed to each bar later (before anything reads it): the bars
// must be those of taking it in each, ties and refusals alike.
TEST(BarBuilder, OfTradesAtTheSameTimeTheLastToArriveDatesTheBar) {
  CollectingBars sink;
  BarBuilder builder({.intervals = {1s, 1min}}, sink);
  for (std::int64_t recv = 1; recv <= 3; ++recv) {
    msg::Trade t = trade(kBtcBinance, msg::Venue::kBinance, kStart, 100 + recv, 1, msg::Aggressor::kBuy);
    t.header.ts_recv = kStart + recv;
    builder.on_trade(t);
  }
  builder.finish();
  for (const std::int64_t interval : {kSecond, 60 * kSecond}) {
    const msg::Bar* bar = last_bar(sink, kBtcBinance, interval, kStart - kStart % interval);
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->trade_count, 3U);
    EXPECT_EQ(bar->open, 101) << "the first to arrive opens";
    EXPECT_EQ(bar->close, 103) << "the last closes";
    EXPECT_EQ(bar->header.ts_recv, kStart + 3);
  }
}

TEST(BarBuilder, AVolumePastSixtyFourBitsInOneIntervalIsRefusedThereAlone) {
  CollectingBars sink;
  BarBuilder builder({.intervals = {1s, 1min}}, sink);
  const auto buy = msg::Aggressor::kBuy;
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, 100, INT64_MAX - 10, buy));
  // A new second, in the same minute: the minute's volume is near the top,
  // the second's is small.
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + kSecond, 100, 5, buy));
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + kSecond + 1, 100, 10, buy));
  EXPECT_EQ(builder.counters().trades_refused, 1U) << "by the minute only";
  EXPECT_EQ(builder.counters().trades, 3U);
  builder.finish();
  const msg::Bar* second = last_bar(sink, kBtcBinance, kSecond, kStart + kSecond);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->volume, 15);
  EXPECT_EQ(second->trade_count, 2U);
  const msg::Bar* minute = last_bar(sink, kBtcBinance, 60 * kSecond, kStart - kStart % (60 * kSecond));
  ASSERT_NE(minute, nullptr);
  EXPECT_EQ(minute->volume, INT64_MAX - 5);
  EXPECT_EQ(minute->trade_count, 2U);
}

// The open updates hand the pending trades to the bars: the largest volume
// the one-step path checks against grows with them.
TEST(BarBuilder, AVolumePastSixtyFourBitsAfterAnOpenUpdateIsRefused) {
  CollectingBars sink;
  BarBuilder builder({.intervals = {1s, 1min}, .open_update_every = 250ms}, sink);
  const auto buy = msg::Aggressor::kBuy;
  constexpr std::int64_t kMilli = 1'000'000;
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, 100, INT64_MAX - 100, buy));
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 300 * kMilli, 100, 10, buy));  // open update
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 400 * kMilli, 100, 95, buy));
  EXPECT_EQ(builder.counters().trades_refused, 2U) << "by the second and by the minute";
  builder.finish();
  for (const std::int64_t interval : {kSecond, 60 * kSecond}) {
    const msg::Bar* bar = last_bar(sink, kBtcBinance, interval, kStart - kStart % interval);
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->volume, INT64_MAX - 90);
    EXPECT_EQ(bar->trade_count, 2U);
    EXPECT_EQ(bar->vwap, 100) << "from a notional past 64 bits";
  }
}

TEST(BarBuilder, RefusesWhatItCannotHoldAndBadOptions) {
  CollectingBars sink;
  BarBuilder builder({.intervals = {1s}}, sink);
  msg::Trade negative = trade(kBtcBinance, msg::Venue::kBinance, kStart, 100, -1, msg::Aggressor::kBuy);
  builder.on_trade(negative);
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, INT64_MAX, 1, msg::Aggressor::kBuy, 0, 0));
  // INT64_MAX at scale 0 cannot be brought to scale 2.
  builder.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart, 1, 1, msg::Aggressor::kBuy, 2, 0));
  EXPECT_EQ(builder.counters().trades_refused, 2U);
  // Refused once per interval it would have reached, also when every
  // interval takes trades in one step (two trades first, so that they do).
  CollectingBars two_sink;
  BarBuilder two({.intervals = {1s, 1min}}, two_sink);
  for (std::int64_t i = 0; i < 2; ++i) {
    two.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + i, 100, 1, msg::Aggressor::kBuy));
  }
  two.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 2, INT64_MAX, 1, msg::Aggressor::kBuy, 1, 4));
  EXPECT_EQ(two.counters().trades_refused, 2U) << "INT64_MAX at scale 1 cannot be brought to scale 2";
  two.on_trade(trade(kBtcBinance, msg::Venue::kBinance, kStart + 3, 100, INT64_MAX, msg::Aggressor::kBuy));
  EXPECT_EQ(two.counters().trades_refused, 4U) << "the volume would pass 64 bits";
  EXPECT_EQ(two.counters().trades, 2U);
  EXPECT_THROW(BarBuilder({.intervals = {}}, sink), std::invalid_argument);
  EXPECT_THROW(BarBuilder({.intervals = {0s}}, sink), std::invalid_argument);
}

}  // namespace
}  // namespace rtm::stream
