#include "rtm/msg/broadcast_ring.hpp"

#include <bit>
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

}  // namespace

BroadcastRing::BroadcastRing(BroadcastRingOptions options)
    : capacity_(checked_capacity(options.capacity)),
      mask_(capacity_ - 1),
      max_record_size_(options.max_record_size),
      words_per_slot_(slot_words(options.max_record_size)),
      policy_(options.policy),
      lines_(std::make_unique<Line[]>(capacity_ * words_per_slot_ / kWordsPerLine)),
      cursors_(std::make_unique<ReaderCursor[]>(options.max_readers)),
      max_readers_(options.max_readers),
      cursor_publish_mask_(std::max<std::uint64_t>(capacity_ / 4, 1) - 1) {
  if (options.max_record_size == 0) throw std::invalid_argument("broadcast ring max_record_size must be positive");
  for (std::size_t line = 0; line < capacity_ * words_per_slot_ / kWordsPerLine; ++line) {
    for (auto& w : lines_[line].words) w.store(0, std::memory_order_relaxed);
  }
}

BroadcastRing::~BroadcastRing() = default;

PublishStatus BroadcastRing::offer(std::span<const std::byte> record) noexcept {
  if (record.size() > max_record_size_) return PublishStatus::kTooLarge;
  const std::uint64_t position = next_position_;
  if (policy_ == OverrunPolicy::kBackPressure && position - slowest_reader_cache_ >= capacity_) {
    slowest_reader_cache_ = slowest_reader(position);
    if (position - slowest_reader_cache_ >= capacity_) return PublishStatus::kBackPressured;
  }

  Word& sequence = word(position, kSequenceWord);
  sequence.store(2 * position + 1, std::memory_order_relaxed);
  // Orders the odd sequence before the payload stores for a reader that
  // sees any of the new payload (its acquire fence pairs with this one).
  std::atomic_thread_fence(std::memory_order_release);
  word(position, kLengthWord).store(record.size(), std::memory_order_relaxed);
  const std::size_t whole_words = record.size() / 8;
  for (std::size_t i = 0; i < whole_words; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, record.data() + i * 8, 8);
    word(position, kPayloadWord + i).store(bits, std::memory_order_relaxed);
  }
  if (const std::size_t tail = record.size() % 8; tail != 0) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, record.data() + whole_words * 8, tail);
    word(position, kPayloadWord + whole_words).store(bits, std::memory_order_relaxed);
  }
  sequence.store(2 * position + 2, std::memory_order_release);

  next_position_ = position + 1;
  head_.store(next_position_, std::memory_order_release);
  return PublishStatus::kOk;
}

std::uint64_t BroadcastRing::slowest_reader(std::uint64_t head) const noexcept {
  std::uint64_t slowest = head;
  for (std::size_t i = 0; i < max_readers_; ++i) {
    const std::uint64_t position = cursors_[i].position.load(std::memory_order_acquire);
    if (position != kFreeCursor) slowest = std::min(slowest, position);
  }
  return slowest;
}

std::size_t BroadcastRing::reader_count() const noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < max_readers_; ++i) {
    count += cursors_[i].position.load(std::memory_order_relaxed) != kFreeCursor ? 1U : 0U;
  }
  return count;
}

BroadcastRing::Reader BroadcastRing::make_reader(StartFrom from) {
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  std::uint64_t start = head;
  if (from == StartFrom::kEarliest) start = head > capacity_ ? head - capacity_ : 0;
  for (std::size_t i = 0; i < max_readers_; ++i) {
    std::uint64_t expected = kFreeCursor;
    if (cursors_[i].position.compare_exchange_strong(expected, start, std::memory_order_acq_rel)) {
      return Reader(this, &cursors_[i], start);
    }
  }
  throw std::length_error("broadcast ring already has its maximum of " + std::to_string(max_readers_) + " readers");
}

BroadcastRing::Reader::Reader(const BroadcastRing* ring, ReaderCursor* cursor, std::uint64_t position)
    : ring_(ring),
      cursor_(cursor),
      position_(position),
      scratch_(std::make_unique<std::uint64_t[]>(ring->words_per_slot_)) {}

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
