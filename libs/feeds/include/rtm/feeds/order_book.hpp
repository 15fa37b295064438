#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtm/msg/records.hpp"

namespace rtm::feeds {

struct PriceLevel {
  std::int64_t price = 0;  // mantissa at the instrument's price scale
  std::int64_t size = 0;   // mantissa at the instrument's size scale
  friend bool operator==(const PriceLevel&, const PriceLevel&) = default;
};

// One instrument's price-level book. Each side is a sorted array of levels
// with the best level at the back: most updates land near the top of the
// book, so an insert or removal moves only the few levels above it, and the
// search runs over contiguous memory. No allocation once the capacity for
// the book's depth has been reserved.
class OrderBook {
 public:
  // Room for 64 levels a side; deeper books grow once, as they fill.
  OrderBook() : OrderBook(64) {}
  explicit OrderBook(std::size_t expected_depth) {
    bids_.reserve(expected_depth);
    asks_.reserve(expected_depth);
  }

  // Sets the level's absolute size; size 0 removes it. Returns false for a
  // negative size (left unapplied).
  bool apply(msg::BookSide side, std::int64_t price, std::int64_t size) noexcept;
  void clear() noexcept {
    bids_.clear();
    asks_.clear();
  }
  // Keeps the best `depth` levels of each side (Kraken's book is defined so).
  void truncate(std::size_t depth) noexcept;

  [[nodiscard]] std::size_t depth(msg::BookSide side) const noexcept { return of(side).size(); }
  [[nodiscard]] bool empty() const noexcept { return bids_.empty() && asks_.empty(); }
  [[nodiscard]] std::optional<PriceLevel> best_bid() const noexcept { return best(bids_); }
  [[nodiscard]] std::optional<PriceLevel> best_ask() const noexcept { return best(asks_); }
  // Best bid at or above best ask.
  [[nodiscard]] bool crossed() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
  }

  // The i-th best level (0 = best) of a side; i < depth(side).
  [[nodiscard]] PriceLevel level(msg::BookSide side, std::size_t i) const noexcept {
    const auto& levels = of(side);
    return levels[levels.size() - 1 - i];
  }
  // Copies up to out.size() best levels, best first; returns how many.
  std::size_t top(msg::BookSide side, std::span<PriceLevel> out) const noexcept;

 private:
  using Side = std::vector<PriceLevel>;  // sorted worst to best
  [[nodiscard]] const Side& of(msg::BookSide side) const noexcept {
    return side == msg::BookSide::kBid ? bids_ : asks_;
  }
  static std::optional<PriceLevel> best(const Side& side) noexcept {
    if (side.empty()) return std::nullopt;
    return side.back();
  }

  Side bids_;  // ascending prices: best (highest) at the back
  Side asks_;  // descending prices: best (lowest) at the back
};

}  // namespace rtm::feeds
