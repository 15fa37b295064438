#include "rtm/feeds/order_book.hpp"

#include <gtest/gtest.h>

#include <limits>
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

// The same book kept in std::maps, the obviously right way.
struct ReferenceBook {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  void apply(BookSide side, std::int64_t price, std::int64_t size) {
    if (side == BookSide::kBid)
      set(bids, price, size);
    else
      set(asks, price, size);
  }
  template <class Side>
  static void set(Side& levels, std::int64_t price, std::int64_t size) {
    if (size == 0)
      levels.erase(price);
    else
      levels[price] = size;
  }
  template <class Side>
  static void keep(Side& levels, std::size_t depth) {
    while (levels.size() > depth) levels.erase(std::prev(levels.end()));
  }
};

void expect_same(const OrderBook& book, const ReferenceBook& reference) {
  ASSERT_EQ(book.depth(BookSide::kBid), reference.bids.size());
  ASSERT_EQ(book.depth(BookSide::kAsk), reference.asks.size());
  std::size_t i = 0;
  for (const auto& [price, size] : reference.bids)
    ASSERT_EQ(book.level(BookSide::kBid, i++), (PriceLevel{price, size}));
  i = 0;
  for (const auto& [price, size] : reference.asks)
    ASSERT_EQ(book.level(BookSide::kAsk, i++), (PriceLevel{price, size}));
  if (!reference.bids.empty()) {
    EXPECT_EQ(book.best_bid()->price, reference.bids.begin()->first);
  }
  if (!reference.asks.empty()) {
    EXPECT_EQ(book.best_ask()->price, reference.asks.begin()->first);
  }
}

// A market that wanders thousands of ticks (so the ladder's window must
// follow it both ways), at a tick of 0.01 written at scale 8, with now and
// then a level far away, a price off the tick grid, or a truncation.
TEST(OrderBook, FollowsAWanderingMarketLikeAMapBook) {
  OrderBook book;
  ReferenceBook reference;
  std::mt19937_64 rng(23);
  constexpr std::int64_t kTick = 1'000'000;
  std::int64_t mid = 6'500'000 * kTick;
  for (int i = 0; i < 300'000; ++i) {
    if (i % 1000 == 0) mid += (static_cast<std::int64_t>(rng() % 801) - 400) * kTick;
    const bool bid = rng() % 2 == 0;
    std::int64_t ticks = static_cast<std::int64_t>(rng() % 64);
    if (rng() % 50 == 0) ticks = static_cast<std::int64_t>(rng() % 5000);
    std::int64_t price = bid ? mid - (1 + ticks) * kTick : mid + (1 + ticks) * kTick;
    if (rng() % 5000 == 0) price += static_cast<std::int64_t>(rng() % kTick);  // off the grid
    const std::int64_t size = rng() % 4 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1'000'000 + 1);
    book.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    reference.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    if (rng() % 20'000 == 0) {
      const std::size_t depth = rng() % 200;
      book.truncate(depth);
      ReferenceBook::keep(reference.bids, depth);
      ReferenceBook::keep(reference.asks, depth);
    }
    if (i % 10'000 == 0) expect_same(book, reference);
  }
  expect_same(book, reference);
}

// The window finds a price's slot by multiplying by the tick's reciprocal:
// every tick size, from 1 to the largest whose window fits 64 bits (and
// past it), powers of two and not, with prices on and off the grid.
TEST(OrderBook, PlacesPricesOnEveryTickSizeLikeAMapBook) {
  std::mt19937_64 rng(31);
  const std::uint64_t ticks[] = {1,
                                 2,
                                 3,
                                 7,
                                 10,
                                 1'000'000,
                                 999'999'937,
                                 1U << 20,
                                 1ULL << 40,
                                 3ULL << 40,
                                 (1ULL << 54) - 1,
                                 1ULL << 54,
                                 1ULL << 55,
                                 1ULL << 56};
  for (const std::uint64_t tick : ticks) {
    OrderBook book;
    ReferenceBook reference;
    const auto step = static_cast<std::int64_t>(tick);
    // Up to 1,200 ticks each way (past the window), as far as the 64-bit
    // range allows.
    const std::int64_t room = std::numeric_limits<std::int64_t>::max() / step;
    const std::int64_t mid = step * std::min<std::int64_t>(room / 2, 1'000'000);
    const auto reach = static_cast<std::uint64_t>(std::min<std::int64_t>(1200, room / 2 - 1));
    for (int i = 0; i < 20'000; ++i) {
      const bool bid = rng() % 2 == 0;
      const auto away = 1 + static_cast<std::int64_t>(rng() % reach);
      std::int64_t price = bid ? mid - away * step : mid + away * step;
      if (rng() % 1000 == 0 && tick > 1) price += static_cast<std::int64_t>(rng() % tick);  // off the grid
      const std::int64_t size = rng() % 4 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000 + 1);
      book.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
      reference.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    }
    SCOPED_TRACE(tick);
    expect_same(book, reference);
  }
}

// Hostile prices: anywhere in the 64-bit range, negative, at the extremes.
TEST(OrderBook, TakesAnyPriceLikeAMapBook) {
  OrderBook book;
  ReferenceBook reference;
  std::mt19937_64 rng(29);
  const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                                   0, -1, 1};
  for (int i = 0; i < 50'000; ++i) {
    const bool bid = rng() % 2 == 0;
    std::int64_t price = 0;
    switch (rng() % 4) {
      case 0:
        price = static_cast<std::int64_t>(rng());
        break;
      case 1:
        price = extremes[rng() % 5];
        break;
      default:
        price = 1000 + static_cast<std::int64_t>(rng() % 100) * 7;
        break;
    }
    const std::int64_t size = rng() % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 100 + 1);
    book.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    reference.apply(bid ? BookSide::kBid : BookSide::kAsk, price, size);
    if (i % 5000 == 0) expect_same(book, reference);
  }
  expect_same(book, reference);
  book.clear();
  EXPECT_TRUE(book.empty());
  book.apply(BookSide::kAsk, 5, 1);
  EXPECT_EQ(book.best_ask(), (PriceLevel{5, 1}));
}

}  // namespace
}  // namespace rtm::feeds
