#include "rtm/stream/stream_processor.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace rtm::stream {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
const msg::InstrumentId kCoinbase = msg::make_instrument_id(msg::Venue::kCoinbase, "BTC-USD");
const msg::InstrumentId kKraken = msg::make_instrument_id(msg::Venue::kKraken, "BTC/USD");
const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");

struct Collected : DerivedSink {
  void on_bar(const msg::Bar& bar) override { bars.push_back(bar); }
  void on_nbbo(const msg::Nbbo& nbbo) override { nbbos.push_back(nbbo); }
  void on_stats(const msg::Stats&) override {}
  void on_alert(const msg::Alert& alert) override { alerts.push_back(alert); }
  std::vector<msg::Bar> bars;
  std::vector<msg::Nbbo> nbbos;
  std::vector<msg::Alert> alerts;
};

struct BothBtc : SymbolResolver {
  std::optional<std::string> canonical(msg::InstrumentId) override { return "BTC-USD"; }
};

class StreamProcessorTest : public ::testing::Test {
 protected:
  msg::RecordHeader header(msg::InstrumentId id, std::uint16_t flags = 0) {
    msg::RecordHeader h;
    h.venue = id == kCoinbase ? msg::Venue::kCoinbase : msg::Venue::kKraken;
    h.instrument_id = id;
    h.ts_event = (now_ += 1'000'000);
    h.ts_recv = now_;
    h.flags = flags;
    return h;
  }
  // A venue message: levels as (side, price, size), at scale 1 and 0.
  void message(msg::InstrumentId id, std::vector<std::tuple<msg::BookSide, std::int64_t, std::int64_t>> levels,
               bool snapshot) {
    for (std::size_t i = 0; i < levels.size(); ++i) {
      std::uint16_t flags = 0;
      if (snapshot && i == 0) flags |= msg::flags::kSnapshotBegin;
      if (i + 1 == levels.size()) flags |= msg::flags::kEndOfBatch | (snapshot ? msg::flags::kSnapshotEnd : 0);
      msg::BookDelta delta;
      delta.header = header(id, flags);
      std::tie(delta.side, delta.price, delta.size) = levels[i];
      delta.price_scale = 1;
      processor_.on_book_delta(delta);
    }
  }
  void status(msg::InstrumentId id, msg::StatusCode code) {
    msg::Status s;
    s.header = header(id);
    s.code = code;
    processor_.on_status(s);
  }

  std::int64_t now_ = kStart;
  BothBtc symbols_;
  Collected out_;
  static StreamOptions options() {
    StreamOptions o;
    o.bars.intervals = {1min};
    return o;
  }
  StreamProcessor processor_{options(), symbols_, out_};
};

TEST_F(StreamProcessorTest, BooksFromRecordsGiveTheBestBidOfferOfLiveBooksOnly) {
  using enum msg::BookSide;
  message(kCoinbase, {{kBid, 1000, 1}, {kAsk, 1002, 1}}, true);
  EXPECT_TRUE(out_.nbbos.empty() || out_.nbbos.back().venues_included == 0) << "not live before kBookReady";
  status(kCoinbase, msg::StatusCode::kBookReady);
  message(kKraken, {{kBid, 1001, 2}, {kAsk, 1003, 2}}, true);
  status(kKraken, msg::StatusCode::kBookReady);
  ASSERT_FALSE(out_.nbbos.empty());
  msg::Nbbo last = out_.nbbos.back();
  EXPECT_EQ(last.header.instrument_id, kBtc);
  EXPECT_EQ(processor_.symbol_of(kBtc), "BTC-USD");
  EXPECT_EQ(last.bid_price, 1001);
  EXPECT_EQ(last.bid_venue, msg::Venue::kKraken);
  EXPECT_EQ(last.ask_price, 1002);
  EXPECT_EQ(last.ask_venue, msg::Venue::kCoinbase);
  EXPECT_EQ(last.venues_included, 2);

  // Kraken's book has a gap: out until its next snapshot is ready.
  status(kKraken, msg::StatusCode::kGap);
  last = out_.nbbos.back();
  EXPECT_EQ(last.bid_price, 1000);
  EXPECT_EQ(last.bid_venue, msg::Venue::kCoinbase);
  EXPECT_NE(last.venues_excluded_mask & (1U << static_cast<unsigned>(msg::Venue::kKraken)), 0);
  message(kKraken, {{kBid, 1001, 0}, {kBid, 999, 1}, {kAsk, 1003, 2}}, true);  // the fresh snapshot
  EXPECT_EQ(out_.nbbos.back().venues_included, 1) << "still out until kBookReady";
  status(kKraken, msg::StatusCode::kBookReady);
  EXPECT_EQ(out_.nbbos.back().venues_included, 2);
  EXPECT_EQ(out_.nbbos.back().bid_price, 1000) << "the snapshot replaced the old book";
  EXPECT_EQ(processor_.book(kKraken)->depth(kBid), 1U);

  // A book crossed in itself counts for nothing, even before its status.
  message(kCoinbase, {{kBid, 1005, 1}}, false);
  EXPECT_EQ(out_.nbbos.back().venues_included, 1);
  EXPECT_EQ(out_.nbbos.back().bid_venue, msg::Venue::kKraken);
}

TEST_F(StreamProcessorTest, TradesMakeBarsPerInstrumentAndPerSymbol) {
  for (const msg::InstrumentId id : {kCoinbase, kKraken}) {
    msg::Trade trade;
    trade.header = header(id);
    trade.price = 1000;
    trade.size = 2;
    trade.price_scale = 1;
    trade.aggressor = msg::Aggressor::kBuy;
    processor_.on_record(trade);
  }
  processor_.finish();
  std::map<msg::InstrumentId, std::uint64_t> trades;
  for (const msg::Bar& bar : out_.bars) {
    if ((bar.header.flags & msg::flags::kFinal) != 0) trades[bar.header.instrument_id] = bar.trade_count;
  }
  EXPECT_EQ(trades, (std::map<msg::InstrumentId, std::uint64_t>{{kCoinbase, 1}, {kKraken, 1}, {kBtc, 2}}));
}

// Two books crossed against each other (Kraken bids above Coinbase's ask),
// each made live, into a processor with the given alert rules.
Collected cross_books(const std::string& rules) {
  std::string error;
  StreamOptions options;
  options.alerts = *parse_alert_rules(rules, error);
  BothBtc symbols;
  Collected out;
  StreamProcessor processor(options, symbols, out);
  std::int64_t now = kStart;
  for (const auto& [id, bid, ask] : {std::tuple{kCoinbase, 1000, 1002}, std::tuple{kKraken, 1003, 1004}}) {
    const msg::Venue venue = id == kCoinbase ? msg::Venue::kCoinbase : msg::Venue::kKraken;
    for (const auto& [side, price, flags] :
         {std::tuple{msg::BookSide::kBid, bid, int{msg::flags::kSnapshotBegin}},
          std::tuple{msg::BookSide::kAsk, ask, msg::flags::kSnapshotEnd | msg::flags::kEndOfBatch}}) {
      msg::BookDelta delta;
      delta.header.venue = venue;
      delta.header.instrument_id = id;
      delta.header.ts_event = delta.header.ts_recv = (now += 1'000'000);
      delta.header.flags = static_cast<std::uint16_t>(flags);
      delta.side = side;
      delta.price = price;
      delta.size = 1;
      processor.on_book_delta(delta);
    }
    msg::Status ready;
    ready.header = {.venue = venue, .instrument_id = id};
    ready.header.ts_event = ready.header.ts_recv = (now += 1'000'000);
    ready.code = msg::StatusCode::kBookReady;
    processor.on_status(ready);
  }
  return out;
}

TEST(StreamProcessorAlerts, RulesOnDerivedRecordsSeeThemAndTheSinkGetsThemToo) {
  const Collected watched = cross_books("crossed_market");
  ASSERT_FALSE(watched.nbbos.empty());
  EXPECT_EQ(watched.nbbos.back().condition, msg::NbboCondition::kCrossed);
  ASSERT_EQ(watched.alerts.size(), 1U);
  EXPECT_EQ(watched.alerts[0].rule, msg::AlertRule::kCrossedMarket);
  EXPECT_EQ(watched.alerts[0].header.instrument_id, kBtc);

  // A stale_feed rule reads no derived record: the records still come out,
  // and no rule fires on them.
  const Collected unwatched = cross_books("stale_feed:1h");
  EXPECT_EQ(unwatched.nbbos, watched.nbbos);
  EXPECT_TRUE(unwatched.alerts.empty());
}

}  // namespace
}  // namespace rtm::stream
