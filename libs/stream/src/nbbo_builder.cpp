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

// Whether two tops of one instrument weigh the same in the best bid/offer:
// everything compute() reads.
bool same_quote(const VenueTop& a, const VenueTop& b) noexcept {
  return a.live == b.live && a.bid_price == b.bid_price && a.bid_size == b.bid_size && a.ask_price == b.ask_price &&
         a.ask_size == b.ask_size && a.price_scale == b.price_scale && a.size_scale == b.size_scale &&
         a.venue == b.venue;
}

// The fields compute() sets, compared and copied one by one. A field added
// to the record must be added to both: the count below is the reminder.
struct CountFields {
  std::size_t fields = 0;
  constexpr void operator()(const auto& /*field*/) { ++fields; }
};
constexpr std::size_t nbbo_body_fields() {
  CountFields count;
  msg::Nbbo record;
  msg::Nbbo::fields(record, count);
  return count.fields;
}
// Eleven fields and the padding.
static_assert(nbbo_body_fields() == 12, "an Nbbo field was added: same_body and copy_body must know it");

bool same_body(const msg::Nbbo& a, const msg::Nbbo& b) noexcept {
  return a.bid_price == b.bid_price && a.bid_size == b.bid_size && a.ask_price == b.ask_price &&
         a.ask_size == b.ask_size && a.bid_venue == b.bid_venue && a.ask_venue == b.ask_venue &&
         a.price_scale == b.price_scale && a.size_scale == b.size_scale && a.condition == b.condition &&
         a.venues_included == b.venues_included && a.venues_excluded_mask == b.venues_excluded_mask;
}

void copy_body(const msg::Nbbo& from, msg::Nbbo& to) noexcept {
  to.bid_price = from.bid_price;
  to.bid_size = from.bid_size;
  to.ask_price = from.ask_price;
  to.ask_size = from.ask_size;
  to.bid_venue = from.bid_venue;
  to.ask_venue = from.ask_venue;
  to.price_scale = from.price_scale;
  to.size_scale = from.size_scale;
  to.condition = from.condition;
  to.venues_included = from.venues_included;
  to.venues_excluded_mask = from.venues_excluded_mask;
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
                             [&](const VenueTop& known) { return known.instrument == top.instrument; });
  if (member == symbol.members.end()) {
    symbol.members.push_back(top);
  } else {
    const bool unchanged = same_quote(*member, top);
    *member = top;
    // Most venue messages change levels below the top: the best bid/offer
    // worked out from the same quotes is the one already published (or
    // refused), so there is nothing to compute.
    if (unchanged) return;
  }
  msg::Nbbo nbbo;
  if (!compute(symbol, nbbo)) {
    ++counters_.refused;
    return;
  }
  // Unchanged but for the header: nothing to tell. (Compared and then
  // stored field by field: copying the whole record just after its fields
  // were written waited on every one of those stores.)
  msg::Nbbo& last = symbol.last;
  if (symbol.published && same_body(last, nbbo)) return;
  copy_body(nbbo, last);
  last.header.venue = msg::Venue::kComposite;
  last.header.instrument_id = symbol.id;
  last.header.sequence = ++symbol.sequence;
  last.header.ts_event = top.ts_event;
  last.header.ts_recv = top.ts_recv;
  last.header.flags = nbbo.venues_excluded_mask != 0 ? msg::flags::kStale : 0;
  symbol.published = true;
  ++counters_.published;
  sink_.on_nbbo(last);
}

bool NbboBuilder::compute(const Symbol& symbol, msg::Nbbo& out) {
  // Worked out in locals and written once: reading back fields of `out`
  // as they were being written stalled on every member.
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
  std::uint16_t excluded = 0;
  std::uint8_t included = 0;
  for (const VenueTop& member : symbol.members) {
    if (!member.live) {
      excluded |= static_cast<std::uint16_t>(1U << (static_cast<unsigned>(member.venue) & 15U));
      continue;
    }
    ++included;
    price_scale = std::max(price_scale, member.price_scale);
    size_scale = std::max(size_scale, member.size_scale);
  }
  BestQuote bid;
  BestQuote ask;
  for (const VenueTop& member : symbol.members) {
    if (!member.live) continue;
    std::int64_t bid_price = 0;
    std::int64_t bid_size = 0;
    std::int64_t ask_price = 0;
    std::int64_t ask_size = 0;
    if (!scale_up(member.bid_price, member.price_scale, price_scale, bid_price) ||
        !scale_up(member.bid_size, member.size_scale, size_scale, bid_size) ||
        !scale_up(member.ask_price, member.price_scale, price_scale, ask_price) ||
        !scale_up(member.ask_size, member.size_scale, size_scale, ask_size)) {
      return false;
    }
    if (bid_size > 0) bid.offer(true, bid_price, bid_size, member.venue);
    if (ask_size > 0) ask.offer(false, ask_price, ask_size, member.venue);
  }
  out.venues_excluded_mask = excluded;
  out.venues_included = included;
  out.price_scale = price_scale;
  out.size_scale = size_scale;
  if (bid.have) {
    out.bid_price = bid.price;
    out.bid_size = bid.size;
    out.bid_venue = bid.venue;
  }
  if (ask.have) {
    out.ask_price = ask.price;
    out.ask_size = ask.size;
    out.ask_venue = ask.venue;
  }
  if (!bid.have && !ask.have) {
    out.condition = msg::NbboCondition::kEmpty;
  } else if (!bid.have || !ask.have) {
    out.condition = msg::NbboCondition::kOneSided;
  } else if (bid.price == ask.price) {
    out.condition = msg::NbboCondition::kLocked;
  } else if (bid.price > ask.price) {
    out.condition = msg::NbboCondition::kCrossed;
  }
  return true;
}

}  // namespace rtm::stream
