#pragma once

#include "rtm/common/metrics.hpp"
#include "rtm/kafka/kafka_counters.hpp"

namespace rtm::services {

// A transport's counters as rtm_kafka_* families, read at each scrape.
void register_kafka_metrics(common::Metrics& metrics, const kafka::KafkaCounters& counters);

}  // namespace rtm::services
