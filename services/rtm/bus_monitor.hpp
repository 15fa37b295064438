#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "rtm/msg/subscription_thread.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::cli {

// A reader of the market-data channel on a thread of its own that decodes
// every record and counts what arrives: proof, in the summary, that the bus
// delivers what ingest published, and the place where the stream processing
// will subscribe.
class BusMonitor final : public msg::RecordHandler {
 public:
  explicit BusMonitor(msg::Transport& transport);
  ~BusMonitor() override;
  BusMonitor(const BusMonitor&) = delete;
  BusMonitor& operator=(const BusMonitor&) = delete;

  void on_record(std::span<const std::byte> record) override;
  void on_gap(std::uint64_t lost) override;
  // Stops after the poll in progress.
  void stop();

  [[nodiscard]] std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t lost() const noexcept { return lost_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> lost_{0};
  std::atomic<std::uint64_t> undecodable_{0};
  std::unique_ptr<msg::SubscriptionThread> thread_;  // last: stopped before the counters go
};

}  // namespace rtm::cli
