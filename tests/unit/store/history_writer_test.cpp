// The history writer and the migrations against a real PostgreSQL, started
// for the test run by scripts/pg_server.py (RTM_TEST_DATABASE).
#include "rtm/store/history_writer.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "rtm/store/migrations.hpp"

namespace rtm::store {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z

std::string database() {
  const char* url = std::getenv("RTM_TEST_DATABASE");  // NOLINT(concurrency-mt-unsafe): read before threads
  if (url == nullptr) throw std::runtime_error("RTM_TEST_DATABASE is not set: run through ctest");
  return url;
}

std::int64_t count(const std::string& query) {
  pqxx::connection connection(database());
  pqxx::nontransaction read(connection);
  return read.exec(query)[0][0].as<std::int64_t>();
}

msg::Trade trade(std::uint64_t sequence, std::int64_t ts) {
  msg::Trade t;
  t.header.venue = msg::Venue::kCoinbase;
  t.header.instrument_id = msg::make_instrument_id(msg::Venue::kCoinbase, "BTC-USD");
  t.header.sequence = sequence;
  t.header.ts_event = ts;
  t.header.ts_recv = ts + 1000;
  t.price = 6'500'012;
  t.price_scale = 2;
  t.size = 150'000'000;
  t.size_scale = 8;
  t.trade_id = sequence;
  t.aggressor = msg::Aggressor::kSell;
  return t;
}

msg::Bar bar(std::uint64_t trades, bool final, std::uint16_t revision) {
  msg::Bar b;
  b.header.venue = msg::Venue::kComposite;
  b.header.flags = final ? msg::flags::kFinal : 0;
  b.start_ns = kStart / 60'000'000'000 * 60'000'000'000;
  b.interval_ns = 60'000'000'000;
  b.open = b.high = b.low = b.close = b.vwap = 6'500'012;
  b.price_scale = 2;
  b.volume = b.buy_volume = static_cast<std::int64_t>(trades) * 100;
  b.size_scale = 2;
  b.trade_count = trades;
  b.revision = revision;
  return b;
}

class HistoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pqxx::connection connection(database());
    pqxx::nontransaction reset(connection);
    reset.exec("DROP TABLE IF EXISTS trades, bars, alerts, schema_migrations CASCADE");
    reset.exec("DROP FUNCTION IF EXISTS rtm_create_trade_partitions(date, integer)");
  }
  void SetUp() override {
    migrate(database());
    pqxx::connection connection(database());
    pqxx::nontransaction reset(connection);
    reset.exec("TRUNCATE trades, bars, alerts");
  }
  HistoryWriterOptions options() const {
    HistoryWriterOptions o;
    o.database = database();
    o.batch_rows = 1000;
    o.batch_delay = 20ms;
    o.retry_min = 20ms;
    o.retry_max = 200ms;
    return o;
  }
};

TEST_F(HistoryTest, MigratingTwiceIsANoOp) {
  const MigrationReport again = migrate(database());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.from_version, again.to_version);
  EXPECT_EQ(again.to_version, bundled_migrations().back().version);
  EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), static_cast<std::int64_t>(bundled_migrations().size()));
}

TEST_F(HistoryTest, TradesLandInDailyPartitionsOnceEach) {
  {
    HistoryWriter writer(options());
    for (std::uint64_t i = 1; i <= 5000; ++i) writer.add_trade(trade(i, kStart + static_cast<std::int64_t>(i) * 1'000'000'000 * 40), "coinbase:BTC-USD");
    // The same trades again, as after a redelivery: nothing doubles.
    for (std::uint64_t i = 1; i <= 5000; ++i) writer.add_trade(trade(i, kStart + static_cast<std::int64_t>(i) * 1'000'000'000 * 40), "coinbase:BTC-USD");
    ASSERT_TRUE(writer.flush(30s));
    EXPECT_EQ(writer.counters().rejected, 0U);
  }
  EXPECT_EQ(count("SELECT count(*) FROM trades"), 5000);
  // 5000 trades 40 s apart from 22:13 UTC span four UTC days: each has its
  // partition, and the days after are made ahead of time.
  EXPECT_GE(count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'trades'::regclass"), 4 + 2);
  EXPECT_EQ(count("SELECT count(*) FROM trades WHERE price = 65000.12 AND size = 1.5 AND side = 'sell' AND "
                  "instrument = 'coinbase:BTC-USD'"),
            5000);
  EXPECT_EQ(count("SELECT count(DISTINCT tableoid) FROM trades"), 4);
}

TEST_F(HistoryTest, ABarIsReplacedByItsLaterRevisionsOnly) {
  HistoryWriter writer(options());
  writer.add_bar(bar(3, false, 0), "BTC-USD");
  writer.add_bar(bar(5, true, 0), "BTC-USD");
  writer.add_bar(bar(6, true, 1), "BTC-USD");
  writer.add_bar(bar(4, false, 0), "BTC-USD");  // an open update arriving late (a redelivery)
  writer.add_bar(bar(5, true, 0), "BTC-USD");   // the first final one again
  ASSERT_TRUE(writer.flush(30s));
  EXPECT_EQ(count("SELECT count(*) FROM bars"), 1);
  EXPECT_EQ(count("SELECT trades FROM bars WHERE series = 'BTC-USD' AND final AND revision = 1"), 6);
}

TEST_F(HistoryTest, ALostConnectionIsRetriedWithoutLossOrDuplicates) {
  HistoryWriter writer(options());
  for (std::uint64_t i = 1; i <= 3000; ++i) writer.add_trade(trade(i, kStart + static_cast<std::int64_t>(i)), "coinbase:BTC-USD");
  ASSERT_TRUE(writer.flush(30s));
  // Every other session is cut, as when the server restarts.
  {
    pqxx::connection connection(database());
    pqxx::nontransaction kill(connection);
    kill.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
              "datname = current_database()");
  }
  for (std::uint64_t i = 3001; i <= 6000; ++i) writer.add_trade(trade(i, kStart + static_cast<std::int64_t>(i)), "coinbase:BTC-USD");
  ASSERT_TRUE(writer.flush(30s));
  EXPECT_GE(writer.counters().failures, 1U);
  EXPECT_EQ(count("SELECT count(*) FROM trades"), 6000);
}

TEST_F(HistoryTest, RowsWaitOnDiskWhileTheDatabaseIsAway) {
  const std::filesystem::path spool =
      std::filesystem::temp_directory_path() / ("rtm-history-spool-" + std::to_string(::getpid()));
  std::filesystem::remove_all(spool);
  HistoryWriterOptions away = options();
  away.database = "postgresql://rtm@/postgres?host=/nonexistent&port=1&connect_timeout=1";
  away.spool_directory = spool;
  away.spool_memory_bytes = 64 * 1024;  // a few hundred rows, then disk
  {
    HistoryWriter writer(away);
    for (std::uint64_t i = 1; i <= 4000; ++i) writer.add_trade(trade(i, kStart + static_cast<std::int64_t>(i)), "coinbase:BTC-USD");
    std::this_thread::sleep_for(300ms);
    EXPECT_GT(writer.counters().spool_disk_bytes, 0);
    EXPECT_EQ(writer.counters().dropped, 0U);
    EXPECT_FALSE(writer.flush(200ms));
  }  // gives up after its deadline; what is left stays in the spool
  EXPECT_FALSE(std::filesystem::is_empty(spool));
  // The next writer on the same spool finds the database back.
  HistoryWriterOptions back = options();
  back.spool_directory = spool;
  {
    HistoryWriter writer(back);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (count("SELECT count(*) FROM trades") < 4000 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM trades"), 4000);
  EXPECT_TRUE(std::filesystem::is_empty(spool));
  std::filesystem::remove_all(spool);
}

}  // namespace
}  // namespace rtm::store
