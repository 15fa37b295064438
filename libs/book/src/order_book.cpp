#include "rtm/book/order_book.hpp"

namespace rtm::book {

std::size_t OrderBook::top(msg::BookSide side, std::span<PriceLevel> out) const noexcept {
  std::size_t i = 0;
  return of(side).visit_best(out.size(), [&](detail::PriceLadder::Level level) { out[i++] = to_level(side, level); });
}

}  // namespace rtm::book
