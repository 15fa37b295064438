// The Coinbase adapter against a bare simdjson On-Demand parse and a RapidJSON
// DOM parse that extract the same fields from the same messages (the fields
// the adapter reads; the order ids it ignores are skipped by all three),
// prices and sizes as numbers (simdjson get_double_in_string, RapidJSON's
// string through std::from_chars). The adapter does more (exact decimals,
// timestamps, sequences, the live book).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <simdjson.h>

#include <cstdio>
#include <random>

#include "baseline_loop.hpp"
#include "frame_set.hpp"
#include "null_sink.hpp"
#include "rtm/feeds/coinbase_adapter.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kFrames = 100'000;
constexpr int kChangesPerSide = 5;
constexpr int kSnapshotLevels = 50;

// Coinbase writes prices at the quote increment ("65001.23") and sizes at
// 8 decimals ("5.23512000").
std::string decimal(std::int64_t mantissa, int scale) {
  std::int64_t unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  char text[32];
  std::snprintf(text, sizeof(text), "%lld.%0*lld", static_cast<long long>(mantissa / unit), scale,
                static_cast<long long>(mantissa % unit));
  return text;
}
std::string price_text(std::int64_t cents) {
  return decimal(cents, 2);
}
std::string size_text(std::int64_t satoshis) {
  return decimal(satoshis, 8);
}

// Microsecond timestamps, about 8 ms apart: 100k frames stay within the hour.
std::string timestamp(std::size_t i) {
  const std::size_t micros = i * 7919;
  char text[40];
  std::snprintf(text, sizeof(text), "2023-10-06T17:%02zu:%02zu.%06zuZ", micros / 60'000'000, micros / 1'000'000 % 60,
                micros % 1'000'000);
  return text;
}

std::string uuid(std::mt19937_64& rng) {
  const std::uint64_t a = rng(), b = rng();
  char text[40];
  std::snprintf(text, sizeof(text), "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xFFFF), static_cast<unsigned long long>(a & 0xFFFF),
                static_cast<unsigned long long>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFF));
  return text;
}

// One product, contiguous sequence numbers: the adapter sees no gap or repeat.
FrameSet make_matches() {
  std::mt19937_64 rng(3);
  FrameSet frames;
  for (std::size_t i = 0; i < kFrames; ++i) {
    const auto cents = 6'490'000 + static_cast<std::int64_t>(rng() % 20'000);
    const auto satoshis = 1 + static_cast<std::int64_t>(rng() % 500'000'000);
    const std::string maker = uuid(rng), taker = uuid(rng);
    char frame[512];
    std::snprintf(
        frame, sizeof(frame),
        R"({"type":"match","trade_id":%zu,"sequence":%zu,"maker_order_id":"%s","taker_order_id":"%s","time":"%s","product_id":"BTC-USD","size":"%s","price":"%s","side":"%s"})",
        500'000'000 + i, 50'000'000'000 + i, maker.c_str(), taker.c_str(), timestamp(i).c_str(),
        size_text(satoshis).c_str(), price_text(cents).c_str(), (rng() & 1) != 0 ? "buy" : "sell");
    frames.add(frame);
  }
  return frames;
}

// Bids at or below 64999.98 and asks at or above 65000.02: never crossed.
std::int64_t level_price(int side, std::int64_t ticks) {
  return side == 0 ? 6'499'998 - ticks : 6'500'002 + ticks;
}

// Changes near the top of a book around 65000, a fifth of them removals.
FrameSet make_updates() {
  std::mt19937_64 rng(4);
  FrameSet frames;
  for (std::size_t i = 0; i < kFrames; ++i) {
    std::string frame = R"({"type":"l2update","product_id":"BTC-USD","changes":[)";
    for (int side = 0; side < 2; ++side) {
      for (int l = 0; l < kChangesPerSide; ++l) {
        const std::int64_t cents = level_price(side, static_cast<std::int64_t>(rng() % 50));
        const std::int64_t satoshis = rng() % 5 == 0 ? 0 : 1 + static_cast<std::int64_t>(rng() % 500'000'000);
        frame += (side == 0 && l == 0 ? "[\"" : ",[\"");
        frame += (side == 0 ? "buy" : "sell");
        frame +=
            "\",\"" + price_text(cents) + "\",\"" + (satoshis == 0 ? std::string("0") : size_text(satoshis)) + "\"]";
      }
    }
    frame += R"(],"time":")" + timestamp(i) + R"("})";
    frames.add(frame);
  }
  return frames;
}

// The snapshot that makes the book live before the updates.
std::string make_snapshot() {
  std::mt19937_64 rng(5);
  std::string frame = R"({"type":"snapshot","product_id":"BTC-USD","bids":[)";
  for (int side = 0; side < 2; ++side) {
    for (int l = 0; l < kSnapshotLevels; ++l) {
      frame += (l == 0 ? "[\"" : ",[\"") + price_text(level_price(side, l)) + "\",\"" +
               size_text(1 + static_cast<std::int64_t>(rng() % 500'000'000)) + "\"]";
    }
    frame += side == 0 ? R"(],"asks":[)" : "]}";
  }
  return frame;
}

const FrameSet& matches() {
  static const FrameSet frames = make_matches();
  return frames;
}
const FrameSet& updates() {
  static const FrameSet frames = make_updates();
  return frames;
}

// Starts the stream (over): sequences restart as after a reconnection, so
// the first match is no repeat of the last, and the book gets its snapshot.
void start(feeds::CoinbaseAdapter& adapter, bool is_book) {
  static const std::string snapshot = make_snapshot();
  static feeds::FrameBuffer buffer;
  adapter.on_disconnect(0);
  if (is_book) adapter.on_frame(buffer.assign(snapshot), 0);
}

void BM_CoinbaseAdapter(benchmark::State& state, const FrameSet& (*frames)(), bool is_book) {
  const FrameSet& set = frames();
  feeds::InstrumentCatalog catalog;
  NullSink sink;
  feeds::CoinbaseAdapter adapter(catalog, sink);
  start(adapter, is_book);
  std::size_t i = 0;
  for (auto _ : state) {
    adapter.on_frame(set[i], 1);
    if (++i == set.size()) {
      i = 0;
      state.PauseTiming();
      start(adapter, is_book);
      state.ResumeTiming();
    }
  }
  const feeds::AdapterCounters& c = adapter.counters();
  if (c.frames_malformed != 0 || c.duplicates != 0 || c.gaps != 0 || c.crossed_books != 0 || c.resyncs != 0 ||
      (is_book && adapter.book_state("BTC-USD") != feeds::BookState::kLive)) {
    state.SkipWithError("frames refused");
  }
  benchmark::DoNotOptimize(sink.records);
  state.SetItemsProcessed(state.iterations());
}

// The same fields, pulled out with simdjson On-Demand and nothing more.
struct BareMatch {
  std::string_view type, time, product_id, side;
  double size = 0, price = 0;
  std::uint64_t trade_id = 0, sequence = 0;
};

void BM_CoinbaseBareSimdjsonMatch(benchmark::State& state) {
  const FrameSet& set = matches();
  simdjson::ondemand::parser parser;
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    BareMatch m;
    auto doc = parser.iterate(frame.text.data(), frame.text.size(), frame.text.size() + feeds::kFramePadding);
    simdjson::ondemand::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) ++failures;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      auto value = field.value();
      if (key == "type")
        failures += value.get_string().get(m.type) != simdjson::SUCCESS;
      else if (key == "trade_id")
        failures += value.get_uint64().get(m.trade_id) != simdjson::SUCCESS;
      else if (key == "sequence")
        failures += value.get_uint64().get(m.sequence) != simdjson::SUCCESS;
      else if (key == "time")
        failures += value.get_string().get(m.time) != simdjson::SUCCESS;
      else if (key == "product_id")
        failures += value.get_string().get(m.product_id) != simdjson::SUCCESS;
      else if (key == "size")
        failures += value.get_double_in_string().get(m.size) != simdjson::SUCCESS;
      else if (key == "price")
        failures += value.get_double_in_string().get(m.price) != simdjson::SUCCESS;
      else if (key == "side")
        failures += value.get_string().get(m.side) != simdjson::SUCCESS;
    }
    benchmark::DoNotOptimize(m);
    return failures;
  });
}

struct BareChange {
  std::string_view side;
  double price = 0, size = 0;
};

void BM_CoinbaseBareSimdjsonUpdate(benchmark::State& state) {
  const FrameSet& set = updates();
  simdjson::ondemand::parser parser;
  std::vector<BareChange> changes;
  changes.reserve(64);
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    std::string_view type, product_id, time;
    changes.clear();
    auto doc = parser.iterate(frame.text.data(), frame.text.size(), frame.text.size() + feeds::kFramePadding);
    simdjson::ondemand::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) ++failures;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      auto value = field.value();
      if (key == "type")
        failures += value.get_string().get(type) != simdjson::SUCCESS;
      else if (key == "product_id")
        failures += value.get_string().get(product_id) != simdjson::SUCCESS;
      else if (key == "time")
        failures += value.get_string().get(time) != simdjson::SUCCESS;
      else if (key == "changes") {
        for (auto row : value.get_array()) {
          BareChange change;
          auto cells = row.get_array();
          auto cell = cells.begin();
          failures += (*cell).get_string().get(change.side) != simdjson::SUCCESS;
          ++cell;
          failures += (*cell).get_double_in_string().get(change.price) != simdjson::SUCCESS;
          ++cell;
          failures += (*cell).get_double_in_string().get(change.size) != simdjson::SUCCESS;
          changes.push_back(change);
        }
      }
    }
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(product_id);
    benchmark::DoNotOptimize(time);
    benchmark::DoNotOptimize(changes.data());
    return failures;
  });
}

// RapidJSON's DOM: parse the whole message into a Document, then read the
// same fields.
void BM_CoinbaseRapidJsonMatch(benchmark::State& state) {
  const FrameSet& set = matches();
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    BareMatch m;
    m.type = document["type"].GetString();
    m.trade_id = document["trade_id"].GetUint64();
    m.sequence = document["sequence"].GetUint64();
    m.time = document["time"].GetString();
    m.product_id = document["product_id"].GetString();
    m.size = quoted_number(document["size"]);
    m.price = quoted_number(document["price"]);
    m.side = document["side"].GetString();
    benchmark::DoNotOptimize(m);
  });
}

void BM_CoinbaseRapidJsonUpdate(benchmark::State& state) {
  const FrameSet& set = updates();
  std::vector<BareChange> changes;
  changes.reserve(64);
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    const std::string_view type = document["type"].GetString();
    const std::string_view product_id = document["product_id"].GetString();
    const std::string_view time = document["time"].GetString();
    changes.clear();
    for (const auto& row : document["changes"].GetArray()) {
      changes.push_back({row[0].GetString(), quoted_number(row[1]), quoted_number(row[2])});
    }
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(product_id);
    benchmark::DoNotOptimize(time);
    benchmark::DoNotOptimize(changes.data());
  });
}

BENCHMARK_CAPTURE(BM_CoinbaseAdapter, match, &matches, false)->Name("coinbase_match/rtm_adapter");
BENCHMARK(BM_CoinbaseBareSimdjsonMatch)->Name("coinbase_match/simdjson_ondemand");
BENCHMARK(BM_CoinbaseRapidJsonMatch)->Name("coinbase_match/rapidjson_dom");
BENCHMARK_CAPTURE(BM_CoinbaseAdapter, l2update, &updates, true)->Name("coinbase_l2update/rtm_adapter");
BENCHMARK(BM_CoinbaseBareSimdjsonUpdate)->Name("coinbase_l2update/simdjson_ondemand");
BENCHMARK(BM_CoinbaseRapidJsonUpdate)->Name("coinbase_l2update/rapidjson_dom");

}  // namespace
}  // namespace rtm::bench
