#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

#include "rtm/msg/ids.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/stream/derived_sink.hpp"
#include "rtm/stream/id_map.hpp"

namespace rtm::stream {

struct BarOptions {
  // The bar intervals, each a whole number of nanoseconds; buckets are
  // aligned to multiples of the interval since the Unix epoch, which are UTC
  // boundaries (minutes, hours, days: UTC has no leap seconds in ns time).
  std::vector<std::chrono::nanoseconds> intervals = {std::chrono::seconds(1), std::chrono::minutes(1),
                                                     std::chrono::minutes(5), std::chrono::minutes(15),
                                                     std::chrono::hours(1),   std::chrono::hours(24)};
  // A bar is final once event time has passed its end by this much.
  std::chrono::nanoseconds allowed_lateness = std::chrono::seconds(2);
  // An open bar is republished at most this often per series and interval,
  // in event time (so that the output is the same on every run).
  std::chrono::nanoseconds open_update_every = std::chrono::milliseconds(250);
  // How long after its end a final bar is kept for revisions. A trade for a
  // bar older than that is counted in trades_too_late and not applied.
  std::chrono::nanoseconds revision_horizon = std::chrono::hours(1);
};

struct BarCounters {
  std::uint64_t trades = 0;           // trades applied to at least one series
  std::uint64_t revisions = 0;        // a final bar changed by a late trade, and republished
  std::uint64_t trades_too_late = 0;  // per series: for a bar past the revision horizon, not applied
  std::uint64_t trades_refused = 0;   // per series: invalid, or beyond 64 bits at the bar's scales
  std::uint64_t bars_final = 0;       // bars published final for the first time
  std::uint64_t updates = 0;          // bar records published in all
};

// OHLCV bars in event time, for each series (an instrument, or a canonical
// symbol across venues) and each configured interval.
//
// Event time is the highest ts_event seen so far, over every series: the
// watermark. It only moves forward, and every decision (finality, the rate
// of open-bar updates) follows it, never the wall clock, so the same input
// always gives the same bars. An interval without trades has no bar.
//
// A bar is published open as it changes (at most every open_update_every),
// final once the watermark passes its end plus the allowed lateness (kFinal;
// revision 0), and again for every later trade (kFinal | kRevision, the
// revision counting up). Prices and sizes are exact: a bar holds the finest
// scales of its trades (a coarser trade is scaled up), vwap is rounded half
// away from zero at the bar's price scale.
//
// Not thread-safe; one builder per stream thread. Series and their bar
// buffers are allocated as they first appear; the steady path allocates
// only when a new bar begins (amortized: the buffers are reused).
class BarBuilder {
 private:
  struct SeriesGroup;

 public:
  BarBuilder(BarOptions options, DerivedSink& sink);
  ~BarBuilder();
  BarBuilder(const BarBuilder&) = delete;
  BarBuilder& operator=(const BarBuilder&) = delete;

  // The series of one id (a canonical symbol's with venue kComposite),
  // found once, for a caller that meets the same ids again and again and
  // keeps it (as StatsBuilder::Handle). Valid as long as the builder.
  using Handle = SeriesGroup*;
  Handle handle(msg::Venue venue, msg::InstrumentId id) { return &series_of(venue, id); }

  // A trade of the instrument in its header, also counted in the composite
  // series `composite` (the canonical symbol's id, venue kComposite) unless
  // that is kNoInstrument.
  void on_trade(const msg::Trade& trade, msg::InstrumentId composite = msg::kNoInstrument);
  // The same with the series found: `instrument` those of the trade's own
  // venue and id (nullptr for kNoInstrument), `composite` its symbol's or
  // nullptr.
  void on_trade(const msg::Trade& trade, Handle instrument, Handle composite);
  // Event time from a record that is not a trade (a book delta, say): bars
  // become final even while an instrument does not trade.
  // Inline: called on every record, which nearly always moves event time
  // but seldom as far as the next bar's finality.
  void advance_to(std::int64_t ts_event) {
    if (ts_event <= watermark_) return;
    watermark_ = ts_event;
    if (ts_event >= next_final_at_) finalize_until(ts_event);
  }
  // The end of the input (rtm aggregate at the end of a file): every open
  // bar is published final, whatever the watermark.
  void finish();

  [[nodiscard]] std::int64_t watermark() const noexcept { return watermark_; }
  [[nodiscard]] const BarCounters& counters() const noexcept { return counters_; }

 private:
  struct BarState;
  struct Series;
  // When a bar becomes final; ties in the order the bars began, so that
  // bars due at the same moment are published in the same order every run.
  struct Deadline {
    std::int64_t final_at;
    std::uint64_t order;
    Series* series;
    std::int64_t start;
    friend bool operator>(const Deadline& a, const Deadline& b) noexcept {
      return a.final_at != b.final_at ? a.final_at > b.final_at : a.order > b.order;
    }
  };

  // The series of one id, one per interval; made once, never resized, so
  // the Series addresses that deadlines hold stay valid.
  SeriesGroup& series_of(msg::Venue venue, msg::InstrumentId id);
  // A trade into every series of an id, by the group's short path if it
  // can take it, else series by series.
  void apply(SeriesGroup& group, const msg::Trade& trade, bool& applied);
  // The usual case, cheaply: a trade in every series' newest bar while
  // they are open, at their scales. False (nothing done) otherwise.
  bool add_to_group(SeriesGroup& group, const msg::Trade& trade, bool& applied);
  // The group's pending trades into each of its newest bars.
  static void flush(SeriesGroup& group) noexcept;
  // Works out where the group's short path holds (SeriesGroup::bounds_known).
  void find_bounds(SeriesGroup& group);
  // The watermark past which a bar at `start` is beyond the revision
  // horizon (held at INT64_MAX: a horizon of nanoseconds::max() is forever).
  [[nodiscard]] std::int64_t beyond_horizon_from(std::int64_t start, std::int64_t interval) const noexcept;
  void apply(Series& series, const msg::Trade& trade, bool& applied);
  // The usual case, cheaply: a trade in the series' newest bar while it is
  // open, at its scales. False (nothing done) otherwise.
  bool add_to_newest(Series& series, const msg::Trade& trade, bool& applied);
  void publish(Series& series, BarState& bar, std::uint16_t flags);
  // An open bar, at most every open_update_every.
  void publish_open(Series& series, BarState& bar);
  // The watermark from which publish_open publishes `bar` again.
  [[nodiscard]] std::int64_t open_due_at(const BarState& bar) const noexcept;
  // Publishes final every open bar due at or before `watermark`.
  void finalize_until(std::int64_t watermark);
  void add_deadline(const Deadline& deadline);

  BarOptions options_;
  DerivedSink& sink_;
  BarCounters counters_;
  std::int64_t watermark_ = INT64_MIN;
  std::uint64_t bars_begun_ = 0;
  IdMap<SeriesGroup> series_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::int64_t next_final_at_ = INT64_MAX;  // the earliest deadline's final_at; INT64_MAX if none
};

}  // namespace rtm::stream
