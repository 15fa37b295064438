#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "rtm/kafka/kafka_counters.hpp"
#include "rtm/kafka/kafka_options.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::kafka {

// A channel's writer on a Kafka topic: an idempotent producer (acks=all), each
// record keyed by its instrument's canonical symbol (learned from the
// definitions that pass through; the instrument itself until then) so that
// an instrument's records stay in order in one partition, with the other
// venues' instruments of the same symbol. offer() queues and serves the delivery reports
// that have arrived (into the counters), without waiting; a thread of the
// publisher's own serves them while nothing is offered. A full local queue
// is back-pressure, never unbounded memory.
class KafkaPublisher final : public msg::Publisher {
 public:
  // Throws std::invalid_argument for a bad property, std::runtime_error when
  // librdkafka cannot create the producer.
  KafkaPublisher(const KafkaOptions& options, std::string channel, std::string topic, KafkaCounters& counters);
  // Flushes with options.flush_timeout; what is left is counted as unflushed.
  ~KafkaPublisher() override;
  KafkaPublisher(const KafkaPublisher&) = delete;
  KafkaPublisher& operator=(const KafkaPublisher&) = delete;

  // kOk: queued; kBackPressured: the local queue is full (retry after a
  // pause); kTooLarge: over the producer's message.max.bytes; kClosed: the
  // producer hit a fatal error (an idempotence violation) and sends nothing.
  msg::PublishStatus offer(std::span<const std::byte> record) override;
  [[nodiscard]] std::string_view channel() const override { return channel_; }

  // Waits up to `timeout` for every queued record to be acknowledged (or to
  // fail); returns how many are still queued.
  std::size_t flush(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::string channel_;
  std::chrono::milliseconds flush_timeout_{};
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::kafka
