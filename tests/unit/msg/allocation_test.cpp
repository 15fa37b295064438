// The hot path must not touch the heap: encode, decode, ring push and pop,
// bus offer and poll. This binary counts every operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include "random_records.hpp"
#include "rtm/msg/broadcast_ring.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/msg/in_process_transport.hpp"
#include "rtm/msg/spsc_ring.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace rtm::msg {
namespace {

class AllocationCount {
 public:
  AllocationCount() : start_(g_allocations.load()) {}
  [[nodiscard]] std::size_t since_start() const { return g_allocations.load() - start_; }

 private:
  std::size_t start_;
};

TEST(HotPathAllocations, EncodeAndDecodeOfEveryTypeAllocateNothing) {
  std::mt19937_64 rng(1);
  std::vector<AnyRecord> records;
  for (int i = 0; i < 1000; ++i) records.push_back(testing::random_any_record(rng));
  std::array<std::byte, kMaxRecordSize> buffer{};
  std::size_t decoded_ok = 0;
  const AllocationCount count;
  for (const AnyRecord& record : records) {
    const std::size_t size = std::visit([&](const auto& r) { return encode(r, buffer).size; }, record);
    AnyRecord decoded;
    decoded_ok += decode(std::span<const std::byte>(buffer.data(), size), decoded).ok() ? 1U : 0U;
  }
  EXPECT_EQ(count.since_start(), 0U);
  EXPECT_EQ(decoded_ok, records.size());
}

TEST(HotPathAllocations, RingPushAndPopAllocateNothing) {
  SpscRing<Trade> ring(1024);
  Trade trade;
  const AllocationCount count;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(ring.try_push(trade));
    ASSERT_TRUE(ring.try_pop(trade));
  }
  EXPECT_EQ(count.since_start(), 0U);
}

TEST(HotPathAllocations, BusPublishAndPollAllocateNothing) {
  InProcessTransport transport({.capacity = 256});
  auto publisher = transport.make_publisher("md");
  auto subscriber = transport.make_subscriber("md", {});
  struct CountingHandler : RecordHandler {
    void on_record(std::span<const std::byte> r) override { bytes += r.size(); }
    void on_gap(std::uint64_t lost) override { gaps += lost; }
    std::size_t bytes = 0;
    std::uint64_t gaps = 0;
  } handler;
  std::array<std::byte, kMaxRecordSize> buffer{};
  const std::size_t size = encode(Trade{}, buffer).size;
  const AllocationCount count;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(publisher->offer(std::span<const std::byte>(buffer.data(), size)), PublishStatus::kOk);
    if (i % 100 == 99) subscriber->poll(handler, 1000);
  }
  subscriber->poll(handler, 1000);
  EXPECT_EQ(count.since_start(), 0U);
  EXPECT_EQ(handler.bytes, std::size_t{10000} * size);
}

}  // namespace
}  // namespace rtm::msg
