// The Kraken (WebSocket v2) adapter against a bare simdjson On-Demand parse
// and a RapidJSON DOM parse that extract the same fields from the same
// messages. Prices and qtys are JSON numbers: the adapter reads their text
// exactly at the pair's precisions; both bare parses read doubles (simdjson
// get_double, RapidJSON GetDouble). The adapter also checks each book
// update's CRC32 checksum against the live book it keeps.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <simdjson.h>

#include <cstdio>
#include <random>

#include "baseline_loop.hpp"
#include "frame_set.hpp"
#include "null_sink.hpp"
#include "rtm/feeds/kraken_adapter.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kFrames = 100'000;
constexpr int kLevelsPerSide = 5;
constexpr std::size_t kDepth = 10;  // the adapter's default subscribed depth
constexpr int kPricePrecision = 1;  // BTC/USD as Kraken's instrument channel has it
constexpr int kQtyPrecision = 8;

// The instrument message that gives BTC/USD its precisions, without which
// the adapter reads at default scales and checks no checksum.
constexpr std::string_view kInstrument =
    R"({"channel":"instrument","type":"snapshot","data":{"pairs":[{"symbol":"BTC/USD","base":"BTC","quote":"USD",)"
    R"("status":"online","price_precision":1,"qty_precision":8,"price_increment":0.1,"qty_increment":0.00000001}]}})";

// A JSON number as Kraken writes it: no trailing zeros, one decimal kept.
std::string number(std::int64_t mantissa, int scale) {
  std::int64_t unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  char text[32];
  std::snprintf(text, sizeof(text), "%lld.%0*lld", static_cast<long long>(mantissa / unit), scale,
                static_cast<long long>(mantissa % unit));
  std::string out = text;
  while (out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
  return out;
}

std::string timestamp(std::size_t i) {
  const std::size_t micros = i * 7919;
  char text[40];
  std::snprintf(text, sizeof(text), "2023-10-06T17:%02zu:%02zu.%06zuZ", micros / 60'000'000, micros / 1'000'000 % 60,
                micros % 1'000'000);
  return text;
}

std::int64_t random_qty(std::mt19937_64& rng) {
  return 1 + static_cast<std::int64_t>(rng() % 500'000'000);
}

FrameSet make_trades() {
  std::mt19937_64 rng(6);
  FrameSet frames;
  for (std::size_t i = 0; i < kFrames; ++i) {
    const auto price = 649'000 + static_cast<std::int64_t>(rng() % 2'000);  // 64900.0 to 65099.9
    const std::int64_t qty = random_qty(rng);
    const bool buy = (rng() & 1) != 0;
    frames.add(R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":")" +
               std::string(buy ? "buy" : "sell") + R"(","price":)" + number(price, kPricePrecision) + R"(,"qty":)" +
               number(qty, kQtyPrecision) + R"(,"ord_type":")" + (rng() % 4 == 0 ? "limit" : "market") +
               R"(","trade_id":)" + std::to_string(80'000'000 + i) + R"(,"timestamp":")" + timestamp(i) + R"("}]})");
  }
  return frames;
}

// Bids at or below 64999.9 and asks at or above 65000.1: never crossed.
std::int64_t level_price(msg::BookSide side, std::int64_t ticks) {
  return side == msg::BookSide::kBid ? 649'999 - ticks : 650'001 + ticks;
}

// A book message; its checksum is that of `reference` once the levels are
// applied and the book cut to kDepth, as the adapter will compute it.
std::string book_message(std::string_view type, const std::vector<feeds::BookLevelUpdate>& levels,
                         feeds::OrderBook& reference, std::size_t i) {
  if (type == "snapshot") reference.clear();
  for (const auto& l : levels) reference.apply(l.side, l.price, l.size);
  reference.truncate(kDepth);
  std::string frame = R"({"channel":"book","type":")" + std::string(type) + R"(","data":[{"symbol":"BTC/USD","bids":[)";
  for (const msg::BookSide side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
    bool first = true;
    for (const auto& l : levels) {
      if (l.side != side) continue;
      frame += (first ? R"({"price":)" : R"(,{"price":)") + number(l.price, kPricePrecision) + R"(,"qty":)" +
               number(l.size, kQtyPrecision) + "}";
      first = false;
    }
    frame += side == msg::BookSide::kBid ? R"(],"asks":[)" : "]";
  }
  return frame + R"(,"checksum":)" + std::to_string(feeds::kraken_book_checksum(reference)) + R"(,"timestamp":")" +
         timestamp(i) + R"("}]})";
}

// The snapshot and the updates that follow it: 5 bids and 5 asks near the
// top of a book around 65000, a fifth of them removals.
struct BookStream {
  std::string snapshot;
  FrameSet updates;
};

BookStream make_book() {
  std::mt19937_64 rng(7);
  feeds::OrderBook reference;
  BookStream stream;
  std::vector<feeds::BookLevelUpdate> levels;
  for (const msg::BookSide side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
    for (std::size_t l = 0; l < kDepth; ++l)
      levels.push_back({side, level_price(side, 2 * static_cast<std::int64_t>(l)), random_qty(rng)});
  }
  stream.snapshot = book_message("snapshot", levels, reference, 0);
  for (std::size_t i = 0; i < kFrames; ++i) {
    levels.clear();
    for (const msg::BookSide side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
      for (int l = 0; l < kLevelsPerSide; ++l) {
        const std::int64_t price = level_price(side, static_cast<std::int64_t>(rng() % 20));
        levels.push_back({side, price, rng() % 5 == 0 ? 0 : random_qty(rng)});
      }
    }
    stream.updates.add(book_message("update", levels, reference, i));
  }
  return stream;
}

const FrameSet& trades() {
  static const FrameSet frames = make_trades();
  return frames;
}
const BookStream& book_stream() {
  static const BookStream stream = make_book();
  return stream;
}
const FrameSet& book() {
  return book_stream().updates;
}

// (Re)starts the book stream: the snapshot puts the adapter's book back where
// the updates' checksums begin.
void start_book(feeds::KrakenAdapter& adapter) {
  static feeds::FrameBuffer buffer;
  adapter.on_frame(buffer.assign(book_stream().snapshot), 0);
}

void BM_KrakenAdapter(benchmark::State& state, const FrameSet& (*frames)(), bool is_book) {
  const FrameSet& set = frames();
  feeds::InstrumentCatalog catalog;
  NullSink sink;
  feeds::KrakenAdapter adapter(catalog, sink);
  feeds::FrameBuffer buffer;
  adapter.on_frame(buffer.assign(kInstrument), 0);
  if (is_book) start_book(adapter);
  std::size_t i = 0;
  for (auto _ : state) {
    adapter.on_frame(set[i], 1);
    if (++i == set.size()) {
      i = 0;
      if (is_book) {
        state.PauseTiming();
        start_book(adapter);
        state.ResumeTiming();
      }
    }
  }
  const feeds::AdapterCounters& c = adapter.counters();
  if (c.frames_malformed != 0 || c.frames_ignored != 0 || c.gaps != 0 || c.checksum_failures != 0 ||
      c.crossed_books != 0 || c.resyncs != 0 ||
      (is_book && adapter.last_checksum("BTC/USD") != feeds::ChecksumStatus::kOk)) {
    state.SkipWithError("frames refused");
  }
  benchmark::DoNotOptimize(sink.records);
  state.SetItemsProcessed(state.iterations());
}

// The same fields, pulled out with simdjson On-Demand and nothing more.
struct BareTrade {
  std::string_view channel, type, symbol, side, timestamp;
  double price = 0, qty = 0;
  std::uint64_t trade_id = 0;
};
struct BareLevel {
  double price = 0, qty = 0;
};
struct BareBook {
  std::string_view channel, type, symbol, timestamp;
  std::uint64_t checksum = 0;
  std::vector<BareLevel> bids, asks;
};

// Binance's inline field loop, factored out as Kraken nests three objects
// deep; on_field(key, value) returns its failures.
template <class Object, class OnField>
[[gnu::always_inline]] inline std::size_t each_field(Object&& object, OnField&& on_field) {
  std::size_t failures = 0;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return failures + 1;
    auto value = field.value();
    failures += on_field(key, value);
  }
  return failures;
}

// Parses the envelope; hands each element of "data" to on_entry(key, value).
template <class OnEntry>
[[gnu::always_inline]] inline std::size_t parse_message(simdjson::ondemand::parser& parser, feeds::PaddedFrame frame,
                                                        std::string_view& channel, std::string_view& type,
                                                        OnEntry&& on_entry) {
  auto doc = parser.iterate(frame.text.data(), frame.text.size(), frame.text.size() + feeds::kFramePadding);
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return 1;
  return each_field(object, [&](std::string_view key, auto& value) -> std::size_t {
    if (key == "channel") return value.get_string().get(channel) != simdjson::SUCCESS;
    if (key == "type") return value.get_string().get(type) != simdjson::SUCCESS;
    if (key != "data") return 0;
    std::size_t failures = 0;
    for (auto element : value.get_array()) failures += each_field(element.get_object(), on_entry);
    return failures;
  });
}

void BM_KrakenBareSimdjsonTrade(benchmark::State& state) {
  const FrameSet& set = trades();
  simdjson::ondemand::parser parser;
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    BareTrade t;
    failures += parse_message(parser, frame, t.channel, t.type, [&](std::string_view key, auto& v) -> std::size_t {
      if (key == "symbol") return v.get_string().get(t.symbol) != simdjson::SUCCESS;
      if (key == "side") return v.get_string().get(t.side) != simdjson::SUCCESS;
      if (key == "price") return v.get_double().get(t.price) != simdjson::SUCCESS;
      if (key == "qty") return v.get_double().get(t.qty) != simdjson::SUCCESS;
      if (key == "trade_id") return v.get_uint64().get(t.trade_id) != simdjson::SUCCESS;
      if (key == "timestamp") return v.get_string().get(t.timestamp) != simdjson::SUCCESS;
      return 0;
    });
    benchmark::DoNotOptimize(t);
    return failures;
  });
}

void BM_KrakenBareSimdjsonBook(benchmark::State& state) {
  const FrameSet& set = book();
  simdjson::ondemand::parser parser;
  BareBook b;
  b.bids.reserve(64);
  b.asks.reserve(64);
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    std::size_t failures = 0;
    b.bids.clear();
    b.asks.clear();
    failures += parse_message(parser, frame, b.channel, b.type, [&](std::string_view key, auto& v) -> std::size_t {
      if (key == "symbol") return v.get_string().get(b.symbol) != simdjson::SUCCESS;
      if (key == "checksum") return v.get_uint64().get(b.checksum) != simdjson::SUCCESS;
      if (key == "timestamp") return v.get_string().get(b.timestamp) != simdjson::SUCCESS;
      if (key != "bids" && key != "asks") return 0;
      auto& levels = key == "bids" ? b.bids : b.asks;
      std::size_t bad = 0;
      for (auto row : v.get_array()) {
        BareLevel& level = levels.emplace_back();
        bad += each_field(row.get_object(), [&](std::string_view cell, auto& number) -> std::size_t {
          if (cell == "price") return number.get_double().get(level.price) != simdjson::SUCCESS;
          if (cell == "qty") return number.get_double().get(level.qty) != simdjson::SUCCESS;
          return 0;
        });
      }
      return bad;
    });
    benchmark::DoNotOptimize(b);
    return failures;
  });
}

// RapidJSON's DOM: parse the whole message into a Document, then read the
// same fields.
void BM_KrakenRapidJsonTrade(benchmark::State& state) {
  const FrameSet& set = trades();
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    BareTrade t;
    t.channel = document["channel"].GetString();
    t.type = document["type"].GetString();
    for (const auto& entry : document["data"].GetArray()) {
      t.symbol = entry["symbol"].GetString();
      t.side = entry["side"].GetString();
      t.price = entry["price"].GetDouble();
      t.qty = entry["qty"].GetDouble();
      t.trade_id = entry["trade_id"].GetUint64();
      t.timestamp = entry["timestamp"].GetString();
      benchmark::DoNotOptimize(t);
    }
  });
}

void BM_KrakenRapidJsonBook(benchmark::State& state) {
  const FrameSet& set = book();
  BareBook b;
  b.bids.reserve(64);
  b.asks.reserve(64);
  cycle_rapidjson(state, set, [&](const rapidjson::Document& document) {
    b.channel = document["channel"].GetString();
    b.type = document["type"].GetString();
    b.bids.clear();
    b.asks.clear();
    for (const auto& entry : document["data"].GetArray()) {
      b.symbol = entry["symbol"].GetString();
      b.checksum = entry["checksum"].GetUint64();
      b.timestamp = entry["timestamp"].GetString();
      for (const auto& row : entry["bids"].GetArray())
        b.bids.push_back({row["price"].GetDouble(), row["qty"].GetDouble()});
      for (const auto& row : entry["asks"].GetArray())
        b.asks.push_back({row["price"].GetDouble(), row["qty"].GetDouble()});
    }
    benchmark::DoNotOptimize(b);
  });
}

BENCHMARK_CAPTURE(BM_KrakenAdapter, trade, &trades, false)->Name("kraken_trade/rtm_adapter");
BENCHMARK(BM_KrakenBareSimdjsonTrade)->Name("kraken_trade/simdjson_ondemand");
BENCHMARK(BM_KrakenRapidJsonTrade)->Name("kraken_trade/rapidjson_dom");
BENCHMARK_CAPTURE(BM_KrakenAdapter, book, &book, true)->Name("kraken_book/rtm_adapter");
BENCHMARK(BM_KrakenBareSimdjsonBook)->Name("kraken_book/simdjson_ondemand");
BENCHMARK(BM_KrakenRapidJsonBook)->Name("kraken_book/rapidjson_dom");

}  // namespace
}  // namespace rtm::bench
