// Multi-threaded stress of the ring and the bus: every record arrives once,
// whole and in order, or is reported lost. Built and run under
// ThreadSanitizer by make test as well.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
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

// A stuck consumer fails its test instead of hanging the suite.
class Deadline {
 public:
  Deadline() : end_(std::chrono::steady_clock::now() + std::chrono::seconds(120)) {}
  [[nodiscard]] bool passed() const { return std::chrono::steady_clock::now() > end_; }

 private:
  std::chrono::steady_clock::time_point end_;
};

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
  const Deadline deadline;
  while (expected < kRecords && !deadline.passed()) {
    Payload p;
    if (!ring.try_pop(p)) {
      BackoffIdle::cpu_relax();
      continue;
    }
    intact = intact && p.sequence == expected && p.check == ~expected;
    ++expected;
  }
  producer.join();
  EXPECT_EQ(expected, kRecords);
  EXPECT_TRUE(intact);
  Payload extra;
  EXPECT_FALSE(ring.try_pop(extra));
}

struct ReaderTally {
  std::uint64_t first = 0;  // position the reader started at
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t order_violations = 0;
  std::uint64_t torn = 0;
  std::uint64_t gap_mismatches = 0;  // a reported gap that disagrees with the sequence jump
  bool timed_out = false;
};

ReaderTally read_until(BroadcastRing::Reader& reader, std::uint64_t end) {
  ReaderTally tally;
  tally.first = reader.position();
  std::uint64_t next = reader.position();
  BackoffIdle idle;
  const Deadline deadline;
  while (next < end) {
    if (deadline.passed()) {
      tally.timed_out = true;
      break;
    }
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
    next += gap_since_last;  // a gap at the end of this poll
    idle.idle(got);
  }
  return tally;
}

// Publishes kRecords records, waiting whenever the ring pushes back.
void publish_all(BroadcastRing& ring) {
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    std::byte bytes[kMaxRecordSize];
    const std::size_t length = make_record(i, bytes);
    BackoffIdle idle;
    while (ring.offer(std::span<const std::byte>(bytes, length)) == PublishStatus::kBackPressured) idle.idle(0);
  }
}

void expect_accounted(const ReaderTally& t, std::uint64_t lost_by_reader, bool lossless) {
  EXPECT_FALSE(t.timed_out);
  EXPECT_EQ(t.delivered + t.lost, kRecords - t.first) << "each record delivered once or counted lost";
  EXPECT_EQ(t.torn, 0U);
  EXPECT_EQ(t.order_violations, 0U);
  EXPECT_EQ(t.gap_mismatches, 0U);
  EXPECT_EQ(t.lost, lost_by_reader);
  if (lossless) {
    EXPECT_EQ(t.lost, 0U);
  }
}

void run_bus_stress(OverrunPolicy policy, std::size_t readers) {
  BroadcastRing ring({.capacity = 64, .policy = policy});
  std::vector<BroadcastRing::Reader> cursors;
  for (std::size_t i = 0; i < readers; ++i) cursors.push_back(ring.make_reader(StartFrom::kEarliest));
  std::vector<ReaderTally> tallies(readers);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < readers; ++i) {
    threads.emplace_back([&, i] { tallies[i] = read_until(cursors[i], kRecords); });
  }
  publish_all(ring);
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < readers; ++i) {
    SCOPED_TRACE("reader " + std::to_string(i));
    expect_accounted(tallies[i], cursors[i].lost(), policy == OverrunPolicy::kBackPressure);
  }
}

TEST(BroadcastRingStress, OverwritingWriterAndThreeReaders) {
  run_bus_stress(OverrunPolicy::kOverwrite, 3);
}

TEST(BroadcastRingStress, BackPressuredWriterLosesNothing) {
  run_bus_stress(OverrunPolicy::kBackPressure, 2);
}

// Readers join and leave while the writer runs: a lossless ring must never
// hand a joining reader a slot it is overwriting, whichever end it starts at.
TEST(BroadcastRingStress, ReadersJoiningALosslessRingMidStream) {
  BroadcastRing ring({.capacity = 64, .policy = OverrunPolicy::kBackPressure});
  std::atomic<bool> writer_done{false};
  std::atomic<std::uint64_t> problems{0};
  std::atomic<std::uint64_t> joins{0};
  std::vector<std::thread> joiners;
  for (int j = 0; j < 2; ++j) {
    joiners.emplace_back([&, j] {
      while (!writer_done.load()) {
        auto reader = ring.make_reader(j == 0 ? StartFrom::kEarliest : StartFrom::kLatest);
        joins.fetch_add(1);
        // Read a while, then leave; the writer must not wait for a reader gone.
        const std::uint64_t stop_at = std::min<std::uint64_t>(reader.position() + 500, kRecords);
        const ReaderTally t = read_until(reader, stop_at);
        const std::uint64_t bad = t.torn + t.order_violations + t.gap_mismatches + t.lost + (t.timed_out ? 1 : 0);
        problems.fetch_add(bad);
      }
    });
  }
  publish_all(ring);
  writer_done.store(true);
  for (auto& thread : joiners) thread.join();
  EXPECT_EQ(problems.load(), 0U);
  EXPECT_GT(joins.load(), 0U);
}

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
      EXPECT_EQ(publisher->offer(std::span<const std::byte>(bytes, length)), PublishStatus::kOk);
    }
    const Deadline deadline;
    for (Tally* t : {&first, &second}) {
      while (t->delivered.load() + t->lost.load() < kCount && !deadline.passed()) std::this_thread::yield();
    }
  }
  for (Tally* t : {&first, &second}) {
    EXPECT_EQ(t->delivered.load() + t->lost.load(), kCount);
    EXPECT_EQ(t->bad, 0U);
  }
}

}  // namespace
}  // namespace rtm::msg
