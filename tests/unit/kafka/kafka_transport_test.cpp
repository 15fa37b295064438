// The Kafka transport against librdkafka's mock cluster, which speaks the
// real protocol over TCP: what is published arrives whole, in order per
// instrument, exactly once, through broker outages and request errors.
#include <array>
#include <chrono>
#include <filesystem>
#include <thread>

#include "kafka_test_support.hpp"

namespace rtm::kafka {
namespace {

using namespace std::chrono_literals;
using namespace rtm::kafka::testing;

class KafkaTransportTest : public KafkaTest {};

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
  // The member keeps its marks (how far its state goes) as a restarted
  // member finds them, beside its journal.
  const std::filesystem::path marks = ::testing::TempDir() + "rtm-kafka-resume-marks";
  std::filesystem::remove(marks);
  Collector first;
  int made_durable = 0;
  {
    auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
    subscriber->set_partition_marks_file(marks);
    // What makes the handled records durable runs before their offsets are stored.
    subscriber->set_before_commit([&] { ++made_durable; });
    ASSERT_TRUE(poll_until(*subscriber, first, 1500));
    EXPECT_GT(made_durable, 0);
    EXPECT_TRUE(subscriber->commit());
  }  // leaves the group
  publish(*publisher, 301, 400);
  ASSERT_EQ(publisher->flush(10s), 0U);

  // The member, restarted on its marks, starts after what it processed,
  // with nothing to be handed over.
  Collector second;
  auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  subscriber->set_partition_marks_file(marks);
  ASSERT_TRUE(poll_until(*subscriber, second, 500));
  std::this_thread::sleep_for(500ms);
  subscriber->poll(second, 10'000);
  EXPECT_EQ(second.records, 500U);
  EXPECT_EQ(second.handed_over_records, 0U);
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
