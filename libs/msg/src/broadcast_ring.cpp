#include "rtm/msg/broadcast_ring.hpp"

#include <bit>
#include <new>
#include <stdexcept>
#include <string>

namespace rtm::msg {
namespace {

std::size_t slot_words(std::size_t max_record_size) {
  // Sequence and length words, then the payload, rounded up to whole cache
  // lines so that neighbouring slots never share one.
  const std::size_t bytes = 2 * sizeof(std::uint64_t) + max_record_size;
  const std::size_t lines = (bytes + kCacheLine - 1) / kCacheLine;
  return lines * kCacheLine / sizeof(std::uint64_t);
}

std::size_t checked_capacity(std::size_t capacity) {
  if (capacity < 2) throw std::invalid_argument("broadcast ring capacity must be at least 2");
  return std::bit_ceil(capacity);
}

// Zeroed words starting on a cache line.
std::uint64_t* allocate_words(std::size_t count) {
  void* memory = ::operator new[](count * sizeof(std::uint64_t), std::align_val_t{kCacheLine});
  return static_cast<std::uint64_t*>(std::memset(memory, 0, count * sizeof(std::uint64_t)));
}

}  // namespace

BroadcastRing::BroadcastRing(BroadcastRingOptions options)
    : capacity_(checked_capacity(options.capacity)),
      mask_(capacity_ - 1),
      max_record_size_(options.max_record_size),
      words_per_slot_(slot_words(options.max_record_size)),
      lossless_(options.policy == OverrunPolicy::kBackPressure),
      words_(allocate_words(capacity_ * words_per_slot_)),
      cursors_(std::make_unique<ReaderCursor[]>(options.max_readers)),
      max_readers_(options.max_readers),
      cursor_publish_mask_(std::max<std::uint64_t>(capacity_ / 4, 1) - 1) {
  if (options.max_record_size == 0) throw std::invalid_argument("broadcast ring max_record_size must be positive");
}

BroadcastRing::~BroadcastRing() = default;

void BroadcastRing::WordsDelete::operator()(std::uint64_t* words) const noexcept {
  ::operator delete[](words, std::align_val_t{kCacheLine});
}

bool BroadcastRing::refresh_slowest_reader(std::uint64_t position) noexcept {
  // The lock orders this scan against readers joining: a reader that joins
  // after it starts at or after protected_from_, which the writer will not
  // overwrite before its next scan, and that scan sees the reader.
  std::lock_guard lock(membership_mutex_);
  std::uint64_t slowest = position;
  for (std::size_t i = 0; i < max_readers_; ++i) {
    const std::uint64_t cursor = cursors_[i].position.load(std::memory_order_acquire);
    if (cursor != kFreeCursor) slowest = std::min(slowest, cursor);
  }
  slowest_reader_cache_ = slowest;
  protected_from_.store(slowest, std::memory_order_relaxed);
  return position - slowest < capacity_;
}

std::size_t BroadcastRing::reader_count() const noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < max_readers_; ++i) {
    count += cursors_[i].position.load(std::memory_order_relaxed) != kFreeCursor ? 1U : 0U;
  }
  return count;
}

BroadcastRing::Reader BroadcastRing::make_reader(StartFrom from) {
  // Allocated before a cursor is claimed, so a failure leaks no cursor.
  auto scratch = lossless_ ? nullptr : std::make_unique<std::uint64_t[]>(words_per_slot_);
  std::lock_guard lock(membership_mutex_);
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  std::uint64_t start = head;
  if (from == StartFrom::kEarliest) {
    start = head > capacity_ ? head - capacity_ : 0;
    if (lossless_) start = std::max(start, protected_from_.load(std::memory_order_relaxed));
  }
  for (std::size_t i = 0; i < max_readers_; ++i) {
    std::uint64_t expected = kFreeCursor;
    if (cursors_[i].position.compare_exchange_strong(expected, start, std::memory_order_acq_rel)) {
      return {this, &cursors_[i], start, std::move(scratch)};
    }
  }
  throw std::length_error("broadcast ring already has its maximum of " + std::to_string(max_readers_) + " readers");
}

BroadcastRing::Reader::Reader(const BroadcastRing* ring, ReaderCursor* cursor, std::uint64_t position,
                              std::unique_ptr<std::uint64_t[]> scratch)
    : ring_(ring), cursor_(cursor), position_(position), scratch_(std::move(scratch)) {}

BroadcastRing::Reader::Reader(Reader&& other) noexcept
    : ring_(std::exchange(other.ring_, nullptr)),
      cursor_(std::exchange(other.cursor_, nullptr)),
      position_(other.position_),
      lost_(other.lost_),
      scratch_(std::move(other.scratch_)) {}

BroadcastRing::Reader& BroadcastRing::Reader::operator=(Reader&& other) noexcept {
  if (this != &other) {
    if (cursor_ != nullptr) cursor_->position.store(kFreeCursor, std::memory_order_release);
    ring_ = std::exchange(other.ring_, nullptr);
    cursor_ = std::exchange(other.cursor_, nullptr);
    position_ = other.position_;
    lost_ = other.lost_;
    scratch_ = std::move(other.scratch_);
  }
  return *this;
}

BroadcastRing::Reader::~Reader() {
  if (cursor_ != nullptr) cursor_->position.store(kFreeCursor, std::memory_order_release);
}

std::uint64_t BroadcastRing::Reader::skip_overwritten() noexcept {
  // The writer is at least a whole ring ahead. Rejoin a little way inside the
  // ring rather than at its oldest slot, which the writer is about to take.
  const std::uint64_t head = ring_->head_.load(std::memory_order_acquire);
  const std::uint64_t margin = std::max<std::uint64_t>(ring_->capacity_ / 32, 1);
  const std::uint64_t inside = head + margin > ring_->capacity_ ? head + margin - ring_->capacity_ : 0;
  const std::uint64_t rejoin = std::max(inside, position_ + 1);
  const std::uint64_t skipped = rejoin - position_;
  position_ = rejoin;
  cursor_->position.store(position_, std::memory_order_release);
  return skipped;
}

}  // namespace rtm::msg
