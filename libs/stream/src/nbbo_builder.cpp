#include "rtm/stream/nbbo_builder.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

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

// Stores what compute() reads of a top over the member's last one, and
// says whether any of it changed. Not `member = top`: the caller has just
// written `top` field by field, and a whole-struct copy's wide loads would
// wait for those stores to land. For the same reason the two scales, which
// compute() reads as a pair, are stored as one.
bool take_quote(VenueTop& member, const VenueTop& top) noexcept {
  static_assert(offsetof(VenueTop, size_scale) == offsetof(VenueTop, price_scale) + 1);
  bool changed = false;
  const auto take = [&changed](auto& field, auto value) {
    changed |= field != value;
    field = value;
  };
  take(member.live, top.live);
  take(member.venue, top.venue);
  take(member.bid_price, top.bid_price);
  take(member.bid_size, top.bid_size);
  take(member.ask_price, top.ask_price);
  take(member.ask_size, top.ask_size);
  // The two scale bytes, addressed as bytes of the whole struct.
  unsigned char* member_scales = reinterpret_cast<unsigned char*>(&member) + offsetof(VenueTop, price_scale);
  const unsigned char* top_scales = reinterpret_cast<const unsigned char*>(&top) + offsetof(VenueTop, price_scale);
  std::uint16_t scales = 0;
  std::uint16_t known_scales = 0;
  std::memcpy(&scales, top_scales, sizeof scales);
  std::memcpy(&known_scales, member_scales, sizeof known_scales);
  changed |= scales != known_scales;
  std::memcpy(member_scales, &scales, sizeof scales);
  return changed;  // the member's times stay those of its first top: nothing reads them
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
  } else if (!take_quote(*member, top)) {
    // Most venue messages change levels below the top: the best bid/offer
    // worked out from the same quotes is the one already published (or
    // refused), so there is nothing to compute.
    return;
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
  // Every field of the body, so that `out` need not be cleared first (a
  // cleared record read back at once waits for the clearing stores).
  out.venues_excluded_mask = excluded;
  out.venues_included = included;
  out.price_scale = price_scale;
  out.size_scale = size_scale;
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
