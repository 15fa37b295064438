#include "rtm/feeds/order_book.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace rtm::feeds {
namespace {

using msg::BookSide;

TEST(OrderBook, KeepsBothSidesSortedBestFirst) {
  OrderBook book;
  book.apply(BookSide::kBid, 100, 1);
  book.apply(BookSide::kBid, 102, 2);
  book.apply(BookSide::kBid, 101, 3);
  book.apply(BookSide::kAsk, 105, 4);
  book.apply(BookSide::kAsk, 103, 5);
  ASSERT_EQ(book.depth(BookSide::kBid), 3U);
  EXPECT_EQ(book.level(BookSide::kBid, 0), (PriceLevel{102, 2}));
  EXPECT_EQ(book.level(BookSide::kBid, 1), (PriceLevel{101, 3}));
  EXPECT_EQ(book.level(BookSide::kBid, 2), (PriceLevel{100, 1}));
  EXPECT_EQ(book.best_ask()->price, 103);
  EXPECT_EQ(book.level(BookSide::kAsk, 1).price, 105);
  EXPECT_FALSE(book.crossed());
}

TEST(OrderBook, SizeReplacesAndZeroRemoves) {
  OrderBook book;
  book.apply(BookSide::kAsk, 10, 5);
  book.apply(BookSide::kAsk, 10, 7);
  EXPECT_EQ(book.best_ask()->size, 7);
  book.apply(BookSide::kAsk, 10, 0);
  EXPECT_EQ(book.best_ask(), std::nullopt);
  book.apply(BookSide::kAsk, 11, 0);  // removing an absent level is harmless
  EXPECT_TRUE(book.empty());
  EXPECT_FALSE(book.apply(BookSide::kAsk, 12, -1));
  EXPECT_TRUE(book.empty());
}

TEST(OrderBook, DetectsCrossedAndLockedBooks) {
  OrderBook book;
  book.apply(BookSide::kBid, 100, 1);
  book.apply(BookSide::kAsk, 100, 1);
  EXPECT_TRUE(book.crossed());
}

TEST(OrderBook, TruncatesToTheBestLevels) {
  OrderBook book;
  for (int i = 1; i <= 20; ++i) {
    book.apply(BookSide::kBid, i, 1);
    book.apply(BookSide::kAsk, 100 + i, 1);
  }
  book.truncate(10);
  EXPECT_EQ(book.depth(BookSide::kBid), 10U);
  EXPECT_EQ(book.level(BookSide::kBid, 9).price, 11);
  EXPECT_EQ(book.level(BookSide::kAsk, 9).price, 110);
  PriceLevel top[3];
  EXPECT_EQ(book.top(BookSide::kAsk, top), 3U);
  EXPECT_EQ(top[0].price, 101);
  EXPECT_EQ(top[2].price, 103);
}

TEST(OrderBook, AgreesWithAMapBookOnARandomStream) {
  OrderBook book;
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  std::mt19937_64 rng(17);
  for (int i = 0; i < 200000; ++i) {
    const bool bid = rng() % 2 == 0;
    const std::int64_t price =
        bid ? 1000 - static_cast<std::int64_t>(rng() % 300) : 1001 + static_cast<std::int64_t>(rng() % 300);
    const std::int64_t size = rng() % 4 == 0 ? 0 : static_cast<std::int64_t>(rng() % 100 + 1);
    book.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    if (bid) {
      if (size == 0)
        bids.erase(price);
      else
        bids[price] = size;
    } else {
      if (size == 0)
        asks.erase(price);
      else
        asks[price] = size;
    }
  }
  ASSERT_EQ(book.depth(BookSide::kBid), bids.size());
  ASSERT_EQ(book.depth(BookSide::kAsk), asks.size());
  std::size_t i = 0;
  for (const auto& [price, size] : bids) EXPECT_EQ(book.level(BookSide::kBid, i++), (PriceLevel{price, size}));
  i = 0;
  for (const auto& [price, size] : asks) EXPECT_EQ(book.level(BookSide::kAsk, i++), (PriceLevel{price, size}));
}

}  // namespace
}  // namespace rtm::feeds
