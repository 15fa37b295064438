#pragma once

#include <map>
#include <optional>
#include <string>

#include "rtm/kafka/kafka_options.hpp"

namespace rtm::services {

// The Kafka options every distributed service and tool takes, each with a
// flag and an RTM_* variable.
struct KafkaCliOptions {
  kafka::KafkaOptions kafka;
  // Channel -> topic, for the topics renamed from their channels' names.
  std::map<std::string, std::string, std::less<>> topics;
};

extern const char* const kKafkaOptionsHelp;

// Takes the Kafka flags out of argv (leaving the others for the next
// parser) and reads them and their variables over `defaults`. nullopt after
// a message on stderr when something is wrong, including no brokers.
std::optional<KafkaCliOptions> take_kafka_options(const char* program, int& argc, char** argv,
                                                  kafka::KafkaOptions defaults = {});

}  // namespace rtm::services
