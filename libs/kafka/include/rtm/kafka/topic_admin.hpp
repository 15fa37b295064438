#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rtm/kafka/kafka_options.hpp"

namespace rtm::kafka {

// Creates the topics that do not exist yet, with options.partitions and
// options.replication; a topic that exists is left as it is. Throws
// std::runtime_error naming the topic when the cluster refuses, or when it
// does not answer within `timeout`.
void ensure_topics(const KafkaOptions& options, const std::vector<std::string>& topics,
                   std::chrono::milliseconds timeout);

}  // namespace rtm::kafka
