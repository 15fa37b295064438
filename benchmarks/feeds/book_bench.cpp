// rtm's order book against a straightforward std::map book, on the same
// stream of level updates at a depth of 1000 levels a side.
#include <benchmark/benchmark.h>

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "rtm/feeds/order_book.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kDepth = 1000;
constexpr std::size_t kUpdates = 1U << 20;
constexpr std::int64_t kMid = 10'000'000;

struct Update {
  msg::BookSide side;
  std::int64_t price;
  std::int64_t size;
};

// A realistic stream: most updates touch the first levels (distance from the
// top is exponentially distributed, mean 20 ticks), a fifth remove a level
// and as many add one back, so each side stays around kDepth levels.
std::vector<Update> make_stream() {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> distance(1.0 / 20.0);
  std::vector<Update> stream;
  stream.reserve(kUpdates);
  for (std::size_t i = 0; i < kUpdates; ++i) {
    const bool bid = (rng() & 1) != 0;
    const auto ticks = static_cast<std::int64_t>(std::min(distance(rng), static_cast<double>(kDepth - 1)));
    const std::int64_t price = bid ? kMid - 1 - ticks : kMid + 1 + ticks;
    const std::int64_t size = rng() % 5 == 0 ? 0 : static_cast<std::int64_t>(1 + rng() % 1'000'000);
    stream.push_back({bid ? msg::BookSide::kBid : msg::BookSide::kAsk, price, size});
  }
  return stream;
}

struct MapBook {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  void apply(msg::BookSide side, std::int64_t price, std::int64_t size) {
    if (side == msg::BookSide::kBid)
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
};

// Both books start from the same full book of kDepth levels a side.
template <class Book>
void fill(Book& book) {
  for (std::size_t i = 0; i < kDepth; ++i) {
    book.apply(msg::BookSide::kBid, kMid - 1 - static_cast<std::int64_t>(i), 100);
    book.apply(msg::BookSide::kAsk, kMid + 1 + static_cast<std::int64_t>(i), 100);
  }
}

template <class Book>
void BM_BookApply(benchmark::State& state) {
  const std::vector<Update> stream = make_stream();
  Book book;
  fill(book);
  std::size_t i = 0;
  for (auto _ : state) {
    const Update& u = stream[i];
    book.apply(u.side, u.price, u.size);
    if (++i == stream.size()) i = 0;
  }
  benchmark::DoNotOptimize(book);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_BookApply, feeds::OrderBook)->Name("book_apply_depth1000/rtm");
BENCHMARK_TEMPLATE(BM_BookApply, MapBook)->Name("book_apply_depth1000/std_map");

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
