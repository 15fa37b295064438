#include "rtm/feeds/venue_set.hpp"

#include <stdexcept>
#include <string>

#include "rtm/feeds/capture.hpp"

namespace rtm::feeds {

VenueSet::VenueSet(InstrumentCatalog& catalog, RecordSink& sink, VenueSetOptions options)
    : catalog_(catalog), sink_(sink), options_(options) {}
VenueSet::~VenueSet() = default;

VenueAdapter& VenueSet::adapter(msg::Venue venue) {
  const auto slot = static_cast<std::size_t>(venue);
  if (slot == 0 || slot >= kVenueSlots) {
    throw std::invalid_argument("no adapter for venue " + std::string(msg::venue_name(venue)));
  }
  std::unique_ptr<VenueAdapter>& adapter = adapters_[slot];
  if (!adapter) {
    switch (venue) {
      case msg::Venue::kBinance:
        adapter = std::make_unique<BinanceAdapter>(catalog_, sink_, options_.binance);
        break;
      case msg::Venue::kCoinbase:
        adapter = std::make_unique<CoinbaseAdapter>(catalog_, sink_, options_.coinbase);
        break;
      default:
        adapter = std::make_unique<KrakenAdapter>(catalog_, sink_, options_.kraken);
        break;
    }
    if (resync_) adapter->set_resync_handler([this, venue](std::string_view symbol) { resync_(venue, symbol); });
  }
  return *adapter;
}

FrameResult VenueSet::on_frame(msg::Venue venue, PaddedFrame frame, std::int64_t ts_recv) {
  VenueAdapter& target = adapter(venue);
  const FrameResult result = target.on_frame(frame, ts_recv);
  if (result == FrameResult::kMalformed) last_error_ = target.last_error();
  return result;
}

FrameResult VenueSet::on_rest(msg::Venue venue, std::string_view url, PaddedFrame body, std::int64_t ts_recv) {
  const std::string_view symbol = query_parameter(url, "symbol");
  if (venue != msg::Venue::kBinance || symbol.empty()) {
    last_error_ = "a REST frame must be a Binance depth snapshot with ?symbol= in its URL";
    return FrameResult::kMalformed;
  }
  auto& binance = static_cast<BinanceAdapter&>(adapter(venue));
  const FrameResult result = binance.on_depth_snapshot(symbol, body, ts_recv);
  if (result == FrameResult::kMalformed) last_error_ = binance.last_error();
  return result;
}

void VenueSet::on_disconnect(msg::Venue venue, std::int64_t ts_recv) {
  adapter(venue).on_disconnect(ts_recv);
}

void VenueSet::set_resync_handler(ResyncHandler handler) {
  resync_ = std::move(handler);
  for (std::size_t slot = 1; slot < kVenueSlots; ++slot) {
    if (!adapters_[slot]) continue;
    const auto venue = static_cast<msg::Venue>(slot);
    adapters_[slot]->set_resync_handler([this, venue](std::string_view symbol) {
      if (resync_) resync_(venue, symbol);
    });
  }
}

const VenueAdapter* VenueSet::find(msg::Venue venue) const noexcept {
  const auto slot = static_cast<std::size_t>(venue);
  return slot < kVenueSlots ? adapters_[slot].get() : nullptr;
}

AdapterCounters VenueSet::totals() const noexcept {
  AdapterCounters sum;
  for (const auto& adapter : adapters_) {
    if (adapter) add_counters(sum, adapter->counters());
  }
  return sum;
}

void add_counters(AdapterCounters& a, const AdapterCounters& b) noexcept {
  a.frames_ok += b.frames_ok;
  a.frames_ignored += b.frames_ignored;
  a.frames_malformed += b.frames_malformed;
  a.unknown_types += b.unknown_types;
  a.records += b.records;
  a.gaps += b.gaps;
  a.duplicates += b.duplicates;
  a.checksum_failures += b.checksum_failures;
  a.crossed_books += b.crossed_books;
  a.resyncs += b.resyncs;
  a.instruments_refused += b.instruments_refused;
}

}  // namespace rtm::feeds
