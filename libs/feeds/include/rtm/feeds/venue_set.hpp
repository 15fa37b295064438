#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "rtm/feeds/binance_adapter.hpp"
#include "rtm/feeds/coinbase_adapter.hpp"
#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/feeds/kraken_adapter.hpp"
#include "rtm/feeds/record_sink.hpp"

namespace rtm::feeds {

struct VenueSetOptions {
  BinanceOptions binance;
  CoinbaseOptions coinbase;
  KrakenOptions kraken;
};

// The adapters of one ingest thread, one per venue, sharing the caller's
// instrument catalog and sink: what every feed source (live connections, a capture
// being replayed, the synthetic market) hands its frames to. Adapters are
// created on first use. Not thread-safe, like the adapters.
class VenueSet {
 public:
  // Called when a venue's book needs a fresh snapshot (see VenueAdapter).
  using ResyncHandler = std::function<void(msg::Venue venue, std::string_view symbol)>;

  VenueSet(InstrumentCatalog& catalog, RecordSink& sink, VenueSetOptions options = {});
  ~VenueSet();
  VenueSet(const VenueSet&) = delete;
  VenueSet& operator=(const VenueSet&) = delete;

  // Binance, Coinbase or Kraken; throws std::invalid_argument for others.
  VenueAdapter& adapter(msg::Venue venue);
  FrameResult on_frame(msg::Venue venue, PaddedFrame frame, std::int64_t ts_recv);
  // A REST response: Binance's depth snapshot, its symbol taken from the
  // request URL (?symbol=BTCUSDT). kMalformed, with last_error() saying why,
  // for another venue or a URL without a symbol.
  FrameResult on_rest(msg::Venue venue, std::string_view url, PaddedFrame body, std::int64_t ts_recv);
  void on_disconnect(msg::Venue venue, std::int64_t ts_recv);
  void set_resync_handler(ResyncHandler handler);

  [[nodiscard]] const InstrumentCatalog& catalog() const noexcept { return catalog_; }
  // The adapter of a venue if it has seen frames, else nullptr.
  [[nodiscard]] const VenueAdapter* find(msg::Venue venue) const noexcept;
  // Every adapter's counters added up.
  [[nodiscard]] AdapterCounters totals() const noexcept;
  // Why the last frame refused by on_frame or on_rest was refused.
  [[nodiscard]] std::string_view last_error() const noexcept { return last_error_; }

 private:
  static constexpr std::size_t kVenueSlots = 4;  // indexed by venue id: Binance 1, Coinbase 2, Kraken 3

  InstrumentCatalog& catalog_;
  RecordSink& sink_;
  VenueSetOptions options_;
  std::array<std::unique_ptr<VenueAdapter>, kVenueSlots> adapters_;
  ResyncHandler resync_;
  std::string_view last_error_;
};

// Adds b's counts to a.
void add_counters(AdapterCounters& a, const AdapterCounters& b) noexcept;

}  // namespace rtm::feeds
