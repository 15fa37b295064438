#include "rtm/feeds/order_book.hpp"

namespace rtm::feeds {
namespace {

// Sets a level in a side kept sorted by `worse_first(a, b)`: a is further
// from the top of the book than b, so the best level is at the back and an
// update near the top moves only the levels above it.
template <class WorseFirst>
void set_level(std::vector<PriceLevel>& side, std::int64_t price, std::int64_t size, WorseFirst worse_first) {
  // Most updates are within a few levels of the top: walk down from the back
  // first (predictable branches, one cache line) and binary-search the rest
  // only for a level deeper than that.
  constexpr int kLinearSteps = 16;
  auto position = side.end();
  int steps = 0;
  while (position != side.begin() && !worse_first((position - 1)->price, price)) {
    --position;
    if (++steps == kLinearSteps) {
      position = std::lower_bound(side.begin(), position, price,
                                  [&](const PriceLevel& level, std::int64_t p) { return worse_first(level.price, p); });
      break;
    }
  }
  const bool exists = position != side.end() && position->price == price;
  if (size == 0) {
    if (exists) side.erase(position);
  } else if (exists) {
    position->size = size;
  } else {
    side.insert(position, PriceLevel{price, size});
  }
}

}  // namespace

bool OrderBook::apply(msg::BookSide side, std::int64_t price, std::int64_t size) noexcept {
  if (size < 0) return false;
  // insert() may allocate past the reserved depth; that is the one allocation
  // an unusually deep book costs, and std::bad_alloc there is fatal anyway.
  if (side == msg::BookSide::kBid) {
    set_level(bids_, price, size, [](std::int64_t a, std::int64_t b) { return a < b; });
  } else {
    set_level(asks_, price, size, [](std::int64_t a, std::int64_t b) { return a > b; });
  }
  return true;
}

void OrderBook::truncate(std::size_t depth) noexcept {
  for (auto* side : {&bids_, &asks_}) {
    if (side->size() > depth) side->erase(side->begin(), side->end() - static_cast<std::ptrdiff_t>(depth));
  }
}

std::size_t OrderBook::top(msg::BookSide side, std::span<PriceLevel> out) const noexcept {
  const auto& side_levels = levels(side);
  const std::size_t count = std::min(out.size(), side_levels.size());
  for (std::size_t i = 0; i < count; ++i) out[i] = side_levels[side_levels.size() - 1 - i];
  return count;
}

}  // namespace rtm::feeds
