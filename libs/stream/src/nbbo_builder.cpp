#include "rtm/stream/nbbo_builder.hpp"

#include <algorithm>

#include "pow10.hpp"

namespace rtm::stream {
namespace {

using detail::kPow10;

bool scale_up(std::int64_t value, std::uint8_t from, std::uint8_t to, std::int64_t& out) noexcept {
  return !__builtin_mul_overflow(value, kPow10[to - from], &out);
}

// One side's best so far over the members. It starts at the worst price
// with no size, which any quote passes (a quote has a size), so no "have
// any yet" test is needed on the way.
template <bool kBid>
struct BestQuote {
  std::int64_t price = kBid ? INT64_MIN : INT64_MAX;
  std::int64_t size = 0;
  msg::Venue venue = msg::Venue::kUnknown;

  // Takes a quote (size > 0) if it is better: the price first (higher for
  // bids, lower for asks), then the larger size, then the lower venue id.
  void offer(std::int64_t offered_price, std::int64_t offered_size, msg::Venue offered_venue) noexcept {
    const bool better = offered_price != price ? (kBid ? offered_price > price : offered_price < price)
                        : offered_size != size ? offered_size > size
                                               : offered_venue < venue;
    if (!better) return;
    price = offered_price;
    size = offered_size;
    venue = offered_venue;
  }
  [[nodiscard]] bool have() const noexcept { return size > 0; }
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
  // The best is worked out in locals and compared with the last record
  // before anything is written: a record compared just after its fields
  // were stored read them back while the stores were in flight, and most
  // tops change a quote without changing the best.
  Best best;
  if (!compute(symbol, best)) {
    ++counters_.refused;
    return;
  }
  msg::Nbbo& record = symbol.record;
  if (symbol.published && says(record, symbol, best)) return;
  record.venues_excluded_mask = symbol.excluded;
  record.venues_included = symbol.included;
  record.price_scale = symbol.price_scale;
  record.size_scale = symbol.size_scale;
  record.bid_price = best.bid_price;
  record.bid_size = best.bid_size;
  record.bid_venue = best.bid_venue;
  record.ask_price = best.ask_price;
  record.ask_size = best.ask_size;
  record.ask_venue = best.ask_venue;
  record.condition = best.condition;
  record.header.venue = msg::Venue::kComposite;
  record.header.instrument_id = symbol.id;
  record.header.sequence = ++symbol.sequence;
  record.header.ts_event = top.ts_event;
  record.header.ts_recv = top.ts_recv;
  record.header.flags = symbol.excluded != 0 ? msg::flags::kStale : 0;
  symbol.published = true;
  ++counters_.published;
  sink_.on_nbbo(record);
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

bool NbboBuilder::compute(const Symbol& symbol, Best& best) noexcept {
  BestQuote<true> bid;
  BestQuote<false> ask;
  for (const Member& member : symbol.members) {
    if (!member.top.live) continue;
    if (!member.fits) return false;
    if (member.bid_size > 0) bid.offer(member.bid_price, member.bid_size, member.top.venue);
    if (member.ask_size > 0) ask.offer(member.ask_price, member.ask_size, member.top.venue);
  }
  // An empty side reads 0, 0, kUnknown.
  best.bid_price = bid.have() ? bid.price : 0;
  best.bid_size = bid.size;
  best.bid_venue = bid.venue;
  best.ask_price = ask.have() ? ask.price : 0;
  best.ask_size = ask.size;
  best.ask_venue = ask.venue;
  if (!bid.have() && !ask.have()) {
    best.condition = msg::NbboCondition::kEmpty;
  } else if (!bid.have() || !ask.have()) {
    best.condition = msg::NbboCondition::kOneSided;
  } else if (bid.price == ask.price) {
    best.condition = msg::NbboCondition::kLocked;
  } else if (bid.price > ask.price) {
    best.condition = msg::NbboCondition::kCrossed;
  } else {
    best.condition = msg::NbboCondition::kNormal;
  }
  return true;
}

bool NbboBuilder::says(const msg::Nbbo& record, const Symbol& symbol, const Best& best) noexcept {
  return record.bid_price == best.bid_price && record.bid_size == best.bid_size && record.ask_price == best.ask_price &&
         record.ask_size == best.ask_size && record.bid_venue == best.bid_venue && record.ask_venue == best.ask_venue &&
         record.condition == best.condition && record.venues_excluded_mask == symbol.excluded &&
         record.venues_included == symbol.included && record.price_scale == symbol.price_scale &&
         record.size_scale == symbol.size_scale;
}

}  // namespace rtm::stream
