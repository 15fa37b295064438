// rtm's codec against FlatBuffers on the same Trade record: encode against
// FlatBufferBuilder, bounds-checked decode against FlatBuffers' Verifier plus
// field access. Both sides cycle through the same 1024 different trades.
#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

#include "rtm/msg/codec.hpp"
#include "trade_generated.h"

namespace rtm::bench {
namespace {

constexpr std::size_t kTrades = 1024;

std::vector<msg::Trade> make_trades() {
  std::mt19937_64 rng(42);
  std::vector<msg::Trade> trades(kTrades);
  std::uint64_t sequence = 1;
  for (auto& t : trades) {
    t.header.venue = msg::Venue::kBinance;
    t.header.flags = msg::flags::kEndOfBatch;
    t.header.instrument_id = msg::make_instrument_id(msg::Venue::kBinance, "BTCUSDT");
    t.header.sequence = sequence++;
    t.header.ts_event = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(rng() % 1'000'000'000);
    t.header.ts_recv = t.header.ts_event + 250'000;
    t.price = 6'500'000'000'000 + static_cast<std::int64_t>(rng() % 100'000'000);
    t.size = 1 + static_cast<std::int64_t>(rng() % 100'000'000);
    t.trade_id = rng();
    t.aggressor = (rng() & 1) != 0 ? msg::Aggressor::kBuy : msg::Aggressor::kSell;
    t.price_scale = 8;
    t.size_scale = 8;
  }
  return trades;
}

flatbuffers::Offset<fb::Trade> build(flatbuffers::FlatBufferBuilder& builder, const msg::Trade& t) {
  return fb::CreateTrade(builder, static_cast<std::uint16_t>(t.header.venue), t.header.flags, t.header.instrument_id,
                         t.header.sequence, t.header.ts_event, t.header.ts_recv, t.price, t.size, t.trade_id,
                         static_cast<std::uint8_t>(t.aggressor), t.price_scale, t.size_scale);
}

void BM_EncodeRtm(benchmark::State& state) {
  const auto trades = make_trades();
  std::array<std::byte, msg::kMaxRecordSize> buffer{};
  std::size_t i = 0;
  for (auto _ : state) {
    const msg::EncodeResult result = msg::encode(trades[i++ % kTrades], buffer);
    benchmark::DoNotOptimize(result);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EncodeFlatBuffers(benchmark::State& state) {
  const auto trades = make_trades();
  flatbuffers::FlatBufferBuilder builder(256);
  std::size_t i = 0;
  for (auto _ : state) {
    builder.Clear();  // reuses the builder's memory: FlatBuffers at its fastest
    builder.Finish(build(builder, trades[i++ % kTrades]));
    benchmark::DoNotOptimize(builder.GetBufferPointer());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeRtm(benchmark::State& state) {
  const auto trades = make_trades();
  std::vector<std::array<std::byte, msg::kEncodedSize<msg::Trade>>> encoded(kTrades);
  for (std::size_t i = 0; i < kTrades; ++i) msg::encode(trades[i], encoded[i]);
  std::size_t i = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    const auto& bytes = encoded[i++ % kTrades];
    benchmark::DoNotOptimize(bytes.data());
    msg::Trade trade;
    failures += msg::decode(std::span<const std::byte>(bytes), trade).ok() ? 0U : 1U;
    benchmark::DoNotOptimize(trade);
  }
  if (failures != 0) state.SkipWithError("decode failed");
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeFlatBuffersVerified(benchmark::State& state) {
  const auto trades = make_trades();
  std::vector<std::vector<std::uint8_t>> encoded;
  flatbuffers::FlatBufferBuilder builder(256);
  for (const auto& t : trades) {
    builder.Clear();
    builder.Finish(build(builder, t));
    encoded.emplace_back(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
  }
  std::size_t i = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    const auto& bytes = encoded[i++ % kTrades];
    benchmark::DoNotOptimize(bytes.data());
    flatbuffers::Verifier verifier(bytes.data(), bytes.size());
    if (!fb::VerifyTradeBuffer(verifier)) {
      ++failures;
      continue;
    }
    // Read every field into the same struct rtm's decode fills.
    const fb::Trade* t = fb::GetTrade(bytes.data());
    msg::Trade trade;
    trade.header.venue = static_cast<msg::Venue>(t->venue());
    trade.header.flags = t->flags();
    trade.header.instrument_id = t->instrument_id();
    trade.header.sequence = t->sequence();
    trade.header.ts_event = t->ts_event();
    trade.header.ts_recv = t->ts_recv();
    trade.price = t->price();
    trade.size = t->size();
    trade.trade_id = t->trade_id();
    trade.aggressor = static_cast<msg::Aggressor>(t->aggressor());
    trade.price_scale = t->price_scale();
    trade.size_scale = t->size_scale();
    benchmark::DoNotOptimize(trade);
  }
  if (failures != 0) state.SkipWithError("verification failed");
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EncodeRtm)->Name("codec_encode_trade/rtm");
BENCHMARK(BM_EncodeFlatBuffers)->Name("codec_encode_trade/flatbuffers");
BENCHMARK(BM_DecodeRtm)->Name("codec_decode_trade/rtm");
BENCHMARK(BM_DecodeFlatBuffersVerified)->Name("codec_decode_trade/flatbuffers_verified");

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
