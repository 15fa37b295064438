#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtm/book/detail/price_ladder.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::book {

struct PriceLevel {
  std::int64_t price = 0;  // mantissa at the instrument's price scale
  std::int64_t size = 0;   // mantissa at the instrument's size scale
  friend bool operator==(const PriceLevel&, const PriceLevel&) = default;
};

// One instrument's price-level book: a PriceLadder per side, so an update
// near the top costs one division and one store whatever the book's depth.
// Asks are keyed by the complement of their price, which orders them best
// (lowest) first as the ladder expects, and cannot overflow as negation
// could. Allocates when a side is first used and when levels pile up far
// from the top; a book's steady updates allocate nothing.
class OrderBook {
 public:
  OrderBook() = default;
  // Kept for callers that size books up front; the ladder needs no hint.
  explicit OrderBook(std::size_t /*expected_depth*/) {}

  // Sets the level's absolute size; size 0 removes it. Returns false for a
  // negative size (left unapplied).
  bool apply(msg::BookSide side, std::int64_t price, std::int64_t size) {
    if (size < 0) return false;
    // The side is picked by a select, not a branch: venues interleave bid
    // and ask updates at random.
    const bool bid = side == msg::BookSide::kBid;
    detail::PriceLadder& ladder = bid ? bids_ : asks_;
    ladder.set(bid ? price : ~price, size);
    return true;
  }
  void clear() noexcept {
    bids_.clear();
    asks_.clear();
  }
  // Keeps the best `depth` levels of each side (Kraken's book is defined so).
  void truncate(std::size_t depth) noexcept {
    bids_.keep_best(depth);
    asks_.keep_best(depth);
  }

  [[nodiscard]] std::size_t depth(msg::BookSide side) const noexcept { return of(side).size(); }
  [[nodiscard]] bool empty() const noexcept { return bids_.empty() && asks_.empty(); }
  [[nodiscard]] std::optional<PriceLevel> best_bid() const noexcept {
    if (bids_.empty()) return std::nullopt;
    return to_level(msg::BookSide::kBid, bids_.best());
  }
  [[nodiscard]] std::optional<PriceLevel> best_ask() const noexcept {
    if (asks_.empty()) return std::nullopt;
    return to_level(msg::BookSide::kAsk, asks_.best());
  }
  // Best bid at or above best ask.
  [[nodiscard]] bool crossed() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.best().key >= ~asks_.best().key;
  }

  // The i-th best level (0 = best) of a side; i < depth(side).
  [[nodiscard]] PriceLevel level(msg::BookSide side, std::size_t i) const noexcept {
    return to_level(side, of(side).nth(i));
  }
  // Copies up to out.size() best levels, best first; returns how many.
  std::size_t top(msg::BookSide side, std::span<PriceLevel> out) const noexcept;

 private:
  [[nodiscard]] const detail::PriceLadder& of(msg::BookSide side) const noexcept {
    return side == msg::BookSide::kBid ? bids_ : asks_;
  }
  static PriceLevel to_level(msg::BookSide side, detail::PriceLadder::Level level) noexcept {
    return {side == msg::BookSide::kBid ? level.key : ~level.key, level.size};
  }

  detail::PriceLadder bids_;
  detail::PriceLadder asks_;
};

}  // namespace rtm::book
