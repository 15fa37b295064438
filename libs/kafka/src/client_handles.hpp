#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>

#include "rtm/kafka/kafka_options.hpp"

// librdkafka's handles with owners, and the configuration every rtm client
// shares. Private to libs/kafka.
namespace rtm::kafka::detail {

struct ClientDeleter {
  void operator()(rd_kafka_t* client) const noexcept { rd_kafka_destroy(client); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* topic) const noexcept { rd_kafka_topic_destroy(topic); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const noexcept { rd_kafka_message_destroy(message); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const noexcept { rd_kafka_topic_partition_list_destroy(list); }
};

using Client = std::unique_ptr<rd_kafka_t, ClientDeleter>;
using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using Topic = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// Throws std::invalid_argument naming the property when librdkafka refuses it.
void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

// bootstrap.servers, client.id and reconnect pacing: what producers and
// consumers share. apply_overrides() then sets options.properties, last, so
// an operator can override any setting rtm chose.
Conf make_conf(const KafkaOptions& options);
void apply_overrides(rd_kafka_conf_t* conf, const KafkaOptions& options);

// Takes ownership of `conf` (librdkafka does, on success); throws
// std::runtime_error with librdkafka's message on failure.
Client make_client(rd_kafka_type_t type, Conf conf);

}  // namespace rtm::kafka::detail
