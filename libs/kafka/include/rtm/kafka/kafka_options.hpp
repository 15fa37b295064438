#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace rtm::kafka {

// How rtm talks to a Kafka cluster. The defaults are what the services run
// with; any librdkafka property can be set or overridden through `properties`
// (they are applied last).
struct KafkaOptions {
  std::string brokers;  // bootstrap.servers: host:port,host:port
  std::string client_id = "rtm";

  // Producers: idempotent with acks=all always (not configurable: it is what
  // keeps a retried batch from being written twice).
  std::string compression = "lz4";  // none | gzip | snappy | lz4 | zstd
  int linger_ms = 5;                // how long a batch may wait to fill
  int batch_bytes = 1 << 20;        // a batch's maximum size
  // The local queue a publisher may fill while the cluster is slow or down;
  // beyond it offer() reports back-pressure instead of growing memory.
  int queue_max_messages = 500'000;
  int queue_max_kbytes = 256 * 1024;
  // A record not acknowledged within this is reported as failed. Long, so
  // that a broker outage of minutes loses nothing.
  int delivery_timeout_ms = 600'000;
  std::chrono::milliseconds flush_timeout{10'000};  // on shutdown

  // Consumers. With a group id, partitions are shared among the group's
  // members and offsets are committed once records are processed; without
  // one, a subscriber reads every partition itself and commits nothing (an
  // API replica, `rtm tail`).
  std::string group_id;
  // How long a broker may hold a fetch that has found nothing yet (Kafka's
  // default is 500 ms, which a market-data reader would pay in latency
  // whenever its partitions are quiet for a moment).
  int fetch_wait_ms = 10;

  // Topics, created at start-up when missing.
  int partitions = 6;
  int replication = 1;

  std::map<std::string, std::string> properties;
};

// "key=value,key=value" into options.properties; false (with `error` set) on
// an item without '='.
bool parse_kafka_properties(const std::string& list, KafkaOptions& options, std::string& error);

}  // namespace rtm::kafka
