#include "rtm/stream/bar_builder.hpp"

#include <algorithm>
#include <array>

#include <stdexcept>
#include "pow10.hpp"

namespace rtm::stream {
namespace {

__extension__ using Int128 = __int128;

using detail::kPow10;

// value * 10^digits, false past 64 bits.
bool scale_up(std::int64_t& value, std::uint8_t digits) noexcept {
  return digits == 0 || !__builtin_mul_overflow(value, kPow10[digits], &value);
}

// The bucket a time falls in: floor, also before 1970.
std::int64_t bucket_start(std::int64_t ts, std::int64_t interval) noexcept {
  const std::int64_t quotient = ts / interval;
  return (ts % interval < 0 ? quotient - 1 : quotient) * interval;
}

// a + b, held at INT64_MAX rather than past it (b >= 0).
std::int64_t add_saturating(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

// Whether most + more (both >= 0) is within 64 bits.
bool fits_beside(std::int64_t most, std::int64_t more) noexcept {
  std::int64_t sum = 0;
  return !__builtin_add_overflow(most, more, &sum);
}

// numerator / denominator (denominator > 0), rounded half away from zero.
std::int64_t divide_rounded(Int128 numerator, std::int64_t denominator) noexcept {
  __extension__ using Uint128 = unsigned __int128;
  const auto magnitude = static_cast<Uint128>(numerator < 0 ? -numerator : numerator);
  const auto divisor = static_cast<std::uint64_t>(denominator);
  const Uint128 half_up = magnitude + divisor / 2;
  // A bar's notional nearly always fits in 64 bits: one 64-bit division
  // then, not the 128-bit routine.
  const Uint128 rounded = half_up <= UINT64_MAX ? static_cast<std::uint64_t>(half_up) / divisor : half_up / divisor;
  const auto result = static_cast<Int128>(rounded);
  return static_cast<std::int64_t>(numerator < 0 ? -result : result);
}

}  // namespace

struct BarBuilder::BarState {
  std::int64_t start = 0;
  std::int64_t open = 0, high = 0, low = 0, close = 0;
  std::int64_t open_ts = 0, close_ts = 0;  // event times of the trades that set open and close
  std::int64_t volume = 0, buy_volume = 0, sell_volume = 0;
  Int128 notional = 0;  // sum of price x size, at price_scale + size_scale
  std::uint64_t trade_count = 0;
  std::uint8_t price_scale = 0, size_scale = 0;
  std::uint16_t revision = 0;
  bool final = false;
  std::int64_t published_at = INT64_MIN;   // the watermark at its last open publication
  std::int64_t ts_event = 0, ts_recv = 0;  // of the newest trade applied

  // Brings the bar to finer scales, exactly; false past 64 bits.
  bool rescale(std::uint8_t new_price_scale, std::uint8_t new_size_scale) noexcept {
    const auto price_digits = static_cast<std::uint8_t>(new_price_scale - price_scale);
    const auto size_digits = static_cast<std::uint8_t>(new_size_scale - size_scale);
    if (price_digits == 0 && size_digits == 0) return true;
    BarState scaled = *this;
    if (!scale_up(scaled.open, price_digits) || !scale_up(scaled.high, price_digits) ||
        !scale_up(scaled.low, price_digits) || !scale_up(scaled.close, price_digits) ||
        !scale_up(scaled.volume, size_digits) || !scale_up(scaled.buy_volume, size_digits) ||
        !scale_up(scaled.sell_volume, size_digits)) {
      return false;
    }
    // |notional| < 2^126 / 10^36 would be needed in general; bars' notionals
    // are far below that, and the multiplication is checked all the same.
    if (__builtin_mul_overflow(scaled.notional, static_cast<Int128>(kPow10[price_digits]), &scaled.notional) ||
        __builtin_mul_overflow(scaled.notional, static_cast<Int128>(kPow10[size_digits]), &scaled.notional)) {
      return false;
    }
    scaled.price_scale = new_price_scale;
    scaled.size_scale = new_size_scale;
    *this = scaled;
    return true;
  }

  // Adds a trade (price and size already at the bar's scales); false, with
  // the bar unchanged, past 64 bits.
  bool add(std::int64_t price, std::int64_t size, msg::Aggressor aggressor, std::int64_t ts,
           std::int64_t ts_received) noexcept {
    std::int64_t new_volume = 0;
    std::int64_t new_buy = buy_volume;
    std::int64_t new_sell = sell_volume;
    Int128 product = 0;
    Int128 new_notional = 0;
    if (__builtin_add_overflow(volume, size, &new_volume) ||
        (aggressor == msg::Aggressor::kBuy && __builtin_add_overflow(buy_volume, size, &new_buy)) ||
        (aggressor == msg::Aggressor::kSell && __builtin_add_overflow(sell_volume, size, &new_sell)) ||
        __builtin_mul_overflow(static_cast<Int128>(price), static_cast<Int128>(size), &product) ||
        __builtin_add_overflow(notional, product, &new_notional)) {
      return false;
    }
    volume = new_volume;
    buy_volume = new_buy;
    sell_volume = new_sell;
    notional = new_notional;
    if (trade_count == 0) {
      open = high = low = close = price;
      open_ts = close_ts = ts;
    } else {
      high = std::max(high, price);
      low = std::min(low, price);
      // Open is the earliest trade in event time, close the latest; of
      // trades at the same time, the one that arrived first opens and the
      // one that arrived last closes.
      if (ts < open_ts) {
        open = price;
        open_ts = ts;
      }
      if (ts >= close_ts) {
        close = price;
        close_ts = ts;
      }
    }
    ++trade_count;
    if (ts >= ts_event) {
      ts_event = ts;
      ts_recv = ts_received;
    }
    return true;
  }

  // Adds the trades of `later`, at the same scales, every one of which
  // arrived after this bar's: the outcome add() would have had for each of
  // them in turn. The caller has made sure that the sums fit.
  void merge(const BarState& later) noexcept {
    if (later.trade_count == 0) return;
    volume += later.volume;
    buy_volume += later.buy_volume;
    sell_volume += later.sell_volume;
    notional += later.notional;
    if (trade_count == 0) {
      open = later.open;
      high = later.high;
      low = later.low;
      close = later.close;
      open_ts = later.open_ts;
      close_ts = later.close_ts;
    } else {
      high = std::max(high, later.high);
      low = std::min(low, later.low);
      // Ties as in add(): this bar's trades arrived first, so they open,
      // and the later ones close.
      if (later.open_ts < open_ts) {
        open = later.open;
        open_ts = later.open_ts;
      }
      if (later.close_ts >= close_ts) {
        close = later.close;
        close_ts = later.close_ts;
      }
    }
    trade_count += later.trade_count;
    if (later.ts_event >= ts_event) {
      ts_event = later.ts_event;
      ts_recv = later.ts_recv;
    }
  }
};

// Laid out so that what a trade and a publication touch, the newest bar
// and the fields after it, fills three cache lines and no more: by the
// time a group's bars are published again they have left the cache, and a
// series straddling an extra line cost a miss apiece.
struct alignas(64) BarBuilder::Series {
  // The bars by start, the final ones first. The newest, where nearly every
  // trade goes, lives in the series itself, beside the other series of its
  // id: a trade updates twelve series, and reaching each newest bar through
  // the deque was a cache miss apiece.
  BarState newest;
  bool has_newest = false;
  msg::Venue venue = msg::Venue::kUnknown;
  msg::InstrumentId id = msg::kNoInstrument;
  std::int64_t interval = 0;
  std::uint64_t sequence = 0;    // of the records published for this series
  SeriesGroup* group = nullptr;  // of the same id
  std::deque<BarState> older;    // every bar but the newest

  BarState* find(std::int64_t start) noexcept {
    if (!has_newest || start > newest.start) return nullptr;
    if (start == newest.start) return &newest;
    const auto newest_not_after =
        std::find_if(older.rbegin(), older.rend(), [&](const BarState& bar) { return bar.start <= start; });
    return newest_not_after != older.rend() && newest_not_after->start == start ? &*newest_not_after : nullptr;
  }

  // A place for a bar at `start`, which find() did not know.
  BarState& insert(std::int64_t start) {
    if (!has_newest || start > newest.start) {
      if (has_newest) older.push_back(newest);
      has_newest = true;
      newest = BarState{};
      return newest;
    }
    auto at = std::upper_bound(older.begin(), older.end(), start,
                               [](std::int64_t value, const BarState& bar) { return value < bar.start; });
    return *older.insert(at, BarState{});
  }

  // Drops the oldest bars while `gone(bar)` holds for them.
  template <class Gone>
  void forget_oldest(Gone&& gone) {
    while (!older.empty() && gone(older.front())) older.pop_front();
    if (older.empty() && has_newest && gone(newest)) has_newest = false;
  }
};

// The series of one id, and the bounds within which a trade takes the
// short path in all of them at once: a trade goes to every interval, and
// these let it ask once, not once per interval, whether it may.
// Line-aligned, the pending bar first: its reset is one wide store, which
// split across two lines when the bar began mid-line.
struct alignas(64) BarBuilder::SeriesGroup {
  // The trades the short path took since the newest bars last took them
  // (at the bounds' scales). Each falls in every newest bar, so it is added
  // here once, not once per interval, and the newest bars take them all
  // (flush) before anything reads or changes those bars.
  BarState pending = empty_pending();
  std::vector<Series> series;  // one per interval
  // Whether the bounds below are current. A trade that changes the newest
  // bars otherwise than the short path does works them out again at once; a
  // bar gone final clears this.
  bool bounds_known = false;
  // Every newest bar exists, is open and at these scales (else false).
  bool uniform = false;
  std::uint8_t price_scale = 0, size_scale = 0;
  std::int64_t from = 0, until = 0;  // event times in every newest bar: [from, until)
  std::int64_t horizon_until = 0;    // past this watermark some newest bar is beyond the revision horizon
  std::int64_t open_due = 0;         // from this watermark some newest bar's open update is due
  // The largest volume of the newest bars (without `pending`): while it
  // and pending's stay within 64 bits, every newest bar's sums do.
  std::int64_t most_volume = 0;

  // A pending bar that has taken no trade: its event time below any
  // trade's, so that the first trade sets it whatever its sign.
  static BarState empty_pending() noexcept {
    BarState empty;
    empty.ts_event = INT64_MIN;
    return empty;
  }
};

BarBuilder::BarBuilder(BarOptions options, DerivedSink& sink) : options_(std::move(options)), sink_(sink) {
  if (options_.intervals.empty()) throw std::invalid_argument("bars: no interval configured");
  for (const auto interval : options_.intervals) {
    if (interval.count() <= 0) throw std::invalid_argument("bars: an interval must be positive");
  }
  if (options_.allowed_lateness.count() < 0 || options_.open_update_every.count() < 0 ||
      options_.revision_horizon.count() < 0) {
    throw std::invalid_argument("bars: lateness, update rate and revision horizon cannot be negative");
  }
}

BarBuilder::~BarBuilder() = default;

std::int64_t BarBuilder::beyond_horizon_from(std::int64_t start, std::int64_t interval) const noexcept {
  return add_saturating(add_saturating(start, interval), options_.revision_horizon.count());
}

BarBuilder::SeriesGroup& BarBuilder::series_of(msg::Venue venue, msg::InstrumentId id) {
  auto [found, added] = series_.try_emplace(id);
  if (added) {
    found.series.resize(options_.intervals.size());
    for (std::size_t i = 0; i < options_.intervals.size(); ++i) {
      Series& series = found.series[i];
      series.group = &found;
      series.venue = venue;
      series.id = id;
      series.interval = options_.intervals[i].count();
    }
  }
  return found;
}

void BarBuilder::on_trade(const msg::Trade& trade, msg::InstrumentId composite) {
  const bool known = trade.header.instrument_id != msg::kNoInstrument;
  on_trade(trade, known ? handle(trade.header.venue, trade.header.instrument_id) : nullptr,
           known && composite != msg::kNoInstrument ? handle(msg::Venue::kComposite, composite) : nullptr);
}

void BarBuilder::on_trade(const msg::Trade& trade, Handle instrument, Handle composite) {
  advance_to(trade.header.ts_event);
  bool applied = false;
  if (trade.valid() && instrument != nullptr) {
    apply(*instrument, trade, applied);
    if (composite != nullptr) apply(*composite, trade, applied);
  } else {
    ++counters_.trades_refused;
  }
  if (applied) ++counters_.trades;
}

void BarBuilder::flush(SeriesGroup& group) noexcept {
  if (group.pending.trade_count == 0) return;
  for (Series& series : group.series) series.newest.merge(group.pending);
  group.most_volume += group.pending.volume;  // every newest bar's volume grew by as much
  group.pending = SeriesGroup::empty_pending();
}

void BarBuilder::apply(SeriesGroup& group, const msg::Trade& trade, bool& applied) {
  if (add_to_group(group, trade, applied)) return;
  flush(group);
  for (Series& series : group.series) apply(series, trade, applied);
  // At once, while the newest bars are at hand: by the group's next trade
  // they have left the cache.
  find_bounds(group);
}

void BarBuilder::find_bounds(SeriesGroup& group) {
  flush(group);  // most_volume below is that of bars holding every trade taken
  group.bounds_known = true;
  group.uniform = false;
  group.from = INT64_MIN;
  group.until = INT64_MAX;
  group.horizon_until = INT64_MAX;
  group.open_due = INT64_MAX;
  group.most_volume = 0;
  for (const Series& series : group.series) {
    const BarState& newest = series.newest;
    if (!series.has_newest || newest.final) return;
    if (&series == &group.series.front()) {
      group.price_scale = newest.price_scale;
      group.size_scale = newest.size_scale;
    } else if (newest.price_scale != group.price_scale || newest.size_scale != group.size_scale) {
      return;
    }
    const std::int64_t end = add_saturating(newest.start, series.interval);
    group.from = std::max(group.from, newest.start);
    group.until = std::min(group.until, end);
    group.horizon_until = std::min(group.horizon_until, beyond_horizon_from(newest.start, series.interval));
    group.open_due = std::min(group.open_due, open_due_at(newest));
    group.most_volume = std::max(group.most_volume, newest.volume);
  }
  group.uniform = true;
}

bool BarBuilder::add_to_group(SeriesGroup& group, const msg::Trade& trade, bool& applied) {
  if (!group.bounds_known) find_bounds(group);
  const std::int64_t ts = trade.header.ts_event;
  // What add_to_newest asks of each series, asked once of all.
  if (!group.uniform || ts < group.from || ts >= group.until || group.price_scale < trade.price_scale ||
      group.size_scale < trade.size_scale || watermark_ > group.horizon_until) {
    return false;
  }
  std::int64_t price = trade.price;
  std::int64_t size = trade.size;
  if (!scale_up(price, static_cast<std::uint8_t>(group.price_scale - trade.price_scale)) ||
      !scale_up(size, static_cast<std::uint8_t>(group.size_scale - trade.size_scale))) {
    counters_.trades_refused += group.series.size();
    return true;
  }
  // Taken if every newest bar's volume would still fit in 64 bits with it:
  // then adding it to each, as the series path would, refuses it nowhere
  // (the buy and sell volumes are at most the volume, and a notional of
  // 64-bit prices times such a volume fits in 128 bits).
  BarState& pending = group.pending;
  if (!fits_beside(group.most_volume + pending.volume, size)) return false;
  pending.add(price, size, trade.aggressor, ts, trade.header.ts_recv);
  applied = true;
  if (watermark_ >= group.open_due) {
    flush(group);
    group.open_due = INT64_MAX;  // the open updates move it; nothing else of the bounds
    for (Series& series : group.series) {
      publish_open(series, series.newest);
      group.open_due = std::min(group.open_due, open_due_at(series.newest));
    }
  }
  return true;
}

bool BarBuilder::add_to_newest(Series& series, const msg::Trade& trade, bool& applied) {
  if (!series.has_newest) return false;
  BarState& newest = series.newest;
  const std::int64_t ts = trade.header.ts_event;
  // In the bucket (found without a division: two per series and trade were
  // the larger part of a trade's cost), still open, at scales as fine as the
  // trade's (a symbol's venues quote at different scales, and its bars hold
  // the finest).
  if (ts < newest.start ||
      static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(newest.start) >=
          static_cast<std::uint64_t>(series.interval) ||
      newest.final || newest.price_scale < trade.price_scale || newest.size_scale < trade.size_scale ||
      beyond_horizon_from(newest.start, series.interval) < watermark_) {
    return false;
  }
  std::int64_t price = trade.price;
  std::int64_t size = trade.size;
  if (!scale_up(price, static_cast<std::uint8_t>(newest.price_scale - trade.price_scale)) ||
      !scale_up(size, static_cast<std::uint8_t>(newest.size_scale - trade.size_scale)) ||
      !newest.add(price, size, trade.aggressor, ts, trade.header.ts_recv)) {
    ++counters_.trades_refused;
    return true;
  }
  applied = true;
  // Open (not final), so neither late nor a revision.
  publish_open(series, newest);
  return true;
}

void BarBuilder::apply(Series& series, const msg::Trade& trade, bool& applied) {
  // Trades nearly always fall in the newest bar, while it is open.
  if (add_to_newest(series, trade, applied)) return;
  const std::int64_t ts = trade.header.ts_event;
  const std::int64_t start = bucket_start(ts, series.interval);
  const std::int64_t end = add_saturating(start, series.interval);
  // A bar past the horizon is gone; so is a bar that never existed there.
  if (beyond_horizon_from(start, series.interval) < watermark_) {
    ++counters_.trades_too_late;
    return;
  }
  BarState* existing = series.find(start);
  BarState* bar = existing;
  if (existing != nullptr && existing->price_scale == trade.price_scale && existing->size_scale == trade.size_scale) {
    // The usual case: the bar exists at the trade's scales.
    if (!existing->add(trade.price, trade.size, trade.aggressor, ts, trade.header.ts_recv)) {
      ++counters_.trades_refused;
      return;
    }
  } else {
    // A new bar, or scales to align: worked out on a copy, kept if it all fits.
    BarState next;
    next.start = start;
    if (existing != nullptr) next = *existing;
    const std::uint8_t price_scale = std::max(next.price_scale, trade.price_scale);
    const std::uint8_t size_scale = std::max(next.size_scale, trade.size_scale);
    std::int64_t price = trade.price;
    std::int64_t size = trade.size;
    if (!next.rescale(price_scale, size_scale) ||
        !scale_up(price, static_cast<std::uint8_t>(price_scale - trade.price_scale)) ||
        !scale_up(size, static_cast<std::uint8_t>(size_scale - trade.size_scale)) ||
        !next.add(price, size, trade.aggressor, ts, trade.header.ts_recv)) {
      ++counters_.trades_refused;
      return;
    }
    if (bar == nullptr) bar = &series.insert(start);
    *bar = next;
  }
  const bool is_new = existing == nullptr;
  applied = true;
  const std::int64_t final_at = add_saturating(end, options_.allowed_lateness.count());
  if (final_at <= watermark_) {
    // Late: its bar was final already (or, never having had a trade, would
    // have been), so it is published again as a revision.
    bar->final = true;
    ++bar->revision;
    ++counters_.revisions;
    publish(series, *bar, msg::flags::kFinal | msg::flags::kRevision);
  } else {
    if (is_new) add_deadline({final_at, bars_begun_++, &series, start});
    publish_open(series, *bar);
  }
  // Final bars past the horizon will take no more revisions.
  series.forget_oldest([&](const BarState& oldest) {
    return oldest.final && beyond_horizon_from(oldest.start, series.interval) < watermark_;
  });
}

void BarBuilder::finish() {
  finalize_until(INT64_MAX);
}

void BarBuilder::add_deadline(const Deadline& deadline) {
  deadlines_.push(deadline);
  next_final_at_ = deadlines_.top().final_at;
}

void BarBuilder::finalize_until(std::int64_t watermark) {
  while (!deadlines_.empty() && deadlines_.top().final_at <= watermark) {
    const Deadline due = deadlines_.top();
    deadlines_.pop();
    Series& series = *due.series;
    // Only a newest bar takes the group's pending trades, and only its
    // finality moves the group's bounds. Usually a later trade has begun
    // the next bar by now, and the bar due is an older one: then neither
    // the flush nor the bounds' recomputation (both reading every newest
    // bar of the group) is needed.
    BarState* bar = series.find(due.start);
    if (bar == nullptr || bar->final) continue;
    if (bar == &series.newest) {
      flush(*series.group);
      series.group->bounds_known = false;
    }
    bar->final = true;
    ++counters_.bars_final;
    publish(series, *bar, msg::flags::kFinal);
  }
  next_final_at_ = deadlines_.empty() ? INT64_MAX : deadlines_.top().final_at;
}

std::int64_t BarBuilder::open_due_at(const BarState& bar) const noexcept {
  return bar.published_at == INT64_MIN ? INT64_MIN
                                       : add_saturating(bar.published_at, options_.open_update_every.count());
}

void BarBuilder::publish_open(Series& series, BarState& bar) {
  if (watermark_ < open_due_at(bar)) return;
  bar.published_at = watermark_;
  publish(series, bar, 0);
}

void BarBuilder::publish(Series& series, BarState& bar, std::uint16_t flags) {
  msg::Bar record;
  record.header.venue = series.venue;
  record.header.instrument_id = series.id;
  record.header.sequence = ++series.sequence;
  record.header.ts_event = bar.ts_event;
  record.header.ts_recv = bar.ts_recv;
  record.header.flags = flags;
  record.start_ns = bar.start;
  record.interval_ns = series.interval;
  record.open = bar.open;
  record.high = bar.high;
  record.low = bar.low;
  record.close = bar.close;
  record.vwap = bar.volume > 0 ? divide_rounded(bar.notional, bar.volume) : bar.close;
  record.volume = bar.volume;
  record.buy_volume = bar.buy_volume;
  record.sell_volume = bar.sell_volume;
  record.trade_count = bar.trade_count;
  record.price_scale = bar.price_scale;
  record.size_scale = bar.size_scale;
  record.revision = bar.revision;
  ++counters_.updates;
  sink_.on_bar(record);
}

}  // namespace rtm::stream
