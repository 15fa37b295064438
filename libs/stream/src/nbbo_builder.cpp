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

// One side's best so far over the members.
struct BestQuote {
  bool have = false;
  std::int64_t price = 0, size = 0;
  msg::Venue venue = msg::Venue::kUnknown;

  // Takes (price, size, venue) if it is better: the price first (higher
  // for bids, lower for asks), then the larger size, then the lower venue id.
  void offer(bool bid, std::int64_t offered_price, std::int64_t offered_size, msg::Venue offered_venue) noexcept {
    const bool better = !have || (offered_price != price ? (bid ? offered_price > price : offered_price < price)
                                  : offered_size != size ? offered_size > size
                                                         : offered_venue < venue);
    if (!better) return;
    have = true;
    price = offered_price;
    size = offered_size;
    venue = offered_venue;
  }
};

// What taking a top changed of a member.
enum class Change { kNothing, kQuote, kStanding };

// Stores what the builder reads of a top over the member's last one, and
// says what changed: the quote alone, or its standing (live, venue,
// scales), which moves the symbol's scales. Not `member = top`: the caller
// has just written `top` field by field, and a whole-struct copy's wide
// loads would wait for those stores to land.
Change take_quote(VenueTop& member, const VenueTop& top) noexcept {
  bool quote = false;
  bool standing = false;
  const auto take = [](bool& changed, auto& field, auto value) {
    changed |= field != value;
    field = value;
  };
  take(standing, member.live, top.live);
  take(standing, member.venue, top.venue);
  take(standing, member.price_scale, top.price_scale);
  take(standing, member.size_scale, top.size_scale);
  take(quote, member.bid_price, top.bid_price);
  take(quote, member.bid_size, top.bid_size);
  take(quote, member.ask_price, top.ask_price);
  take(quote, member.ask_size, top.ask_size);
  // The member's times stay those of its first top: nothing reads them.
  return standing ? Change::kStanding : quote ? Change::kQuote : Change::kNothing;
}

}  // namespace

NbboBuilder::Handle NbboBuilder::handle(msg::InstrumentId symbol) {
  auto [found, added] = symbols_.try_emplace(symbol);
  if (added) found.id = symbol;
  return &found;
}

void NbboBuilder::on_top(Handle handle, const VenueTop& top) {
  ++counters_.tops;
  Symbol& symbol = *handle;
  auto member = std::find_if(symbol.members.begin(), symbol.members.end(),
                             [&](const Member& known) { return known.top.instrument == top.instrument; });
  if (member == symbol.members.end()) {
    symbol.members.push_back({.top = top});
    regroup(symbol);
  } else {
    switch (take_quote(member->top, top)) {
      case Change::kNothing:
        // Most venue messages change levels below the top: the best
        // bid/offer worked out from the same quotes is the one already
        // published (or refused), so there is nothing to compute.
        return;
      case Change::kQuote:
        if (member->top.live) scale(symbol, *member);
        break;
      case Change::kStanding:
        regroup(symbol);
        break;
    }
  }
  // Worked out in the slot after the last published record, and published
  // from there: copying a record just after its fields were written read
  // them back while their stores were still in flight.
  msg::Nbbo& next = symbol.records[1 - symbol.last];
  if (!compute(symbol, next)) {
    ++counters_.refused;
    return;
  }
  const msg::Nbbo& last = symbol.records[symbol.last];
  next.header = last.header;
  if (symbol.published && next == last) return;  // unchanged but for the header: nothing to tell
  next.header.venue = msg::Venue::kComposite;
  next.header.instrument_id = symbol.id;
  next.header.sequence = ++symbol.sequence;
  next.header.ts_event = top.ts_event;
  next.header.ts_recv = top.ts_recv;
  next.header.flags = next.venues_excluded_mask != 0 ? msg::flags::kStale : 0;
  symbol.last = 1 - symbol.last;
  symbol.published = true;
  ++counters_.published;
  sink_.on_nbbo(next);
}

void NbboBuilder::regroup(Symbol& symbol) noexcept {
  symbol.price_scale = 0;
  symbol.size_scale = 0;
  symbol.excluded = 0;
  symbol.included = 0;
  for (const Member& member : symbol.members) {
    if (!member.top.live) {
      symbol.excluded |= static_cast<std::uint16_t>(1U << (static_cast<unsigned>(member.top.venue) & 15U));
      continue;
    }
    ++symbol.included;
    symbol.price_scale = std::max(symbol.price_scale, member.top.price_scale);
    symbol.size_scale = std::max(symbol.size_scale, member.top.size_scale);
  }
  for (Member& member : symbol.members) {
    if (member.top.live) scale(symbol, member);
  }
}

void NbboBuilder::scale(const Symbol& symbol, Member& member) noexcept {
  const VenueTop& top = member.top;
  member.fits = scale_up(top.bid_price, top.price_scale, symbol.price_scale, member.bid_price) &&
                scale_up(top.bid_size, top.size_scale, symbol.size_scale, member.bid_size) &&
                scale_up(top.ask_price, top.price_scale, symbol.price_scale, member.ask_price) &&
                scale_up(top.ask_size, top.size_scale, symbol.size_scale, member.ask_size);
}

bool NbboBuilder::compute(const Symbol& symbol, msg::Nbbo& out) {
  // Worked out in locals and written once: reading back fields of `out`
  // as they were being written stalled on every member.
  BestQuote bid;
  BestQuote ask;
  for (const Member& member : symbol.members) {
    if (!member.top.live) continue;
    if (!member.fits) return false;
    if (member.bid_size > 0) bid.offer(true, member.bid_price, member.bid_size, member.top.venue);
    if (member.ask_size > 0) ask.offer(false, member.ask_price, member.ask_size, member.top.venue);
  }
  // Every field of the body, so that `out` need not be cleared first (a
  // cleared record read back at once waits for the clearing stores).
  out.venues_excluded_mask = symbol.excluded;
  out.venues_included = symbol.included;
  out.price_scale = symbol.price_scale;
  out.size_scale = symbol.size_scale;
  out.bid_price = bid.price;  // 0, 0 and kUnknown for an empty side
  out.bid_size = bid.size;
  out.bid_venue = bid.venue;
  out.ask_price = ask.price;
  out.ask_size = ask.size;
  out.ask_venue = ask.venue;
  if (!bid.have && !ask.have) {
    out.condition = msg::NbboCondition::kEmpty;
  } else if (!bid.have || !ask.have) {
    out.condition = msg::NbboCondition::kOneSided;
  } else if (bid.price == ask.price) {
    out.condition = msg::NbboCondition::kLocked;
  } else if (bid.price > ask.price) {
    out.condition = msg::NbboCondition::kCrossed;
  } else {
    out.condition = msg::NbboCondition::kNormal;
  }
  return true;
}

}  // namespace rtm::stream
