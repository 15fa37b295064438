#pragma once

#include <atomic>
#include <cstdint>

namespace rtm::kafka {

// What a transport's publishers and subscribers did, for metrics. Written on
// the publishing, delivery and polling threads; read anywhere.
struct KafkaCounters {
  std::atomic<std::uint64_t> produced{0};             // accepted into the local queue
  std::atomic<std::uint64_t> delivered{0};            // acknowledged by the cluster (acks=all)
  std::atomic<std::uint64_t> delivery_failed{0};      // reported failed by librdkafka: lost unless re-sent
  std::atomic<std::uint64_t> back_pressured{0};       // offers refused because the local queue was full
  std::atomic<std::uint64_t> unflushed{0};            // still queued when a publisher's flush deadline passed
  std::atomic<std::uint64_t> consumed{0};             // records handed to a subscriber's handler
  std::atomic<std::uint64_t> handed_over{0};          // of those, records other members had processed (rebalances)
  std::atomic<std::uint64_t> handed_over_missing{0};  // records to hand over that the topic no longer held
  std::atomic<std::uint64_t> consume_errors{0};       // errors a consumer reported (connection, offsets)
  std::atomic<std::uint64_t> rebalances{0};           // partition assignments and revocations
  std::atomic<std::int64_t> queued{0};                // records waiting in publishers' local queues
  std::atomic<std::int64_t> lag{0};                   // records on assigned partitions not yet consumed
};

}  // namespace rtm::kafka
