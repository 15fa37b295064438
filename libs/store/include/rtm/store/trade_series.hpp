#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "rtm/msg/records.hpp"

namespace rtm::store {

// A trade as the hot store keeps it: what its Trade record says, less what
// every trade of the instrument shares (venue, instrument id, flags), which
// the series keeps once. 56 bytes against the record's 72 encoded.
struct StoredTrade {
  std::int64_t ts_event = 0;
  std::int64_t ts_recv = 0;
  std::uint64_t sequence = 0;
  std::int64_t price = 0;
  std::int64_t size = 0;
  std::uint64_t trade_id = 0;
  msg::Aggressor aggressor = msg::Aggressor::kUnknown;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
};
static_assert(sizeof(StoredTrade) == 56);

// One instrument's recent trades in event-time order, in fixed chunks, so
// that memory follows the trades kept (one partly used chunk at each end at
// most) and the oldest go without moving the rest. A trade that arrives out
// of order is put in its place; ties keep their arrival order. Chunks freed
// at the front are reused at the back: steady appends allocate nothing.
class TradeSeries {
 public:
  static constexpr std::size_t kChunkTrades = 1024;

  void push(const StoredTrade& trade);
  // Drops the oldest trade.
  void pop_front() noexcept;
  void clear() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const StoredTrade& operator[](std::size_t i) const noexcept {
    const std::size_t at = head_ + i;
    return (*chunks_[at / kChunkTrades])[at % kChunkTrades];
  }
  [[nodiscard]] const StoredTrade& front() const noexcept { return (*this)[0]; }
  [[nodiscard]] const StoredTrade& back() const noexcept { return (*this)[size_ - 1]; }
  // The index of the first trade at or after ts (size() if none).
  [[nodiscard]] std::size_t lower_bound(std::int64_t ts) const noexcept;
  // Bytes held, chunks and their index included.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  using Chunk = std::array<StoredTrade, kChunkTrades>;
  StoredTrade& at(std::size_t i) noexcept {
    const std::size_t index = head_ + i;
    return (*chunks_[index / kChunkTrades])[index % kChunkTrades];
  }

  std::deque<std::unique_ptr<Chunk>> chunks_;
  std::unique_ptr<Chunk> spare_;  // the last chunk freed, for the next one needed
  std::size_t head_ = 0;          // index of the oldest trade in chunks_.front()
  std::size_t size_ = 0;
};

}  // namespace rtm::store
