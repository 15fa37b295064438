#include "rtm/feeds/publishing_sink.hpp"

#include "rtm/msg/idle_strategy.hpp"

namespace rtm::feeds {

void PublishingSink::offer(std::span<const std::byte> bytes) {
  msg::PublishStatus status = publisher_.offer(bytes);
  if (status == msg::PublishStatus::kBackPressured) {
    ++counters_.waits;
    msg::BackoffIdle idle;
    const auto deadline = std::chrono::steady_clock::now() + max_wait_;
    while (status == msg::PublishStatus::kBackPressured && std::chrono::steady_clock::now() < deadline) {
      idle.idle(0);
      status = publisher_.offer(bytes);
    }
  }
  if (status == msg::PublishStatus::kOk) {
    ++counters_.published;
  } else {
    ++counters_.dropped;
  }
}

}  // namespace rtm::feeds
