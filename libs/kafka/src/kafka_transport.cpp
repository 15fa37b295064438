#include "rtm/kafka/kafka_transport.hpp"

#include "rtm/kafka/topic_admin.hpp"

namespace rtm::kafka {

KafkaTransport::KafkaTransport(KafkaOptions options, std::map<std::string, std::string, std::less<>> topics)
    : options_(std::move(options)), topics_(std::move(topics)) {}

KafkaTransport::~KafkaTransport() = default;

std::string KafkaTransport::topic_of(std::string_view channel) const {
  const auto renamed = topics_.find(channel);
  return renamed != topics_.end() ? renamed->second : std::string(channel);
}

void KafkaTransport::ensure_topics(const std::vector<std::string_view>& channels, std::chrono::milliseconds timeout) {
  std::vector<std::string> topics;
  topics.reserve(channels.size());
  for (const std::string_view channel : channels) topics.push_back(topic_of(channel));
  kafka::ensure_topics(options_, topics, timeout);
}

std::unique_ptr<msg::Publisher> KafkaTransport::make_publisher(std::string_view channel) {
  return make_kafka_publisher(channel);
}

std::unique_ptr<msg::Subscriber> KafkaTransport::make_subscriber(std::string_view channel,
                                                                 msg::SubscribeOptions options) {
  return make_kafka_subscriber(channel, options);
}

std::unique_ptr<KafkaPublisher> KafkaTransport::make_kafka_publisher(std::string_view channel) {
  return std::make_unique<KafkaPublisher>(options_, std::string(channel), topic_of(channel), counters_);
}

std::unique_ptr<KafkaSubscriber> KafkaTransport::make_kafka_subscriber(std::string_view channel,
                                                                       msg::SubscribeOptions options,
                                                                       RebalanceListener listener) {
  return std::make_unique<KafkaSubscriber>(options_, std::string(channel), topic_of(channel), options, counters_,
                                           std::move(listener));
}

}  // namespace rtm::kafka
