#pragma once

namespace rtm::cli {

// rtm kafka-mock: a development Kafka cluster (librdkafka's mock cluster) in
// this process, with rtm's topics, until stopped. Never for production.
int kafka_mock_command(int argc, char** argv);

}  // namespace rtm::cli
