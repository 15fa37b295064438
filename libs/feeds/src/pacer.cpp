#include "rtm/feeds/pacer.hpp"

#include <thread>

namespace rtm::feeds {

void Pacer::wait_until(std::int64_t ts_ns) {
  if (!started_) {
    started_ = true;
    first_ts_ = ts_ns;
    wall_start_ = std::chrono::steady_clock::now();
  }
  if (speed_ <= 0) return;
  const auto offset =
      std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(ts_ns - first_ts_) / speed_));
  const auto due = wall_start_ + offset;
  if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
}

}  // namespace rtm::feeds
