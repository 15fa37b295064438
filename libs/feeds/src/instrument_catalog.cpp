#include "rtm/feeds/instrument_catalog.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace rtm::feeds {

Instrument& InstrumentCatalog::add(InstrumentSpec spec) {
  const auto added = registry_.add(spec.venue, spec.symbol);
  if (added.status == msg::InstrumentRegistry::AddStatus::kCollision) {
    throw std::invalid_argument("instrument id of " + std::string(msg::venue_name(spec.venue)) + ":" + spec.symbol +
                                " collides with " + std::string(msg::venue_name(added.existing.venue)) + ":" +
                                added.existing.symbol);
  }
  auto venue_symbols =
      std::find_if(by_venue_.begin(), by_venue_.end(), [&](const auto& entry) { return entry.first == spec.venue; });
  if (venue_symbols == by_venue_.end()) venue_symbols = by_venue_.insert(by_venue_.end(), {spec.venue, {}});
  auto& symbols = venue_symbols->second;
  if (auto found = symbols.find(spec.symbol); found != symbols.end()) {
    Instrument& existing = *found->second;
    existing.spec = std::move(spec);  // reconfigured: new scales or canonical symbol
    return existing;
  }
  if (spec.canonical.empty()) spec.canonical = derive_canonical(spec.venue, spec.symbol);
  Instrument& instrument = instruments_.emplace_back(Instrument{std::move(spec), added.id, first_sequence_});
  symbols.emplace(instrument.spec.symbol, &instrument);
  by_id_.emplace(instrument.id, &instrument);
  return instrument;
}

Instrument* InstrumentCatalog::find(msg::Venue venue, std::string_view symbol) noexcept {
  for (auto& [known_venue, symbols] : by_venue_) {
    if (known_venue != venue) continue;
    const auto found = symbols.find(symbol);
    return found == symbols.end() ? nullptr : found->second;
  }
  return nullptr;
}

Instrument* InstrumentCatalog::find_or_add(msg::Venue venue, std::string_view symbol) {
  if (Instrument* known = find(venue, symbol)) return known;
  if (discovered_ >= max_discovered_) return nullptr;
  InstrumentSpec spec;
  spec.venue = venue;
  spec.symbol = std::string(symbol);
  Instrument& added = add(std::move(spec));
  ++discovered_;
  return &added;
}

const Instrument* InstrumentCatalog::find(msg::InstrumentId id) const noexcept {
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

std::string InstrumentCatalog::name(msg::InstrumentId id) const {
  if (const Instrument* instrument = find(id)) {
    return std::string(msg::venue_name(instrument->spec.venue)) + ":" + instrument->spec.symbol;
  }
  return "unknown:" + std::to_string(id);
}

std::string InstrumentCatalog::derive_canonical(msg::Venue venue, std::string_view symbol) {
  std::string canonical(symbol);
  for (char& c : canonical) c = msg::detail::ascii_upper(c);
  if (venue == msg::Venue::kBinance) {
    // Binance writes pairs without a separator; split off the quote asset.
    static constexpr std::array<std::string_view, 13> kQuotes = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD", "EUR",
                                                                 "GBP",   "TRY",  "BRL",  "BTC",  "ETH",  "BNB"};
    for (std::string_view quote : kQuotes) {
      if (canonical.size() > quote.size() && canonical.ends_with(quote)) {
        canonical.insert(canonical.size() - quote.size(), "-");
        break;
      }
    }
    return canonical;
  }
  for (char& c : canonical) {
    if (c == '/') c = '-';
  }
  if (canonical.starts_with("XBT-")) canonical.replace(0, 3, "BTC");
  return canonical;
}

}  // namespace rtm::feeds
