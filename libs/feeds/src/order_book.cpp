#include "rtm/feeds/order_book.hpp"

namespace rtm::feeds {
namespace {

// Where `price` belongs in a side's prices, sorted so that `worse_first(a,
// b)` holds for a before b (the best level at the back): the index of the
// first price not worse than it. Branch-free, because a search that
// mispredicts costs more than the comparisons themselves. Updates cluster at
// the top of the book, so the last kNearTop prices are counted first, then
// the distance from the top doubles until a worse price bounds the level,
// and only that stretch is binary-searched.
template <class WorseFirst>
std::size_t find_position(const std::vector<PriceLevel>& levels, std::int64_t price, WorseFirst worse_first) noexcept {
  constexpr std::size_t kNearTop = 16;
  const std::size_t size = levels.size();
  const PriceLevel* data = levels.data();
  const std::size_t near = std::min(size, kNearTop);
  std::size_t not_worse = 0;
  for (std::size_t i = size - near; i < size; ++i) not_worse += worse_first(data[i].price, price) ? 0U : 1U;
  if (not_worse < near || near == size) return size - not_worse;

  // All of the top kNearTop beat `price`. Gallop down until one does not.
  std::size_t upper = size - near;  // data[upper..] all beat price
  std::size_t step = kNearTop;
  std::size_t lower = upper > step ? upper - step : 0;
  while (lower > 0 && !worse_first(data[lower].price, price)) {
    upper = lower;
    step *= 2;
    lower = lower > step ? lower - step : 0;
  }
  // The answer is in [lower, upper].
  const PriceLevel* base = data + lower;
  std::size_t length = upper - lower + 1;
  while (length > 1) {
    const std::size_t half = length / 2;
    base = worse_first(base[half - 1].price, price) ? base + half : base;
    length -= half;
  }
  const auto index = static_cast<std::size_t>(base - data);
  return index < upper && worse_first(base->price, price) ? index + 1 : index;
}

template <class WorseFirst>
void set_level(std::vector<PriceLevel>& side, std::int64_t price, std::int64_t size, WorseFirst worse_first) {
  const auto position = side.begin() + static_cast<std::ptrdiff_t>(find_position(side, price, worse_first));
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
  for (Side* side : {&bids_, &asks_}) {
    if (side->size() > depth) side->erase(side->begin(), side->end() - static_cast<std::ptrdiff_t>(depth));
  }
}

std::size_t OrderBook::top(msg::BookSide side, std::span<PriceLevel> out) const noexcept {
  const std::size_t count = std::min(out.size(), depth(side));
  for (std::size_t i = 0; i < count; ++i) out[i] = level(side, i);
  return count;
}

}  // namespace rtm::feeds
