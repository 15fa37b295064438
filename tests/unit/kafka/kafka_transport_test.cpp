// The Kafka transport against librdkafka's mock cluster, which speaks the
// real protocol over TCP: what is published arrives whole, in order per
// instrument, exactly once, through broker outages and request errors.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/kafka/mock_cluster.hpp"
#include "rtm/msg/codec.hpp"

namespace rtm::kafka {
namespace {

using namespace std::chrono_literals;

constexpr const char* kChannel = "rtm.test.v1";

std::vector<std::byte> trade_record(msg::InstrumentId instrument, std::uint64_t sequence) {
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

// Records seen, per instrument, in arrival order.
struct Collector final : msg::RecordHandler {
  std::map<msg::InstrumentId, std::vector<std::uint64_t>> sequences;
  std::size_t records = 0;
  std::size_t undecodable = 0;
  void on_record(std::span<const std::byte> record) override {
    msg::Trade trade;
    if (!msg::decode(record, trade).ok()) {
      ++undecodable;
      return;
    }
    sequences[trade.header.instrument_id].push_back(trade.header.sequence);
    ++records;
  }
  void on_gap(std::uint64_t /*lost*/) override {}
};

bool poll_until(msg::Subscriber& subscriber, Collector& collector, std::size_t records,
                std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (collector.records < records && std::chrono::steady_clock::now() < deadline) {
    if (subscriber.poll(collector, 1000) == 0) std::this_thread::sleep_for(5ms);
  }
  return collector.records >= records;
}

void publish(msg::Publisher& publisher, std::uint64_t from, std::uint64_t to, int instruments = 5) {
  for (std::uint64_t sequence = from; sequence <= to; ++sequence) {
    for (int instrument = 1; instrument <= instruments; ++instrument) {
      const auto record = trade_record(static_cast<msg::InstrumentId>(instrument), sequence);
      while (publisher.offer(record) == msg::PublishStatus::kBackPressured) std::this_thread::sleep_for(1ms);
    }
  }
}

void expect_exactly(const Collector& collector, std::uint64_t last, int instruments = 5) {
  EXPECT_EQ(collector.undecodable, 0U);
  ASSERT_EQ(collector.sequences.size(), static_cast<std::size_t>(instruments));
  for (const auto& [instrument, sequences] : collector.sequences) {
    ASSERT_EQ(sequences.size(), last) << "instrument " << instrument;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
      ASSERT_EQ(sequences[i], i + 1) << "instrument " << instrument << " out of order or duplicated";
    }
  }
}

class KafkaTransportTest : public ::testing::Test {
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

TEST_F(KafkaTransportTest, EveryRecordArrivesOnceInOrderPerInstrument) {
  KafkaTransport transport(options());
  transport.ensure_topics({kChannel}, 10s);
  auto subscriber = transport.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  {
    auto publisher = transport.make_kafka_publisher(kChannel);
    publish(*publisher, 1, 2000);
    EXPECT_EQ(publisher->flush(10s), 0U);
  }
  Collector collector;
  ASSERT_TRUE(poll_until(*subscriber, collector, 10'000));
  expect_exactly(collector, 2000);
  EXPECT_EQ(transport.counters().delivered, 10'000U);
  EXPECT_EQ(transport.counters().delivery_failed, 0U);
  // Nothing more, and the reader knows it has read everything.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!subscriber->caught_up() && std::chrono::steady_clock::now() < deadline) subscriber->poll(collector, 100);
  EXPECT_TRUE(subscriber->caught_up());
  EXPECT_EQ(collector.records, 10'000U);
}

TEST_F(KafkaTransportTest, ExistingTopicsAreLeftAlone) {
  KafkaTransport transport(options());
  EXPECT_NO_THROW(transport.ensure_topics({kChannel}, 10s));
  // The mock cluster cannot create topics on request (it has no controller):
  // a topic missing there is reported, by name, not waited for forever.
  try {
    transport.ensure_topics({kChannel, "rtm.missing.v1"}, 2s);
    FAIL() << "a topic the cluster cannot create was not reported";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("creating topics"), std::string::npos) << error.what();
  }
}

TEST_F(KafkaTransportTest, GroupResumesAfterWhatItProcessed) {
  KafkaTransport producer_side(options());
  producer_side.ensure_topics({kChannel}, 10s);
  auto publisher = producer_side.make_kafka_publisher(kChannel);
  publish(*publisher, 1, 300);
  ASSERT_EQ(publisher->flush(10s), 0U);

  KafkaOptions group = options("rtm-test-group");
  // The mock cluster's coordinator holds a rejoining group for the members'
  // rebalance timeout (max.poll.interval.ms) even after the old member left.
  group.properties["max.poll.interval.ms"] = "3000";
  group.properties["session.timeout.ms"] = "3000";
  KafkaTransport consumer_side(group);
  Collector first;
  int made_durable = 0;
  {
    auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
    // What makes the handled records durable runs before their offsets are stored.
    subscriber->set_before_commit([&] { ++made_durable; });
    ASSERT_TRUE(poll_until(*subscriber, first, 1500));
    EXPECT_GT(made_durable, 0);
    EXPECT_TRUE(subscriber->commit());
  }  // leaves the group
  publish(*publisher, 301, 400);
  ASSERT_EQ(publisher->flush(10s), 0U);

  // The group's next member starts after what the first processed.
  Collector second;
  auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  ASSERT_TRUE(poll_until(*subscriber, second, 500));
  std::this_thread::sleep_for(500ms);
  subscriber->poll(second, 10'000);
  EXPECT_EQ(second.records, 500U);
  for (const auto& [instrument, sequences] : second.sequences) {
    ASSERT_FALSE(sequences.empty());
    EXPECT_EQ(sequences.front(), 301U) << "instrument " << instrument;
  }
}

TEST_F(KafkaTransportTest, BrokerOutageLosesAndDuplicatesNothing) {
  KafkaTransport transport(options());
  transport.ensure_topics({kChannel}, 10s);
  auto subscriber = transport.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  auto publisher = transport.make_kafka_publisher(kChannel);
  Collector collector;
  publish(*publisher, 1, 500);
  ASSERT_TRUE(poll_until(*subscriber, collector, 2500));

  cluster.set_broker_down(-1);
  publish(*publisher, 501, 1000);  // queued locally while no broker answers
  std::this_thread::sleep_for(3s);
  EXPECT_LT(transport.counters().delivered, 5000U);
  cluster.set_broker_up(-1);

  ASSERT_EQ(publisher->flush(30s), 0U);
  ASSERT_TRUE(poll_until(*subscriber, collector, 5000));
  std::this_thread::sleep_for(500ms);
  subscriber->poll(collector, 10'000);
  expect_exactly(collector, 1000);
  EXPECT_EQ(transport.counters().delivery_failed, 0U);
}

TEST_F(KafkaTransportTest, ProduceErrorsAreRetriedWithoutDuplicates) {
  KafkaTransport transport(options());
  transport.ensure_topics({kChannel}, 10s);
  auto subscriber = transport.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  auto publisher = transport.make_kafka_publisher(kChannel);
  publish(*publisher, 1, 100);
  ASSERT_EQ(publisher->flush(10s), 0U);
  // Retriable errors on the next produce requests (6 NOT_LEADER_OR_FOLLOWER,
  // 7 REQUEST_TIMED_OUT): the idempotent producer retries them in order.
  constexpr int kProduce = 0;
  cluster.push_request_errors(kProduce, 3, 7);
  cluster.push_request_errors(kProduce, 2, 6);
  publish(*publisher, 101, 600);
  ASSERT_EQ(publisher->flush(30s), 0U);
  Collector collector;
  ASSERT_TRUE(poll_until(*subscriber, collector, 3000));
  std::this_thread::sleep_for(500ms);
  subscriber->poll(collector, 10'000);
  expect_exactly(collector, 600);
}

TEST_F(KafkaTransportTest, FullLocalQueueIsBackPressureNotMemory) {
  KafkaOptions o = options();
  o.queue_max_messages = 100;
  o.linger_ms = 1000;  // nothing leaves before the queue is full
  KafkaTransport transport(o);
  transport.ensure_topics({kChannel}, 10s);
  auto publisher = transport.make_kafka_publisher(kChannel);
  const auto record = trade_record(1, 1);
  std::size_t accepted = 0;
  msg::PublishStatus status = msg::PublishStatus::kOk;
  for (int i = 0; i < 1000 && status == msg::PublishStatus::kOk; ++i) {
    status = publisher->offer(record);
    if (status == msg::PublishStatus::kOk) ++accepted;
  }
  EXPECT_EQ(status, msg::PublishStatus::kBackPressured);
  EXPECT_LE(accepted, 100U);
  EXPECT_GE(transport.counters().back_pressured, 1U);
}

TEST(KafkaOptionsTest, PropertiesParseAndBadOnesAreRefused) {
  KafkaOptions options;
  std::string error;
  EXPECT_TRUE(parse_kafka_properties("security.protocol=ssl,,ssl.ca.location=/etc/ca.pem", options, error));
  EXPECT_EQ(options.properties.at("security.protocol"), "ssl");
  EXPECT_EQ(options.properties.at("ssl.ca.location"), "/etc/ca.pem");
  EXPECT_FALSE(parse_kafka_properties("linger.ms", options, error));
  EXPECT_NE(error.find("linger.ms"), std::string::npos);

  options.brokers = "127.0.0.1:1";
  options.properties = {{"no.such.property", "1"}};
  KafkaTransport transport(options);
  EXPECT_THROW(transport.make_publisher(kChannel), std::invalid_argument);
}

}  // namespace
}  // namespace rtm::kafka
