#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "rtm/msg/ids.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/stream/derived_sink.hpp"
#include "rtm/stream/id_map.hpp"
#include "rtm/stream/nbbo_builder.hpp"
#include "rtm/stream/ring_deque.hpp"

namespace rtm::stream {

struct StatsOptions {
  // Each window gives its own Stats record per instrument.
  std::vector<std::chrono::nanoseconds> windows = {std::chrono::minutes(1), std::chrono::minutes(5),
                                                   std::chrono::hours(1)};
  // Records are published at most this often per instrument and window, in
  // event time, and only when the statistics changed.
  std::chrono::nanoseconds publish_every = std::chrono::seconds(1);
};

// Rolling statistics of each instrument over each window, in event time (the
// highest ts_event seen, as for bars):
//   last_price          the latest trade's price (in arrival order)
//   change_bps          last price against the last price as of the window's
//                       start (or the window's first trade), in basis points
//   realized_volatility sqrt(sum of squared log returns between consecutive
//                       trades in the window), annualized by sqrt(year/window)
//   spread_bps          (ask - bid) / mid of the latest top of book
//   book_imbalance      (bid size - ask size) / (bid size + ask size) there
//   trades_per_second   trades in the window / the window's length
// Deterministic: the same input gives bit-identical doubles.
class StatsBuilder {
 private:
  struct Instrument;

 public:
  StatsBuilder(StatsOptions options, DerivedSink& sink);

  // One instrument's state, found once: a caller that meets the same
  // instruments again and again (the stream processor, one per book) keeps
  // it and saves a lookup per record. Valid as long as the builder.
  using Handle = Instrument*;
  Handle handle(msg::Venue venue, msg::InstrumentId id) { return &instrument_for(venue, id); }

  void on_trade(const msg::Trade& trade) { on_trade(handle(trade.header.venue, trade.header.instrument_id), trade); }
  void on_top(const VenueTop& top) { on_top(handle(top.venue, top.instrument), top); }
  // The same, for the instrument of `handle`, which must be the record's.
  void on_trade(Handle handle, const msg::Trade& trade);
  // Inline: a top comes after nearly every venue message, and is rarely due.
  void on_top(Handle handle, const VenueTop& top);

 private:
  struct Tick {
    std::int64_t ts;
    double price;           // in the instrument's units (mantissa / 10^scale)
    double squared_return;  // of the log return from the trade before it (0 for the first)
  };
  // A window's view of the instrument's ticks: those from `first` (an
  // absolute tick number) to the newest.
  struct Window {
    std::int64_t length = 0;
    std::uint64_t first = 0;
    // The event time of tick `first` while the window holds any: whether
    // the window slides is asked of it, not of that tick, which has left
    // the cache by the instrument's next trade.
    std::int64_t first_ts = 0;
    double squared_returns = 0;  // of the returns between the window's ticks
    std::int64_t published_at = INT64_MIN;
    msg::Stats last;  // as last published
    bool published = false;
    std::uint64_t sequence = 0;
  };
  // The latest top of book, as much of it as the statistics read.
  struct Quote {
    std::int64_t bid_price = 0, bid_size = 0, ask_price = 0, ask_size = 0;
    std::uint8_t price_scale = 0, size_scale = 0;
    bool live = false;  // false until a top has come
  };
  // Line-aligned, with all that a top writes and reads in the first line
  // (has_trade is read only once a window is due): tops come after nearly
  // every venue message, and by an instrument's next one its state has left
  // the cache, a miss per line it touches.
  struct alignas(64) Instrument {
    Quote top;
    std::int64_t ts_event = 0, ts_recv = 0;  // of its latest record
    // The watermark from which some window may be published again; a new
    // top before then changes nothing that is due.
    std::int64_t next_due = INT64_MIN;
    bool has_trade = false;
    msg::Venue venue = msg::Venue::kUnknown;
    msg::InstrumentId id = msg::kNoInstrument;
    RingDeque<Tick> ticks;        // in arrival order; tick number `dropped` is ticks.front()
    std::uint64_t dropped = 0;    // ticks no window needs any more
    std::int64_t last_price = 0;  // mantissa, at price_scale
    std::uint8_t price_scale = 0;
    std::vector<Window> windows;

    [[nodiscard]] std::uint64_t end() const noexcept { return dropped + ticks.size(); }
    [[nodiscard]] const Tick& tick(std::uint64_t number) const { return ticks[number - dropped]; }
  };

  Instrument& instrument_for(msg::Venue venue, msg::InstrumentId id);
  // Moves the windows' starts up to the watermark and forgets old ticks.
  void slide(Instrument& instrument) const;
  // Publishes each window that is due and changed.
  void publish_due(Instrument& instrument);
  void publish(const Instrument& instrument, Window& window);
  [[nodiscard]] static msg::Stats compute(const Instrument& instrument, const Window& window);

  StatsOptions options_;
  DerivedSink& sink_;
  std::int64_t watermark_ = INT64_MIN;
  IdMap<Instrument> instruments_;
};

inline void StatsBuilder::on_top(Handle handle, const VenueTop& top) {
  watermark_ = std::max(watermark_, top.ts_event);
  Instrument& instrument = *handle;
  // What of the top the statistics read: the quote, for the spread and
  // the imbalance, and the times, for the records' headers.
  instrument.top.live = top.live;
  instrument.top.price_scale = top.price_scale;
  instrument.top.size_scale = top.size_scale;
  instrument.top.bid_price = top.bid_price;
  instrument.top.bid_size = top.bid_size;
  instrument.top.ask_price = top.ask_price;
  instrument.top.ask_size = top.ask_size;
  instrument.ts_event = top.ts_event;
  instrument.ts_recv = top.ts_recv;
  // The windows slide when a trade comes or something is published.
  if (watermark_ >= instrument.next_due && instrument.has_trade) {
    slide(instrument);
    publish_due(instrument);
  }
}

}  // namespace rtm::stream
