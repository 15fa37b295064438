#pragma once

#include <atomic>

#include "rtm/common/metrics.hpp"

namespace rtm::services {

// A metric family of one series read from a component's atomic counter at
// each scrape; the counter must outlive the metrics.
template <class T>
common::Metrics::Reader read_atomic(const std::atomic<T>& value) {
  return [&value] { return common::Metrics::single(static_cast<double>(value.load(std::memory_order_relaxed))); };
}

}  // namespace rtm::services
