// Books + bars + best bid/offer + statistics on one core: StreamProcessor
// against the straightforward reference (reference_stream.hpp), both on the
// same records, those the synthetic market's frames normalize to (BTC, ETH
// and SOL on three venues, a quarter of a million records), each handed to
// its handler as rtm aggregate hands an adapter's records over. Beside
// them, the books alone and the delivery alone, for how the time divides.
#include <benchmark/benchmark.h>

#include <map>
#include <variant>
#include <vector>

#include "reference_stream.hpp"
#include "rtm/feeds/synthetic_feed.hpp"
#include "rtm/stream/id_map.hpp"
#include "rtm/stream/stream_processor.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kRecords = 250'000;

// The records the stream takes, and nothing wider: an AnyRecord is sized
// for the largest record of all (an instrument definition), which would
// make the input half as large again in memory.
using StreamRecord = std::variant<msg::Trade, msg::BookDelta, msg::Status>;

struct Collect final : feeds::RecordSink {
  void on_trade(const msg::Trade& r) override { records.emplace_back(r); }
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta& r) override { records.emplace_back(r); }
  void on_status(const msg::Status& r) override { records.emplace_back(r); }
  void on_instrument(const msg::InstrumentDef&) override {}
  std::vector<StreamRecord> records;
};

struct Input {
  std::vector<StreamRecord> records;
  std::map<msg::InstrumentId, std::string> canonical;  // BTC-USD for BTCUSDT, BTC-USD and BTC/USD alike
  std::size_t trades = 0;
};

// Each record to its handler, as rtm aggregate's StreamFeed hands an
// adapter's records to the processor; the reference is handed them alike.
template <class Stream>
void deliver(Stream& stream, const msg::Trade& trade) {
  stream.on_trade(trade);
}
template <class Stream>
void deliver(Stream& stream, const msg::BookDelta& delta) {
  stream.on_book_delta(delta);
}
template <class Stream>
void deliver(Stream& stream, const msg::Status& status) {
  stream.on_status(status);
}

const Input& input() {
  static const Input made = [] {
    Input in;
    feeds::InstrumentCatalog catalog;
    Collect sink;
    feeds::VenueSet venues(catalog, sink);
    feeds::MarketSimulator market;
    feeds::SyntheticFeed feed(market, venues, 0);
    while (sink.records.size() < kRecords) feed.step();
    in.records = std::move(sink.records);
    for (const auto& record : in.records) {
      std::visit([&](const auto& r) { in.trades += std::is_same_v<std::decay_t<decltype(r)>, msg::Trade> ? 1 : 0; },
                 record);
      const msg::InstrumentId id = std::visit([](const auto& r) { return r.header.instrument_id; }, record);
      if (const feeds::Instrument* instrument = catalog.find(id)) {
        std::string symbol = instrument->spec.canonical;
        if (symbol.ends_with("-USDT")) symbol.pop_back();  // one dollar book per asset across the venues
        in.canonical[id] = symbol;
      }
    }
    return in;
  }();
  return made;
}

struct Counting final : stream::DerivedSink {
  void on_bar(const msg::Bar& bar) override { final_bars += (bar.header.flags & msg::flags::kFinal) != 0 ? 1 : 0; }
  void on_nbbo(const msg::Nbbo&) override { ++nbbo; }
  void on_stats(const msg::Stats&) override { ++stats; }
  void on_alert(const msg::Alert&) override { ++alerts; }
  std::uint64_t final_bars = 0, nbbo = 0, stats = 0, alerts = 0;
};

struct Resolver final : stream::SymbolResolver {
  explicit Resolver(const Input& in) : in_(in) {}
  std::optional<std::string> canonical(msg::InstrumentId id) override {
    const auto found = in_.canonical.find(id);
    if (found == in_.canonical.end()) return std::nullopt;
    return found->second;
  }
  const Input& in_;
};

void BM_StreamProcessor(benchmark::State& state) {
  const Input& in = input();
  Counting out;
  for (auto _ : state) {
    Resolver symbols(in);
    out = {};
    stream::StreamProcessor processor({}, symbols, out);
    for (const StreamRecord& record : in.records) {
      std::visit([&](const auto& r) { deliver(processor, r); }, record);
    }
    processor.finish();
    benchmark::DoNotOptimize(out);
  }
  if (out.final_bars == 0 || out.nbbo == 0 || out.stats == 0) state.SkipWithError("nothing derived");
  state.counters["final_bars"] = static_cast<double>(out.final_bars);
  state.counters["nbbo"] = static_cast<double>(out.nbbo);
  state.counters["stats"] = static_cast<double>(out.stats);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.records.size()));
}

void BM_Reference(benchmark::State& state) {
  const Input& in = input();
  std::map<msg::InstrumentId, msg::InstrumentId> composites;
  for (const auto& [id, symbol] : in.canonical) {
    composites[id] = msg::make_instrument_id(msg::Venue::kComposite, symbol);
  }
  const stream::StreamOptions defaults;
  std::vector<std::int64_t> intervals, windows;
  for (const auto interval : defaults.bars.intervals) intervals.push_back(interval.count());
  for (const auto window : defaults.stats.windows) windows.push_back(window.count());
  std::uint64_t final_bars = 0;
  for (auto _ : state) {
    ReferenceStream reference(intervals, windows, composites);
    for (const StreamRecord& record : in.records) {
      std::visit([&](const auto& r) { deliver(reference, r); }, record);
    }
    reference.finish();
    final_bars = reference.final_bars;
    benchmark::DoNotOptimize(reference);
  }
  state.counters["final_bars"] = static_cast<double>(final_bars);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.records.size()));
}

// Not a comparison: the books alone, rebuilt from the same records' deltas
// (each instrument's book kept at hand while its deltas come in a row),
// with nothing derived. What rtm's run takes beyond this is the bars, best
// bid/offer and statistics and the records they publish, and every
// record's trip through the processor.
void BM_BooksOnly(benchmark::State& state) {
  const Input& in = input();
  std::size_t levels = 0;
  for (auto _ : state) {
    stream::IdMap<book::OrderBook> books;
    book::OrderBook* last = nullptr;
    msg::InstrumentId last_id = msg::kNoInstrument;
    for (const StreamRecord& record : in.records) {
      const auto* delta = std::get_if<msg::BookDelta>(&record);
      if (delta == nullptr) continue;
      if (last == nullptr || last_id != delta->header.instrument_id) {
        last_id = delta->header.instrument_id;
        last = &books[last_id];
      }
      if ((delta->header.flags & msg::flags::kSnapshotBegin) != 0) last->clear();
      last->apply(delta->side, delta->price, delta->size);
    }
    levels = last == nullptr ? 0 : last->depth(msg::BookSide::kBid) + last->depth(msg::BookSide::kAsk);
    benchmark::DoNotOptimize(books);
  }
  if (levels == 0) state.SkipWithError("no book built");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.records.size()));
}

// Not a comparison either: the records' delivery alone, to handlers that
// read each record's event time and nothing more. Both sides above pay it:
// the floor under their times, the input's trip from memory and the
// dispatch on its kind.
struct ReadTimes {
  void on_trade(const msg::Trade& r) { take(r.header); }
  void on_book_delta(const msg::BookDelta& r) { take(r.header); }
  void on_status(const msg::Status& r) { take(r.header); }
  // Unsigned: a quarter of a million event times overflow a signed sum.
  void take(const msg::RecordHeader& header) { sum += static_cast<std::uint64_t>(header.ts_event); }
  std::uint64_t sum = 0;
};

void BM_DeliveryOnly(benchmark::State& state) {
  const Input& in = input();
  for (auto _ : state) {
    ReadTimes reader;
    for (const StreamRecord& record : in.records) {
      std::visit([&](const auto& r) { deliver(reader, r); }, record);
      benchmark::DoNotOptimize(reader.sum);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.records.size()));
}

BENCHMARK(BM_StreamProcessor)->Name("stream_books_bars_nbbo_stats/rtm")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BooksOnly)->Name("stream_books_only/rtm")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeliveryOnly)->Name("stream_delivery_only")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Reference)->Name("stream_books_bars_nbbo_stats/reference")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
