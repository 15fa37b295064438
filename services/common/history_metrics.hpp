#pragma once

#include "rtm/common/metrics.hpp"
#include "rtm/store/history_writer.hpp"

namespace rtm::services {

// The history writer's counters as rtm_history_* families, read at each scrape.
void register_history_metrics(common::Metrics& metrics, const store::HistoryWriterCounters& counters);

}  // namespace rtm::services
