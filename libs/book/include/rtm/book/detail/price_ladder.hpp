#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rtm::book::detail {

// One side of an order book, keyed so that a larger key is a better level
// (bids use the price, asks its bitwise complement).
//
// The levels near the top live in a ladder: a window of kSlots price slots,
// one per tick, starting at the window's top key, so an update is one
// division and one store, whatever the depth. The tick is learned from the
// prices themselves (the greatest common divisor of their distances), so no
// venue metadata is needed and a price off the grid just refines it. Levels
// worse than the window wait in a sorted array, best at the back; they are
// rarely touched, since venues update the top of the book far more often.
// The window follows the market: a better price moves it up, and when its
// best level sinks into the lower half it moves down again.
class PriceLadder {
 public:
  struct Level {
    std::int64_t key = 0;
    std::int64_t size = 0;
  };
  // 8 KiB of sizes a side. Half that made the window move (spill and
  // refill) every hundred or so updates of a synthetic crypto book whose
  // price wanders by whole dollars at a cent tick; twice it gained nothing.
  static constexpr std::size_t kSlots = 1024;

  // size > 0 sets the level, 0 removes it.
  void set(std::int64_t key, std::int64_t size) {
    if (tick_ != 0 && key <= top_) {
      const std::uint64_t distance = static_cast<std::uint64_t>(top_) - static_cast<std::uint64_t>(key);
      if (distance < span_) {
        const std::uint64_t slot = ticks_in(distance);
        if (slot * tick_ == distance) {
          set_slot(slot, size);
          return;
        }
      }
    }
    set_outside(key, size);
  }

  void clear() noexcept;
  // Keeps the best `depth` levels.
  void keep_best(std::size_t depth) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return count_ + far_.size(); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  // The best level; the side must not be empty.
  [[nodiscard]] Level best() const noexcept { return count_ != 0 ? Level{key_of(best_), sizes_[best_]} : far_.back(); }
  // The i-th best level (0 = best); i < size().
  [[nodiscard]] Level nth(std::size_t i) const noexcept;
  // Calls visit(level) for up to `count` best levels, best first, in one
  // pass; returns how many it visited.
  template <class Visit>
  std::size_t visit_best(std::size_t count, Visit&& visit) const {
    std::size_t visited = 0;
    for (std::size_t word = best_ / 64; count_ != 0 && word < kWords && visited < count; ++word) {
      for (std::uint64_t bits = occupied_[word]; bits != 0 && visited < count; bits &= bits - 1) {
        const std::size_t slot = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        visit(Level{key_of(slot), sizes_[slot]});
        ++visited;
      }
    }
    for (std::size_t i = far_.size(); i-- > 0 && visited < count; ++visited) visit(far_[i]);
    return visited;
  }

 private:
  static constexpr std::size_t kWords = kSlots / 64;
  // Where a new window puts the best level: room above it for the market
  // to rise before the window must move (a rise costs a move; a fall only
  // once the best is below the middle).
  static constexpr std::size_t kHeadroom = kSlots / 4;

  // distance / tick_ for a distance below span_, without a division (a
  // 64-bit division was the larger part of an update's cost): a multiply by
  // the tick's reciprocal (2^64 - 1) / tick_ + 1 (in reciprocal_), exact for
  // every multiple of the tick below kSlots ticks since kSlots * tick_ <
  // 2^64 there (span_ fits).
  // For other distances the quotient may be one more, and the caller's
  // check slot * tick_ == distance refuses them all the same.
  [[nodiscard]] std::uint64_t ticks_in(std::uint64_t distance) const noexcept {
    if (tick_ == 1) return distance;  // the reciprocal would be 2^64
    __extension__ using Uint128 = unsigned __int128;
    return static_cast<std::uint64_t>((Uint128{distance} * reciprocal_) >> 64);
  }
  void set_tick(std::uint64_t tick) noexcept {
    tick_ = tick;
    reciprocal_ = tick > 1 ? ~std::uint64_t{0} / tick + 1 : 0;
  }
  [[nodiscard]] std::int64_t key_of(std::size_t slot) const noexcept {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(top_) - slot * tick_);
  }
  // Branch-free but for the best level's removal: whether an update adds,
  // changes or removes a level is as random as the venue's traffic, and a
  // mispredicted branch costs more than the few instructions doing all three.
  void set_slot(std::size_t slot, std::int64_t size) {
    std::int64_t& current = sizes_[slot];
    const bool was_set = current != 0;
    const bool is_set = size != 0;
    current = size;
    const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
    std::uint64_t& word = occupied_[slot / 64];
    word = (word & ~bit) | (bit & (std::uint64_t{0} - static_cast<std::uint64_t>(is_set)));
    count_ = count_ + static_cast<std::size_t>(is_set) - static_cast<std::size_t>(was_set);
    const bool better = is_set & (slot < best_);
    best_ = better ? slot : best_;
    if (!is_set && slot == best_) {  // the best level went (it was set: best_ is occupied)
      best_ = next_occupied(slot + 1);
      if (best_ >= kSlots / 2 && !far_.empty()) recenter();
    }
  }
  // The first occupied slot at or after `slot`; kSlots if none.
  [[nodiscard]] std::size_t next_occupied(std::size_t slot) const noexcept {
    for (std::size_t word = slot / 64; word < kWords; ++word) {
      std::uint64_t bits = occupied_[word];
      if (word == slot / 64) bits &= ~std::uint64_t{0} << (slot % 64);
      if (bits != 0) return word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    }
    return kSlots;
  }

  // Everything the one-division path cannot take: no tick yet, a price off
  // the grid, above the window or below it.
  void set_outside(std::int64_t key, std::int64_t size);
  void set_far(std::int64_t key, std::int64_t size);
  // Moves every ladder level into far_ (they are all better than far_'s).
  void spill() noexcept;
  // Places the window so that the best level sits kHeadroom slots below its
  // top, and pulls into it the levels that fit.
  void recenter();

  std::vector<std::int64_t> sizes_;  // kSlots once a tick is known
  std::array<std::uint64_t, kWords> occupied_{};
  std::int64_t top_ = 0;       // the key of slot 0
  std::uint64_t tick_ = 0;     // 0 until two prices are known: the ladder is unused
  std::uint64_t reciprocal_ = 0;  // see ticks_in; set with tick_ by set_tick
  std::uint64_t span_ = 0;     // kSlots * tick_, or the most that fits
  std::size_t best_ = kSlots;  // the best occupied slot, kSlots when none
  std::size_t count_ = 0;      // occupied slots
  std::vector<Level> far_;     // levels below the window, ascending keys
};

}  // namespace rtm::book::detail
