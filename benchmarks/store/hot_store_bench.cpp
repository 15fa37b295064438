// The hot store's memory per trade against the trade's encoded record, with
// 10 million trades (RTM_BENCH_TRADES overrides the count): a store that
// kept the records as they came would need the record's size per trade.
// Both sides are measured the same way, as the allocator's count of bytes in
// use (heap and mmapped) before and after filling them.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "rtm/msg/codec.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::bench {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
constexpr std::size_t kInstruments = 9;  // three symbols on three venues, as rtm run has

std::size_t trade_count() {
  const char* text = std::getenv("RTM_BENCH_TRADES");  // NOLINT(concurrency-mt-unsafe): read before any thread
  return text != nullptr ? std::stoull(text) : 10'000'000;
}

std::size_t bytes_in_use() {
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
}

msg::Trade make_trade(std::size_t i) {
  static const std::array<msg::InstrumentId, kInstruments> ids = [] {
    std::array<msg::InstrumentId, kInstruments> out{};
    for (std::size_t k = 0; k < kInstruments; ++k) out[k] = msg::make_instrument_id(msg::Venue::kBinance, std::to_string(k));
    return out;
  }();
  msg::Trade trade;
  trade.header.venue = msg::Venue::kBinance;
  trade.header.instrument_id = ids[i % kInstruments];
  trade.header.sequence = i;
  trade.header.ts_event = kStart + static_cast<std::int64_t>(i) * 10'000;
  trade.header.ts_recv = trade.header.ts_event + 250'000;
  trade.price = 6'500'000 + static_cast<std::int64_t>(i % 977);
  trade.size = static_cast<std::int64_t>(1 + i % 5000);
  trade.trade_id = i;
  trade.aggressor = i % 3 == 0 ? msg::Aggressor::kSell : msg::Aggressor::kBuy;
  trade.price_scale = 2;
  trade.size_scale = 8;
  return trade;
}

void report(benchmark::State& state, std::size_t trades, std::size_t bytes) {
  state.counters["trades"] = static_cast<double>(trades);
  state.counters["bytes_per_trade"] = static_cast<double>(bytes) / static_cast<double>(trades);
  state.counters["record_bytes"] = static_cast<double>(msg::kEncodedSize<msg::Trade>);
  state.SetItemsProcessed(static_cast<std::int64_t>(trades));
}

void BM_HotStoreTrades(benchmark::State& state) {
  const std::size_t trades = trade_count();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::size_t before = bytes_in_use();
    auto store = std::make_unique<store::HotStore>(store::HotStoreOptions{
        .trade_retention = std::chrono::hours(24 * 365), .max_trades_per_instrument = trades});
    for (std::size_t i = 0; i < trades; ++i) store->add_trade(make_trade(i));
    bytes = bytes_in_use() - before;
    benchmark::DoNotOptimize(store->trades(make_trade(0).header.instrument_id, kStart, kStart + 1'000'000, 10));
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  report(state, trades, bytes);
}

// The records as encoded, back to back in one buffer sized for them.
void BM_EncodedRecords(benchmark::State& state) {
  const std::size_t trades = trade_count();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::size_t before = bytes_in_use();
    std::vector<std::byte> records(trades * msg::kEncodedSize<msg::Trade>);
    for (std::size_t i = 0; i < trades; ++i) {
      const msg::Trade trade = make_trade(i);
      const auto encoded = msg::encode(trade, std::span(records).subspan(i * msg::kEncodedSize<msg::Trade>));
      benchmark::DoNotOptimize(encoded);
    }
    bytes = bytes_in_use() - before;
  }
  report(state, trades, bytes);
}

BENCHMARK(BM_HotStoreTrades)->Name("hot_store_memory/rtm")->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodedRecords)->Name("hot_store_memory/encoded_records")->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
