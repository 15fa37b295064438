#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace rtm::stream {

// A queue with indexing, in one power-of-two buffer used as a ring: what
// std::deque offers a rolling window (push at the back, pop at the front,
// any element by position), where std::deque divides by its block size on
// every indexed access. It grows by doubling and never shrinks, so a window
// that stays about the same size allocates nothing once it has its size.
template <class T>
class RingDeque {
 public:
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  // The element `i` places from the front (i < size()).
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return slots_[(head_ + i) & mask()]; }
  [[nodiscard]] const T& front() const noexcept { return (*this)[0]; }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }

  void push_back(T value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & mask()] = std::move(value);
    ++size_;
  }
  // The front element out (size() > 0).
  void pop_front() noexcept {
    head_ = (head_ + 1) & mask();
    --size_;
  }

 private:
  [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }

  void grow() {
    std::vector<T> bigger(std::max<std::size_t>(16, slots_.size() * 2));
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[(head_ + i) & mask()]);
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;  // size 0 or a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace rtm::stream
