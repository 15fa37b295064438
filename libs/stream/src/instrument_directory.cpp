#include "rtm/stream/instrument_directory.hpp"

namespace rtm::stream {

void InstrumentDirectory::set_canonical(msg::Venue venue, std::string_view venue_symbol, std::string canonical) {
  configured_[msg::make_instrument_id(venue, venue_symbol)] = std::move(canonical);
}

bool InstrumentDirectory::set_canonical_map(std::string_view list, std::string& error) {
  struct Entry {
    msg::Venue venue;
    std::string_view symbol;
    std::string_view canonical;
  };
  std::vector<Entry> entries;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const std::size_t colon = entry.find(':');
    const std::size_t equals = entry.find('=');
    const auto venue = colon == std::string_view::npos ? std::nullopt : msg::parse_venue(entry.substr(0, colon));
    if (!venue || equals == std::string_view::npos || equals < colon + 2 || equals + 1 == entry.size() ||
        *venue == msg::Venue::kComposite || entry.size() - equals - 1 > msg::InstrumentDef{}.canonical_symbol.chars.size()) {
      error = "'" + std::string(entry) + "' is not venue:SYMBOL=CANONICAL (such as binance:BTCUSDT=BTC-USD)";
      return false;
    }
    entries.push_back({*venue, entry.substr(colon + 1, equals - colon - 1), entry.substr(equals + 1)});
  }
  for (const Entry& entry : entries) set_canonical(entry.venue, entry.symbol, std::string(entry.canonical));
  return true;
}

void InstrumentDirectory::learn(const msg::InstrumentDef& definition) {
  msg::InstrumentDef& known = definitions_[definition.header.instrument_id] = definition;
  if (const auto configured = configured_.find(definition.header.instrument_id); configured != configured_.end()) {
    known.canonical_symbol.assign(configured->second);
  }
}

const msg::InstrumentDef* InstrumentDirectory::find(msg::InstrumentId instrument) const {
  const auto found = definitions_.find(instrument);
  return found == definitions_.end() ? nullptr : &found->second;
}

std::string InstrumentDirectory::name(msg::InstrumentId instrument) const {
  const msg::InstrumentDef* known = find(instrument);
  if (known == nullptr) return "unknown:" + std::to_string(instrument);
  return msg::instrument_name(*known);
}

std::optional<std::string> InstrumentDirectory::canonical(msg::InstrumentId instrument) {
  if (const auto configured = configured_.find(instrument); configured != configured_.end()) return configured->second;
  const msg::InstrumentDef* known = find(instrument);
  if (known == nullptr || known->canonical_symbol.view().empty()) return std::nullopt;
  return std::string(known->canonical_symbol.view());
}

}  // namespace rtm::stream
