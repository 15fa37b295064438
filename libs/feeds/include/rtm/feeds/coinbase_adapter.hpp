#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::feeds {

struct CoinbaseOptions {
  // Whether a jump in a product's sequence numbers means messages were lost.
  // Coinbase numbers every message of a product (orders received, opened,
  // done, changed, and matches) in one sequence, so a jump is only a loss
  // when the subscription delivers all of them: the full channel. Set this
  // to false for subscriptions that skip sequenced messages, such as
  // matches + ticker + level2 without the full channel, where every jump is
  // normal and treating it as a gap would resubscribe the book endlessly.
  bool gaps_on_sequence_jump = true;
};

// Coinbase Exchange WebSocket feed: match and last_match (trades), ticker
// (top of book), level2 snapshot and l2update (book), and the full channel's
// order messages, which are not normalized but advance the sequence.
//
// Local book, as Coinbase defines level2: a snapshot replaces the book and
// makes it live; each l2update carries the new absolute size of its levels.
// Level2 messages have no sequence numbers, so lost book messages can only
// be inferred from jumps in the sequenced messages of the same product (see
// CoinbaseOptions). A gap or a crossed book marks the book stale and asks
// the resync handler to resubscribe the product; updates are dropped until
// the snapshot that resubscribing brings.
//
// Sequences: a message numbered at or below the last one seen for its
// product is a repeat and dropped. Ticker messages are checked against their
// own last sequence, never for gaps: a ticker reuses the sequence of the
// match it reports (so it is no repeat of that match) and the channel
// batches cascading matches (so its jumps are normal).
class CoinbaseAdapter final : public VenueAdapter {
 public:
  CoinbaseAdapter(InstrumentCatalog& catalog, RecordSink& sink, CoinbaseOptions options = {});
  ~CoinbaseAdapter() override;

  FrameResult on_frame(PaddedFrame frame, std::int64_t ts_recv) override;
  // Every book awaits a new snapshot, and sequences start over: what was
  // missed while disconnected is no gap to report, as every book is already
  // waiting for the snapshot its new subscription brings.
  void on_disconnect(std::int64_t ts_recv) override;

  [[nodiscard]] const OrderBook* book(std::string_view symbol) const override;
  [[nodiscard]] BookState book_state(std::string_view symbol) const override;

 private:
  struct Impl;
  struct Track;  // one product's book and last sequences
  enum class SequenceStream : std::uint8_t { kFeed, kTicker };

  // Each handler acts on the frame just parsed into impl_'s scratch message.
  FrameResult on_trade(std::int64_t ts_recv);
  FrameResult on_ticker(std::int64_t ts_recv);
  FrameResult on_snapshot(std::int64_t ts_recv);
  FrameResult on_update(std::int64_t ts_recv);
  FrameResult on_order_flow(std::int64_t ts_recv);
  FrameResult ignored(bool unknown_type);
  // False when the message repeats one already seen (to be dropped); starts
  // a resync when it reveals a gap.
  bool accept_sequence(Track& track, SequenceStream stream, std::int64_t ts_recv);

  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::feeds
