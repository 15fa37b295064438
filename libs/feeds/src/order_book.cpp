#include "rtm/feeds/order_book.hpp"

#include <algorithm>

namespace rtm::feeds {

std::size_t OrderBook::top(msg::BookSide side, std::span<PriceLevel> out) const noexcept {
  const std::size_t count = std::min(out.size(), depth(side));
  for (std::size_t i = 0; i < count; ++i) out[i] = level(side, i);
  return count;
}

}  // namespace rtm::feeds
