#pragma once

#include <chrono>
#include <cstdint>

namespace rtm::feeds {

// Paces a recorded or simulated stream against the wall clock: the first
// timestamp seen starts the clock, and each later one is waited for until
// (ts - first) / speed has passed. speed 0 never waits. A timestamp that goes
// back in time is not waited for.
class Pacer {
 public:
  explicit Pacer(double speed) noexcept : speed_(speed) {}

  void wait_until(std::int64_t ts_ns);
  [[nodiscard]] std::int64_t first_ts() const noexcept { return first_ts_; }
  [[nodiscard]] bool started() const noexcept { return started_; }

 private:
  double speed_;
  bool started_ = false;
  std::int64_t first_ts_ = 0;
  std::chrono::steady_clock::time_point wall_start_{};
};

}  // namespace rtm::feeds
