#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtm/msg/ids.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/stream/derived_sink.hpp"
#include "rtm/stream/id_map.hpp"

namespace rtm::stream {

// One venue instrument's top of book, as its book builder last saw it.
struct VenueTop {
  msg::InstrumentId instrument = msg::kNoInstrument;
  msg::Venue venue = msg::Venue::kUnknown;
  // Only a live book counts; a stale or resyncing one is left out of the
  // best bid/offer, and the record says so (venues_excluded_mask).
  bool live = false;
  std::int64_t bid_price = 0, bid_size = 0;  // size 0: no bid
  std::int64_t ask_price = 0, ask_size = 0;  // size 0: no ask
  std::uint8_t price_scale = 0, size_scale = 0;
  std::int64_t ts_event = 0, ts_recv = 0;
};

struct NbboCounters {
  std::uint64_t tops = 0;       // top-of-book updates taken
  std::uint64_t published = 0;  // Nbbo records published (only when the best bid/offer changed)
  std::uint64_t refused = 0;    // a top at scales beyond 64 bits once aligned with the others
};

// The cross-venue best bid and offer of each canonical symbol: the highest
// bid and the lowest ask over its venues' live books, with their venues and
// sizes, at the finest scales among them. Ties go to the larger size, then
// to the lower venue id, so the result does not depend on arrival order.
// The condition says when the venues' books are locked (best bid = best
// ask) or crossed (bid above ask) against each other, one-sided or empty.
// A record is published only when something in it changed.
class NbboBuilder {
 private:
  struct Symbol;

 public:
  explicit NbboBuilder(DerivedSink& sink) : sink_(sink) {}

  // One symbol's state, found once, for a caller that keeps it (as
  // StatsBuilder::Handle). Valid as long as the builder.
  using Handle = Symbol*;
  // `symbol`: the canonical symbol's composite id (venue kComposite).
  Handle handle(msg::InstrumentId symbol);

  void on_top(msg::InstrumentId symbol, const VenueTop& top) { on_top(handle(symbol), top); }
  void on_top(Handle symbol, const VenueTop& top);

  [[nodiscard]] const NbboCounters& counters() const noexcept { return counters_; }

 private:
  struct Member {
    VenueTop top;  // as last taken
    // Its quote at the symbol's common scales (live members only), worked
    // out when it is taken, so that finding the best need not scale every
    // member's numbers each time one of them changes. fits: all four fit in
    // 64 bits there.
    std::int64_t bid_price = 0, bid_size = 0, ask_price = 0, ask_size = 0;
    bool fits = true;
  };
  struct Symbol {
    msg::InstrumentId id = msg::kNoInstrument;
    std::vector<Member> members;  // one per instrument, in the order first seen
    // Over the live members, kept as they change: the finest scales, and
    // which venues are in and out.
    std::uint8_t price_scale = 0, size_scale = 0;
    std::uint16_t excluded = 0;
    std::uint8_t included = 0;
    msg::Nbbo record;  // the last published
    bool published = false;
    std::uint64_t sequence = 0;
  };

  // After a member came, went live or stale, or changed scales: the
  // symbol's scales and venues, and every member's quote at those scales.
  static void regroup(Symbol& symbol) noexcept;
  // A live member's quote at the symbol's scales.
  static void scale(const Symbol& symbol, Member& member) noexcept;
  // The best of each side and the condition, in the record's terms.
  struct Best {
    std::int64_t bid_price = 0, bid_size = 0;  // 0, 0 and kUnknown for an empty side
    std::int64_t ask_price = 0, ask_size = 0;
    msg::Venue bid_venue = msg::Venue::kUnknown, ask_venue = msg::Venue::kUnknown;
    msg::NbboCondition condition = msg::NbboCondition::kEmpty;
  };
  // Over the live members. False when a member's numbers do not fit at
  // the common scales.
  static bool compute(const Symbol& symbol, Best& best) noexcept;
  // Whether `record` already says what `best` and the symbol's venues and
  // scales say.
  static bool says(const msg::Nbbo& record, const Symbol& symbol, const Best& best) noexcept;

  DerivedSink& sink_;
  NbboCounters counters_;
  IdMap<Symbol> symbols_;
};

}  // namespace rtm::stream
