// Multi-threaded stress of the ring and the bus: every record arrives once,
// whole and in order, or is reported lost. Built and run under
// ThreadSanitizer by make test as well.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "rtm/msg/broadcast_ring.hpp"
#include "rtm/msg/idle_strategy.hpp"
#include "rtm/msg/in_process_transport.hpp"
#include "rtm/msg/spsc_ring.hpp"
#include "rtm/msg/subscription_thread.hpp"

namespace rtm::msg {
namespace {

#if defined(__SANITIZE_THREAD__)
constexpr std::uint64_t kRecords = 100'000;
#else
constexpr std::uint64_t kRecords = 1'000'000;
#endif

// A record whose every byte depends on its sequence number and whose length
// varies, so a torn or mixed-up copy cannot pass the check.
std::size_t make_record(std::uint64_t sequence, std::byte* out) {
  const std::size_t length = 8 + sequence % 57;
  std::memcpy(out, &sequence, 8);
  for (std::size_t i = 8; i < length; ++i) out[i] = std::byte{static_cast<std::uint8_t>(sequence * 131 + i)};
  return length;
}

bool record_intact(std::span<const std::byte> bytes, std::uint64_t& sequence) {
  if (bytes.size() < 8) return false;
  std::memcpy(&sequence, bytes.data(), 8);
  std::byte expected[kMaxRecordSize];
  return make_record(sequence, expected) == bytes.size() && std::memcmp(expected, bytes.data(), bytes.size()) == 0;
}

struct Payload {
  std::uint64_t sequence;
  std::uint64_t check;
  std::byte filler[48];
};

TEST(SpscRingStress, EveryElementArrivesOnceInOrder) {
  SpscRing<Payload> ring(1024);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kRecords; ++i) {
      const Payload p{i, ~i, {}};
      while (!ring.try_push(p)) BackoffIdle::cpu_relax();
    }
  });
  std::uint64_t expected = 0;
  bool intact = true;
  while (expected < kRecords) {
    Payload p;
    if (!ring.try_pop(p)) {
      BackoffIdle::cpu_relax();
      continue;
    }
    intact = intact && p.sequence == expected && p.check == ~expected;
    ++expected;
  }
  producer.join();
  EXPECT_TRUE(intact);
  Payload extra;
  EXPECT_FALSE(ring.try_pop(extra));
}

struct ReaderTally {
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t order_violations = 0;
  std::uint64_t torn = 0;
  std::uint64_t gap_mismatches = 0;  // a reported gap that disagrees with the sequence jump
};

ReaderTally read_everything(BroadcastRing::Reader& reader) {
  ReaderTally tally;
  std::uint64_t next = 0;
  BackoffIdle idle;
  while (next < kRecords) {
    std::uint64_t gap_since_last = 0;
    const std::size_t got = reader.poll(
        [&](std::span<const std::byte> bytes) {
          std::uint64_t sequence = 0;
          if (!record_intact(bytes, sequence)) ++tally.torn;
          if (sequence != next + gap_since_last) ++tally.gap_mismatches;
          if (sequence < next) ++tally.order_violations;
          next = sequence + 1;
          gap_since_last = 0;
          ++tally.delivered;
        },
        [&](std::uint64_t lost) {
          tally.lost += lost;
          gap_since_last += lost;
        });
    if (gap_since_last > 0) next += gap_since_last;  // a gap right at the end of the stream
    idle.idle(got);
  }
  return tally;
}

void run_bus_stress(OverrunPolicy policy, std::size_t readers) {
  BroadcastRing ring({.capacity = 64, .policy = policy});
  std::vector<BroadcastRing::Reader> cursors;
  for (std::size_t i = 0; i < readers; ++i) cursors.push_back(ring.make_reader(StartFrom::kEarliest));
  std::vector<ReaderTally> tallies(readers);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < readers; ++i) {
    threads.emplace_back([&, i] { tallies[i] = read_everything(cursors[i]); });
  }
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    std::byte bytes[kMaxRecordSize];
    const std::size_t length = make_record(i, bytes);
    BackoffIdle idle;
    PublishStatus status;
    while ((status = ring.offer(std::span<const std::byte>(bytes, length))) == PublishStatus::kBackPressured) {
      idle.idle(0);
    }
    ASSERT_EQ(status, PublishStatus::kOk);
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < readers; ++i) {
    const ReaderTally& t = tallies[i];
    SCOPED_TRACE("reader " + std::to_string(i));
    EXPECT_EQ(t.delivered + t.lost, kRecords) << "each record delivered once or counted lost";
    EXPECT_EQ(t.torn, 0U);
    EXPECT_EQ(t.order_violations, 0U);
    EXPECT_EQ(t.gap_mismatches, 0U);
    EXPECT_EQ(t.lost, cursors[i].lost());
    if (policy == OverrunPolicy::kBackPressure) {
      EXPECT_EQ(t.lost, 0U);
    }
  }
}

TEST(BroadcastRingStress, OverwritingWriterAndThreeReaders) { run_bus_stress(OverrunPolicy::kOverwrite, 3); }

TEST(BroadcastRingStress, BackPressuredWriterLosesNothing) { run_bus_stress(OverrunPolicy::kBackPressure, 2); }

TEST(InProcessTransportStress, HandlerThreadsReceiveEverythingOrAreToldOfGaps) {
  InProcessTransport transport({.capacity = 256});
  auto publisher = transport.make_publisher("md");
  struct Tally : RecordHandler {
    void on_record(std::span<const std::byte> bytes) override {
      std::uint64_t sequence = 0;
      if (!record_intact(bytes, sequence) || sequence < next) ++bad;
      next = sequence + 1;
      delivered.fetch_add(1, std::memory_order_relaxed);
    }
    void on_gap(std::uint64_t count) override { lost.fetch_add(count, std::memory_order_relaxed); }
    std::uint64_t next = 0;
    std::uint64_t bad = 0;
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> lost{0};
  } first, second;
  constexpr std::uint64_t kCount = kRecords / 4;
  {
    SubscriptionThread a(transport.make_subscriber("md", {}), first);
    SubscriptionThread b(transport.make_subscriber("md", {}), second);
    for (std::uint64_t i = 0; i < kCount; ++i) {
      std::byte bytes[kMaxRecordSize];
      const std::size_t length = make_record(i, bytes);
      ASSERT_EQ(publisher->offer(std::span<const std::byte>(bytes, length)), PublishStatus::kOk);
    }
    for (Tally* t : {&first, &second}) {
      while (t->delivered.load() + t->lost.load() < kCount) std::this_thread::yield();
    }
  }
  for (Tally* t : {&first, &second}) {
    EXPECT_EQ(t->delivered.load() + t->lost.load(), kCount);
    EXPECT_EQ(t->bad, 0U);
  }
}

}  // namespace
}  // namespace rtm::msg
