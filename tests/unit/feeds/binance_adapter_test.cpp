#include "rtm/feeds/binance_adapter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collecting_sink.hpp"

namespace rtm::feeds {
namespace {

using testing::CollectingSink;
using testing::feed;

class BinanceAdapterTest : public ::testing::Test {
 protected:
  BinanceAdapterTest() : adapter_(catalog_, sink_) {
    adapter_.set_resync_handler([this](std::string_view symbol) { resyncs_.emplace_back(symbol); });
  }

  FrameResult snapshot(std::string_view symbol, std::string_view body) {
    static FrameBuffer buffer;
    return adapter_.on_depth_snapshot(symbol, buffer.assign(body), 7);
  }
  static std::string diff(std::uint64_t first, std::uint64_t last, std::string_view bids, std::string_view asks) {
    return R"({"e":"depthUpdate","E":1672515782136,"s":"BTCUSDT","U":)" + std::to_string(first) + R"(,"u":)" +
           std::to_string(last) + R"(,"b":)" + std::string(bids) + R"(,"a":)" + std::string(asks) + "}";
  }
  const OrderBook& book() { return *adapter_.book("BTCUSDT"); }

  InstrumentCatalog catalog_;
  CollectingSink sink_;
  BinanceAdapter adapter_;
  std::vector<std::string> resyncs_;
};

TEST_F(BinanceAdapterTest, FixtureTradeHasTheSellerAsAggressorWhenTheBuyerMade) {
  const auto lines = testing::fixture_lines("binance");
  ASSERT_EQ(feed(adapter_, lines[0], 99), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  const msg::Trade& t = trades[0];
  EXPECT_EQ(catalog_.name(t.header.instrument_id), "binance:BNBBTC");
  EXPECT_EQ(msg::to_string(t.price_decimal()), "0.00100000");
  EXPECT_EQ(msg::to_string(t.size_decimal()), "100.00000000");
  EXPECT_EQ(t.trade_id, 12345U);
  EXPECT_EQ(t.aggressor, msg::Aggressor::kSell) << "m: true means the buyer was the maker";
  EXPECT_EQ(t.header.ts_event, 1672515782136LL * 1'000'000);
  EXPECT_EQ(t.header.ts_recv, 99);
  EXPECT_EQ(t.header.sequence, 2U) << "after the instrument's definition";
  EXPECT_EQ(t.header.venue, msg::Venue::kBinance);
  // An instrument's first record is preceded by its definition, so that a
  // reader of the bus or the journal knows its name and canonical symbol.
  ASSERT_EQ(sink_.records.size(), 2U);
  const auto* definition = std::get_if<msg::InstrumentDef>(&sink_.records[0]);
  ASSERT_NE(definition, nullptr);
  EXPECT_EQ(definition->header.instrument_id, t.header.instrument_id);
  EXPECT_EQ(definition->header.sequence, 1U);
  EXPECT_EQ(definition->header.ts_recv, 99);
  EXPECT_EQ(definition->venue_symbol.view(), "BNBBTC");
  EXPECT_EQ(definition->canonical_symbol.view(), "BNB-BTC");
  EXPECT_EQ(definition->price_scale, t.price_scale);
  ASSERT_EQ(feed(adapter_, lines[0], 100), FrameResult::kOk);
  EXPECT_EQ(sink_.all<msg::InstrumentDef>().size(), 1U) << "once";
}

TEST_F(BinanceAdapterTest, FixtureBookTickerBecomesABbo) {
  const auto lines = testing::fixture_lines("binance");
  ASSERT_EQ(feed(adapter_, lines[1]), FrameResult::kOk);
  const auto bbos = sink_.all<msg::Bbo>();
  ASSERT_EQ(bbos.size(), 1U);
  EXPECT_EQ(catalog_.name(bbos[0].header.instrument_id), "binance:BNBUSDT");
  EXPECT_EQ(msg::to_string({bbos[0].bid_price, bbos[0].price_scale}), "25.35190000");
  EXPECT_EQ(msg::to_string({bbos[0].bid_size, bbos[0].size_scale}), "31.21000000");
  EXPECT_EQ(msg::to_string({bbos[0].ask_price, bbos[0].price_scale}), "25.36520000");
  EXPECT_EQ(msg::to_string({bbos[0].ask_size, bbos[0].size_scale}), "40.66000000");
}

TEST_F(BinanceAdapterTest, FixtureCombinedStreamTradeIsUnwrapped) {
  const auto lines = testing::fixture_lines("binance");
  ASSERT_EQ(feed(adapter_, lines[3]), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  EXPECT_EQ(catalog_.name(trades[0].header.instrument_id), "binance:BTCUSDT");
  EXPECT_EQ(msg::to_string(trades[0].price_decimal()), "16500.10000000");
  EXPECT_EQ(trades[0].aggressor, msg::Aggressor::kBuy);
}

TEST_F(BinanceAdapterTest, FixtureDepthDiffWaitsForASnapshotAndAsksForOne) {
  const auto lines = testing::fixture_lines("binance");
  ASSERT_EQ(feed(adapter_, lines[2]), FrameResult::kOk);
  EXPECT_TRUE(sink_.all<msg::BookDelta>().empty()) << "no book is served before its snapshot";
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BNBBTC"});
  EXPECT_EQ(adapter_.book_state("BNBBTC"), BookState::kAwaitingSnapshot);
  ASSERT_EQ(feed(adapter_, lines[2]), FrameResult::kOk);
  EXPECT_EQ(resyncs_.size(), 1U) << "one request while waiting";
}

TEST_F(BinanceAdapterTest, SnapshotThenContiguousDiffsBuildTheBook) {
  ASSERT_EQ(snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[["100.0","1"],["99.0","2"]],"asks":[["101.0","3"]]})"),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kLive);
  ASSERT_EQ(feed(adapter_, diff(101, 102, R"([["100.0","0"],["99.5","4"]])", "[]")), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, diff(103, 103, "[]", R"([["100.5","1"]])")), FrameResult::kOk);
  EXPECT_EQ(book().best_bid()->price, 9950000000);
  EXPECT_EQ(book().best_ask()->price, 10050000000);
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 2U);

  const auto deltas = sink_.all<msg::BookDelta>();
  ASSERT_EQ(deltas.size(), 6U);
  EXPECT_EQ(deltas[0].header.flags, msg::flags::kSnapshotBegin);
  EXPECT_EQ(deltas[2].header.flags, msg::flags::kSnapshotEnd | msg::flags::kEndOfBatch);
  EXPECT_EQ(deltas[3].header.flags, 0);
  EXPECT_EQ(deltas[4].header.flags, msg::flags::kEndOfBatch);
  EXPECT_EQ(sink_.status_codes(), std::vector<msg::StatusCode>{msg::StatusCode::kBookReady});
  for (std::size_t i = 1; i < sink_.records.size(); ++i) {
    const auto seq = [](const msg::AnyRecord& r) {
      return std::visit([](const auto& x) { return x.header.sequence; }, r);
    };
    EXPECT_EQ(seq(sink_.records[i]), seq(sink_.records[i - 1]) + 1) << "per-instrument sequence without holes";
  }
}

TEST_F(BinanceAdapterTest, BufferedDiffsBridgeTheSnapshot) {
  // Diffs 95-98 and 99-103 arrive before the snapshot at 100: the first is
  // older than the snapshot and dropped, the second straddles 101.
  feed(adapter_, diff(95, 98, R"([["90.0","1"]])", "[]"));
  feed(adapter_, diff(99, 103, R"([["98.0","5"]])", "[]"));
  feed(adapter_, diff(104, 104, "[]", R"([["102.0","2"]])"));
  EXPECT_TRUE(sink_.all<msg::BookDelta>().empty());
  ASSERT_EQ(snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[["97.0","1"]],"asks":[["101.0","3"]]})"),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kLive);
  EXPECT_EQ(book().best_bid()->price, 9800000000) << "the straddling diff applied";
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 2U) << "the old diff (90.0) was dropped";
  EXPECT_EQ(book().depth(msg::BookSide::kAsk), 2U);
  ASSERT_EQ(feed(adapter_, diff(105, 105, R"([["97.0","0"]])", "[]")), FrameResult::kOk);
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 1U);
}

TEST_F(BinanceAdapterTest, ASnapshotOlderThanTheBufferedDiffsIsRefused) {
  feed(adapter_, diff(110, 112, R"([["98.0","5"]])", "[]"));
  ASSERT_EQ(resyncs_.size(), 1U);
  ASSERT_EQ(snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[],"asks":[]})"), FrameResult::kOk);
  EXPECT_NE(adapter_.book_state("BTCUSDT"), BookState::kLive);
  EXPECT_EQ(sink_.status_codes(), std::vector<msg::StatusCode>{msg::StatusCode::kGap});
  EXPECT_EQ(resyncs_.size(), 2U) << "a newer snapshot is requested";
  EXPECT_TRUE(sink_.all<msg::BookDelta>().empty());
  ASSERT_EQ(snapshot("BTCUSDT", R"({"lastUpdateId":111,"bids":[["97.0","1"]],"asks":[]})"), FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kLive);
  EXPECT_EQ(book().best_bid()->price, 9800000000);
}

TEST_F(BinanceAdapterTest, AGapMarksTheBookStaleAndResyncs) {
  snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[["99.0","1"]],"asks":[["101.0","1"]]})");
  feed(adapter_, diff(101, 101, R"([["99.0","2"]])", "[]"));
  sink_.clear();
  ASSERT_EQ(feed(adapter_, diff(105, 106, R"([["98.0","2"]])", "[]")), FrameResult::kOk);
  EXPECT_EQ(sink_.status_codes(), (std::vector<msg::StatusCode>{msg::StatusCode::kGap, msg::StatusCode::kResync}));
  const msg::Status gap = sink_.all<msg::Status>()[0];
  EXPECT_EQ(gap.expected_sequence, 102U);
  EXPECT_EQ(gap.received_sequence, 105U);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kStale);
  EXPECT_EQ(resyncs_.back(), "BTCUSDT");
  EXPECT_EQ(adapter_.counters().gaps, 1U);
  EXPECT_TRUE(sink_.all<msg::BookDelta>().empty()) << "nothing applied to a stale book";

  feed(adapter_, diff(107, 107, "[]", R"([["100.0","1"]])"));
  ASSERT_EQ(snapshot("BTCUSDT", R"({"lastUpdateId":106,"bids":[["98.0","2"]],"asks":[["101.0","1"]]})"),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kLive);
  EXPECT_EQ(book().best_ask()->price, 10000000000) << "the diff buffered during the resync is applied";
  EXPECT_EQ(sink_.status_codes().back(), msg::StatusCode::kBookReady);
}

TEST_F(BinanceAdapterTest, RepeatedDiffsAreDroppedAndCounted) {
  snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[],"asks":[]})");
  feed(adapter_, diff(101, 102, R"([["99.0","1"]])", "[]"));
  sink_.clear();
  ASSERT_EQ(feed(adapter_, diff(101, 102, R"([["99.0","7"]])", "[]")), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(adapter_.counters().duplicates, 1U);
  EXPECT_EQ(book().best_bid()->size, 100000000);
}

TEST_F(BinanceAdapterTest, ACrossedBookIsNeverServedAsCurrent) {
  snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[["99.0","1"]],"asks":[["101.0","1"]]})");
  sink_.clear();
  feed(adapter_, diff(101, 101, R"([["102.0","1"]])", "[]"));
  EXPECT_EQ(sink_.status_codes(),
            (std::vector<msg::StatusCode>{msg::StatusCode::kCrossedBook, msg::StatusCode::kResync}));
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kStale);
  EXPECT_EQ(adapter_.counters().crossed_books, 1U);
}

TEST_F(BinanceAdapterTest, ADisconnectMakesEveryBookStale) {
  snapshot("BTCUSDT", R"({"lastUpdateId":100,"bids":[],"asks":[]})");
  adapter_.on_disconnect(5);
  EXPECT_EQ(adapter_.book_state("BTCUSDT"), BookState::kAwaitingSnapshot);
  EXPECT_EQ(sink_.status_codes().back(), msg::StatusCode::kDisconnected);
  resyncs_.clear();
  feed(adapter_, diff(200, 201, "[]", "[]"));
  EXPECT_EQ(resyncs_.size(), 1U) << "the first diff after reconnecting asks for a snapshot";
}

TEST_F(BinanceAdapterTest, MalformedFramesAreCountedAndSkipped) {
  const std::vector<std::string> bad = {
      "not json",
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":16500.1,"q":"1","T":1,"m":true})",        // price as a number
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":"16500.1","q":"-1","T":1,"m":true})",     // negative size
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1e400","q":"1","T":1,"m":true})",        // out of range
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":"0.000000001","q":"1","T":1,"m":true})",  // finer than the scale
      R"({"e":"trade","s":"BTCUSDT","p":"1","q":"1","T":1,"m":true})",                  // no trade id
      R"({"e":"depthUpdate","s":"BTCUSDT","U":5,"u":4,"b":[],"a":[]})",                 // U > u
      R"({"e":"depthUpdate","s":"BTCUSDT","U":5,"u":6,"b":[["1"]],"a":[]})",            // level without size
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":true)",             // truncated
      R"([1,2,3])",
      R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","T":167251578200136000,"m":true})",  // time past 2262
  };
  for (const auto& frame : bad) {
    EXPECT_EQ(feed(adapter_, frame), FrameResult::kMalformed) << frame;
    EXPECT_FALSE(adapter_.last_error().empty()) << "every refusal says why: " << frame;
  }
  EXPECT_EQ(adapter_.counters().frames_malformed, bad.size());
  feed(adapter_, R"({"e":"trade","s":"BTCUSDT","p":"1","q":"1","T":1,"m":true})");
  EXPECT_EQ(adapter_.last_error(), "trade without s, t or m");

  EXPECT_TRUE(sink_.records.empty());
  // The adapter carries on with the next good frame.
  EXPECT_EQ(feed(adapter_, testing::fixture_lines("binance")[0]), FrameResult::kOk);
}

TEST_F(BinanceAdapterTest, UnknownTypesAndAcksAreIgnored) {
  EXPECT_EQ(feed(adapter_, R"({"e":"kline","s":"BTCUSDT","k":{}})"), FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, R"({"result":null,"id":1})"), FrameResult::kIgnored);
  EXPECT_EQ(adapter_.counters().frames_ignored, 2U);
  EXPECT_EQ(adapter_.counters().unknown_types, 1U);
}

TEST_F(BinanceAdapterTest, OversizedFramesAreRefusedUnparsed) {
  adapter_.set_max_frame_size(64);
  EXPECT_EQ(feed(adapter_, std::string(R"({"e":"trade","pad":")") + std::string(100, 'x') + "\"}"),
            FrameResult::kMalformed);
}

}  // namespace
}  // namespace rtm::feeds

namespace rtm::feeds {
namespace {

TEST(BinanceAdapterLimits, AFeedCannotGrowTheCatalogWithoutBound) {
  InstrumentCatalog catalog(2);
  testing::CollectingSink sink;
  BinanceAdapter adapter(catalog, sink);
  for (int i = 0; i < 5; ++i) {
    const std::string frame =
        R"({"e":"trade","E":1,"s":"SYM)" + std::to_string(i) + R"(","t":1,"p":"1.0","q":"1.0","T":1,"m":true})";
    testing::feed(adapter, frame);
  }
  EXPECT_EQ(sink.all<msg::Trade>().size(), 2U);
  EXPECT_EQ(adapter.counters().instruments_refused, 3U);
  EXPECT_EQ(adapter.counters().frames_ignored, 3U);
  // Known instruments still flow.
  EXPECT_EQ(testing::feed(adapter, R"({"e":"trade","E":1,"s":"SYM0","t":2,"p":"1.0","q":"1.0","T":1,"m":true})"),
            FrameResult::kOk);
}

}  // namespace
}  // namespace rtm::feeds
