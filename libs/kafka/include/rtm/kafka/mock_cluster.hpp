#pragma once

#include <memory>
#include <string>

namespace rtm::kafka {

// A Kafka cluster inside this process, from librdkafka's mock cluster: it
// speaks the real protocol on 127.0.0.1, so other processes and kcat connect
// to bootstrap() as to any broker. In memory only, for development and
// tests, never for production. The fault calls are what tests inject.
class MockCluster {
 public:
  // Throws std::runtime_error when the cluster cannot be started.
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  [[nodiscard]] std::string bootstrap() const;
  // Throws std::runtime_error on failure (other than the topic existing).
  void create_topic(const std::string& topic, int partitions, int replication);

  // broker -1: every broker. A down broker drops its connections and
  // refuses new ones until it is up again.
  void set_broker_down(int broker);
  void set_broker_up(int broker);
  void set_broker_rtt(int broker, int milliseconds);
  // The next `count` requests of the Kafka protocol's `api_key` (0 Produce,
  // 1 Fetch, 8 OffsetCommit, ...) fail with Kafka error `error_code`.
  void push_request_errors(int api_key, int count, int error_code);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::kafka
