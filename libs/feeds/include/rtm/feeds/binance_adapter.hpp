#pragma once

#include <cstddef>
#include <memory>

#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::feeds {

struct BinanceOptions {
  // Depth diffs held while a book waits for its REST snapshot; past this the
  // oldest are dropped, and a snapshot they were needed for is refused.
  std::size_t max_buffered_diffs = 4096;
};

// Binance spot streams: <symbol>@trade, <symbol>@bookTicker,
// <symbol>@depth[@100ms], bare or in the combined-stream wrapper
// {"stream":..,"data":..}, and the REST depth snapshot.
//
// Local book, as Binance documents it: diffs are buffered until a REST
// snapshot arrives (the resync handler asks for one); diffs with
// u <= lastUpdateId are dropped; the first applied diff must straddle
// lastUpdateId+1 (U <= lastUpdateId+1 <= u); after that every diff's U must
// be the previous u + 1, or the book is stale and resynchronized.
class BinanceAdapter final : public VenueAdapter {
 public:
  BinanceAdapter(InstrumentCatalog& catalog, RecordSink& sink, BinanceOptions options = {});
  ~BinanceAdapter() override;

  FrameResult on_frame(PaddedFrame frame, std::int64_t ts_recv) override;
  // The body of GET /api/v3/depth?symbol=SYMBOL (which does not name the
  // symbol itself).
  FrameResult on_depth_snapshot(std::string_view symbol, PaddedFrame frame, std::int64_t ts_recv);
  void on_disconnect(std::int64_t ts_recv) override;

  [[nodiscard]] const OrderBook* book(std::string_view symbol) const override;
  [[nodiscard]] BookState book_state(std::string_view symbol) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::feeds
