#include "rtm/store/trade_series.hpp"

namespace rtm::store {

void TradeSeries::push(const StoredTrade& trade) {
  if ((head_ + size_) == chunks_.size() * kChunkTrades) {
    chunks_.push_back(spare_ ? std::move(spare_) : std::make_unique<Chunk>());
  }
  ++size_;
  // Late trades are rare and land near the end: shift the few after them.
  std::size_t i = size_ - 1;
  while (i > 0 && at(i - 1).ts_event > trade.ts_event) {
    at(i) = at(i - 1);
    --i;
  }
  at(i) = trade;
}

void TradeSeries::pop_front() noexcept {
  if (size_ == 0) return;
  --size_;
  if (++head_ == kChunkTrades) {
    head_ = 0;
    spare_ = std::move(chunks_.front());
    chunks_.pop_front();
  }
  if (size_ == 0) head_ = 0;
  if (size_ == 0 && !chunks_.empty()) {
    spare_ = std::move(chunks_.front());
    chunks_.clear();
  }
}

void TradeSeries::clear() noexcept {
  if (!chunks_.empty() && !spare_) spare_ = std::move(chunks_.front());
  chunks_.clear();
  head_ = 0;
  size_ = 0;
}

std::size_t TradeSeries::lower_bound(std::int64_t ts) const noexcept {
  std::size_t low = 0;
  std::size_t high = size_;
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    if ((*this)[mid].ts_event < ts) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

std::size_t TradeSeries::memory_bytes() const noexcept {
  const std::size_t chunks = chunks_.size() + (spare_ ? 1 : 0);
  return sizeof(*this) + chunks * (sizeof(Chunk) + sizeof(std::unique_ptr<Chunk>));
}

}  // namespace rtm::store
