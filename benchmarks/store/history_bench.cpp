// The PostgreSQL history writer's trades per second against `psql \copy` of
// the same rows into the same table, in the same run: both into the
// partitioned trades table of db/migrations, emptied before each pass, on
// the database RTM_BENCH_DATABASE names (scripts/with-postgres.sh starts a
// throwaway one; make bench uses it). The writer's pass ends when every row
// is committed, as psql's does.
#include <benchmark/benchmark.h>

#include <pqxx/pqxx>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <fstream>
#include <string>
#include <vector>

#include "rtm/msg/decimal.hpp"
#include "rtm/store/history_writer.hpp"
#include "rtm/store/migrations.hpp"

namespace rtm::bench {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
constexpr std::size_t kInstruments = 9;

const char* database() {
  return std::getenv("RTM_BENCH_DATABASE");  // NOLINT(concurrency-mt-unsafe): read before threads
}

std::size_t trade_count() {
  const char* text = std::getenv("RTM_BENCH_TRADES");  // NOLINT(concurrency-mt-unsafe)
  return text != nullptr ? std::stoull(text) : 500'000;
}

struct Workload {
  std::vector<msg::Trade> trades;
  std::vector<std::string> names;
  std::string copy_file;  // the same rows, as psql's \copy reads them
};

std::string decimal(std::int64_t mantissa, std::uint8_t scale) {
  char text[msg::kMaxDecimalChars];
  return {text, msg::format_decimal({mantissa, scale}, text)};
}

const Workload& workload() {
  static const Workload w = [] {
    Workload out;
    for (std::size_t k = 0; k < kInstruments; ++k) out.names.push_back("binance:BENCH" + std::to_string(k));
    out.copy_file = "/tmp/rtm-history-bench-" + std::to_string(::getpid()) + ".tsv";
    std::ofstream file(out.copy_file);
    const std::size_t count = trade_count();
    for (std::size_t i = 0; i < count; ++i) {
      msg::Trade t;
      t.header.venue = msg::Venue::kBinance;
      t.header.instrument_id = msg::make_instrument_id(msg::Venue::kBinance, "BENCH" + std::to_string(i % kInstruments));
      t.header.sequence = i / kInstruments + 1;
      t.header.ts_event = kStart + static_cast<std::int64_t>(i) * 1'000'000;
      t.header.ts_recv = t.header.ts_event + 250'000;
      t.price = 6'500'000 + static_cast<std::int64_t>(i % 977);
      t.price_scale = 2;
      t.size = static_cast<std::int64_t>(1 + i % 5000);
      t.size_scale = 8;
      t.trade_id = i;
      t.aggressor = i % 3 == 0 ? msg::Aggressor::kSell : msg::Aggressor::kBuy;
      out.trades.push_back(t);
      file << t.header.ts_event << '\t' << out.names[i % kInstruments] << '\t'
           << static_cast<std::int64_t>(t.header.instrument_id) << '\t' << t.header.sequence << '\t'
           << decimal(t.price, t.price_scale) << '\t' << decimal(t.size, t.size_scale) << '\t'
           << (t.aggressor == msg::Aggressor::kSell ? "sell" : "buy") << '\t' << t.trade_id << '\t'
           << t.header.ts_recv << '\n';
    }
    return out;
  }();
  return w;
}

bool prepare(benchmark::State& state) {
  if (database() == nullptr) {
    state.SkipWithError("RTM_BENCH_DATABASE is not set (scripts/with-postgres.sh sets it)");
    return false;
  }
  store::migrate(database());
  pqxx::connection connection(database());
  pqxx::nontransaction(connection).exec("SELECT rtm_create_trade_partitions('2023-11-14', 3)");
  return true;
}

void empty_trades() {
  pqxx::connection connection(database());
  pqxx::nontransaction(connection).exec("TRUNCATE trades");
}

void rtm_writer(benchmark::State& state) {
  if (!prepare(state)) return;
  const Workload& w = workload();
  for (auto _ : state) {
    state.PauseTiming();
    empty_trades();
    state.ResumeTiming();
    store::HistoryWriterOptions options;
    options.database = database();
    store::HistoryWriter writer(std::move(options));
    for (std::size_t i = 0; i < w.trades.size(); ++i) writer.add_trade(w.trades[i], w.names[i % kInstruments]);
    if (!writer.flush(std::chrono::minutes(5)) || writer.counters().rejected > 0) {
      state.SkipWithError("the writer did not write every row");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.trades.size()));
}

void psql_copy(benchmark::State& state) {
  if (!prepare(state)) return;
  const Workload& w = workload();
  const std::string command = std::string("psql -q -v ON_ERROR_STOP=1 '") + database() +
                              "' -c \"\\copy trades (ts_event, instrument, instrument_id, seq, price, size, side, "
                              "trade_id, ts_recv) FROM '" + w.copy_file + "'\"";
  for (auto _ : state) {
    state.PauseTiming();
    empty_trades();
    state.ResumeTiming();
    if (std::system(command.c_str()) != 0) state.SkipWithError("psql \\copy failed");  // NOLINT(cert-env33-c)
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.trades.size()));
}

BENCHMARK(rtm_writer)->Name("history_trades/rtm")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(psql_copy)->Name("history_trades/psql_copy")->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
