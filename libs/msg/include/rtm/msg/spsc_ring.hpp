#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace rtm::msg {

inline constexpr std::size_t kCacheLine = 64;

// Bounded single-producer single-consumer queue. One thread calls try_push,
// one other thread calls try_pop / front / pop. Allocates once, at
// construction; push and pop never allocate, block or throw.
//
// Each slot carries its own sequence number next to the element, so the
// consumer learns that an element is ready from the cache line that holds
// the element: in steady flow the only line crossing between the cores is
// the slot itself. The producer never publishes a shared write index; it
// re-reads the consumer's read index only when its cached copy says the
// ring is full.
template <class T>
class SpscRing {
  static_assert(std::is_nothrow_copy_assignable_v<T> && std::is_nothrow_move_assignable_v<T>,
                "ring elements must be copied and moved without throwing or allocating");

 public:
  // capacity is rounded up to a power of two.
  explicit SpscRing(std::size_t capacity)
      : capacity_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
        mask_(capacity_ - 1),
        slots_(std::make_unique<Slot[]>(capacity_)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // False when full: back-pressure, not an error.
  bool try_push(const T& value) noexcept {
    return emplace_with([&value](T& slot) { slot = value; });
  }
  bool try_push(T&& value) noexcept {
    return emplace_with([&value](T& slot) { slot = std::move(value); });
  }

  // False when empty.
  bool try_pop(T& out) noexcept {
    T* element = front();
    if (element == nullptr) return false;
    out = std::move(*element);
    pop();
    return true;
  }

  // The oldest element, read in place, or nullptr when empty. Call pop() when
  // done with it; until then the producer will not overwrite it.
  T* front() noexcept {
    Slot& slot = slots_[read_position_ & mask_];
    if (slot.sequence.load(std::memory_order_acquire) != read_position_ + 1) return nullptr;
    return &slot.value;
  }

  void pop() noexcept {
    ++read_position_;
    read_index_.store(read_position_, std::memory_order_release);
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  template <class Assign>
  bool emplace_with(Assign&& assign) noexcept {
    const std::uint64_t write = write_position_;
    if (write - read_index_cache_ >= capacity_) {
      read_index_cache_ = read_index_.load(std::memory_order_acquire);
      if (write - read_index_cache_ >= capacity_) return false;
    }
    Slot& slot = slots_[write & mask_];
    assign(slot.value);
    slot.sequence.store(write + 1, std::memory_order_release);
    write_position_ = write + 1;
    return true;
  }

  // A slot never straddles two cache lines: small ones are packed at a power
  // of two, large ones start on a line of their own.
  static constexpr std::size_t kSlotAlignment = std::bit_ceil(sizeof(T) + sizeof(std::uint64_t)) < kCacheLine
                                                    ? std::bit_ceil(sizeof(T) + sizeof(std::uint64_t))
                                                    : kCacheLine;
  struct alignas(kSlotAlignment) Slot {
    T value{};
    std::atomic<std::uint64_t> sequence{0};  // position + 1 once the element at position is written
  };

  // Producer's line.
  alignas(kCacheLine) std::uint64_t write_position_ = 0;
  std::uint64_t read_index_cache_ = 0;
  // Consumer's line; the producer reads read_index_ only when the ring looks full.
  alignas(kCacheLine) std::atomic<std::uint64_t> read_index_{0};
  std::uint64_t read_position_ = 0;
  alignas(kCacheLine) const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace rtm::msg
