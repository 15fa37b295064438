#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace rtm::msg {

inline constexpr std::size_t kCacheLine = 64;

// Bounded single-producer single-consumer queue. One thread calls try_push,
// one other thread calls try_pop / front / pop. Allocates once, at
// construction; push and pop never allocate, block or throw.
//
// Each side keeps a private copy of the other side's index and re-reads the
// shared one only when the copy says the ring looks full (producer) or empty
// (consumer), so in steady flow each operation touches one shared cache line
// instead of two.
template <class T>
class SpscRing {
  static_assert(std::is_nothrow_copy_assignable_v<T> || std::is_nothrow_move_assignable_v<T>,
                "ring elements must be assignable without throwing");

 public:
  // capacity is rounded up to a power of two.
  explicit SpscRing(std::size_t capacity)
      : capacity_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
        mask_(capacity_ - 1),
        storage_(std::make_unique<T[]>(capacity_ + 2 * kPadding)),
        slots_(storage_.get() + kPadding) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // False when full: back-pressure, not an error.
  bool try_push(const T& value) noexcept {
    const std::size_t write = write_index_.load(std::memory_order_relaxed);
    if (write - read_index_cache_ == capacity_) {
      read_index_cache_ = read_index_.load(std::memory_order_acquire);
      if (write - read_index_cache_ == capacity_) return false;
    }
    slots_[write & mask_] = value;
    write_index_.store(write + 1, std::memory_order_release);
    return true;
  }

  // False when empty.
  bool try_pop(T& out) noexcept {
    const T* slot = front();
    if (slot == nullptr) return false;
    out = std::move(*const_cast<T*>(slot));
    pop();
    return true;
  }

  // The oldest element, read in place, or nullptr when empty. Call pop() when
  // done with it; until then the producer will not overwrite it.
  const T* front() noexcept {
    const std::size_t read = read_index_.load(std::memory_order_relaxed);
    if (read == write_index_cache_) {
      write_index_cache_ = write_index_.load(std::memory_order_acquire);
      if (read == write_index_cache_) return nullptr;
    }
    return &slots_[read & mask_];
  }

  void pop() noexcept {
    read_index_.store(read_index_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  // Exact when called by either side while the other is idle.
  [[nodiscard]] std::size_t size_approx() const noexcept {
    return write_index_.load(std::memory_order_acquire) - read_index_.load(std::memory_order_acquire);
  }

 private:
  // Elements on each side of the slots, so the slots share no cache line
  // with whatever the allocator puts next to them.
  static constexpr std::size_t kPadding = (kCacheLine - 1) / sizeof(T) + 1;

  alignas(kCacheLine) std::atomic<std::size_t> write_index_{0};
  std::size_t read_index_cache_ = 0;  // producer's copy
  alignas(kCacheLine) std::atomic<std::size_t> read_index_{0};
  std::size_t write_index_cache_ = 0;  // consumer's copy
  alignas(kCacheLine) const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> storage_;
  T* slots_;
};

}  // namespace rtm::msg
