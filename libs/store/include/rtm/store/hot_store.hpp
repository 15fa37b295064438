#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtm/msg/records.hpp"
#include "rtm/store/trade_series.hpp"

namespace rtm::store {

struct HotStoreOptions {
  // Trades are kept per instrument while they are no older than this (in
  // event time, behind the instrument's newest) and no more than the count.
  std::chrono::nanoseconds trade_retention = std::chrono::hours(1);
  std::size_t max_trades_per_instrument = 1'000'000;
  // Bars, per instrument (or symbol) and interval.
  std::chrono::nanoseconds bar_retention = std::chrono::hours(24 * 7);
  std::size_t max_bars_per_series = 20'000;
  std::size_t max_alerts = 10'000;
  std::size_t book_depth = 50;  // levels per side kept of each book's latest top
};

struct BookLevel {
  std::int64_t price = 0;
  std::int64_t size = 0;
  friend bool operator==(const BookLevel&, const BookLevel&) = default;
};

// An instrument's book as its last venue message left it.
struct BookTop {
  msg::InstrumentId instrument = msg::kNoInstrument;
  msg::Venue venue = msg::Venue::kUnknown;
  bool live = false;  // false: stale or resyncing, not to be served as current
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
  std::uint64_t sequence = 0;
  std::int64_t ts_event = 0;
  std::int64_t ts_recv = 0;
  std::vector<BookLevel> bids;  // best first
  std::vector<BookLevel> asks;
};

// Where a page of trades ended: the next page starts after it.
struct TradePosition {
  std::int64_t ts_event = 0;
  std::uint64_t sequence = 0;
};

struct HotStoreCounters {
  std::uint64_t trades = 0;          // stored
  std::uint64_t trades_evicted = 0;  // by retention
  std::uint64_t bars = 0;            // updates stored (new, changed, final, revised)
  std::uint64_t alerts = 0;
};

// The recent past in memory, for the API: per instrument the recent trades,
// bars per interval, the latest book top, statistics, and per symbol the
// best bid/offer across venues; recent alerts; every instrument's
// definition. One writer (the stream thread) and any number of readers:
// queries copy out what they return under a shared lock, so a reader never
// sees a half-applied update and never holds the writer up for long.
class HotStore {
 public:
  explicit HotStore(HotStoreOptions options = {});

  // Writes, on the stream thread.
  void add_instrument(const msg::InstrumentDef& definition);
  void add_trade(const msg::Trade& trade);
  // An open bar's update, its final version or a revision: replaces what is
  // held for the same series and start.
  void put_bar(const msg::Bar& bar);
  void put_nbbo(const msg::Nbbo& nbbo);
  void put_stats(const msg::Stats& stats);
  void add_alert(const msg::Alert& alert);
  void put_book(const msg::RecordHeader& header, bool live, std::uint8_t price_scale, std::uint8_t size_scale,
                std::span<const BookLevel> bids, std::span<const BookLevel> asks);
  // A composite id's canonical symbol, for lookups by symbol.
  void add_symbol(msg::InstrumentId composite, std::string_view symbol);

  // Queries, from any thread. Times are event times in ns, [from, to).
  [[nodiscard]] std::vector<msg::InstrumentDef> instruments() const;
  [[nodiscard]] std::optional<msg::InstrumentDef> instrument(msg::InstrumentId id) const;
  // Oldest first, at most `limit`; with `after`, only those that come
  // after that trade.
  [[nodiscard]] std::vector<msg::Trade> trades(msg::InstrumentId instrument, std::int64_t from, std::int64_t to,
                                               std::size_t limit, std::optional<TradePosition> after = {}) const;
  // The newest `limit` trades in [from, to), newest first: a tape.
  [[nodiscard]] std::vector<msg::Trade> latest_trades(msg::InstrumentId instrument, std::int64_t from, std::int64_t to,
                                                      std::size_t limit) const;
  // The oldest trade held for the instrument, and the oldest bar start of a
  // series and interval: what is older is only in the history database.
  [[nodiscard]] std::optional<TradePosition> oldest_trade(msg::InstrumentId instrument) const;
  [[nodiscard]] std::optional<std::int64_t> oldest_bar_start(msg::InstrumentId series, std::int64_t interval_ns) const;
  // The newest `limit` bars starting in [from, to), oldest first.
  [[nodiscard]] std::vector<msg::Bar> bars(msg::InstrumentId instrument, std::int64_t interval_ns, std::int64_t from,
                                           std::int64_t to, std::size_t limit) const;
  // At most `depth` levels a side.
  [[nodiscard]] std::optional<BookTop> book(msg::InstrumentId instrument, std::size_t depth) const;
  [[nodiscard]] std::optional<msg::Nbbo> nbbo(msg::InstrumentId composite) const;
  // One per window, shortest first.
  [[nodiscard]] std::vector<msg::Stats> stats(msg::InstrumentId instrument) const;
  // Raised at or after `since` (ns), newest last, at most `limit` (the newest).
  [[nodiscard]] std::vector<msg::Alert> alerts(std::int64_t since, std::size_t limit) const;
  [[nodiscard]] std::optional<msg::InstrumentId> composite_of_symbol(std::string_view symbol) const;
  [[nodiscard]] std::string symbol_of(msg::InstrumentId composite) const;
  // An instrument's "venue:SYMBOL", a composite's symbol; empty when unknown.
  [[nodiscard]] std::string name_of(msg::InstrumentId id) const;

  [[nodiscard]] HotStoreCounters counters() const;
  [[nodiscard]] std::size_t book_depth() const noexcept { return options_.book_depth; }
  // Bytes held by the stored trades (chunks and their bookkeeping).
  [[nodiscard]] std::size_t trade_memory_bytes() const;

 private:
  struct TradeLog {
    msg::Venue venue = msg::Venue::kUnknown;
    TradeSeries series;
  };
  // By start. Bars arrive in order but for revisions and late firsts, and
  // a page of them is read in order: contiguous runs, not a tree's nodes.
  using BarSeries = std::deque<msg::Bar>;

  void evict_trades(TradeLog& log);
  static msg::Trade to_trade(msg::InstrumentId instrument, const TradeLog& log, const StoredTrade& stored);

  HotStoreOptions options_;
  mutable std::shared_mutex mutex_;
  std::map<msg::InstrumentId, msg::InstrumentDef> instruments_;
  std::unordered_map<msg::InstrumentId, TradeLog> trades_;
  std::map<std::pair<msg::InstrumentId, std::int64_t>, BarSeries> bars_;  // by instrument and interval
  std::unordered_map<msg::InstrumentId, BookTop> books_;
  std::unordered_map<msg::InstrumentId, msg::Nbbo> nbbo_;
  std::map<std::pair<msg::InstrumentId, std::int64_t>, msg::Stats> stats_;  // by instrument and window
  std::deque<msg::Alert> alerts_;
  std::map<std::string, msg::InstrumentId, std::less<>> composites_;
  std::unordered_map<msg::InstrumentId, std::string> symbols_;
  HotStoreCounters counters_;
};

}  // namespace rtm::store
