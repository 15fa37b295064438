#include "kafka_metrics.hpp"

#include "atomic_reader.hpp"

namespace rtm::services {
void register_kafka_metrics(common::Metrics& metrics, const kafka::KafkaCounters& c) {
  metrics.counter("rtm_kafka_produced_total", "Records queued for Kafka", read_atomic(c.produced));
  metrics.counter("rtm_kafka_delivered_total", "Records Kafka acknowledged (acks=all)", read_atomic(c.delivered));
  metrics.counter("rtm_kafka_delivery_failed_total", "Records Kafka reported failed", read_atomic(c.delivery_failed));
  metrics.counter("rtm_kafka_back_pressured_total", "Offers refused because the local queue was full",
                  read_atomic(c.back_pressured));
  metrics.counter("rtm_kafka_unflushed_total", "Records still queued when a flush deadline passed",
                  read_atomic(c.unflushed));
  metrics.counter("rtm_kafka_consumed_total", "Records read from Kafka and processed", read_atomic(c.consumed));
  metrics.counter("rtm_kafka_handed_over_total",
                  "Records other group members had processed, read to take their partitions over",
                  read_atomic(c.handed_over));
  metrics.counter("rtm_kafka_handed_over_missing_total",
                  "Records to hand over that retention had deleted: the state taken over lacks them",
                  read_atomic(c.handed_over_missing));
  metrics.counter("rtm_kafka_consume_errors_total", "Errors reported while reading from Kafka",
                  read_atomic(c.consume_errors));
  metrics.counter("rtm_kafka_rebalances_total", "Partition assignments and revocations", read_atomic(c.rebalances));
  metrics.gauge("rtm_kafka_queued", "Records waiting in the local producer queues", read_atomic(c.queued));
  metrics.gauge("rtm_kafka_consumer_lag", "Records on assigned partitions not yet read", read_atomic(c.lag));
}

}  // namespace rtm::services
