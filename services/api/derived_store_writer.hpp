#pragma once

#include <atomic>
#include <cstdint>
#include <span>

#include "rtm/msg/transport.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::api {

// Puts what the derived channel carries into the hot store: bars, best
// bids/offers, statistics and alerts, and the definitions that name them
// (venue instruments with the stream side's canonical symbols, and the
// canonical symbols themselves). How rtm-api's hot store learns what
// rtm-stream derived, without deriving it again.
class DerivedStoreWriter final : public msg::RecordHandler {
 public:
  explicit DerivedStoreWriter(store::HotStore& store) noexcept : store_(store) {}

  void on_record(std::span<const std::byte> record) override;
  void on_gap(std::uint64_t lost) override { lost_ += lost; }

  [[nodiscard]] std::uint64_t stored() const noexcept { return stored_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_.load(std::memory_order_relaxed); }

 private:
  store::HotStore& store_;
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> undecodable_{0};
  std::atomic<std::uint64_t> lost_{0};
};

}  // namespace rtm::api
