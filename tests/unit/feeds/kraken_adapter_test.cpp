#include "rtm/feeds/kraken_adapter.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "collecting_sink.hpp"

namespace rtm::feeds {
namespace {

using msg::BookSide;
using msg::StatusCode;
using testing::CollectingSink;
using testing::feed;

// A level at BTC/USD's precisions (price 1, qty 8), for building the book a
// test expects independently of the adapter.
struct Level {
  BookSide side;
  std::int64_t price;
  std::int64_t size;
};

OrderBook book_of(std::initializer_list<Level> levels) {
  OrderBook book;
  for (const Level& level : levels) book.apply(level.side, level.price, level.size);
  return book;
}

std::uint32_t checksum_of(std::initializer_list<Level> levels) {
  return kraken_book_checksum(book_of(levels));
}

// The instrument channel as Kraken sends it, "data" (and "assets") first.
constexpr std::string_view kInstrumentBtc =
    R"({"data":{"assets":[{"id":"BTC","status":"enabled","precision":10,"precision_display":5,"borrowable":true,)"
    R"("collateral_value":1.0,"margin_rate":0.01}],"pairs":[{"symbol":"BTC/USD","base":"BTC","quote":"USD",)"
    R"("status":"online","qty_precision":8,"qty_increment":0.00000001,"price_precision":1,"cost_precision":5,)"
    R"("marginable":true,"has_index":true,"cost_min":0.5,"tick_size":0.1,"price_increment":0.1,"qty_min":0.0001}]},)"
    R"("type":"snapshot","channel":"instrument"})";

std::string book_message(std::string_view type, std::string_view bids, std::string_view asks, std::uint32_t checksum,
                         std::string_view symbol = "BTC/USD") {
  return R"({"channel":"book","type":")" + std::string(type) + R"(","data":[{"symbol":")" + std::string(symbol) +
         R"(","bids":)" + std::string(bids) + R"(,"asks":)" + std::string(asks) + R"(,"checksum":)" +
         std::to_string(checksum) + R"(,"timestamp":"2023-10-06T17:35:55.440295Z"}]})";
}

class KrakenAdapterTest : public ::testing::Test {
 protected:
  explicit KrakenAdapterTest(KrakenOptions options = {}) : adapter_(catalog_, sink_, options) {
    adapter_.set_resync_handler([this](std::string_view symbol) { resyncs_.emplace_back(symbol); });
  }

  void define_btc() { ASSERT_EQ(feed(adapter_, kInstrumentBtc), FrameResult::kOk); }

  // BTC/USD two levels a side: bids 45283.5 x 0.1, 45283.4 x 1.5; asks
  // 45285.2 x 0.001, 45286.0 x 3.
  static std::uint32_t snapshot_checksum() {
    return checksum_of({{BookSide::kBid, 452835, 10000000},
                        {BookSide::kBid, 452834, 150000000},
                        {BookSide::kAsk, 452852, 100000},
                        {BookSide::kAsk, 452860, 300000000}});
  }
  void snapshot_btc() {
    ASSERT_EQ(feed(adapter_,
                   book_message("snapshot", R"([{"price":45283.5,"qty":0.1},{"price":45283.4,"qty":1.5}])",
                                R"([{"price":45285.2,"qty":0.001},{"price":45286.0,"qty":3}])", snapshot_checksum())),
              FrameResult::kOk);
    ASSERT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
  }
  const OrderBook& btc_book() { return *adapter_.book("BTC/USD"); }

  InstrumentCatalog catalog_;
  CollectingSink sink_;
  KrakenAdapter adapter_;
  std::vector<std::string> resyncs_;
};

// --- checksum ---------------------------------------------------------------

TEST(KrakenChecksum, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32_ieee("123456789"), 0xCBF43926U);
  EXPECT_EQ(crc32_ieee(""), 0U);
  EXPECT_EQ(crc32_ieee("6789", crc32_ieee("12345")), 0xCBF43926U) << "a CRC continues over more bytes";
}

// Bit by bit, as the CRC-32 standard defines it: a reference independent of
// the table-driven implementation.
std::uint32_t reference_crc32(std::string_view bytes) {
  std::uint32_t reg = 0xFFFFFFFFU;
  for (const char byte : bytes) {
    reg ^= static_cast<unsigned char>(byte);
    for (int bit = 0; bit < 8; ++bit) reg = (reg & 1U) != 0 ? 0xEDB88320U ^ (reg >> 1) : reg >> 1;
  }
  return ~reg;
}

TEST(KrakenChecksum, Crc32AgreesWithTheBitwiseDefinitionAtEveryLength) {
  std::mt19937_64 rng(5);
  for (std::size_t length = 0; length < 300; ++length) {
    std::string bytes(length, '\0');
    for (char& byte : bytes) byte = static_cast<char>(rng());
    ASSERT_EQ(crc32_ieee(bytes), reference_crc32(bytes)) << "length " << length;
    // Continued from a CRC over any first part: the folded 16-byte blocks
    // and the bytewise tail must hand the register over exactly.
    const std::size_t split = length == 0 ? 0 : rng() % length;
    const std::string_view view(bytes);
    ASSERT_EQ(crc32_ieee(view.substr(split), crc32_ieee(view.substr(0, split))), reference_crc32(bytes))
        << "length " << length << " split at " << split;
  }
}

// The checksum kept across messages against the one computed afresh, on a
// book that changes a few levels at a time (shifting levels up and down the
// top ten), is emptied, and takes numbers of every length.
TEST(KrakenChecksum, KeptAcrossMessagesEqualsComputedAfresh) {
  std::mt19937_64 rng(17);
  OrderBook book;
  KrakenBookChecksum checksummer;
  for (int message = 0; message < 20'000; ++message) {
    if (rng() % 500 == 0) book.clear();
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      const bool bid = (rng() & 1) != 0;
      const auto ticks = static_cast<std::int64_t>(rng() % 30);
      const std::int64_t price = bid ? 1'000'000 - ticks : 1'000'001 + ticks;
      const std::int64_t size = rng() % 4 == 0 ? 0 : static_cast<std::int64_t>(rng() >> (1 + rng() % 63));
      book.apply(bid ? msg::BookSide::kBid : msg::BookSide::kAsk, price, size);
    }
    ASSERT_EQ(checksummer.compute(book), kraken_book_checksum(book)) << "message " << message;
  }
}

// Random books, with numbers of every length (and the extremes), against the
// checksum string written with std::to_chars.
TEST(KrakenChecksum, AgreesWithToCharsOnRandomBooks) {
  std::mt19937_64 rng(11);
  const std::int64_t extremes[] = {0,
                                   1,
                                   9,
                                   10,
                                   99'999'999,
                                   100'000'000,
                                   9'999'999'999'999'999,
                                   10'000'000'000'000'000,
                                   std::numeric_limits<std::int64_t>::max()};
  auto number = [&] {
    if (rng() % 8 == 0) return extremes[rng() % std::size(extremes)];
    return static_cast<std::int64_t>(rng() >> (rng() % 64));
  };
  for (int trial = 0; trial < 2000; ++trial) {
    OrderBook book;
    const std::size_t levels = rng() % 25;
    for (std::size_t i = 0; i < levels; ++i) {
      book.apply(rng() % 2 == 0 ? BookSide::kBid : BookSide::kAsk, number(), number());
    }
    std::string text;
    for (const BookSide side : {BookSide::kAsk, BookSide::kBid}) {
      for (std::size_t i = 0; i < std::min<std::size_t>(book.depth(side), 10); ++i) {
        char digits[24];
        text.append(digits, std::to_chars(digits, digits + sizeof(digits), book.level(side, i).price).ptr);
        text.append(digits, std::to_chars(digits, digits + sizeof(digits), book.level(side, i).size).ptr);
      }
    }
    ASSERT_EQ(kraken_book_checksum(book), reference_crc32(text)) << text;
  }
}

TEST(KrakenChecksum, BookChecksumIsTheCrcOfTheHandWrittenLevelString) {
  // Precisions 4 (price) and 8 (qty).
  OrderBook book;
  book.apply(BookSide::kAsk, 5670, 12345);         // 0.5670 x 0.00012345
  book.apply(BookSide::kAsk, 5666, 450000000);     // 0.5666 x 4.5
  book.apply(BookSide::kAsk, 5668, 1200000000);    // 0.5668 x 12.0
  book.apply(BookSide::kBid, 5655, 50000000);      // 0.5655 x 0.5
  book.apply(BookSide::kBid, 5657, 109839475580);  // 0.5657 x 1098.3947558
  // Asks low to high, then bids high to low; each value written at its
  // precision, without the point and the leading zeros.
  const std::string expected = std::string("5666") + "450000000" + "5668" + "1200000000" + "5670" + "12345" +  //
                               "5657" + "109839475580" + "5655" + "50000000";
  EXPECT_EQ(kraken_book_checksum(book), crc32_ieee(expected));
  EXPECT_EQ(kraken_book_checksum(book), 3087520940U) << "zlib.crc32 of the same string";
  book.apply(BookSide::kBid, 5657, 10983947558);  // 1098.3947558 at scale 7: another text
  EXPECT_NE(kraken_book_checksum(book), crc32_ieee(expected));
}

TEST(KrakenChecksum, OnlyTheTopTenLevelsOfEachSideCount) {
  OrderBook deep;
  OrderBook top;
  for (std::int64_t i = 0; i < 12; ++i) {
    deep.apply(BookSide::kBid, 1000 - i, 100 + i);
    deep.apply(BookSide::kAsk, 1001 + i, 200 + i);
    if (i < 10) {
      top.apply(BookSide::kBid, 1000 - i, 100 + i);
      top.apply(BookSide::kAsk, 1001 + i, 200 + i);
    }
  }
  EXPECT_EQ(kraken_book_checksum(deep), kraken_book_checksum(top));
  top.apply(BookSide::kBid, 991, 1);  // the 10th bid
  EXPECT_NE(kraken_book_checksum(deep), kraken_book_checksum(top));
}

// --- trades -----------------------------------------------------------------

TEST_F(KrakenAdapterTest, FixtureTradeIsNormalizedWithTheTakerAsAggressor) {
  const auto lines = testing::fixture_lines("kraken");
  ASSERT_EQ(feed(adapter_, lines[1], 99), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  const msg::Trade& t = trades[0];
  EXPECT_EQ(catalog_.name(t.header.instrument_id), "kraken:MATIC/USD");
  EXPECT_EQ(msg::to_string(t.price_decimal()), "0.51170000") << "default scales: no instrument message yet";
  EXPECT_EQ(msg::to_string(t.size_decimal()), "40.00000000");
  EXPECT_EQ(t.trade_id, 4665906U);
  EXPECT_EQ(t.aggressor, msg::Aggressor::kSell) << "v2's side is the taker's";
  EXPECT_EQ(t.header.ts_event, 1695628177708706000LL);  // 2023-09-25T07:49:37.708706Z
  EXPECT_EQ(t.header.ts_recv, 99);
  EXPECT_EQ(t.header.flags, msg::flags::kEndOfBatch);
  EXPECT_EQ(t.header.venue, msg::Venue::kKraken);
}

TEST_F(KrakenAdapterTest, TradesOfOneMessageEndTheBatchOnlyOnTheLast) {
  // "data" before "channel": field order does not matter.
  const std::string frame =
      R"({"data":[{"symbol":"BTC/USD","side":"buy","price":45283.5,"qty":0.25,"ord_type":"limit","trade_id":7,)"
      R"("timestamp":"2023-09-25T07:49:37Z"},{"symbol":"BTC/USD","side":"sell","price":45283.4,"qty":1,)"
      R"("ord_type":"market","trade_id":8,"timestamp":"2023-09-25T07:49:38Z"}],"type":"snapshot","channel":"trade"})";
  ASSERT_EQ(feed(adapter_, frame), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 2U);
  EXPECT_EQ(trades[0].aggressor, msg::Aggressor::kBuy);
  EXPECT_EQ(trades[0].header.flags, 0);
  EXPECT_EQ(msg::to_string(trades[0].price_decimal()), "45283.50000000");
  EXPECT_EQ(trades[1].header.flags, msg::flags::kEndOfBatch);
  EXPECT_EQ(trades[1].trade_id, 8U);
  EXPECT_EQ(trades[1].header.sequence, trades[0].header.sequence + 1);
}

// --- instruments ------------------------------------------------------------

TEST_F(KrakenAdapterTest, InstrumentMessageSetsScalesAndEmitsDefinitions) {
  const std::string frame =
      R"({"channel":"instrument","type":"snapshot","data":{"pairs":[)"
      R"({"symbol":"BTC/USD","price_precision":1,"qty_precision":8,"price_increment":0.1,"qty_increment":0.00000001},)"
      R"({"symbol":"MATIC/USD","price_precision":4,"qty_precision":8,"price_increment":0.0001,"qty_increment":0.1}]}})";
  ASSERT_EQ(feed(adapter_, frame, 42), FrameResult::kOk);
  const auto defs = sink_.all<msg::InstrumentDef>();
  ASSERT_EQ(defs.size(), 2U);
  EXPECT_EQ(defs[0].venue_symbol.view(), "BTC/USD");
  EXPECT_EQ(defs[0].canonical_symbol.view(), "BTC-USD");
  EXPECT_EQ(defs[0].price_scale, 1);
  EXPECT_EQ(defs[0].size_scale, 8);
  EXPECT_EQ(defs[0].tick_size, 1);
  EXPECT_EQ(defs[0].lot_size, 1);
  EXPECT_EQ(defs[0].header.flags, 0);
  EXPECT_EQ(defs[0].header.ts_recv, 42);
  EXPECT_EQ(defs[1].venue_symbol.view(), "MATIC/USD");
  EXPECT_EQ(defs[1].lot_size, 10000000) << "0.1 at scale 8";
  EXPECT_EQ(defs[1].header.flags, msg::flags::kEndOfBatch);
  const Instrument* matic = catalog_.find(msg::Venue::kKraken, "MATIC/USD");
  ASSERT_NE(matic, nullptr);
  EXPECT_EQ(matic->spec.price_scale, 4);
  EXPECT_EQ(matic->spec.tick_size, 1);

  // Numbers are now read at the pair's precisions.
  ASSERT_EQ(feed(adapter_, testing::fixture_lines("kraken")[1]), FrameResult::kOk);
  const auto trades = sink_.all<msg::Trade>();
  ASSERT_EQ(trades.size(), 1U);
  EXPECT_EQ(trades[0].price, 5117);
  EXPECT_EQ(msg::to_string(trades[0].price_decimal()), "0.5117");
}

TEST_F(KrakenAdapterTest, NewScalesForABookedPairForceAResync) {
  ASSERT_EQ(feed(adapter_, book_message("snapshot", R"([{"price":1.5,"qty":1}])", "[]", 0)), FrameResult::kOk);
  ASSERT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
  sink_.clear();
  define_btc();
  EXPECT_EQ(sink_.status_codes(), std::vector<StatusCode>{StatusCode::kResync});
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kStale);
  EXPECT_TRUE(btc_book().empty()) << "levels held at the old scales are gone";
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BTC/USD"});
}

// --- book -------------------------------------------------------------------

TEST_F(KrakenAdapterTest, FixtureBookUpdateBeforeASnapshotIsDropped) {
  ASSERT_EQ(feed(adapter_, testing::fixture_lines("kraken")[2]), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty()) << "no book is served before its snapshot";
  EXPECT_EQ(adapter_.book_state("MATIC/USD"), BookState::kAwaitingSnapshot);
  EXPECT_TRUE(resyncs_.empty()) << "the subscription brings the snapshot";
}

TEST_F(KrakenAdapterTest, SnapshotAndUpdatesWithCorrectChecksumsKeepTheBookLive) {
  define_btc();
  sink_.clear();
  snapshot_btc();
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_EQ(sink_.status_codes(), std::vector<StatusCode>{StatusCode::kBookReady});
  auto deltas = sink_.all<msg::BookDelta>();
  ASSERT_EQ(deltas.size(), 4U);
  EXPECT_EQ(deltas[0].header.flags, msg::flags::kSnapshotBegin);
  EXPECT_EQ(deltas[3].header.flags, msg::flags::kSnapshotEnd | msg::flags::kEndOfBatch);
  EXPECT_EQ(deltas[0].price_scale, 1);

  sink_.clear();
  // 45283.5 grows to 0.5, 45284.0 x 2 becomes the best bid, 45286.0 goes.
  const std::uint32_t after = checksum_of({{BookSide::kBid, 452840, 200000000},
                                           {BookSide::kBid, 452835, 50000000},
                                           {BookSide::kBid, 452834, 150000000},
                                           {BookSide::kAsk, 452852, 100000}});
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.5},{"price":45284.0,"qty":2}])",
                                        R"([{"price":45286.0,"qty":0}])", after)),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_TRUE(sink_.status_codes().empty());
  deltas = sink_.all<msg::BookDelta>();
  ASSERT_EQ(deltas.size(), 3U);
  EXPECT_EQ(deltas[2].size, 0) << "qty 0 removes the level";
  EXPECT_EQ(deltas[2].header.flags, msg::flags::kEndOfBatch);
  EXPECT_EQ(deltas[2].header.ts_event, 1696613755440295000LL);  // 2023-10-06T17:35:55.440295Z
  EXPECT_EQ(btc_book().best_bid()->price, 452840);
  EXPECT_EQ(btc_book().depth(BookSide::kAsk), 1U);
  EXPECT_EQ(adapter_.counters().checksum_failures, 0U);
}

TEST_F(KrakenAdapterTest, SnapshotChecksumAgreesWithTheHandWrittenString) {
  define_btc();
  // ask 45285.2 x 0.00100000, then bid 45283.5 x 0.10000000.
  const std::uint32_t checksum = crc32_ieee(std::string("452852") + "100000" + "452835" + "10000000");
  ASSERT_EQ(feed(adapter_, book_message("snapshot", R"([{"price":45283.5,"qty":0.10000000}])",
                                        R"([{"price":45285.2,"qty":0.00100000}])", checksum)),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
}

TEST_F(KrakenAdapterTest, AWrongChecksumMarksTheBookStaleAndResubscribes) {
  define_btc();
  snapshot_btc();
  sink_.clear();
  const std::uint32_t right = checksum_of({{BookSide::kBid, 452835, 20000000},
                                           {BookSide::kBid, 452834, 150000000},
                                           {BookSide::kAsk, 452852, 100000},
                                           {BookSide::kAsk, 452860, 300000000}});
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.2}])", "[]", right + 1)),
            FrameResult::kOk);
  EXPECT_EQ(sink_.status_codes(), (std::vector<StatusCode>{StatusCode::kChecksumFailure, StatusCode::kResync}));
  // The verdict comes before the message's deltas, so that a consumer
  // rebuilding the book never takes it as current, even for one message.
  ASSERT_FALSE(sink_.records.empty());
  EXPECT_TRUE(std::holds_alternative<msg::Status>(sink_.records.front()));
  EXPECT_TRUE(std::holds_alternative<msg::BookDelta>(sink_.records.back()));
  const msg::Status failure = sink_.all<msg::Status>()[0];
  EXPECT_EQ(failure.expected_sequence, right + 1ULL) << "the venue's checksum";
  EXPECT_EQ(failure.received_sequence, right) << "ours";
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kStale);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kMismatch);
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BTC/USD"});
  EXPECT_EQ(adapter_.counters().checksum_failures, 1U);

  sink_.clear();
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.3}])", "[]", 0)), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty()) << "a stale book waits for its snapshot";
  snapshot_btc();
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_EQ(sink_.status_codes().back(), StatusCode::kBookReady);
}

TEST_F(KrakenAdapterTest, ASnapshotWithAWrongChecksumIsNeverLive) {
  define_btc();
  sink_.clear();
  ASSERT_EQ(feed(adapter_, book_message("snapshot", R"([{"price":45283.5,"qty":0.1}])", "[]", 12345)),
            FrameResult::kOk);
  EXPECT_EQ(sink_.status_codes(), (std::vector<StatusCode>{StatusCode::kChecksumFailure, StatusCode::kResync}));
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kStale);
}

TEST_F(KrakenAdapterTest, ChecksumIsNotVerifiedBeforeThePairsPrecisionsAreKnown) {
  ASSERT_EQ(feed(adapter_, book_message("snapshot", R"([{"price":45283.5,"qty":0.1}])", "[]", 12345)),
            FrameResult::kOk);
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kNone);
  EXPECT_EQ(sink_.status_codes(), std::vector<StatusCode>{StatusCode::kBookReady});
  EXPECT_TRUE(resyncs_.empty());
  EXPECT_EQ(adapter_.last_checksum("ETH/USD"), ChecksumStatus::kNone) << "no book at all";
}

TEST_F(KrakenAdapterTest, ACrossedBookIsResynchronized) {
  define_btc();
  snapshot_btc();
  sink_.clear();
  const std::uint32_t crossed = checksum_of({{BookSide::kBid, 452900, 100000000},
                                             {BookSide::kBid, 452835, 10000000},
                                             {BookSide::kBid, 452834, 150000000},
                                             {BookSide::kAsk, 452852, 100000},
                                             {BookSide::kAsk, 452860, 300000000}});
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":45290.0,"qty":1}])", "[]", crossed)), FrameResult::kOk);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_EQ(sink_.status_codes(), (std::vector<StatusCode>{StatusCode::kCrossedBook, StatusCode::kResync}));
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kStale);
  EXPECT_EQ(resyncs_, std::vector<std::string>{"BTC/USD"});
  EXPECT_EQ(adapter_.counters().crossed_books, 1U);
}

TEST_F(KrakenAdapterTest, ADisconnectMakesLiveBooksAwaitASnapshot) {
  define_btc();
  snapshot_btc();
  adapter_.on_disconnect(5);
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kAwaitingSnapshot);
  EXPECT_EQ(sink_.status_codes().back(), StatusCode::kDisconnected);
  sink_.clear();
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.3}])", "[]", 0)), FrameResult::kOk);
  EXPECT_TRUE(sink_.records.empty());
  adapter_.on_disconnect(6);
  EXPECT_TRUE(sink_.records.empty()) << "only live books report the disconnect";
  snapshot_btc();
}

TEST_F(KrakenAdapterTest, AMalformedBookUpdateLeavesTheBookUntouched) {
  define_btc();
  snapshot_btc();
  sink_.clear();
  const OrderBook before = btc_book();
  // The first level is fine, the second is not: nothing of the message applies.
  EXPECT_EQ(
      feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.2},{"price":45283.0,"qty":-1}])", "[]", 0)),
      FrameResult::kMalformed);
  EXPECT_EQ(
      feed(adapter_, book_message("update", R"([{"price":45283.5,"qty":0.2},{"price":45283.05,"qty":1}])", "[]", 0)),
      FrameResult::kMalformed)
      << "a price finer than the pair's precision";
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(btc_book().level(BookSide::kBid, 0), before.level(BookSide::kBid, 0));
  EXPECT_EQ(btc_book().depth(BookSide::kBid), before.depth(BookSide::kBid));
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
}

// --- depth ------------------------------------------------------------------

class KrakenShallowBookTest : public KrakenAdapterTest {
 protected:
  KrakenShallowBookTest() : KrakenAdapterTest(KrakenOptions{3}) {}
};

TEST_F(KrakenShallowBookTest, UpdatesAreCutToTheSubscribedDepth) {
  define_btc();
  const std::string bids = R"([{"price":100.0,"qty":1},{"price":99.0,"qty":1},{"price":98.0,"qty":1}])";
  const std::string asks = R"([{"price":101.0,"qty":1},{"price":102.0,"qty":1},{"price":103.0,"qty":1}])";
  const std::uint32_t snapshot = checksum_of({{BookSide::kBid, 1000, 100000000},
                                              {BookSide::kBid, 990, 100000000},
                                              {BookSide::kBid, 980, 100000000},
                                              {BookSide::kAsk, 1010, 100000000},
                                              {BookSide::kAsk, 1020, 100000000},
                                              {BookSide::kAsk, 1030, 100000000}});
  ASSERT_EQ(feed(adapter_, book_message("snapshot", bids, asks, snapshot)), FrameResult::kOk);
  ASSERT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  sink_.clear();

  // 99.5 enters in the middle: Kraken sends no removal for 98.0, which falls
  // out of the subscribed depth.
  const std::uint32_t cut = checksum_of({{BookSide::kBid, 1000, 100000000},
                                         {BookSide::kBid, 995, 200000000},
                                         {BookSide::kBid, 990, 100000000},
                                         {BookSide::kAsk, 1010, 100000000},
                                         {BookSide::kAsk, 1020, 100000000},
                                         {BookSide::kAsk, 1030, 100000000}});
  ASSERT_EQ(feed(adapter_, book_message("update", R"([{"price":99.5,"qty":2}])", "[]", cut)), FrameResult::kOk);
  EXPECT_EQ(adapter_.last_checksum("BTC/USD"), ChecksumStatus::kOk);
  EXPECT_EQ(adapter_.book_state("BTC/USD"), BookState::kLive);
  EXPECT_EQ(btc_book().depth(BookSide::kBid), 3U);
  EXPECT_EQ(btc_book().level(BookSide::kBid, 2).price, 990);
  // The cut is published, so a book rebuilt from the deltas matches ours.
  const auto deltas = sink_.all<msg::BookDelta>();
  ASSERT_EQ(deltas.size(), 2U);
  EXPECT_EQ(deltas[0].price, 995);
  EXPECT_EQ(deltas[1].price, 980);
  EXPECT_EQ(deltas[1].size, 0);
  EXPECT_EQ(deltas[1].header.flags, msg::flags::kEndOfBatch);
}

// --- everything else --------------------------------------------------------

TEST_F(KrakenAdapterTest, MalformedFramesAreCountedAndSkipped) {
  const std::string trade_head = R"({"channel":"trade","type":"update","data":[)";
  const std::string good_trade =
      R"({"symbol":"ETH/USD","side":"buy","price":1.5,"qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"})";
  const std::vector<std::string> bad = {
      "not json",
      "[1,2,3]",
      R"({"channel":"trade","type":"update","data":[{"symbol":"ETH/USD","side":"buy","price":1.5,"qty":1)",  // cut
      R"({"channel":7,"type":"update","data":[]})",
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":"1.5","qty":1,"trade_id":1,)"
                   R"("timestamp":"2023-09-25T07:49:37Z"}]})",  // price as a string
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":1.5,"qty":-1,"trade_id":1,)"
                   R"("timestamp":"2023-09-25T07:49:37Z"}]})",  // negative qty
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":1e400,"qty":1,"trade_id":1,)"
                   R"("timestamp":"2023-09-25T07:49:37Z"}]})",  // out of range
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":0.000000001,"qty":1,"trade_id":1,)"
                   R"("timestamp":"2023-09-25T07:49:37Z"}]})",  // finer than the scale
      trade_head + R"({"side":"buy","price":1.5,"qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
      trade_head + R"({"symbol":"ETH/USD","side":"hold","price":1.5,"qty":1,"trade_id":1,)"
                   R"("timestamp":"2023-09-25T07:49:37Z"}]})",
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":1.5,"qty":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
      trade_head + R"({"symbol":"ETH/USD","side":"buy","price":1.5,"qty":1,"trade_id":1,"timestamp":"yesterday"}]})",
      trade_head + good_trade +
          R"(,{"symbol":"ETH/USD","side":"buy","price":1.5,"qty":1,"trade_id":-2,)"
          R"("timestamp":"2023-09-25T07:49:37Z"}]})",                        // the first trade is not emitted either
      R"({"channel":"trade","type":"update","data":{"symbol":"ETH/USD"}})",  // data not an array
      R"({"channel":"trade","data":[]})",                                    // no type
      R"({"channel":"book","type":"partial","data":[]})",
      R"({"channel":"book","type":"update"})",  // no data
      book_message("snapshot", R"([{"price":1.5}])", "[]", 1, "ETH/USD"),
      book_message("snapshot", R"([{"price":1.5,"qty":"1"}])", "[]", 1, "ETH/USD"),
      book_message("snapshot", "[]", R"([{"price":1.5,"qty":-1}])", 1, "ETH/USD"),
      book_message("snapshot", R"([[1.5,1]])", "[]", 1, "ETH/USD"),
      book_message("snapshot", "[]", "[]", 1, ""),
      R"({"channel":"book","type":"snapshot","data":[{"symbol":"ETH/USD","bids":[],"asks":[],"checksum":-1}]})",
      R"({"channel":"book","type":"snapshot","data":[{"symbol":"ETH/USD","bids":[],"asks":[],)"
      R"("checksum":4294967296}]})",
      R"({"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"ETH/USD","qty_precision":8}]}})",
      R"({"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"ETH/USD","price_precision":19,)"
      R"("qty_precision":8}]}})",
      R"({"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"ETH/USD","price_precision":1,)"
      R"("qty_precision":8,"price_increment":0.05}]}})",
      R"({"channel":"instrument","type":"snapshot","data":[]})",
  };
  for (const auto& frame : bad) EXPECT_EQ(feed(adapter_, frame), FrameResult::kMalformed) << frame;
  EXPECT_EQ(adapter_.counters().frames_malformed, bad.size());
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(catalog_.find(msg::Venue::kKraken, "ETH/USD"), nullptr) << "a malformed frame adds no instrument";
  EXPECT_EQ(feed(adapter_, trade_head + good_trade + "]}"), FrameResult::kOk) << "the adapter carries on";
}

TEST_F(KrakenAdapterTest, OversizedFramesAreRefusedUnparsed) {
  adapter_.set_max_frame_size(64);
  EXPECT_EQ(feed(adapter_, std::string(R"({"channel":"heartbeat","pad":")") + std::string(100, 'x') + "\"}"),
            FrameResult::kMalformed);
  EXPECT_EQ(adapter_.counters().frames_malformed, 1U);
}

TEST_F(KrakenAdapterTest, RepliesStatusAndHeartbeatsAreIgnored) {
  const std::vector<std::string> expected = {
      testing::fixture_lines("kraken")[0],  // the subscribe request's echo
      R"({"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"BTC/USD"},)"
      R"("success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"})",
      R"({"method":"pong","req_id":1,"time_in":"2023-09-25T09:04:31Z","time_out":"2023-09-25T09:04:31Z"})",
      R"({"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":1,"system":"online",)"
      R"("version":"2.0.0"}]})",
      R"({"channel":"heartbeat"})",
  };
  for (const auto& frame : expected) EXPECT_EQ(feed(adapter_, frame), FrameResult::kIgnored) << frame;
  EXPECT_EQ(adapter_.counters().frames_ignored, expected.size());
  EXPECT_EQ(adapter_.counters().unknown_types, 0U);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(KrakenAdapterTest, UnknownChannelsAreIgnoredAndCounted) {
  EXPECT_EQ(feed(adapter_, R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":1}]})"),
            FrameResult::kIgnored);
  // level3's levels are orders, not {price, qty}: not read as a book.
  EXPECT_EQ(feed(adapter_, R"({"channel":"level3","type":"snapshot","data":[{"symbol":"BTC/USD","bids":)"
                           R"([{"order_id":"O1","limit_price":1.5,"order_qty":1}],"asks":[],"checksum":1}]})"),
            FrameResult::kIgnored);
  EXPECT_EQ(feed(adapter_, R"({"something":"else"})"), FrameResult::kIgnored);
  EXPECT_EQ(adapter_.counters().frames_ignored, 3U);
  EXPECT_EQ(adapter_.counters().unknown_types, 3U);
  EXPECT_TRUE(sink_.records.empty());
}

}  // namespace
}  // namespace rtm::feeds
