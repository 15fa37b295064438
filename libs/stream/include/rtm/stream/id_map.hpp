#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "rtm/msg/ids.hpp"

namespace rtm::stream {

// Per-instrument state, looked up on every record: open addressing over a
// power-of-two table with a multiplicative hash, where std::unordered_map
// divides by a prime on every lookup (that division was most of a lookup's
// cost). Values live in a deque, so their addresses never change: callers
// keep pointers to them. Nothing is ever removed.
template <class T>
class IdMap {
 public:
  // The value of `id`, default-constructed on first sight (then `added`).
  std::pair<T&, bool> try_emplace(msg::InstrumentId id) {
    if (T* found = find(id)) return {*found, false};
    if (2 * (values_.size() + 1) > slots_.size()) grow();
    T& value = values_.emplace_back();
    place(id, &value);
    return {value, true};
  }
  T& operator[](msg::InstrumentId id) { return try_emplace(id).first; }

  [[nodiscard]] T* find(msg::InstrumentId id) noexcept { return const_cast<T*>(std::as_const(*this).find(id)); }
  [[nodiscard]] const T* find(msg::InstrumentId id) const noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t at = home(id);; at = (at + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[at];
      if (slot.value == nullptr) return nullptr;
      if (slot.id == id) return slot.value;
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }

 private:
  struct Slot {
    msg::InstrumentId id = 0;
    T* value = nullptr;  // nullptr: empty
  };

  [[nodiscard]] std::size_t home(msg::InstrumentId id) const noexcept {
    // Fibonacci hashing: the product's top bits, which the id's low bits
    // reach as well as its high ones.
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(slots_.size())));
  }
  void place(msg::InstrumentId id, T* value) noexcept {
    std::size_t at = home(id);
    while (slots_[at].value != nullptr) at = (at + 1) & (slots_.size() - 1);
    slots_[at] = {id, value};
  }
  void grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.empty() ? 16 : 2 * slots_.size()));
    for (const Slot& slot : old) {
      if (slot.value != nullptr) place(slot.id, slot.value);
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::deque<T> values_;
};

}  // namespace rtm::stream
