#include "rtm/stream/nbbo_builder.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace rtm::stream {
namespace {

__extension__ using Int128 = __int128;

const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");

struct CollectingNbbo : DerivedSink {
  void on_bar(const msg::Bar&) override {}
  void on_nbbo(const msg::Nbbo& nbbo) override { records.push_back(nbbo); }
  void on_stats(const msg::Stats&) override {}
  void on_alert(const msg::Alert&) override {}
  std::vector<msg::Nbbo> records;
};

// A number at scale 18, for comparing venues' prices however they are scaled.
Int128 at_18(std::int64_t mantissa, std::uint8_t scale) {
  Int128 value = mantissa;
  for (int i = scale; i < 18; ++i) value *= 10;
  return value;
}

// The reference: every venue's latest top kept, and the best bid and offer
// found by looking at all of them, in numbers that need no common scale.
struct Expected {
  bool has_bid = false, has_ask = false;
  Int128 bid = 0, bid_size = 0, ask = 0, ask_size = 0;
  msg::Venue bid_venue = msg::Venue::kUnknown, ask_venue = msg::Venue::kUnknown;
  std::uint16_t excluded = 0;
  std::uint8_t included = 0;
};

Expected reference(const std::map<msg::InstrumentId, VenueTop>& tops) {
  Expected e;
  for (const auto& [id, top] : tops) {
    if (!top.live) {
      e.excluded |= static_cast<std::uint16_t>(1U << static_cast<unsigned>(top.venue));
      continue;
    }
    ++e.included;
    const Int128 bid = at_18(top.bid_price, top.price_scale), bid_size = at_18(top.bid_size, top.size_scale);
    const Int128 ask = at_18(top.ask_price, top.price_scale), ask_size = at_18(top.ask_size, top.size_scale);
    const auto wins = [](Int128 price, Int128 size, msg::Venue venue, Int128 best, Int128 best_size,
                         msg::Venue best_venue, bool is_bid) {
      if (price != best) return is_bid ? price > best : price < best;
      if (size != best_size) return size > best_size;
      return venue < best_venue;
    };
    if (top.bid_size > 0 && (!e.has_bid || wins(bid, bid_size, top.venue, e.bid, e.bid_size, e.bid_venue, true))) {
      e = {true, e.has_ask, bid, bid_size, e.ask, e.ask_size, top.venue, e.ask_venue, e.excluded, e.included};
    }
    if (top.ask_size > 0 && (!e.has_ask || wins(ask, ask_size, top.venue, e.ask, e.ask_size, e.ask_venue, false))) {
      e = {e.has_bid, true, e.bid, e.bid_size, ask, ask_size, e.bid_venue, top.venue, e.excluded, e.included};
    }
  }
  return e;
}

msg::NbboCondition condition_of(const Expected& e) {
  if (!e.has_bid && !e.has_ask) return msg::NbboCondition::kEmpty;
  if (!e.has_bid || !e.has_ask) return msg::NbboCondition::kOneSided;
  if (e.bid == e.ask) return msg::NbboCondition::kLocked;
  return e.bid > e.ask ? msg::NbboCondition::kCrossed : msg::NbboCondition::kNormal;
}

struct VenueSpec {
  msg::Venue venue;
  const char* symbol;
  std::uint8_t price_scale, size_scale;
};

struct Market {
  std::vector<VenueSpec> venues;
  unsigned stale_one_in;  // a top is of a stale book once in so many
  unsigned finer_one_in;  // a venue quotes a digit finer once in so many (0: never)
};

// Random tops of `market`'s venues, prices close enough to lock and cross,
// sides emptying: each record is the reference's best bid and offer, and
// one is published when that changed; exactly then if no scale moves.
std::vector<msg::Nbbo> check_against_reference(const Market& market, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  CollectingNbbo sink;
  NbboBuilder builder(sink);
  std::map<msg::InstrumentId, VenueTop> tops;
  Expected last{};
  bool any = false;
  for (int i = 0; i < 30'000; ++i) {
    const VenueSpec& v = market.venues[rng() % market.venues.size()];
    VenueTop top;
    top.instrument = msg::make_instrument_id(v.venue, v.symbol);
    top.venue = v.venue;
    top.live = rng() % market.stale_one_in != 0;
    const bool finer = market.finer_one_in != 0 && rng() % market.finer_one_in == 0;
    top.price_scale = static_cast<std::uint8_t>(v.price_scale + (finer ? 1 : 0));
    top.size_scale = static_cast<std::uint8_t>(v.size_scale + (finer ? 1 : 0));
    // Prices in tenths of a dollar around 65000, at the top's scale.
    const std::int64_t unit = top.price_scale == 3 ? 100 : top.price_scale == 2 ? 10 : 1;
    const auto tenths = static_cast<std::int64_t>(650'000 + rng() % 8);
    top.bid_price = tenths * unit;
    top.ask_price = (tenths + static_cast<std::int64_t>(rng() % 6) - 1) * unit;
    top.bid_size = rng() % 8 == 0 ? 0 : static_cast<std::int64_t>(1 + rng() % 3);
    top.ask_size = rng() % 8 == 0 ? 0 : static_cast<std::int64_t>(1 + rng() % 3);
    top.ts_event = i;
    tops[top.instrument] = top;
    const std::size_t before = sink.records.size();
    builder.on_top(kBtc, top);
    const Expected e = reference(tops);
    const bool changed =
        !any || e.has_bid != last.has_bid || e.has_ask != last.has_ask ||
        (e.has_bid && (e.bid != last.bid || e.bid_size != last.bid_size || e.bid_venue != last.bid_venue)) ||
        (e.has_ask && (e.ask != last.ask || e.ask_size != last.ask_size || e.ask_venue != last.ask_venue)) ||
        e.excluded != last.excluded || e.included != last.included;
    // A change of the common scale alone also republishes; the reference
    // cannot see scales, so with scales moving it only asks for "at least
    // when changed".
    if (changed || market.finer_one_in == 0) {
      EXPECT_EQ(sink.records.size(), before + (changed ? 1 : 0)) << "update " << i;
    }
    EXPECT_LE(sink.records.size(), before + 1);
    if (sink.records.size() == before) continue;
    const msg::Nbbo& got = sink.records.back();
    EXPECT_EQ(got.header.venue, msg::Venue::kComposite);
    EXPECT_EQ(got.header.instrument_id, kBtc);
    EXPECT_EQ(got.header.sequence, sink.records.size());
    EXPECT_EQ(got.header.ts_event, i);
    EXPECT_EQ(got.condition, condition_of(e)) << "update " << i;
    EXPECT_EQ(got.venues_excluded_mask, e.excluded) << "update " << i;
    EXPECT_EQ(got.venues_included, e.included) << "update " << i;
    EXPECT_EQ((got.header.flags & msg::flags::kStale) != 0, e.excluded != 0);
    // An empty side is all zero, its venue unknown.
    EXPECT_EQ(at_18(got.bid_price, got.price_scale), e.has_bid ? e.bid : 0) << "update " << i;
    EXPECT_EQ(at_18(got.bid_size, got.size_scale), e.has_bid ? e.bid_size : 0) << "update " << i;
    EXPECT_EQ(got.bid_venue, e.has_bid ? e.bid_venue : msg::Venue::kUnknown) << "update " << i;
    EXPECT_EQ(at_18(got.ask_price, got.price_scale), e.has_ask ? e.ask : 0) << "update " << i;
    EXPECT_EQ(at_18(got.ask_size, got.size_scale), e.has_ask ? e.ask_size : 0) << "update " << i;
    EXPECT_EQ(got.ask_venue, e.has_ask ? e.ask_venue : msg::Venue::kUnknown) << "update " << i;
    if (::testing::Test::HasFailure()) break;  // one update's story, not thousands
    last = e;
    any = true;
  }
  return sink.records;
}

std::ptrdiff_t count(const std::vector<msg::Nbbo>& records, msg::NbboCondition condition) {
  return std::count_if(records.begin(), records.end(), [&](const msg::Nbbo& n) { return n.condition == condition; });
}

// Three venues at different scales (now and then one a digit finer), books
// going stale and coming back often.
TEST(NbboBuilder, MatchesTheReferenceWithStaleBooksAndMixedScales) {
  const Market market{{{msg::Venue::kBinance, "BTCUSDT", 2, 5},
                       {msg::Venue::kCoinbase, "BTC-USD", 2, 8},
                       {msg::Venue::kKraken, "BTC/USD", 1, 8}},
                      10,
                      50};
  const std::vector<msg::Nbbo> records = check_against_reference(market, 21);
  EXPECT_GT(count(records, msg::NbboCondition::kCrossed), 0) << "the stream crosses";
  EXPECT_GT(count(records, msg::NbboCondition::kLocked), 0) << "and locks";
  EXPECT_GT(count(records, msg::NbboCondition::kNormal), 0);
  EXPECT_GT(count(records, msg::NbboCondition::kOneSided), 0);
}

// Quotes moving with the venues' standing steady, as most tops come, and
// two instruments of one venue quoting the very same: a record exactly when
// the best changed, none when one instrument's quote takes the best from
// the other's identical one.
TEST(NbboBuilder, MatchesTheReferenceQuoteByQuote) {
  const Market market{{{msg::Venue::kBinance, "BTCUSDT", 2, 5},
                       {msg::Venue::kBinance, "BTCUSDC", 2, 5},
                       {msg::Venue::kCoinbase, "BTC-USD", 2, 8},
                       {msg::Venue::kKraken, "BTC/USD", 1, 8}},
                      500,
                      0};
  for (const std::uint64_t seed : {5U, 6U, 7U}) {
    const std::vector<msg::Nbbo> records = check_against_reference(market, seed);
    EXPECT_GT(count(records, msg::NbboCondition::kCrossed), 0) << "seed " << seed;
    EXPECT_GT(count(records, msg::NbboCondition::kNormal), 0) << "seed " << seed;
  }
}

// A venue's numbers that pass 64 bits at the finest scale among the live
// venues: nothing is published, and the refusal is counted, until the finer
// venue goes stale or the number comes down.
TEST(NbboBuilder, RefusesWhatDoesNotFitAtTheCommonScale) {
  CollectingNbbo sink;
  NbboBuilder builder(sink);
  const auto top = [](msg::Venue venue, const char* symbol, bool live, std::uint8_t price_scale,
                      std::int64_t bid_price) {
    VenueTop t;
    t.instrument = msg::make_instrument_id(venue, symbol);
    t.venue = venue;
    t.live = live;
    t.price_scale = price_scale;
    t.bid_price = bid_price;
    t.bid_size = 1;
    t.ask_price = bid_price + 1;
    t.ask_size = 1;
    return t;
  };
  const std::int64_t huge = INT64_MAX / 2;
  builder.on_top(kBtc, top(msg::Venue::kBinance, "BTCUSDT", true, 0, huge));
  ASSERT_EQ(sink.records.size(), 1U);
  builder.on_top(kBtc, top(msg::Venue::kCoinbase, "BTC-USD", true, 2, 6'500'000));
  EXPECT_EQ(builder.counters().refused, 1U) << "Binance's bid at scale 2 passes 64 bits";
  EXPECT_EQ(sink.records.size(), 1U);
  builder.on_top(kBtc, top(msg::Venue::kCoinbase, "BTC-USD", false, 2, 6'500'000));
  ASSERT_EQ(sink.records.size(), 2U) << "Coinbase stale: back to scale 0";
  EXPECT_EQ(sink.records.back().bid_price, huge);
  EXPECT_EQ(sink.records.back().price_scale, 0);
  builder.on_top(kBtc, top(msg::Venue::kCoinbase, "BTC-USD", true, 2, 6'500'000));
  EXPECT_EQ(builder.counters().refused, 2U);
  builder.on_top(kBtc, top(msg::Venue::kBinance, "BTCUSDT", true, 0, 65'001));
  ASSERT_EQ(sink.records.size(), 3U) << "Binance's bid fits again";
  EXPECT_EQ(sink.records.back().bid_price, 6'500'100);
  EXPECT_EQ(sink.records.back().bid_venue, msg::Venue::kBinance);
  EXPECT_EQ(sink.records.back().price_scale, 2);
}

// A venue that changes one scale alone (its price precision, then its size
// precision) moves the symbol's common scale with it.
TEST(NbboBuilder, AVenueChangingOneScaleMovesTheCommonScale) {
  CollectingNbbo sink;
  NbboBuilder builder(sink);
  VenueTop top;
  top.instrument = msg::make_instrument_id(msg::Venue::kBinance, "BTCUSDT");
  top.venue = msg::Venue::kBinance;
  top.live = true;
  top.price_scale = 2;
  top.size_scale = 5;
  top.bid_price = 6'500'000;
  top.bid_size = 1;
  top.ask_price = 6'500'100;
  top.ask_size = 1;
  builder.on_top(kBtc, top);
  top.price_scale = 3;
  top.bid_price = 65'000'005;
  top.ask_price = 65'001'000;
  builder.on_top(kBtc, top);
  ASSERT_EQ(sink.records.size(), 2U);
  EXPECT_EQ(sink.records.back().price_scale, 3);
  EXPECT_EQ(sink.records.back().size_scale, 5);
  EXPECT_EQ(sink.records.back().bid_price, 65'000'005);
  EXPECT_EQ(sink.records.back().ask_price, 65'001'000);
  top.size_scale = 6;
  top.bid_size = 10;
  top.ask_size = 20;
  builder.on_top(kBtc, top);
  ASSERT_EQ(sink.records.size(), 3U);
  EXPECT_EQ(sink.records.back().size_scale, 6);
  EXPECT_EQ(sink.records.back().bid_size, 10);
  EXPECT_EQ(sink.records.back().ask_size, 20);
}

}  // namespace
}  // namespace rtm::stream
