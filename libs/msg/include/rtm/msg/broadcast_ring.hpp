#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/publish_status.hpp"
#include "rtm/msg/spsc_ring.hpp"

namespace rtm::msg {

enum class OverrunPolicy : std::uint8_t {
  // The writer never waits: a reader that falls a whole ring behind loses the
  // oldest records and is told exactly how many (a gap).
  kOverwrite,
  // The writer's offer returns kBackPressured while the slowest reader is a
  // whole ring behind. For consumers that must see everything (the journal).
  kBackPressure,
};

enum class StartFrom : std::uint8_t {
  kLatest,    // only records published after the reader joins
  kEarliest,  // the oldest record still in the ring
};

struct BroadcastRingOptions {
  std::size_t capacity = 1U << 16;  // records; rounded up to a power of two
  std::size_t max_record_size = kMaxRecordSize;
  OverrunPolicy policy = OverrunPolicy::kOverwrite;
  std::size_t max_readers = 64;
};

// One writer, any number of readers, each with its own cursor: a broadcast
// ring of fixed-size slots. The writer publishes each slot under a sequence
// lock (odd while writing, 2*(position+1) when complete); a reader copies the
// slot out and checks the sequence again, so it either gets the record whole
// or learns it was overwritten. Payload words are relaxed atomics, so the
// race a sequence lock is built on is a well-defined one.
//
// offer() must be called from one thread at a time. Each Reader is used by
// one thread at a time. Nothing allocates after construction except
// make_reader().
class BroadcastRing {
 public:
  class Reader;

  explicit BroadcastRing(BroadcastRingOptions options);
  ~BroadcastRing();
  BroadcastRing(const BroadcastRing&) = delete;
  BroadcastRing& operator=(const BroadcastRing&) = delete;

  PublishStatus offer(std::span<const std::byte> record) noexcept;

  // Throws std::length_error when max_readers are already attached.
  Reader make_reader(StartFrom from = StartFrom::kLatest);

  [[nodiscard]] std::uint64_t published() const noexcept { return head_.load(std::memory_order_acquire); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t max_record_size() const noexcept { return max_record_size_; }
  [[nodiscard]] std::size_t reader_count() const noexcept;

 private:
  using Word = std::atomic<std::uint64_t>;
  struct alignas(kCacheLine) Line {
    Word words[kCacheLine / sizeof(Word)];
  };
  static constexpr std::size_t kWordsPerLine = kCacheLine / sizeof(Word);
  static constexpr std::uint64_t kFreeCursor = ~std::uint64_t{0};

  struct alignas(kCacheLine) ReaderCursor {
    std::atomic<std::uint64_t> position{kFreeCursor};  // kFreeCursor: slot unused
  };

  [[nodiscard]] Word& word(std::uint64_t position, std::size_t index) const noexcept {
    const std::size_t first = static_cast<std::size_t>(position & mask_) * words_per_slot_ + index;
    return lines_[first / kWordsPerLine].words[first % kWordsPerLine];
  }
  [[nodiscard]] std::uint64_t slowest_reader(std::uint64_t head) const noexcept;

  // Slot layout: [sequence][length][payload words ...]
  static constexpr std::size_t kSequenceWord = 0;
  static constexpr std::size_t kLengthWord = 1;
  static constexpr std::size_t kPayloadWord = 2;

  const std::size_t capacity_;
  const std::uint64_t mask_;
  const std::size_t max_record_size_;
  const std::size_t words_per_slot_;
  const OverrunPolicy policy_;
  std::unique_ptr<Line[]> lines_;
  std::unique_ptr<ReaderCursor[]> cursors_;
  const std::size_t max_readers_;
  const std::uint64_t cursor_publish_mask_;

  alignas(kCacheLine) std::atomic<std::uint64_t> head_{0};  // records published
  std::uint64_t next_position_ = 0;                          // writer-owned copy of head_
  std::uint64_t slowest_reader_cache_ = 0;                   // writer-owned
};

class BroadcastRing::Reader {
 public:
  Reader(Reader&& other) noexcept;
  Reader& operator=(Reader&& other) noexcept;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader();

  // Delivers up to `limit` records in order: on_record(std::span<const
  // std::byte>) for each one (the span is valid only during the call), and
  // on_gap(std::uint64_t lost) when the writer overwrote records before this
  // reader got to them. Returns the number of records delivered.
  template <class OnRecord, class OnGap>
  std::size_t poll(OnRecord&& on_record, OnGap&& on_gap, std::size_t limit = SIZE_MAX);

  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t lost() const noexcept { return lost_; }

 private:
  friend class BroadcastRing;
  Reader(const BroadcastRing* ring, ReaderCursor* cursor, std::uint64_t position);
  // Moves past the records the writer has overwritten; returns how many.
  std::uint64_t skip_overwritten() noexcept;

  const BroadcastRing* ring_ = nullptr;
  ReaderCursor* cursor_ = nullptr;
  std::uint64_t position_ = 0;
  std::uint64_t lost_ = 0;
  std::unique_ptr<std::uint64_t[]> scratch_;  // one slot's payload, copied out
};

template <class OnRecord, class OnGap>
std::size_t BroadcastRing::Reader::poll(OnRecord&& on_record, OnGap&& on_gap, std::size_t limit) {
  const BroadcastRing& ring = *ring_;
  const std::size_t max_words = ring.words_per_slot_ - kPayloadWord;
  std::size_t delivered = 0;
  while (delivered < limit) {
    Word& sequence = ring.word(position_, kSequenceWord);
    const std::uint64_t complete = 2 * (position_ + 1);
    const std::uint64_t before = sequence.load(std::memory_order_acquire);
    if (before < complete) break;  // not written yet (or being written)
    if (before == complete) {
      const std::uint64_t length = ring.word(position_, kLengthWord).load(std::memory_order_relaxed);
      const std::size_t words = std::min<std::size_t>((static_cast<std::size_t>(length) + 7) / 8, max_words);
      for (std::size_t i = 0; i < words; ++i) {
        scratch_[i] = ring.word(position_, kPayloadWord + i).load(std::memory_order_relaxed);
      }
      std::atomic_thread_fence(std::memory_order_acquire);
      if (sequence.load(std::memory_order_relaxed) == complete) {
        ++position_;
        ++delivered;
        // Tell a back-pressured writer about progress a few times per lap,
        // not only when the poll ends.
        if ((position_ & ring.cursor_publish_mask_) == 0) cursor_->position.store(position_, std::memory_order_release);
        on_record(std::span<const std::byte>(reinterpret_cast<const std::byte*>(scratch_.get()),
                                             static_cast<std::size_t>(length)));
        continue;
      }
    }
    // The writer has lapped us: this slot already holds a later record.
    const std::uint64_t skipped = skip_overwritten();
    lost_ += skipped;
    on_gap(skipped);
  }
  cursor_->position.store(position_, std::memory_order_release);
  return delivered;
}

}  // namespace rtm::msg
