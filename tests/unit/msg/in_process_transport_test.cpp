#include "rtm/msg/in_process_transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/subscription_thread.hpp"

namespace rtm::msg {
namespace {

class TradeCollector : public RecordHandler {
 public:
  void on_record(std::span<const std::byte> bytes) override {
    Trade trade;
    const DecodeResult result = decode(bytes, trade);
    EXPECT_TRUE(result.ok()) << to_string(result.error);
    std::lock_guard lock(mutex);
    sequences.push_back(trade.header.sequence);
  }
  void on_gap(std::uint64_t lost) override {
    std::lock_guard lock(mutex);
    gaps += lost;
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return sequences.size();
  }

  std::mutex mutex;
  std::vector<std::uint64_t> sequences;
  std::uint64_t gaps = 0;
};

PublishStatus publish_trade(Publisher& publisher, std::uint64_t sequence) {
  Trade trade;
  trade.header.sequence = sequence;
  std::array<std::byte, kMaxRecordSize> buffer{};
  const EncodeResult encoded = encode(trade, buffer);
  return publisher.offer(std::span<const std::byte>(buffer.data(), encoded.size));
}

TEST(InProcessTransport, CarriesEncodedRecordsToEverySubscriber) {
  InProcessTransport transport;
  auto publisher = transport.make_publisher("rtm.md.v1");
  auto first = transport.make_subscriber("rtm.md.v1", {});
  auto second = transport.make_subscriber("rtm.md.v1", {});
  auto elsewhere = transport.make_subscriber("rtm.derived.v1", {});
  for (std::uint64_t i = 1; i <= 5; ++i) ASSERT_EQ(publish_trade(*publisher, i), PublishStatus::kOk);
  TradeCollector a, b, c;
  EXPECT_EQ(first->poll(a, 100), 5U);
  EXPECT_EQ(second->poll(b, 3), 3U) << "poll honours its limit";
  EXPECT_EQ(second->poll(b, 100), 2U);
  EXPECT_EQ(elsewhere->poll(c, 100), 0U) << "channels are separate";
  EXPECT_EQ(a.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(b.sequences, a.sequences);
  EXPECT_EQ(publisher->channel(), "rtm.md.v1");
}

TEST(InProcessTransport, AllowsOneWriterPerChannelAtATime) {
  InProcessTransport transport;
  auto publisher = transport.make_publisher("rtm.md.v1");
  EXPECT_THROW(transport.make_publisher("rtm.md.v1"), std::logic_error);
  publisher.reset();
  EXPECT_NO_THROW(transport.make_publisher("rtm.md.v1"));
}

TEST(InProcessTransport, AppliesPerChannelOptions) {
  InProcessTransport transport;
  transport.configure_channel("journal", {.capacity = 2, .policy = OverrunPolicy::kBackPressure});
  auto publisher = transport.make_publisher("journal");
  auto subscriber = transport.make_subscriber("journal", {});
  ASSERT_EQ(publish_trade(*publisher, 1), PublishStatus::kOk);
  ASSERT_EQ(publish_trade(*publisher, 2), PublishStatus::kOk);
  EXPECT_EQ(publish_trade(*publisher, 3), PublishStatus::kBackPressured);
  EXPECT_THROW(transport.configure_channel("journal", {}), std::logic_error);
}

TEST(InProcessTransport, ReportsGapsToTheHandler) {
  InProcessTransport transport({.capacity = 4});
  auto publisher = transport.make_publisher("md");
  auto subscriber = transport.make_subscriber("md", {});
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_EQ(publish_trade(*publisher, i), PublishStatus::kOk);
  TradeCollector collector;
  const std::size_t delivered = subscriber->poll(collector, 100);
  EXPECT_EQ(delivered + collector.gaps, 10U);
  EXPECT_EQ(subscriber->lost(), collector.gaps);
  EXPECT_EQ(collector.sequences.back(), 9U);
}

TEST(InProcessTransport, PublishersAndSubscribersMayOutliveTheTransport) {
  std::unique_ptr<Publisher> publisher;
  std::unique_ptr<Subscriber> subscriber;
  {
    InProcessTransport transport;
    publisher = transport.make_publisher("md");
    subscriber = transport.make_subscriber("md", {});
  }
  ASSERT_EQ(publish_trade(*publisher, 1), PublishStatus::kOk);
  TradeCollector collector;
  EXPECT_EQ(subscriber->poll(collector, 10), 1U);
  EXPECT_EQ(subscriber->channel(), "md");
}

TEST(SubscriptionThread, KeepsTheErrorOfAHandlerThatThrows) {
  InProcessTransport transport;
  auto publisher = transport.make_publisher("md");
  struct Throwing : RecordHandler {
    void on_record(std::span<const std::byte>) override { throw std::runtime_error("handler failed"); }
    void on_gap(std::uint64_t) override {}
  } handler;
  SubscriptionThread thread(transport.make_subscriber("md", {}), handler);
  ASSERT_EQ(publish_trade(*publisher, 1), PublishStatus::kOk);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!thread.error() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(thread.error());
  EXPECT_THROW(std::rethrow_exception(thread.error()), std::runtime_error);
}

TEST(SubscriptionThread, CallsTheHandlerForEachRecord) {
  InProcessTransport transport;
  auto publisher = transport.make_publisher("md");
  TradeCollector collector;
  {
    SubscriptionThread thread(transport.make_subscriber("md", {}), collector);
    for (std::uint64_t i = 0; i < 100; ++i) ASSERT_EQ(publish_trade(*publisher, i), PublishStatus::kOk);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (collector.count() < 100 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ASSERT_EQ(collector.sequences.size(), 100U);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(collector.sequences[i], i);
}

}  // namespace
}  // namespace rtm::msg
