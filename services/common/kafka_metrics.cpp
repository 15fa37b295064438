#include "kafka_metrics.hpp"

#include <atomic>

namespace rtm::services {
namespace {

template <class T>
common::Metrics::Reader read(const std::atomic<T>& value) {
  return [&value] { return common::Metrics::single(static_cast<double>(value.load(std::memory_order_relaxed))); };
}

}  // namespace

void register_kafka_metrics(common::Metrics& metrics, const kafka::KafkaCounters& c) {
  metrics.counter("rtm_kafka_produced_total", "Records queued for Kafka", read(c.produced));
  metrics.counter("rtm_kafka_delivered_total", "Records Kafka acknowledged (acks=all)", read(c.delivered));
  metrics.counter("rtm_kafka_delivery_failed_total", "Records Kafka reported failed", read(c.delivery_failed));
  metrics.counter("rtm_kafka_back_pressured_total", "Offers refused because the local queue was full",
                  read(c.back_pressured));
  metrics.counter("rtm_kafka_unflushed_total", "Records still queued when a flush deadline passed", read(c.unflushed));
  metrics.counter("rtm_kafka_consumed_total", "Records read from Kafka and processed", read(c.consumed));
  metrics.counter("rtm_kafka_consume_errors_total", "Errors reported while reading from Kafka", read(c.consume_errors));
  metrics.counter("rtm_kafka_rebalances_total", "Partition assignments and revocations", read(c.rebalances));
  metrics.gauge("rtm_kafka_queued", "Records waiting in the local producer queues", read(c.queued));
  metrics.gauge("rtm_kafka_consumer_lag", "Records on assigned partitions not yet read", read(c.lag));
}

}  // namespace rtm::services
