#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/ids.hpp"

namespace rtm::kafka::detail {

// The key a record is published under: the composite id of its instrument's
// canonical symbol (BTC-USD across Binance, Coinbase and Kraken), learned
// from the instrument's definition, which precedes its records; the
// instrument's own id until then, or when it has no canonical symbol. One
// symbol's records share a partition, so the member of a consumer group that
// owns it sees every venue of it: what cross-venue bars and the best
// bid/offer need.
class SymbolKeys {
 public:
  [[nodiscard]] msg::InstrumentId key_of(const msg::RecordHeader& header, std::span<const std::byte> record) {
    if (header.type == msg::RecordType::kInstrumentDef) learn(record);
    if (header.venue == msg::Venue::kComposite || symbols_.empty()) return header.instrument_id;
    const auto found = symbols_.find(header.instrument_id);
    return found != symbols_.end() ? found->second : header.instrument_id;
  }

 private:
  void learn(std::span<const std::byte> record) {
    msg::InstrumentDef definition;
    if (!msg::decode(record, definition).ok() || definition.header.venue == msg::Venue::kComposite) return;
    const std::string_view canonical = definition.canonical_symbol.view();
    if (canonical.empty()) return;
    symbols_[definition.header.instrument_id] = msg::make_instrument_id(msg::Venue::kComposite, canonical);
  }

  std::unordered_map<msg::InstrumentId, msg::InstrumentId> symbols_;
};

}  // namespace rtm::kafka::detail
