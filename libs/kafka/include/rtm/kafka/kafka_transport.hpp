#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/kafka/kafka_counters.hpp"
#include "rtm/kafka/kafka_options.hpp"
#include "rtm/kafka/kafka_publisher.hpp"
#include "rtm/kafka/kafka_subscriber.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::kafka {

// The bus when the services run apart: each channel is a Kafka topic (by
// default of the channel's own name; `topics` renames them). Publishers are
// idempotent producers keyed by canonical symbol; subscribers are consumers, in
// options.group_id's group if there is one.
class KafkaTransport final : public msg::Transport {
 public:
  explicit KafkaTransport(KafkaOptions options, std::map<std::string, std::string, std::less<>> topics = {});
  ~KafkaTransport() override;

  // Creates the channels' topics that do not exist yet, with the configured
  // partitions and replication. Throws std::runtime_error when the cluster
  // does not answer within `timeout` or refuses.
  void ensure_topics(const std::vector<std::string_view>& channels, std::chrono::milliseconds timeout);

  std::unique_ptr<msg::Publisher> make_publisher(std::string_view channel) override;
  std::unique_ptr<msg::Subscriber> make_subscriber(std::string_view channel, msg::SubscribeOptions options) override;
  // The same, with the Kafka-specific calls (flush, caught_up, commit).
  std::unique_ptr<KafkaPublisher> make_kafka_publisher(std::string_view channel);
  std::unique_ptr<KafkaSubscriber> make_kafka_subscriber(std::string_view channel, msg::SubscribeOptions options,
                                                         RebalanceListener listener = {});

  [[nodiscard]] std::string topic_of(std::string_view channel) const;
  [[nodiscard]] const KafkaCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const KafkaOptions& options() const noexcept { return options_; }

 private:
  KafkaOptions options_;
  std::map<std::string, std::string, std::less<>> topics_;
  KafkaCounters counters_;
};

}  // namespace rtm::kafka
