// Kill-and-recover: the stream service in a child process, journaling the
// synthetic market's records, is killed with SIGKILL at a random moment.
// Recovered from its journal and given the records after the last one the
// journal holds (as a bus or Kafka would redeliver them), it derives exactly
// what an undisturbed run derives from those records on, and its hot store
// ends as the undisturbed run's does. Deterministic: the same records, the
// same bytes out.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rtm/feeds/synthetic_feed.hpp"
#include "rtm/msg/codec.hpp"
#include "stream_service.hpp"

namespace rtm::streamsvc {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::byte>;

constexpr std::size_t kRecords = 40'000;

// Every record the adapters emit, encoded as on the bus.
class Encoder final : public feeds::RecordSink {
 public:
  void on_trade(const msg::Trade& r) override { add(r); }
  void on_bbo(const msg::Bbo& r) override { add(r); }
  void on_book_delta(const msg::BookDelta& r) override { add(r); }
  void on_status(const msg::Status& r) override { add(r); }
  void on_instrument(const msg::InstrumentDef& r) override { add(r); }
  std::vector<Bytes> records;

 private:
  template <class R>
  void add(const R& record) {
    std::array<std::byte, msg::kMaxRecordSize> buffer{};
    const msg::EncodeResult encoded = msg::encode(record, buffer);
    records.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(encoded.size));
  }
};

const std::vector<Bytes>& market_records() {
  static const std::vector<Bytes> records = [] {
    feeds::InstrumentCatalog catalog;
    Encoder sink;
    feeds::VenueSet venues(catalog, sink);
    feeds::MarketSimulator market({.loss_rate = 0.002});  // gaps and resyncs too
    feeds::SyntheticFeed feed(market, venues, 0);
    while (sink.records.size() < kRecords) feed.step();
    return std::move(sink.records);
  }();
  return records;
}

// What the service derives, encoded, in order.
struct Derived final : stream::DerivedSink {
  void on_bar(const msg::Bar& r) override { add(r); }
  void on_nbbo(const msg::Nbbo& r) override { add(r); }
  void on_stats(const msg::Stats& r) override { add(r); }
  void on_alert(const msg::Alert& r) override { add(r); }
  template <class R>
  void add(const R& record) {
    std::array<std::byte, msg::kMaxRecordSize> buffer{};
    const msg::EncodeResult encoded = msg::encode(record, buffer);
    out.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(encoded.size));
  }
  std::vector<Bytes> out;
};

StreamServiceOptions service_options(store::HotStore& hot, std::optional<store::JournalOptions> journal) {
  StreamServiceOptions options;
  options.stream.bars.intervals = {std::chrono::seconds(1), std::chrono::minutes(1)};
  std::string error;
  options.stream.alerts = *stream::parse_alert_rules("price_move:1m:0.05,wide_spread:2,crossed_market:1", error);
  options.journal = std::move(journal);
  options.hot_store = &hot;
  return options;
}

void feed(StreamService& service, std::size_t from, std::size_t to) {
  const std::vector<Bytes>& records = market_records();
  for (std::size_t i = from; i < to; ++i) service.on_record(records[i]);
}

// The hot store's contents that a query can see, as comparable values.
struct Contents {
  std::vector<msg::Trade> trades;
  std::vector<msg::Bar> bars;
  std::vector<store::BookLevel> bids, asks;
  std::vector<msg::InstrumentDef> instruments;
  bool operator==(const Contents&) const = default;
};

Contents contents(const store::HotStore& hot) {
  Contents c;
  c.instruments = hot.instruments();
  for (const msg::InstrumentDef& definition : c.instruments) {
    const msg::InstrumentId id = definition.header.instrument_id;
    const auto trades = hot.trades(id, 0, INT64_MAX, SIZE_MAX);
    c.trades.insert(c.trades.end(), trades.begin(), trades.end());
    const auto bars = hot.bars(id, 1'000'000'000, 0, INT64_MAX, SIZE_MAX);
    c.bars.insert(c.bars.end(), bars.begin(), bars.end());
    if (const auto book = hot.book(id, 50)) {
      c.bids.insert(c.bids.end(), book->bids.begin(), book->bids.end());
      c.asks.insert(c.asks.end(), book->asks.begin(), book->asks.end());
    }
  }
  return c;
}

TEST(StreamRecovery, AKilledServiceRecoversToTheSameOutput) {
  const std::vector<Bytes>& records = market_records();
  // The undisturbed run, and how much it had derived after each record.
  store::HotStore reference_hot;
  Derived reference;
  std::vector<std::size_t> derived_before(records.size() + 1);
  {
    StreamService service(service_options(reference_hot, std::nullopt), reference);
    for (std::size_t i = 0; i < records.size(); ++i) {
      derived_before[i] = reference.out.size();
      service.on_record(records[i]);
    }
    derived_before[records.size()] = reference.out.size();
  }
  ASSERT_GT(reference.out.size(), 1000U);

  const fs::path directory = fs::temp_directory_path() / ("rtm-stream-recovery-" + std::to_string(::getpid()));
  std::mt19937_64 random(29);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    fs::remove_all(directory);
    store::JournalOptions journal{.directory = directory};
    journal.fsync = store::FsyncPolicy::kEveryRecords;
    journal.fsync_records = 1 + random() % 20;
    journal.buffer_bytes = 1 + random() % 4096;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      store::HotStore hot;
      Derived out;
      StreamService service(service_options(hot, journal), out);
      service.recover();
      feed(service, 0, records.size());
      ::pause();  // all done before the kill: wait for it
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 400));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));

    store::HotStore hot;
    Derived out;
    {
      StreamService service(service_options(hot, journal), out);
      const store::RecoveryReport report = service.recover();
      ASSERT_TRUE(report.ok) << report.error;
      ASSERT_LE(report.records, records.size());
      SCOPED_TRACE("recovered " + std::to_string(report.records) + " records");
      EXPECT_TRUE(out.out.empty()) << "the replay sends nothing again";
      feed(service, report.records, records.size());
      const std::vector<Bytes> expected(reference.out.begin() + static_cast<std::ptrdiff_t>(derived_before[report.records]),
                                        reference.out.end());
      ASSERT_EQ(out.out.size(), expected.size());
      EXPECT_TRUE(out.out == expected) << "the same records derived after recovery as without the kill";
    }
    EXPECT_TRUE(contents(hot) == contents(reference_hot)) << "the hot store ends the same";

    // The journal now holds every record once: read back, it rebuilds all.
    store::HotStore rebuilt;
    Derived silent;
    StreamService again(service_options(rebuilt, journal), silent);
    EXPECT_EQ(again.recover().records, records.size());
    EXPECT_TRUE(contents(rebuilt) == contents(reference_hot));
  }
  fs::remove_all(directory);
}

}  // namespace
}  // namespace rtm::streamsvc
