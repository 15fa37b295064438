#include "bus_monitor.hpp"

#include "rtm/msg/channels.hpp"
#include "rtm/msg/codec.hpp"

namespace rtm::cli {

BusMonitor::BusMonitor(msg::Transport& transport) {
  thread_ = std::make_unique<msg::SubscriptionThread>(
      transport.make_subscriber(msg::kMarketDataChannel, {.start = msg::StartFrom::kEarliest}), *this);
}

BusMonitor::~BusMonitor() {
  stop();
}

void BusMonitor::stop() {
  thread_.reset();
}

void BusMonitor::on_record(std::span<const std::byte> record) {
  msg::AnyRecord decoded;
  if (msg::decode(record, decoded).ok()) {
    delivered_.fetch_add(1, std::memory_order_relaxed);
  } else {
    undecodable_.fetch_add(1, std::memory_order_relaxed);
  }
}

void BusMonitor::on_gap(std::uint64_t lost) {
  lost_.fetch_add(lost, std::memory_order_relaxed);
}

}  // namespace rtm::cli
