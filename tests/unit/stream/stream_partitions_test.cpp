// The stream service on a transport with partitions: each partition has its
// own state and event time, only the partitions a member owns publish, and
// records handed over with a partition rebuild its state silently.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "rtm/msg/codec.hpp"
#include "stream_service.hpp"

namespace rtm::streamsvc {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kMinute = 60'000'000'000;
constexpr std::int64_t kStart = 28'333'334 * kMinute;  // on a minute's boundary
const msg::InstrumentId kKraken = msg::make_instrument_id(msg::Venue::kKraken, "BTC/USD");
const msg::InstrumentId kCoinbase = msg::make_instrument_id(msg::Venue::kCoinbase, "ETH-USD");

struct Collected : stream::DerivedSink {
  void on_bar(const msg::Bar& bar) override { bars.push_back(bar); }
  void on_nbbo(const msg::Nbbo&) override { ++others; }
  void on_stats(const msg::Stats&) override { ++others; }
  void on_alert(const msg::Alert&) override { ++others; }
  [[nodiscard]] std::size_t records() const { return bars.size() + others; }
  [[nodiscard]] std::vector<msg::Bar> finals(msg::InstrumentId instrument) const {
    std::vector<msg::Bar> out;
    for (const msg::Bar& bar : bars) {
      if (bar.header.instrument_id == instrument && (bar.header.flags & msg::flags::kFinal) != 0) out.push_back(bar);
    }
    return out;
  }
  std::vector<msg::Bar> bars;
  std::size_t others = 0;
};

msg::Trade trade(msg::InstrumentId instrument, std::int64_t ts, std::uint64_t sequence) {
  msg::Trade t;
  t.header.venue = instrument == kKraken ? msg::Venue::kKraken : msg::Venue::kCoinbase;
  t.header.instrument_id = instrument;
  t.header.sequence = sequence;
  t.header.ts_event = ts;
  t.price = 1000 + static_cast<std::int64_t>(sequence);
  t.size = 1;
  t.price_scale = 1;
  t.aggressor = msg::Aggressor::kBuy;
  return t;
}

enum class Delivery { kLive, kHandedOver };

void send(StreamService& service, const msg::Trade& record, Delivery delivery = Delivery::kLive) {
  std::array<std::byte, msg::kMaxRecordSize> bytes{};
  const msg::EncodeResult encoded = msg::encode(record, bytes);
  ASSERT_TRUE(encoded.ok());
  const std::span<const std::byte> span(bytes.data(), encoded.size);
  if (delivery == Delivery::kLive) {
    service.on_record(span);
  } else {
    service.on_handed_over(span);
  }
}

StreamServiceOptions minute_bars() {
  StreamServiceOptions options;
  options.stream.bars.intervals = {1min};
  options.deduplicate = true;
  return options;
}

// The transport gives the service `partitions`; the records that follow
// come from the first.
void assign(StreamService& service, std::vector<int> partitions) {
  service.on_partitions_assigned(partitions);
  service.on_partition(partitions.front());
}

TEST(StreamPartitions, OnlyThePartitionsAMemberOwnsPublish) {
  Collected out;
  StreamService service(minute_bars(), out);
  assign(service, {0});
  send(service, trade(kKraken, kStart, 1));
  const std::size_t published = out.records();
  EXPECT_GT(published, 0U);

  // Records of a partition this member does not own (a revoked one's last
  // poll, say) are processed, and publish nothing.
  service.on_partition(1);
  send(service, trade(kCoinbase, kStart, 1));
  send(service, trade(kCoinbase, kStart + 2 * kMinute, 2));  // finalizes its first bar
  EXPECT_EQ(out.records(), published);

  const std::array revoked{0};
  service.on_partitions_revoked(revoked);
  service.on_partition(0);
  send(service, trade(kKraken, kStart + kMinute, 2));
  EXPECT_EQ(out.records(), published);

  const std::array given{1};
  service.on_partitions_assigned(given);
  service.on_partition(1);
  send(service, trade(kCoinbase, kStart + 3 * kMinute, 3));
  EXPECT_GT(out.records(), published);
}

// A partition taken over: the records the previous owner processed build
// this member's state without publishing anything (the previous owner did);
// its bars then close with every trade in them.
TEST(StreamPartitions, HandedOverRecordsBuildTheStateSilently) {
  Collected out;
  StreamService service(minute_bars(), out);
  assign(service, {0});
  for (std::uint64_t i = 1; i <= 10; ++i) {
    send(service, trade(kKraken, kStart + static_cast<std::int64_t>(i) * 1'000'000'000, i), Delivery::kHandedOver);
  }
  EXPECT_EQ(out.records(), 0U);
  EXPECT_EQ(service.counters().handed_over, 10U);
  send(service, trade(kKraken, kStart + 2 * kMinute, 11));
  const std::vector<msg::Bar> finals = out.finals(kKraken);
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].trade_count, 10U);
  EXPECT_EQ(finals[0].open, 1001);
  EXPECT_EQ(finals[0].close, 1010);
  // A record handed over twice (redelivered) counts once.
  send(service, trade(kKraken, kStart + 2 * kMinute, 11), Delivery::kHandedOver);
  EXPECT_EQ(service.counters().duplicates, 1U);
}

// Each partition's event time is its own: a partition taken over while
// another runs minutes ahead closes its bars on its own records, not as
// late trades of the other's clock.
TEST(StreamPartitions, EachPartitionKeepsItsOwnEventTime) {
  Collected out;
  StreamService service(minute_bars(), out);
  assign(service, {0, 1});
  send(service, trade(kKraken, kStart + 10 * kMinute, 1));
  service.on_partition(1);
  for (std::uint64_t i = 1; i <= 5; ++i) {
    send(service, trade(kCoinbase, kStart + static_cast<std::int64_t>(i) * 1'000'000'000, i), Delivery::kHandedOver);
  }
  send(service, trade(kCoinbase, kStart + 2 * kMinute, 6));
  const std::vector<msg::Bar> finals = out.finals(kCoinbase);
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].trade_count, 5U);
  EXPECT_EQ(finals[0].header.flags & msg::flags::kRevision, 0);
  EXPECT_EQ(finals[0].revision, 0U);
}

// The journal holds records, not partitions: after a restart each record
// is replayed into the state of the partition it came from.
TEST(StreamPartitions, TheJournalIsReplayedIntoEachRecordsPartition) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("rtm-stream-partitions-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  StreamServiceOptions options = minute_bars();
  options.journal = store::JournalOptions{.directory = directory};
  {
    Collected out;
    StreamService service(options, out);
    service.recover();
    assign(service, {0, 1});
    send(service, trade(kKraken, kStart + 10 * kMinute, 1));
    service.on_partition(1);
    for (std::uint64_t i = 1; i <= 5; ++i) {
      send(service, trade(kCoinbase, kStart + static_cast<std::int64_t>(i) * 1'000'000'000, i));
    }
  }
  Collected out;
  StreamService service(options, out);
  EXPECT_EQ(service.recover().records, 6U);
  // Partition 1's clock is its own after the replay too: its bar closes
  // with its five trades, not as late ones behind partition 0's.
  const std::array owned{0, 1};
  service.on_partitions_assigned(owned);
  service.on_partition(1);
  send(service, trade(kCoinbase, kStart + 2 * kMinute, 6));
  const std::vector<msg::Bar> finals = out.finals(kCoinbase);
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].trade_count, 5U);
  EXPECT_EQ(finals[0].revision, 0U);
  EXPECT_TRUE(std::filesystem::exists(directory / "series-partitions"));
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace rtm::streamsvc
