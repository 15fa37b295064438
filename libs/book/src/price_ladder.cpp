#include "rtm/book/detail/price_ladder.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace rtm::book::detail {
namespace {

__extension__ using Int128 = __int128;  // key distances need 65 bits

constexpr std::int64_t kMaxKey = std::numeric_limits<std::int64_t>::max();

std::uint64_t magnitude(Int128 value) noexcept {
  return static_cast<std::uint64_t>(value < 0 ? -value : value);
}

}  // namespace

void PriceLadder::set_outside(std::int64_t key, std::int64_t size) {
  if (tick_ == 0) {
    set_far(key, size);
    if (far_.size() < 2) return;
    // Two prices make a grid: the tick divides every distance between them.
    std::uint64_t tick = 0;
    for (const Level& level : far_) tick = std::gcd(tick, magnitude(Int128{far_.back().key} - level.key));
    set_tick(tick);
    sizes_.assign(kSlots, 0);
    recenter();
    return;
  }
  const Int128 distance = Int128{top_} - key;
  const std::uint64_t ticks_away = magnitude(distance) / tick_;
  if (magnitude(distance) % tick_ != 0) {
    // Off the grid: the level cannot exist yet, and a finer tick places it.
    if (size == 0) return;
    spill();
    set_far(key, size);
    set_tick(std::gcd(tick_, magnitude(distance)));
    recenter();
  } else if (distance < 0) {
    // Above the window: move the window up to it.
    if (size == 0) return;
    spill();
    set_far(key, size);
    recenter();
  } else if (ticks_away < kSlots) {
    set_slot(ticks_away, size);  // in the window, but the fast path could not tell (a huge tick)
  } else {
    set_far(key, size);
    // An empty ladder, or one whose best has sunk deep, follows the market.
    if (size != 0 && best_ >= kSlots / 2) recenter();
  }
}

void PriceLadder::set_far(std::int64_t key, std::int64_t size) {
  const auto position =
      std::lower_bound(far_.begin(), far_.end(), key, [](const Level& level, std::int64_t k) { return level.key < k; });
  const bool exists = position != far_.end() && position->key == key;
  if (size == 0) {
    if (exists) far_.erase(position);
  } else if (exists) {
    position->size = size;
  } else {
    far_.insert(position, Level{key, size});
  }
}

void PriceLadder::spill() noexcept {
  // Worst slot first, so far_ stays ascending.
  for (std::size_t word = kWords; word-- > 0;) {
    std::uint64_t bits = occupied_[word];
    while (bits != 0) {
      const std::size_t slot = word * 64 + 63 - static_cast<std::size_t>(std::countl_zero(bits));
      bits &= ~(std::uint64_t{1} << (slot % 64));
      far_.push_back(Level{key_of(slot), sizes_[slot]});
      sizes_[slot] = 0;
    }
    occupied_[word] = 0;
  }
  count_ = 0;
  best_ = kSlots;
}

void PriceLadder::recenter() {
  spill();
  if (far_.empty()) return;
  const std::int64_t best = far_.back().key;
  const Int128 room = (Int128{kMaxKey} - best) / tick_;
  top_ = static_cast<std::int64_t>(best + std::min<Int128>(room, kHeadroom) * tick_);
  span_ = tick_ <= std::numeric_limits<std::uint64_t>::max() / kSlots ? kSlots * tick_ : 0;
  while (!far_.empty()) {
    const std::uint64_t slot = magnitude(Int128{top_} - far_.back().key) / tick_;
    if (slot >= kSlots) break;
    sizes_[slot] = far_.back().size;
    occupied_[slot / 64] |= std::uint64_t{1} << (slot % 64);
    ++count_;
    best_ = std::min<std::size_t>(best_, slot);
    far_.pop_back();
  }
}

void PriceLadder::clear() noexcept {
  for (std::size_t word = 0; word < kWords; ++word) {
    for (std::uint64_t bits = occupied_[word]; bits != 0; bits &= bits - 1) {
      sizes_[word * 64 + static_cast<std::size_t>(std::countr_zero(bits))] = 0;
    }
    occupied_[word] = 0;
  }
  count_ = 0;
  best_ = kSlots;
  far_.clear();
}

PriceLadder::Level PriceLadder::nth(std::size_t i) const noexcept {
  if (i >= count_) return far_[far_.size() - 1 - (i - count_)];
  for (std::size_t word = best_ / 64;; ++word) {
    std::uint64_t bits = occupied_[word];
    const auto here = static_cast<std::size_t>(std::popcount(bits));
    if (i >= here) {
      i -= here;
      continue;
    }
    for (; i > 0; --i) bits &= bits - 1;
    const std::size_t slot = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    return Level{key_of(slot), sizes_[slot]};
  }
}

void PriceLadder::keep_best(std::size_t depth) noexcept {
  if (depth >= size()) return;
  if (depth >= count_) {
    far_.erase(far_.begin(), far_.end() - static_cast<std::ptrdiff_t>(depth - count_));
    return;
  }
  far_.clear();
  // Remove the occupied slots after the depth-th, worst first.
  std::size_t to_remove = count_ - depth;
  for (std::size_t word = kWords; to_remove > 0 && word-- > 0;) {
    std::uint64_t& bits = occupied_[word];
    while (to_remove > 0 && bits != 0) {
      const std::size_t slot = word * 64 + 63 - static_cast<std::size_t>(std::countl_zero(bits));
      bits &= ~(std::uint64_t{1} << (slot % 64));
      sizes_[slot] = 0;
      --to_remove;
      --count_;
    }
  }
  if (count_ == 0) best_ = kSlots;
}

}  // namespace rtm::book::detail
