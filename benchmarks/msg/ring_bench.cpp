// SPSC ring against boost::lockfree::spsc_queue and moodycamel's
// ReaderWriterQueue, and the broadcast bus against the SPSC ring, in one
// binary so that every ratio comes from the same run on the same machine.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "../common/bench_threads.hpp"
#include "queue_adapters.hpp"
#include "rtm/msg/broadcast_ring.hpp"

namespace rtm::bench {
namespace {

constexpr std::size_t kCapacity = 4096;
constexpr std::int64_t kRecordsPerIteration = 1 << 20;

Record64 make_record(std::uint64_t i) {
  Record64 r{};
  for (std::uint64_t w = 0; w < 8; ++w) r.words[w] = i + w;
  return r;
}

// Moves kRecordsPerIteration records from this thread to a consumer on the
// other core, per iteration. The consumer checks the order, so every
// implementation does the same work on every record.
template <class Queue>
void BM_SpscThroughput(benchmark::State& state) {
  Queue queue(kCapacity);
  pin_to_cpu(0);
  std::uint64_t out_of_order = 0;
  for (auto _ : state) {
    std::thread consumer([&] {
      pin_to_cpu(1);
      SpinWait spin;
      Record64 r;
      for (std::int64_t expected = 0; expected < kRecordsPerIteration;) {
        if (!queue.pop(r)) {
          spin.wait();
          continue;
        }
        out_of_order += r.words[0] != static_cast<std::uint64_t>(expected) ? 1U : 0U;
        ++expected;
      }
    });
    SpinWait spin;
    for (std::int64_t i = 0; i < kRecordsPerIteration; ++i) {
      const Record64 r = make_record(static_cast<std::uint64_t>(i));
      while (!queue.push(r)) spin.wait();
    }
    consumer.join();
  }
  if (out_of_order != 0) state.SkipWithError("records arrived out of order");
  state.SetItemsProcessed(state.iterations() * kRecordsPerIteration);
  state.SetBytesProcessed(state.iterations() * kRecordsPerIteration * std::int64_t{sizeof(Record64)});
}

// One record to the other core and back per iteration: round-trip latency.
template <class Queue>
void BM_SpscPingPong(benchmark::State& state) {
  Queue ping(kCapacity);
  Queue pong(kCapacity);
  constexpr std::uint64_t kStop = ~std::uint64_t{0};
  std::thread echo([&] {
    pin_to_cpu(1);
    SpinWait spin;
    Record64 r;
    for (;;) {
      if (!ping.pop(r)) {
        spin.wait();
        continue;
      }
      if (r.words[0] == kStop) break;
      while (!pong.push(r)) spin.wait();
    }
  });
  pin_to_cpu(0);
  SpinWait spin;
  std::uint64_t i = 0;
  Record64 back;
  for (auto _ : state) {
    const Record64 r = make_record(i++);
    while (!ping.push(r)) spin.wait();
    while (!pong.pop(back)) spin.wait();
  }
  Record64 stop{};
  stop.words[0] = kStop;
  while (!ping.push(stop)) spin.wait();
  echo.join();
  state.SetItemsProcessed(state.iterations());
}

// One writer, two readers. With kBackPressure each reader reads every record,
// so per reader it does the work of the SPSC benchmark's consumer; with
// kOverwrite (reported, no goal) the writer never waits and a reader that
// falls a ring behind loses records. items_per_second is what each reader
// receives. The writer has core 0 and the two readers share core 1, as the
// SPSC benchmark's producer and consumer have one core each: the same two
// cores in both.
void BM_BusOneWriterTwoReaders(benchmark::State& state, msg::OverrunPolicy policy) {
  constexpr std::size_t kReaders = 2;
  msg::BroadcastRing ring(
      {.capacity = kCapacity, .max_record_size = sizeof(Record64), .policy = policy, .max_readers = kReaders});
  std::atomic<std::uint64_t> problems{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> lost{0};
  pin_to_cpu(0);
  for (auto _ : state) {
    std::vector<msg::BroadcastRing::Reader> readers;
    for (std::size_t i = 0; i < kReaders; ++i) readers.push_back(ring.make_reader(msg::StartFrom::kLatest));
    const std::uint64_t first = ring.published();
    const std::uint64_t end = first + static_cast<std::uint64_t>(kRecordsPerIteration);
    std::vector<std::thread> threads;
    for (auto& reader : readers) {
      threads.emplace_back([&, first, end] {
        pin_to_cpu(1);
        SpinWait spin;
        std::uint64_t received = 0;
        std::uint64_t out_of_order = 0;
        std::uint64_t next = first;
        while (reader.position() < end) {
          const std::size_t got = reader.poll(
              [&](std::span<const std::byte> bytes) {
                std::uint64_t sequence;
                std::memcpy(&sequence, bytes.data(), sizeof(sequence));
                out_of_order += sequence + first < next ? 1U : 0U;
                next = sequence + first + 1;
                ++received;
              },
              [&](std::uint64_t count) { next += count; });
          if (got == 0) spin.wait();
        }
        problems += out_of_order;
        delivered += received;
        lost += reader.lost();
      });
    }
    SpinWait spin;
    for (std::int64_t i = 0; i < kRecordsPerIteration; ++i) {
      const Record64 r = make_record(static_cast<std::uint64_t>(i));
      const auto bytes = std::as_bytes(std::span<const Record64, 1>(&r, 1));
      while (ring.offer(bytes) != msg::PublishStatus::kOk) spin.wait();
    }
    for (auto& thread : threads) thread.join();
  }
  if (problems != 0) state.SkipWithError("a reader saw records out of order");
  if (policy == msg::OverrunPolicy::kBackPressure && lost != 0) state.SkipWithError("a lossless reader lost records");
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered / kReaders));
  state.counters["lost_fraction"] = static_cast<double>(lost) / static_cast<double>(lost + delivered);
}

BENCHMARK_TEMPLATE(BM_SpscThroughput, RtmRing)->Name("spsc_throughput/rtm")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SpscThroughput, BoostSpscQueue)->Name("spsc_throughput/boost")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SpscThroughput, MoodycamelReaderWriterQueue)->Name("spsc_throughput/moodycamel")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SpscPingPong, RtmRing)->Name("spsc_pingpong/rtm")->UseRealTime();
BENCHMARK_TEMPLATE(BM_SpscPingPong, BoostSpscQueue)->Name("spsc_pingpong/boost")->UseRealTime();
BENCHMARK_CAPTURE(BM_BusOneWriterTwoReaders, back_pressure, msg::OverrunPolicy::kBackPressure)
    ->Name("bus_1w2r_per_reader/rtm")
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_BusOneWriterTwoReaders, overwrite, msg::OverrunPolicy::kOverwrite)
    ->Name("bus_1w2r_per_reader_overwrite/rtm")
    ->UseRealTime();

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
