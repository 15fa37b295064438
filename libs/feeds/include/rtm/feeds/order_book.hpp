#pragma once

// The order book the adapters keep lives in libs/book, shared with the
// stream operators, which rebuild books from the records.
#include "rtm/book/order_book.hpp"

namespace rtm::feeds {

using book::OrderBook;
using book::PriceLevel;

}  // namespace rtm::feeds
