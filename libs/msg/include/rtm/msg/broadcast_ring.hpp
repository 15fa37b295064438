#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
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
// ring of fixed-size slots, each slot [sequence][length][payload].
//
// kOverwrite: the writer publishes each slot under a sequence lock (odd while
// writing, 2*(position+1) when complete); a reader copies the slot out and
// checks the sequence again, so it either gets the record whole or learns it
// was overwritten. The payload is written and read as atomic words (plain
// moves on x86), so the race a sequence lock is built on is a well-defined one
// that ThreadSanitizer can check.
//
// kBackPressure: the writer never touches a slot a registered reader has not
// passed, so there is no race to guard against: the payload is copied in with
// memcpy and handed to readers in place, without a copy. Readers publish
// their cursors as they go; the writer re-reads them (under the membership
// lock, which joining readers also take) only when its cached view of the
// slowest reader says the ring is full.
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

  // Inline: it is the whole of the writer's hot path.
  PublishStatus offer(std::span<const std::byte> record) noexcept;

  // Throws std::length_error when max_readers are already attached. Under
  // kBackPressure, kEarliest starts at the oldest record the writer is still
  // holding back for, which may be later than the oldest in the ring.
  Reader make_reader(StartFrom from = StartFrom::kLatest);

  [[nodiscard]] std::uint64_t published() const noexcept { return head_.load(std::memory_order_acquire); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t max_record_size() const noexcept { return max_record_size_; }
  [[nodiscard]] std::size_t reader_count() const noexcept;

 private:
  using AtomicWord = std::atomic_ref<std::uint64_t>;
  static constexpr std::uint64_t kFreeCursor = ~std::uint64_t{0};

  struct alignas(kCacheLine) ReaderCursor {
    std::atomic<std::uint64_t> position{kFreeCursor};  // kFreeCursor: slot unused
  };
  struct WordsDelete {
    void operator()(std::uint64_t* words) const noexcept;
  };

  [[nodiscard]] std::uint64_t* slot(std::uint64_t position) const noexcept {
    return words_.get() + static_cast<std::size_t>(position & mask_) * words_per_slot_;
  }
  static constexpr std::uint64_t complete_sequence(std::uint64_t position) noexcept { return 2 * (position + 1); }
  // Back-pressure: re-reads the readers' cursors; false if the slowest is
  // still a whole ring behind `position`.
  bool refresh_slowest_reader(std::uint64_t position) noexcept;

  static constexpr std::size_t kSequenceWord = 0;
  static constexpr std::size_t kLengthWord = 1;
  static constexpr std::size_t kPayloadWord = 2;

  const std::size_t capacity_;
  const std::uint64_t mask_;
  const std::size_t max_record_size_;
  const std::size_t words_per_slot_;
  const bool lossless_;  // OverrunPolicy::kBackPressure
  std::unique_ptr<std::uint64_t[], WordsDelete> words_;
  std::unique_ptr<ReaderCursor[]> cursors_;
  const std::size_t max_readers_;
  const std::uint64_t cursor_publish_mask_;
  std::mutex membership_mutex_;
  // Back-pressure: no position at or after this one is overwritten before the
  // writer next re-reads the cursors. Written under membership_mutex_.
  std::atomic<std::uint64_t> protected_from_{0};

  alignas(kCacheLine) std::atomic<std::uint64_t> head_{0};  // records published
  std::uint64_t next_position_ = 0;                         // writer-owned copy of head_
  std::uint64_t slowest_reader_cache_ = 0;                  // writer-owned
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
  Reader(const BroadcastRing* ring, ReaderCursor* cursor, std::uint64_t position,
         std::unique_ptr<std::uint64_t[]> scratch);
  template <class OnRecord>
  std::size_t poll_lossless(OnRecord& on_record, std::size_t limit);
  template <class OnRecord, class OnGap>
  std::size_t poll_overwritable(OnRecord& on_record, OnGap& on_gap, std::size_t limit);
  void advance() noexcept {
    ++position_;
    // Tell a back-pressured writer about progress a few times per lap, not
    // only when the poll ends.
    if ((position_ & ring_->cursor_publish_mask_) == 0) cursor_->position.store(position_, std::memory_order_release);
  }
  // Moves past the records the writer has overwritten; returns how many.
  std::uint64_t skip_overwritten() noexcept;

  const BroadcastRing* ring_ = nullptr;
  ReaderCursor* cursor_ = nullptr;
  std::uint64_t position_ = 0;
  std::uint64_t lost_ = 0;
  std::unique_ptr<std::uint64_t[]> scratch_;  // kOverwrite: one slot's payload, copied out
};

inline PublishStatus BroadcastRing::offer(std::span<const std::byte> record) noexcept {
  if (record.size() > max_record_size_) [[unlikely]]
    return PublishStatus::kTooLarge;
  const std::uint64_t position = next_position_;
  std::uint64_t* const words = slot(position);
  if (lossless_) {
    if (position - slowest_reader_cache_ >= capacity_ && !refresh_slowest_reader(position)) {
      return PublishStatus::kBackPressured;
    }
    // Every reader has passed this slot: nobody reads it while it is written.
    words[kLengthWord] = record.size();
    std::memcpy(words + kPayloadWord, record.data(), record.size());
    AtomicWord(words[kSequenceWord]).store(complete_sequence(position), std::memory_order_release);
  } else {
    AtomicWord sequence(words[kSequenceWord]);
    sequence.store(complete_sequence(position) - 1, std::memory_order_relaxed);
    // Release stores: a reader whose (acquire) load sees any new word is also
    // guaranteed to see the odd sequence above when it checks again, and so
    // throws the copy away.
    AtomicWord(words[kLengthWord]).store(record.size(), std::memory_order_release);
    const std::size_t whole_words = record.size() / 8;
    for (std::size_t i = 0; i < whole_words; ++i) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, record.data() + i * 8, 8);
      AtomicWord(words[kPayloadWord + i]).store(bits, std::memory_order_release);
    }
    if (const std::size_t tail = record.size() % 8; tail != 0) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, record.data() + whole_words * 8, tail);
      AtomicWord(words[kPayloadWord + whole_words]).store(bits, std::memory_order_release);
    }
    sequence.store(complete_sequence(position), std::memory_order_release);
  }
  next_position_ = position + 1;
  head_.store(next_position_, std::memory_order_release);
  return PublishStatus::kOk;
}

template <class OnRecord, class OnGap>
std::size_t BroadcastRing::Reader::poll(OnRecord&& on_record, OnGap&& on_gap, std::size_t limit) {
  const std::size_t delivered =
      ring_->lossless_ ? poll_lossless(on_record, limit) : poll_overwritable(on_record, on_gap, limit);
  cursor_->position.store(position_, std::memory_order_release);
  return delivered;
}

template <class OnRecord>
std::size_t BroadcastRing::Reader::poll_lossless(OnRecord& on_record, std::size_t limit) {
  std::size_t delivered = 0;
  while (delivered < limit) {
    std::uint64_t* const words = ring_->slot(position_);
    const std::uint64_t sequence = AtomicWord(words[kSequenceWord]).load(std::memory_order_acquire);
    if (sequence != complete_sequence(position_)) break;
    // The writer will not touch this slot until our published cursor passes
    // it, so the record is read where it lies.
    on_record(std::span<const std::byte>(reinterpret_cast<const std::byte*>(words + kPayloadWord),
                                         static_cast<std::size_t>(words[kLengthWord])));
    ++delivered;
    advance();
  }
  return delivered;
}

template <class OnRecord, class OnGap>
std::size_t BroadcastRing::Reader::poll_overwritable(OnRecord& on_record, OnGap& on_gap, std::size_t limit) {
  const std::size_t max_words = ring_->words_per_slot_ - kPayloadWord;
  std::size_t delivered = 0;
  while (delivered < limit) {
    std::uint64_t* const words = ring_->slot(position_);
    AtomicWord sequence(words[kSequenceWord]);
    const std::uint64_t complete = complete_sequence(position_);
    const std::uint64_t before = sequence.load(std::memory_order_acquire);
    if (before < complete) break;  // not written yet (or being written)
    if (before == complete) {
      // Acquire loads keep the sequence re-check below after every copied
      // word (and pair with the writer's release stores of those words).
      const std::uint64_t length = AtomicWord(words[kLengthWord]).load(std::memory_order_acquire);
      const std::size_t count = std::min<std::size_t>((static_cast<std::size_t>(length) + 7) / 8, max_words);
      for (std::size_t i = 0; i < count; ++i) {
        scratch_[i] = AtomicWord(words[kPayloadWord + i]).load(std::memory_order_acquire);
      }
      if (sequence.load(std::memory_order_relaxed) == complete) {
        on_record(std::span<const std::byte>(reinterpret_cast<const std::byte*>(scratch_.get()),
                                             static_cast<std::size_t>(length)));
        ++delivered;
        advance();
        continue;
      }
    }
    // The writer has lapped us: this slot already holds a later record.
    const std::uint64_t skipped = skip_overwritten();
    lost_ += skipped;
    on_gap(skipped);
  }
  return delivered;
}

}  // namespace rtm::msg
