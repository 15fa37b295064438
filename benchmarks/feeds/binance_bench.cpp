// The Binance adapter against a bare simdjson On-Demand parse and a RapidJSON
// DOM parse that extract the same fields from the same messages, prices and
// quantities as numbers (simdjson get_double_in_string, RapidJSON's string
// through std::from_chars), as a hand-written feed handler would. The adapter
// does more: exact decimals, records, the live book.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <simdjson.h>

#include <cstdio>
#include <random>

#include "baseline_loop.hpp"
#include "frame_set.hpp"
#include "null_sink.hpp"
#include "rtm/feeds/binance_adapter.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kFrames = 100'000;
constexpr int kLevelsPerSide = 5;

std::string decimal(std::int64_t mantissa) {
  char text[32];
  std::snprintf(text, sizeof(text), "%lld.%08lld", static_cast<long long>(mantissa / 100'000'000),
                static_cast<long long>(mantissa % 100'000'000));
  return text;
}

FrameSet make_trades() {
  std::mt19937_64 rng(1);
  FrameSet frames;
  for (std::size_t i = 0; i < kFrames; ++i) {
    const std::int64_t price = 6'500'000'000'000 + static_cast<std::int64_t>(rng() % 100'000'000);
    const std::int64_t size = 1 + static_cast<std::int64_t>(rng() % 500'000'000);
    char frame[512];
    std::snprintf(
        frame, sizeof(frame),
        R"({"e":"trade","E":%llu,"s":"BTCUSDT","t":%zu,"p":"%s","q":"%s","b":%llu,"a":%llu,"T":%llu,"m":%s,"M":true})",
        1700000000000ULL + i, 3000000000 + i, decimal(price).c_str(), decimal(size).c_str(),
        static_cast<unsigned long long>(rng() % 100000000000), static_cast<unsigned long long>(rng() % 100000000000),
        1700000000000ULL + i, (rng() & 1) != 0 ? "true" : "false");
    frames.add(frame);
  }
  return frames;
}

// Contiguous depth diffs near the top of a book around 65000.
FrameSet make_depth() {
  std::mt19937_64 rng(2);
  FrameSet frames;
  std::uint64_t update_id = 1001;
  for (std::size_t i = 0; i < kFrames; ++i) {
    std::string frame = R"({"e":"depthUpdate","E":)" + std::to_string(1700000000000ULL + i) + R"(,"s":"BTCUSDT","U":)" +
                        std::to_string(update_id) + R"(,"u":)" + std::to_string(update_id + 3) + R"(,"b":[)";
    update_id += 4;
    for (int side = 0; side < 2; ++side) {
      for (int l = 0; l < kLevelsPerSide; ++l) {
        const auto ticks = static_cast<std::int64_t>(rng() % 50);
        const std::int64_t price =
            side == 0 ? 6'499'900'000'000 - ticks * 1'000'000 : 6'500'100'000'000 + ticks * 1'000'000;
        const std::int64_t size = rng() % 5 == 0 ? 0 : static_cast<std::int64_t>(rng() % 500'000'000);
        frame += (l == 0 ? "" : ",");
        frame += "[\"" + decimal(price) + "\",\"" + decimal(size) + "\"]";
      }
      frame += side == 0 ? R"(],"a":[)" : "]}";
    }
    frames.add(frame);
  }
  return frames;
}

const FrameSet& trades() {
  static const FrameSet frames = make_trades();
  return frames;
}
const FrameSet& depth() {
  static const FrameSet frames = make_depth();
  return frames;
}

// A live BTCUSDT book for the depth stream to apply to; a new snapshot each
// time the stream starts over, so its update ids continue.
void start_book(feeds::BinanceAdapter& adapter) {
  static feeds::FrameBuffer buffer;
  adapter.on_depth_snapshot("BTCUSDT", buffer.assign(R"({"lastUpdateId":1000,"bids":[],"asks":[]})"), 0);
}

void BM_BinanceAdapter(benchmark::State& state, const FrameSet& (*frames)(), bool is_depth) {
  const FrameSet& set = frames();
  feeds::InstrumentCatalog catalog;
  NullSink sink;
  feeds::BinanceAdapter adapter(catalog, sink);
  if (is_depth) start_book(adapter);
  std::size_t i = 0;
  for (auto _ : state) {
    adapter.on_frame(set[i], 1);
    if (++i == set.size()) {
      i = 0;
      if (is_depth) {
        state.PauseTiming();
        start_book(adapter);
        state.ResumeTiming();
      }
    }
  }
  if (adapter.counters().frames_malformed != 0 || adapter.counters().gaps != 0) state.SkipWithError("frames refused");
  benchmark::DoNotOptimize(sink.records);
  state.SetItemsProcessed(state.iterations());
}

// The same fields, pulled out with simdjson On-Demand and nothing more.
struct BareTrade {
  std::string_view type, symbol;
  double price = 0, quantity = 0;
  std::uint64_t event_time = 0, trade_id = 0, trade_time = 0;
  bool maker = false;
};

void BM_BinanceBareSimdjsonTrade(benchmark::State& state) {
  const FrameSet& set = trades();
  simdjson::ondemand::parser parser;
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    BareTrade t;
    auto doc = parser.iterate(frame.text.data(), frame.text.size(), frame.text.size() + feeds::kFramePadding);
    simdjson::ondemand::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) ++failures;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      auto value = field.value();
      if (key == "e")
        failures += value.get_string().get(t.type) != simdjson::SUCCESS;
      else if (key == "s")
        failures += value.get_string().get(t.symbol) != simdjson::SUCCESS;
      else if (key == "p")
        failures += value.get_double_in_string().get(t.price) != simdjson::SUCCESS;
      else if (key == "q")
        failures += value.get_double_in_string().get(t.quantity) != simdjson::SUCCESS;
      else if (key == "E")
        failures += value.get_uint64().get(t.event_time) != simdjson::SUCCESS;
      else if (key == "t")
        failures += value.get_uint64().get(t.trade_id) != simdjson::SUCCESS;
      else if (key == "T")
        failures += value.get_uint64().get(t.trade_time) != simdjson::SUCCESS;
      else if (key == "m")
        failures += value.get_bool().get(t.maker) != simdjson::SUCCESS;
    }
    benchmark::DoNotOptimize(t);
    return failures;
  });
}

struct BareLevel {
  double price = 0, size = 0;
};

void BM_BinanceBareSimdjsonDepth(benchmark::State& state) {
  const FrameSet& set = depth();
  simdjson::ondemand::parser parser;
  std::vector<BareLevel> bids, asks;
  bids.reserve(64);
  asks.reserve(64);
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    std::string_view type, symbol;
    std::uint64_t event_time = 0, first = 0, last = 0;
    bids.clear();
    asks.clear();
    auto doc = parser.iterate(frame.text.data(), frame.text.size(), frame.text.size() + feeds::kFramePadding);
    simdjson::ondemand::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) ++failures;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      auto value = field.value();
      if (key == "e")
        failures += value.get_string().get(type) != simdjson::SUCCESS;
      else if (key == "s")
        failures += value.get_string().get(symbol) != simdjson::SUCCESS;
      else if (key == "E")
        failures += value.get_uint64().get(event_time) != simdjson::SUCCESS;
      else if (key == "U")
        failures += value.get_uint64().get(first) != simdjson::SUCCESS;
      else if (key == "u")
        failures += value.get_uint64().get(last) != simdjson::SUCCESS;
      else if (key == "b" || key == "a") {
        auto& levels = key == "b" ? bids : asks;
        for (auto row : value.get_array()) {
          BareLevel level;
          auto cells = row.get_array();
          auto cell = cells.begin();
          failures += (*cell).get_double_in_string().get(level.price) != simdjson::SUCCESS;
          ++cell;
          failures += (*cell).get_double_in_string().get(level.size) != simdjson::SUCCESS;
          levels.push_back(level);
        }
      }
    }
    benchmark::DoNotOptimize(bids.data());
    benchmark::DoNotOptimize(asks.data());
    return failures;
  });
}

// RapidJSON's DOM: parse the whole message into a Document, then read the
// same fields.
void BM_BinanceRapidJsonTrade(benchmark::State& state) {
  const FrameSet& set = trades();
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    BareTrade t;
    t.type = document["e"].GetString();
    t.symbol = document["s"].GetString();
    t.price = quoted_number(document["p"]);
    t.quantity = quoted_number(document["q"]);
    t.event_time = document["E"].GetUint64();
    t.trade_id = document["t"].GetUint64();
    t.trade_time = document["T"].GetUint64();
    t.maker = document["m"].GetBool();
    benchmark::DoNotOptimize(t);
  });
}

void BM_BinanceRapidJsonDepth(benchmark::State& state) {
  const FrameSet& set = depth();
  std::vector<BareLevel> bids, asks;
  bids.reserve(64);
  asks.reserve(64);
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    const std::string_view type = document["e"].GetString();
    const std::string_view symbol = document["s"].GetString();
    const std::uint64_t event_time = document["E"].GetUint64();
    const std::uint64_t first = document["U"].GetUint64();
    const std::uint64_t last = document["u"].GetUint64();
    bids.clear();
    asks.clear();
    for (const auto& row : document["b"].GetArray()) bids.push_back({quoted_number(row[0]), quoted_number(row[1])});
    for (const auto& row : document["a"].GetArray()) asks.push_back({quoted_number(row[0]), quoted_number(row[1])});
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(symbol);
    benchmark::DoNotOptimize(event_time + first + last);
    benchmark::DoNotOptimize(bids.data());
    benchmark::DoNotOptimize(asks.data());
  });
}

BENCHMARK_CAPTURE(BM_BinanceAdapter, trade, &trades, false)->Name("binance_trade/rtm_adapter");
BENCHMARK(BM_BinanceBareSimdjsonTrade)->Name("binance_trade/simdjson_ondemand");
BENCHMARK(BM_BinanceRapidJsonTrade)->Name("binance_trade/rapidjson_dom");
BENCHMARK_CAPTURE(BM_BinanceAdapter, depth, &depth, true)->Name("binance_depth/rtm_adapter");
BENCHMARK(BM_BinanceBareSimdjsonDepth)->Name("binance_depth/simdjson_ondemand");
BENCHMARK(BM_BinanceRapidJsonDepth)->Name("binance_depth/rapidjson_dom");

}  // namespace
}  // namespace rtm::bench
