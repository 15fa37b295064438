#include "rtm/feeds/coinbase_adapter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collecting_sink.hpp"

namespace rtm::feeds {
namespace {

using testing::CollectingSink;
using testing::feed;

constexpr std::int64_t kScale8 = 100'000'000;  // one unit at the default scale

class CoinbaseAdapterTest : public ::testing::Test {
 protected:
  explicit CoinbaseAdapterTest(CoinbaseOptions options = {}) : adapter_(catalog_, sink_, options) {
    adapter_.set_resync_handler([this](std::string_view symbol) { resyncs_.emplace_back(symbol); });
  }

  static std::string match(std::uint64_t sequence, std::uint64_t trade_id = 1, std::string_view side = "sell") {
    return R"({"type":"match","trade_id":)" + std::to_string(trade_id) + R"(,"sequence":)" + std::to_string(sequence) +
           R"(,"time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"1.5","price":"100.25","side":")" +
           std::string(side) + R"("})";
  }
  static std::string ticker(std::uint64_t sequence) {
    return R"({"type":"ticker","sequence":)" + std::to_string(sequence) +
           R"(,"product_id":"BTC-USD","best_bid":"100","best_bid_size":"1","best_ask":"101","best_ask_size":"2"})";
  }
  static std::string order_message(std::string_view type, std::uint64_t sequence) {
    return R"({"type":")" + std::string(type) + R"(","sequence":)" + std::to_string(sequence) +
           R"(,"product_id":"BTC-USD","order_id":"x","price":null,"side":"buy"})";
  }
  static std::string snapshot(std::string_view bids, std::string_view asks) {
    return R"({"type":"snapshot","product_id":"BTC-USD","bids":)" + std::string(bids) + R"(,"asks":)" +
           std::string(asks) + "}";
  }
  static std::string update(std::string_view changes) {
    return R"({"type":"l2update","product_id":"BTC-USD","time":"2019-08-14T20:42:27.265Z","changes":)" +
           std::string(changes) + "}";
  }
  const OrderBook& book() { return *adapter_.book("BTC-USD"); }
  std::size_t count_trades() const { return sink_.all<msg::Trade>().size(); }

  InstrumentCatalog catalog_;
  CollectingSink sink_;
  CoinbaseAdapter adapter_;
  std::vector<std::string> resyncs_;
};

// --- The venue's documented samples -------------------------------------

TEST_F(CoinbaseAdapterTest, FixtureSubscribeRequestIsIgnoredAsKnown) {
  const auto lines = testing::fixture_lines("coinbase");
  ASSERT_EQ(feed(adapter_, lines[0]), FrameResult::kIgnored);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(adapter_.counters().frames_ignored, 1U);
  EXPECT_EQ(adapter_.counters().unknown_types, 0U);
}

TEST_F(CoinbaseAdapterTest, FixtureMatchHasTheTakerAsAggressor) {
  const auto lines = testing::fixture_lines("coinbase");
  ASSERT_EQ(feed(adapter_, lines[1], 99), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  const msg::Trade& t = trades[0];
  EXPECT_EQ(catalog_.name(t.header.instrument_id), "coinbase:BTC-USD");
  EXPECT_EQ(msg::to_string(t.price_decimal()), "400.23000000");
  EXPECT_EQ(msg::to_string(t.size_decimal()), "5.23512000");
  EXPECT_EQ(t.trade_id, 10U);
  EXPECT_EQ(t.aggressor, msg::Aggressor::kBuy) << "side is the maker's: a resting sell was lifted";
  EXPECT_EQ(t.header.ts_event, 1415348367028459000);
  EXPECT_EQ(t.header.ts_recv, 99);
  EXPECT_EQ(t.header.sequence, 2U) << "after the instrument's definition";
  EXPECT_EQ(t.header.venue, msg::Venue::kCoinbase);
  EXPECT_EQ(t.header.flags, msg::flags::kEndOfBatch);
}

TEST_F(CoinbaseAdapterTest, FixtureTickerBecomesABbo) {
  const auto lines = testing::fixture_lines("coinbase");
  ASSERT_EQ(feed(adapter_, lines[2]), FrameResult::kOk);
  const auto bbos = sink_.all<msg::Bbo>();
  ASSERT_EQ(bbos.size(), 1U);
  const msg::Bbo& b = bbos[0];
  EXPECT_EQ(catalog_.name(b.header.instrument_id), "coinbase:ETH-USD");
  EXPECT_EQ(msg::to_string({b.bid_price, b.price_scale}), "1285.04000000");
  EXPECT_EQ(msg::to_string({b.bid_size, b.size_scale}), "0.46688654");
  EXPECT_EQ(msg::to_string({b.ask_price, b.price_scale}), "1285.27000000");
  EXPECT_EQ(msg::to_string({b.ask_size, b.size_scale}), "1.56637040");
  EXPECT_EQ(b.header.ts_event, 1666222102061769000);
  EXPECT_EQ(b.header.flags, msg::flags::kEndOfBatch);
}

TEST_F(CoinbaseAdapterTest, FixtureSnapshotThenUpdateBuildTheBook) {
  const auto lines = testing::fixture_lines("coinbase");
  ASSERT_EQ(feed(adapter_, lines[3], 5), FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kLive);
  EXPECT_EQ(sink_.status_codes(), std::vector<msg::StatusCode>{msg::StatusCode::kBookReady});
  ASSERT_NE(book().best_bid(), std::nullopt);
  EXPECT_EQ(msg::to_string({book().best_bid()->price, 8}), "10101.10000000");
  EXPECT_EQ(msg::to_string({book().best_bid()->size, 8}), "0.45054140");
  EXPECT_EQ(msg::to_string({book().best_ask()->price, 8}), "10102.55000000");

  ASSERT_EQ(feed(adapter_, lines[4], 6), FrameResult::kOk);
  EXPECT_EQ(msg::to_string({book().best_bid()->price, 8}), "10101.80000000");
  EXPECT_EQ(msg::to_string({book().best_bid()->size, 8}), "0.16256700");
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 2U);
  EXPECT_EQ(book().depth(msg::BookSide::kAsk), 1U);

  const auto deltas = sink_.all<msg::BookDelta>();
  ASSERT_EQ(deltas.size(), 3U);
  EXPECT_EQ(deltas[0].header.flags, msg::flags::kSnapshotBegin);
  EXPECT_EQ(deltas[1].header.flags, msg::flags::kSnapshotEnd | msg::flags::kEndOfBatch);
  EXPECT_EQ(deltas[2].side, msg::BookSide::kBid);
  EXPECT_EQ(deltas[2].header.flags, msg::flags::kEndOfBatch);
  EXPECT_EQ(deltas[2].header.ts_event, 1565815347265000000);
  EXPECT_EQ(deltas[0].header.ts_event, 5) << "a snapshot without a time takes the receive time";
}

TEST_F(CoinbaseAdapterTest, FixtureUpdateBeforeTheSnapshotIsDropped) {
  const auto lines = testing::fixture_lines("coinbase");
  ASSERT_EQ(feed(adapter_, lines[4]), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kAwaitingSnapshot);
  ASSERT_NE(adapter_.book("BTC-USD"), nullptr);
  EXPECT_TRUE(book().empty());
  EXPECT_EQ(adapter_.counters().frames_ok, 1U);
}

// --- Hand-built sequences -----------------------------------------------

TEST_F(CoinbaseAdapterTest, FieldOrderDoesNotMatter) {
  ASSERT_EQ(feed(adapter_, R"({"side":"buy","price":"100.25","size":"1.5","product_id":"BTC-USD",)"
                           R"("time":"2014-11-07T08:19:27.028459Z","sequence":7,"trade_id":3,"type":"last_match"})"),
            FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  EXPECT_EQ(trades[0].price, 10025000000);
  EXPECT_EQ(trades[0].size, 150000000);
  EXPECT_EQ(trades[0].trade_id, 3U);
  EXPECT_EQ(trades[0].aggressor, msg::Aggressor::kSell) << "a resting buy was hit";
}

TEST_F(CoinbaseAdapterTest, RepeatedAndOlderSequencesAreDropped) {
  ASSERT_EQ(feed(adapter_, match(50)), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, match(50)), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, match(49)), FrameResult::kOk);
  EXPECT_EQ(count_trades(), 1U);
  EXPECT_EQ(adapter_.counters().duplicates, 2U);
  ASSERT_EQ(feed(adapter_, match(51)), FrameResult::kOk);
  EXPECT_EQ(count_trades(), 2U);
  EXPECT_TRUE(sink_.status_codes().empty());
}

TEST_F(CoinbaseAdapterTest, ASequenceJumpMakesTheBookStaleUntilTheNextSnapshot) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  feed(adapter_, match(10));
  sink_.clear();

  ASSERT_EQ(feed(adapter_, match(13, 2)), FrameResult::kOk);
  EXPECT_EQ(sink_.status_codes(), (std::vector<msg::StatusCode>{msg::StatusCode::kGap, msg::StatusCode::kResync}));
  const msg::Status gap = sink_.all<msg::Status>()[0];
  EXPECT_EQ(gap.expected_sequence, 11U);
  EXPECT_EQ(gap.received_sequence, 13U);
  ASSERT_EQ(sink_.all<msg::Trade>().size(), 1U) << "the message that revealed the gap is still a trade";
  EXPECT_EQ(sink_.all<msg::Trade>()[0].trade_id, 2U);
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kStale);
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BTC-USD"});
  EXPECT_EQ(adapter_.counters().gaps, 1U);

  sink_.clear();
  ASSERT_EQ(feed(adapter_, update(R"([["buy","99.5","3"]])")), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty()) << "nothing applied to a stale book";
  EXPECT_EQ(book().best_bid()->price, 99 * kScale8);

  ASSERT_EQ(feed(adapter_, snapshot(R"([["98.0","2"]])", R"([["101.0","1"]])")), FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kLive);
  EXPECT_EQ(sink_.status_codes(), std::vector<msg::StatusCode>{msg::StatusCode::kBookReady});
  EXPECT_EQ(book().best_bid()->price, 98 * kScale8);
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 1U);
  ASSERT_EQ(feed(adapter_, update(R"([["buy","99.5","3"]])")), FrameResult::kOk);
  EXPECT_EQ(book().best_bid()->price, 9950000000) << "live again";
}

TEST_F(CoinbaseAdapterTest, RecordsOfAnInstrumentAreNumberedWithoutHoles) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  feed(adapter_, match(10));
  feed(adapter_, match(12));  // gap and resync statuses
  feed(adapter_, ticker(12));
  ASSERT_EQ(sink_.records.size(), 9U);
  EXPECT_TRUE(std::holds_alternative<msg::InstrumentDef>(sink_.records[0]));
  const auto seq = [](const msg::AnyRecord& r) {
    return std::visit([](const auto& x) { return x.header.sequence; }, r);
  };
  for (std::size_t i = 0; i < sink_.records.size(); ++i) EXPECT_EQ(seq(sink_.records[i]), i + 1);
}

TEST_F(CoinbaseAdapterTest, ATickerIsNoRepeatOfItsMatchAndItsJumpsAreNoGaps) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  sink_.clear();
  ASSERT_EQ(feed(adapter_, match(50)), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, ticker(50)), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, ticker(50)), FrameResult::kOk);
  ASSERT_EQ(feed(adapter_, ticker(58)), FrameResult::kOk);
  EXPECT_EQ(sink_.all<msg::Bbo>().size(), 2U);
  EXPECT_EQ(adapter_.counters().duplicates, 1U);
  EXPECT_TRUE(sink_.status_codes().empty());
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kLive);
  const msg::Bbo bbo = sink_.all<msg::Bbo>()[0];
  EXPECT_EQ(bbo.ask_size, 2 * kScale8);
  EXPECT_EQ(bbo.header.ts_event, 1) << "a ticker without a time takes the receive time";
}

TEST_F(CoinbaseAdapterTest, FullChannelOrderMessagesKeepTheSequenceContiguous) {
  feed(adapter_, match(10));
  EXPECT_EQ(feed(adapter_, order_message("received", 11)), FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, order_message("open", 12)), FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, order_message("done", 13)), FrameResult::kIgnored);
  feed(adapter_, match(14));
  EXPECT_TRUE(sink_.status_codes().empty());
  EXPECT_EQ(count_trades(), 2U);
  EXPECT_EQ(adapter_.counters().frames_ignored, 3U);
  EXPECT_EQ(adapter_.counters().unknown_types, 0U);
  EXPECT_EQ(adapter_.counters().frames_malformed, 0U) << "a null price is fine where no price is needed";
}

class CoinbaseNoGapsTest : public CoinbaseAdapterTest {
 protected:
  CoinbaseNoGapsTest() : CoinbaseAdapterTest(CoinbaseOptions{.gaps_on_sequence_jump = false}) {}
};

TEST_F(CoinbaseNoGapsTest, JumpsAreNormalWithoutTheFullChannel) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  sink_.clear();
  feed(adapter_, match(10));
  feed(adapter_, match(20));
  EXPECT_EQ(count_trades(), 2U);
  EXPECT_TRUE(sink_.status_codes().empty());
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kLive);
  EXPECT_TRUE(resyncs_.empty());
  EXPECT_EQ(adapter_.counters().gaps, 0U);
  feed(adapter_, match(20));
  EXPECT_EQ(adapter_.counters().duplicates, 1U) << "repeats are still dropped";
}

TEST_F(CoinbaseAdapterTest, ACrossedBookIsNeverServedAsCurrent) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  sink_.clear();
  ASSERT_EQ(feed(adapter_, update(R"([["buy","102.0","1"]])")), FrameResult::kOk);
  EXPECT_EQ(sink_.status_codes(),
            (std::vector<msg::StatusCode>{msg::StatusCode::kCrossedBook, msg::StatusCode::kResync}));
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kStale);
  EXPECT_EQ(adapter_.counters().crossed_books, 1U);
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BTC-USD"});
}

TEST_F(CoinbaseAdapterTest, ADisconnectMakesEveryBookStaleAndForgetsSequences) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  feed(adapter_, match(100));
  sink_.clear();
  adapter_.on_disconnect(5);
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kAwaitingSnapshot);
  EXPECT_EQ(sink_.status_codes(), std::vector<msg::StatusCode>{msg::StatusCode::kDisconnected});
  adapter_.on_disconnect(6);
  EXPECT_EQ(sink_.status_codes().size(), 1U) << "a book already stale is not reported again";

  sink_.clear();
  feed(adapter_, update(R"([["buy","99.5","3"]])"));
  EXPECT_TRUE(sink_.records.empty());
  feed(adapter_, match(90));
  EXPECT_EQ(count_trades(), 1U) << "the first number after reconnecting is accepted";
  EXPECT_TRUE(sink_.status_codes().empty());
}

TEST_F(CoinbaseAdapterTest, MalformedFramesAreCountedAndSkipped) {
  const std::vector<std::string> bad = {
      "not json",
      "[1,2,3]",
      R"({"product_id":"BTC-USD"})",  // no type
      R"({"type":5})",
      R"({"type":"match","sequence":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":"1","time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":-1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":400.23,"side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"-1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"0.000000001","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1e400","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"yesterday","product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"up"})",
      R"({"type":"match","trade_id":1,"sequence":"5","time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","size":"1","price":"1","side":"buy"})",
      R"({"type":"match","trade_id":1,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","size":"1","price":"1","side":"buy")",
      R"({"type":"ticker","product_id":"BTC-USD","best_bid":"1","best_bid_size":"1","best_ask":"2"})",
      R"({"type":"ticker","product_id":"BTC-USD","best_bid":"1","best_bid_size":"-1","best_ask":"2","best_ask_size":"1"})",
      R"({"type":"ticker","product_id":"BTC-USD","best_bid":"1","best_bid_size":"1","best_ask":"2","best_ask_size":"1","time":"x"})",
      R"({"type":"snapshot","product_id":"BTC-USD","bids":[["1","1"]]})",
      R"({"type":"snapshot","product_id":"BTC-USD","bids":[["1"]],"asks":[]})",
      R"({"type":"snapshot","product_id":"BTC-USD","bids":"none","asks":[]})",
      R"({"type":"snapshot","product_id":"BTC-USD","bids":[["1","-2"]],"asks":[]})",
      R"({"type":"snapshot","product_id":"BTC-USD","bids":[[1,"2"]],"asks":[]})",
      R"({"type":"l2update","product_id":"BTC-USD","changes":[["hold","1","1"]]})",
      R"({"type":"l2update","product_id":"BTC-USD","changes":[["buy","1","abc"]]})",
      R"({"type":"l2update","product_id":"BTC-USD"})",
      R"({"type":"l2update","product_id":"BTC-USD","changes":[["buy","1","1"]],"time":17})",
  };
  for (const auto& frame : bad) EXPECT_EQ(feed(adapter_, frame), FrameResult::kMalformed) << frame;
  EXPECT_EQ(adapter_.counters().frames_malformed, bad.size());
  EXPECT_EQ(adapter_.counters().frames_ok, 0U);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_NE(adapter_.book_state("BTC-USD"), BookState::kLive) << "no snapshot half-applied";
  // The adapter carries on with the next good frame.
  EXPECT_EQ(feed(adapter_, testing::fixture_lines("coinbase")[1]), FrameResult::kOk);
  EXPECT_EQ(count_trades(), 1U);
}

TEST_F(CoinbaseAdapterTest, AMalformedUpdateLeavesALiveBookUntouched) {
  feed(adapter_, snapshot(R"([["99.0","1"]])", R"([["101.0","1"]])"));
  sink_.clear();
  ASSERT_EQ(feed(adapter_, update(R"([["buy","99.0","0"],["sell","101.0","-1"]])")), FrameResult::kMalformed);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(book().depth(msg::BookSide::kBid), 1U) << "the valid first change was not applied either";
  EXPECT_EQ(adapter_.book_state("BTC-USD"), BookState::kLive);
}

TEST_F(CoinbaseAdapterTest, AMalformedFrameDoesNotAdvanceTheSequence) {
  feed(adapter_, match(10));
  const std::string bad_price = R"({"type":"match","trade_id":2,"sequence":11,"time":"2014-11-07T08:19:27Z",)"
                                R"("product_id":"BTC-USD","size":"1","price":"x","side":"buy"})";
  ASSERT_EQ(feed(adapter_, bad_price), FrameResult::kMalformed);
  feed(adapter_, match(11));
  EXPECT_EQ(count_trades(), 2U) << "11 was never taken";
  EXPECT_EQ(adapter_.counters().duplicates, 0U);
}

TEST_F(CoinbaseAdapterTest, SessionMessagesAreIgnoredAndUnknownTypesCounted) {
  EXPECT_EQ(feed(adapter_, R"({"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD",)"
                           R"("time":"2014-11-07T08:19:28.464459Z"})"),
            FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, R"({"type":"subscriptions","channels":[{"name":"level2","product_ids":["BTC-USD"]}]})"),
            FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, R"({"type":"error","message":"Failed to subscribe","product_id":"BTC-USD"})"),
            FrameResult::kIgnored);
  EXPECT_EQ(adapter_.counters().unknown_types, 0U);
  EXPECT_EQ(feed(adapter_, R"({"type":"status","products":[]})"), FrameResult::kIgnored);
  EXPECT_EQ(adapter_.counters().frames_ignored, 4U);
  EXPECT_EQ(adapter_.counters().unknown_types, 1U);
  EXPECT_TRUE(sink_.records.empty());
  feed(adapter_, match(80));
  EXPECT_EQ(count_trades(), 1U) << "a heartbeat's number is not taken as a message seen";
}

TEST_F(CoinbaseAdapterTest, OversizedFramesAreRefusedUnparsed) {
  adapter_.set_max_frame_size(64);
  EXPECT_EQ(feed(adapter_, match(1)), FrameResult::kMalformed);
  EXPECT_EQ(adapter_.counters().frames_malformed, 1U);
  EXPECT_TRUE(sink_.records.empty());
}

}  // namespace
}  // namespace rtm::feeds
