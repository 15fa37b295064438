#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rtm/feeds/symbol_map.hpp"
#include "rtm/msg/ids.hpp"
#include "rtm/msg/instrument_registry.hpp"

namespace rtm::feeds {

struct InstrumentSpec {
  msg::Venue venue = msg::Venue::kUnknown;
  std::string symbol;     // the venue's own symbol: BTCUSDT, BTC-USD, BTC/USD
  std::string canonical;  // the cross-venue symbol it is consolidated under: BTC-USD
  std::uint8_t price_scale = 8;
  std::uint8_t size_scale = 8;
  std::int64_t tick_size = 0;  // at price_scale; 0 when unknown
  std::int64_t lot_size = 0;   // at size_scale; 0 when unknown
};

// An instrument as ingest tracks it: its definition, its id and the next
// sequence number its records get.
struct Instrument {
  InstrumentSpec spec;
  msg::InstrumentId id = msg::kNoInstrument;
  std::uint64_t next_sequence = 1;
  // Its InstrumentDef has gone out, so that what reads the records (a
  // journal, another process) can name it and knows its canonical symbol.
  bool defined = false;
};

// The instruments a process knows, by venue and venue symbol. Configured
// instruments come with their scales; an instrument first seen in a feed is
// added with the catalog's default scales (8 and 8, enough for every spot
// pair these venues list) and a derived canonical symbol. Lookups by symbol
// allocate nothing. Not thread-safe: one catalog per ingest thread.
class InstrumentCatalog {
 public:
  // Instruments a feed may add on its own, beyond those configured: a feed
  // that names ever new symbols (hostile or broken) is refused, not allowed
  // to grow memory without bound.
  static constexpr std::size_t kDefaultMaxDiscovered = 10'000;

  explicit InstrumentCatalog(std::size_t max_discovered = kDefaultMaxDiscovered) : max_discovered_(max_discovered) {}

  // Throws std::invalid_argument when the instrument's id collides with
  // another instrument's.
  Instrument& add(InstrumentSpec spec);
  // The sequence number of each instrument's first record, for instruments
  // added from now on (1 by default). A process whose records must stay in
  // sequence across its restarts (rtm-ingest, whose reader deduplicates by
  // sequence) starts them at the wall clock in ns.
  void set_first_sequence(std::uint64_t first) noexcept { first_sequence_ = first; }
  [[nodiscard]] Instrument* find(msg::Venue venue, std::string_view symbol) noexcept;
  // nullptr when the symbol is new and max_discovered instruments have
  // already been discovered.
  Instrument* find_or_add(msg::Venue venue, std::string_view symbol);
  [[nodiscard]] const Instrument* find(msg::InstrumentId id) const noexcept;

  // "binance:BTCUSDT"; "unknown:<id>" for an id the catalog has not seen.
  [[nodiscard]] std::string name(msg::InstrumentId id) const;

  // The canonical symbol an unconfigured instrument gets: BTCUSDT -> BTC-USDT,
  // BTC/USD -> BTC-USD, BTC-USD stays.
  static std::string derive_canonical(msg::Venue venue, std::string_view symbol);

 private:
  std::deque<Instrument> instruments_;  // stable addresses
  // A handful of venues, searched in order: cheaper than hashing the venue
  // on every message.
  std::vector<std::pair<msg::Venue, SymbolMap<Instrument*>>> by_venue_;
  std::unordered_map<msg::InstrumentId, Instrument*> by_id_;
  msg::InstrumentRegistry registry_;
  std::size_t max_discovered_;
  std::uint64_t first_sequence_ = 1;
  std::size_t discovered_ = 0;
};

}  // namespace rtm::feeds
