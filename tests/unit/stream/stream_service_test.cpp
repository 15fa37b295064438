#include "stream_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "rtm/msg/codec.hpp"

namespace rtm::streamsvc {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
const msg::InstrumentId kKraken = msg::make_instrument_id(msg::Venue::kKraken, "BTC/USD");

struct Collected : stream::DerivedSink {
  void on_bar(const msg::Bar& bar) override { bars.push_back(bar); }
  void on_nbbo(const msg::Nbbo&) override { ++nbbo; }
  void on_stats(const msg::Stats&) override { ++stats; }
  void on_alert(const msg::Alert&) override {}
  std::vector<msg::Bar> bars;
  int nbbo = 0, stats = 0;
};

template <class R>
void send(StreamService& service, R record) {
  std::array<std::byte, msg::kMaxRecordSize> bytes{};
  const msg::EncodeResult encoded = msg::encode(record, bytes);
  ASSERT_TRUE(encoded.ok());
  service.on_record(std::span(bytes.data(), encoded.size));
}

msg::Trade trade(std::int64_t ts, std::int64_t price) {
  msg::Trade t;
  t.header.venue = msg::Venue::kKraken;
  t.header.instrument_id = kKraken;
  t.header.ts_event = ts;
  t.price = price;
  t.size = 1;
  t.price_scale = 1;
  t.aggressor = msg::Aggressor::kBuy;
  return t;
}

msg::BookDelta delta(std::int64_t ts, msg::BookSide side, std::int64_t price, std::uint16_t flags) {
  msg::BookDelta d;
  d.header.venue = msg::Venue::kKraken;
  d.header.instrument_id = kKraken;
  d.header.ts_event = ts;
  d.header.flags = flags;
  d.side = side;
  d.price = price;
  d.size = 5;
  d.price_scale = 1;
  return d;
}

// What reached the journal is all there after a restart: the rebuilt books
// and open bars go on as if nothing had happened, and the replay itself
// sends nothing out again.
TEST(StreamService, ARestartRebuildsTheStateFromTheJournal) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("rtm-stream-service-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  StreamServiceOptions options;
  options.stream.bars.intervals = {1min};
  options.journal = store::JournalOptions{.directory = directory};
  {
    Collected out;
    StreamService service(options, out);
    EXPECT_EQ(service.recover().records, 0U);
    msg::InstrumentDef definition;
    definition.header.venue = msg::Venue::kKraken;
    definition.header.instrument_id = kKraken;
    definition.venue_symbol.assign("BTC/USD");
    definition.canonical_symbol.assign("BTC-USD");
    definition.price_scale = 1;
    send(service, definition);
    send(service, delta(kStart, msg::BookSide::kBid, 1000, msg::flags::kSnapshotBegin));
    send(service, delta(kStart, msg::BookSide::kAsk, 1002, msg::flags::kSnapshotEnd | msg::flags::kEndOfBatch));
    msg::Status ready;
    ready.header.venue = msg::Venue::kKraken;
    ready.header.instrument_id = kKraken;
    ready.header.ts_event = kStart;
    ready.code = msg::StatusCode::kBookReady;
    send(service, ready);
    for (std::int64_t i = 0; i < 10; ++i) send(service, trade(kStart + i * 1'000'000'000, 1000 + i));
    EXPECT_EQ(service.counters().records, 14U);
  }  // stopped: the journal is synced and closed

  Collected out;
  StreamService service(options, out);
  const store::RecoveryReport report = service.recover();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.records, 14U);
  EXPECT_EQ(service.directory().name(kKraken), "kraken:BTC/USD") << "definitions are journaled too";
  EXPECT_TRUE(out.bars.empty()) << "the replay derives again but sends nothing";
  EXPECT_EQ(out.nbbo, 0);
  const book::OrderBook* book = service.processor().book(kKraken);
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->best_bid()->price, 1000);
  EXPECT_EQ(book->best_ask()->price, 1002);
  EXPECT_TRUE(service.processor().live(kKraken));
  // A trade a minute later closes the bar that began before the restart.
  send(service, trade(kStart + 70'000'000'000, 1100));
  std::uint64_t trades_in_first_bar = 0;
  std::uint64_t trades_in_first_composite_bar = 0;
  for (const msg::Bar& bar : out.bars) {
    if ((bar.header.flags & msg::flags::kFinal) == 0) continue;
    if (bar.header.instrument_id == kKraken) trades_in_first_bar = bar.trade_count;
    if (service.processor().symbol_of(bar.header.instrument_id) == "BTC-USD") {
      trades_in_first_composite_bar = bar.trade_count;
    }
  }
  EXPECT_EQ(trades_in_first_bar, 10U);
  EXPECT_EQ(trades_in_first_composite_bar, 10U) << "the canonical symbol is learned again from the journal";
  std::filesystem::remove_all(directory);
}

msg::Trade sequenced_trade(std::uint64_t sequence) {
  msg::Trade t = trade(kStart + static_cast<std::int64_t>(sequence) * 1'000'000'000, 1000);
  t.header.sequence = sequence;
  return t;
}

std::filesystem::path fresh_directory(const char* name) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  return directory;
}

// A transport that redelivers (Kafka after a rebalance) changes nothing: a
// sequence already processed is dropped and counted, and after a restart
// the journal remembers the sequences.
TEST(StreamService, RedeliveredRecordsAreDroppedAcrossRestarts) {
  const std::filesystem::path directory = fresh_directory("rtm-stream-dedup");
  StreamServiceOptions options;
  options.stream.bars.intervals = {1min};
  options.journal = store::JournalOptions{.directory = directory};
  options.deduplicate = true;
  {
    Collected out;
    StreamService service(options, out);
    service.recover();
    for (std::uint64_t sequence = 1; sequence <= 5; ++sequence) send(service, sequenced_trade(sequence));
    send(service, sequenced_trade(3));  // redelivered
    EXPECT_EQ(service.counters().records, 5U);
    EXPECT_EQ(service.counters().duplicates, 1U);
  }
  Collected out;
  StreamService service(options, out);
  service.recover();
  for (std::uint64_t sequence = 4; sequence <= 7; ++sequence) send(service, sequenced_trade(sequence));
  EXPECT_EQ(service.counters().duplicates, 2U) << "4 and 5 were journaled before the restart";
  EXPECT_EQ(service.counters().records, 5U + 2U);  // 5 replayed from the journal, 6 and 7
  std::filesystem::remove_all(directory);
}

// What was derived from records after the last acknowledged checkpoint may
// have died in a producer's queue: a restart publishes it again while it
// replays the journal; what was acknowledged is not sent twice.
TEST(StreamService, ARestartRepublishesWhatWasNotAcknowledged) {
  const std::filesystem::path directory = fresh_directory("rtm-stream-checkpoint");
  StreamServiceOptions options;
  options.stream.bars.intervals = {1min};
  options.journal = store::JournalOptions{.directory = directory};
  options.deduplicate = true;
  std::uint64_t acknowledged = 0;
  options.derived_acknowledged = [&acknowledged] { return acknowledged; };
  std::size_t bars_before_the_crash = 0;
  {
    Collected out;
    StreamService service(options, out);
    service.recover();
    // Two minutes of trades: the first minute's bar goes final.
    for (std::uint64_t sequence = 1; sequence <= 150; ++sequence) send(service, sequenced_trade(sequence));
    acknowledged = 0;  // nothing reached the cluster
    bars_before_the_crash = out.bars.size();
    ASSERT_GT(bars_before_the_crash, 0U);
  }  // killed: no checkpoint beyond the one written at start-up

  {
    Collected again;
    StreamService restarted(options, again);
    restarted.recover();
    EXPECT_EQ(restarted.republished(), 150U);
    EXPECT_EQ(again.bars.size(), bars_before_the_crash) << "everything derived goes out again";
    // A stop before that is acknowledged moves no mark.
    restarted.write_checkpoint();
  }
  {
    Collected again;
    StreamService restarted(options, again);
    restarted.recover();
    EXPECT_EQ(restarted.republished(), 150U);
    // This time every record's output is acknowledged, and the stop is clean.
    for (std::uint64_t sequence = 151; sequence <= 160; ++sequence) send(restarted, sequenced_trade(sequence));
    acknowledged = std::numeric_limits<std::uint64_t>::max();
    restarted.write_checkpoint();
  }
  Collected third;
  StreamService third_run(options, third);
  third_run.recover();
  EXPECT_EQ(third_run.republished(), 0U);
  EXPECT_TRUE(third.bars.empty()) << "acknowledged output is not sent again";
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace rtm::streamsvc
