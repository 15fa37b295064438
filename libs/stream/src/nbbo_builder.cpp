#include "rtm/stream/nbbo_builder.hpp"

#include <algorithm>
#include <array>

#include "pow10.hpp"

namespace rtm::stream {
namespace {

using detail::kPow10;

bool scale_up(std::int64_t value, std::uint8_t from, std::uint8_t to, std::int64_t& out) noexcept {
  return !__builtin_mul_overflow(value, kPow10[to - from], &out);
}

// Whether (price, size, venue) is a better bid (or, for asks, better ask)
// than the current best: the price first, then the larger size, then the
// lower venue id.
bool better(bool bid, std::int64_t price, std::int64_t size, msg::Venue venue, const msg::Nbbo& best,
            bool have_best) noexcept {
  if (!have_best) return true;
  const std::int64_t best_price = bid ? best.bid_price : best.ask_price;
  const std::int64_t best_size = bid ? best.bid_size : best.ask_size;
  const msg::Venue best_venue = bid ? best.bid_venue : best.ask_venue;
  if (price != best_price) return bid ? price > best_price : price < best_price;
  if (size != best_size) return size > best_size;
  return venue < best_venue;
}

// Whether two tops of one instrument weigh the same in the best bid/offer:
// everything compute() reads.
bool same_quote(const VenueTop& a, const VenueTop& b) noexcept {
  return a.live == b.live && a.bid_price == b.bid_price && a.bid_size == b.bid_size && a.ask_price == b.ask_price &&
         a.ask_size == b.ask_size && a.price_scale == b.price_scale && a.size_scale == b.size_scale &&
         a.venue == b.venue;
}

}  // namespace

void NbboBuilder::on_top(msg::InstrumentId symbol_id, const VenueTop& top) {
  ++counters_.tops;
  Symbol& symbol = symbols_[symbol_id];
  auto member = std::find_if(symbol.members.begin(), symbol.members.end(),
                             [&](const VenueTop& known) { return known.instrument == top.instrument; });
  if (member == symbol.members.end()) {
    symbol.members.push_back(top);
  } else if (same_quote(*member, top)) {
    // Most venue messages change levels below the top: the best bid/offer
    // worked out from the same quotes is the one already published (or
    // refused), so there is nothing to compute.
    *member = top;
    return;
  } else {
    *member = top;
  }
  msg::Nbbo nbbo;
  if (!compute(symbol, nbbo)) {
    ++counters_.refused;
    return;
  }
  nbbo.header.venue = msg::Venue::kComposite;
  nbbo.header.instrument_id = symbol_id;
  if (symbol.published) {
    // Unchanged but for the header: nothing to tell.
    msg::Nbbo previous = symbol.last;
    previous.header = nbbo.header;
    if (previous == nbbo) return;
  }
  nbbo.header.sequence = ++symbol.sequence;
  nbbo.header.ts_event = top.ts_event;
  nbbo.header.ts_recv = top.ts_recv;
  if (nbbo.venues_excluded_mask != 0) nbbo.header.flags |= msg::flags::kStale;
  symbol.last = nbbo;
  symbol.published = true;
  ++counters_.published;
  sink_.on_nbbo(nbbo);
}

bool NbboBuilder::compute(const Symbol& symbol, msg::Nbbo& out) {
  out = msg::Nbbo{};
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
  for (const VenueTop& member : symbol.members) {
    if (!member.live) {
      out.venues_excluded_mask |= static_cast<std::uint16_t>(1U << (static_cast<unsigned>(member.venue) & 15U));
      continue;
    }
    ++out.venues_included;
    price_scale = std::max(price_scale, member.price_scale);
    size_scale = std::max(size_scale, member.size_scale);
  }
  out.price_scale = price_scale;
  out.size_scale = size_scale;
  bool have_bid = false;
  bool have_ask = false;
  for (const VenueTop& member : symbol.members) {
    if (!member.live) continue;
    std::int64_t bid = 0;
    std::int64_t bid_size = 0;
    std::int64_t ask = 0;
    std::int64_t ask_size = 0;
    if (!scale_up(member.bid_price, member.price_scale, price_scale, bid) ||
        !scale_up(member.bid_size, member.size_scale, size_scale, bid_size) ||
        !scale_up(member.ask_price, member.price_scale, price_scale, ask) ||
        !scale_up(member.ask_size, member.size_scale, size_scale, ask_size)) {
      return false;
    }
    if (bid_size > 0 && better(true, bid, bid_size, member.venue, out, have_bid)) {
      out.bid_price = bid;
      out.bid_size = bid_size;
      out.bid_venue = member.venue;
      have_bid = true;
    }
    if (ask_size > 0 && better(false, ask, ask_size, member.venue, out, have_ask)) {
      out.ask_price = ask;
      out.ask_size = ask_size;
      out.ask_venue = member.venue;
      have_ask = true;
    }
  }
  if (!have_bid && !have_ask) {
    out.condition = msg::NbboCondition::kEmpty;
  } else if (!have_bid || !have_ask) {
    out.condition = msg::NbboCondition::kOneSided;
  } else if (out.bid_price == out.ask_price) {
    out.condition = msg::NbboCondition::kLocked;
  } else if (out.bid_price > out.ask_price) {
    out.condition = msg::NbboCondition::kCrossed;
  }
  return true;
}

}  // namespace rtm::stream
