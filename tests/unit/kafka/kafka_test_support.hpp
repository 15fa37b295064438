#pragma once
// What the Kafka transport's tests share: trade records numbered per
// instrument, a handler that collects them, and a mock cluster per test.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/kafka/mock_cluster.hpp"
#include "rtm/msg/codec.hpp"

namespace rtm::kafka::testing {

using namespace std::chrono_literals;

inline constexpr const char* kChannel = "rtm.test.v1";

inline std::vector<std::byte> trade_record(msg::InstrumentId instrument, std::uint64_t sequence) {
  msg::Trade trade;
  trade.header.venue = msg::Venue::kBinance;
  trade.header.instrument_id = instrument;
  trade.header.sequence = sequence;
  trade.header.ts_event = static_cast<std::int64_t>(sequence) * 1000;
  trade.header.ts_recv = trade.header.ts_event + 1;
  trade.price = 100 + static_cast<std::int64_t>(sequence);
  trade.size = 1;
  trade.price_scale = 2;
  trade.size_scale = 0;
  trade.aggressor = msg::Aggressor::kBuy;
  std::vector<std::byte> out(msg::kEncodedSize<msg::Trade>);
  EXPECT_TRUE(msg::encode(trade, out).ok());
  return out;
}

// Records seen, per instrument, in arrival order; those handed over apart,
// and the partition each instrument came from.
struct Collector final : msg::RecordHandler {
  std::map<msg::InstrumentId, std::vector<std::uint64_t>> sequences;
  std::map<msg::InstrumentId, std::vector<std::uint64_t>> handed_over;
  std::map<msg::InstrumentId, std::set<int>> partitions;
  std::set<int> owned;
  std::size_t records = 0;
  std::size_t handed_over_records = 0;
  std::size_t undecodable = 0;
  int partition = -1;
  void on_record(std::span<const std::byte> record) override {
    if (const auto trade = decoded(record)) {
      sequences[trade->header.instrument_id].push_back(trade->header.sequence);
      ++records;
    }
  }
  void on_handed_over(std::span<const std::byte> record) override {
    if (const auto trade = decoded(record)) {
      handed_over[trade->header.instrument_id].push_back(trade->header.sequence);
      ++handed_over_records;
    }
  }
  void on_partitions_assigned(std::span<const int> assigned) override {
    owned.insert(assigned.begin(), assigned.end());
  }
  void on_partitions_revoked(std::span<const int> revoked) override {
    for (const int p : revoked) owned.erase(p);
  }
  void on_partition(int p) override { partition = p; }
  void on_gap(std::uint64_t /*lost*/) override {}

 private:
  std::optional<msg::Trade> decoded(std::span<const std::byte> record) {
    msg::Trade trade;
    if (!msg::decode(record, trade).ok()) {
      ++undecodable;
      return std::nullopt;
    }
    partitions[trade.header.instrument_id].insert(partition);
    return trade;
  }
};

inline bool poll_until(msg::Subscriber& subscriber, Collector& collector, std::size_t records,
                       std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (collector.records < records && std::chrono::steady_clock::now() < deadline) {
    if (subscriber.poll(collector, 1000) == 0) std::this_thread::sleep_for(5ms);
  }
  return collector.records >= records;
}

inline void publish(msg::Publisher& publisher, std::uint64_t from, std::uint64_t to, int instruments = 5) {
  for (std::uint64_t sequence = from; sequence <= to; ++sequence) {
    for (int instrument = 1; instrument <= instruments; ++instrument) {
      const auto record = trade_record(static_cast<msg::InstrumentId>(instrument), sequence);
      while (publisher.offer(record) == msg::PublishStatus::kBackPressured) std::this_thread::sleep_for(1ms);
    }
  }
}

inline void expect_exactly(const Collector& collector, std::uint64_t last, int instruments = 5) {
  EXPECT_EQ(collector.undecodable, 0U);
  ASSERT_EQ(collector.sequences.size(), static_cast<std::size_t>(instruments));
  for (const auto& [instrument, sequences] : collector.sequences) {
    ASSERT_EQ(sequences.size(), last) << "instrument " << instrument;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
      ASSERT_EQ(sequences[i], i + 1) << "instrument " << instrument << " out of order or duplicated";
    }
  }
}

// A mock cluster of three brokers with the test topic in four partitions.
class KafkaTest : public ::testing::Test {
 protected:
  KafkaOptions options(std::string group = {}) const {
    KafkaOptions o;
    o.brokers = cluster.bootstrap();
    o.group_id = std::move(group);
    o.partitions = 4;
    o.linger_ms = 1;
    return o;
  }
  void SetUp() override { cluster.create_topic(kChannel, 4, 1); }
  MockCluster cluster{3};
};

}  // namespace rtm::kafka::testing
