#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtm/msg/records.hpp"
#include "rtm/stream/stream_processor.hpp"

namespace rtm::stream {

// What the stream side knows of each instrument, learned from the
// InstrumentDef records that precede an instrument's first record on the bus
// (and so in the journal): its name, its canonical symbol and its scales. A
// configured map of venue symbols to canonical ones overrides what the
// definitions say (Binance's BTCUSDT counted as BTC-USD). Not thread-safe:
// it lives on the stream thread, like the processor it answers.
class InstrumentDirectory final : public SymbolResolver {
 public:
  // "binance:BTCUSDT=BTC-USD": the venue's symbol as the venue writes it.
  // Applies to definitions learned from now on.
  void set_canonical(msg::Venue venue, std::string_view venue_symbol, std::string canonical);
  // Parses a comma-separated list of such entries; false (and `error` says
  // which entry) on a malformed one, with nothing applied.
  bool set_canonical_map(std::string_view list, std::string& error);

  void learn(const msg::InstrumentDef& definition);

  [[nodiscard]] const msg::InstrumentDef* find(msg::InstrumentId instrument) const;
  // "binance:BTCUSDT"; "unknown:<id>" for an instrument without a definition.
  [[nodiscard]] std::string name(msg::InstrumentId instrument) const;
  std::optional<std::string> canonical(msg::InstrumentId instrument) override;
  [[nodiscard]] std::size_t size() const noexcept { return definitions_.size(); }

 private:
  std::unordered_map<msg::InstrumentId, msg::InstrumentDef> definitions_;
  std::map<msg::InstrumentId, std::string> configured_;  // by the venue symbol's instrument id
};

}  // namespace rtm::stream
