#pragma once

// The stream operators written the straightforward way, as the yardstick
// for StreamProcessor: std::map books, bars kept in one std::map and
// checked for finality by a scan whenever event time crosses a second,
// the best bid/offer recomputed from every member book, statistics
// recomputed over each window's trades whenever they are published. Same
// inputs, same decisions (event time, lateness, rates), same outputs
// counted.
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "rtm/msg/records.hpp"

namespace rtm::bench {

class ReferenceStream {
 public:
  ReferenceStream(std::vector<std::int64_t> intervals, std::vector<std::int64_t> windows,
                  std::map<msg::InstrumentId, msg::InstrumentId> composites)
      : intervals_(std::move(intervals)), windows_(std::move(windows)), composites_(std::move(composites)) {}

  std::uint64_t final_bars = 0, nbbo_updates = 0, stats_updates = 0;

  void on_trade(const msg::Trade& t) {
    advance(t.header.ts_event);
    for (const msg::InstrumentId series : {t.header.instrument_id, composite(t.header.instrument_id)}) {
      if (series == msg::kNoInstrument) continue;
      for (const std::int64_t interval : intervals_) {
        std::int64_t start = t.header.ts_event / interval * interval;
        if (start > t.header.ts_event) start -= interval;
        Bar& bar = bars_[{series, interval, start}];
        if (bar.count == 0) bar.open = bar.high = bar.low = t.price;
        bar.high = std::max(bar.high, t.price);
        bar.low = std::min(bar.low, t.price);
        bar.close = t.price;
        bar.volume += t.size;
        bar.notional += static_cast<long double>(t.price) * static_cast<long double>(t.size);
        ++bar.count;
        if (bar.final) ++final_bars;  // a revision
      }
    }
    Instrument& instrument = instruments_[t.header.instrument_id];
    instrument.trades.push_back({t.header.ts_event, static_cast<double>(t.price) / std::pow(10.0, t.price_scale)});
    while (!instrument.trades.empty() && instrument.trades.front().ts < watermark_ - max_window()) {
      instrument.trades.pop_front();
    }
    publish_stats(instrument);
  }

  void on_book_delta(const msg::BookDelta& d) {
    advance(d.header.ts_event);
    Instrument& instrument = instruments_[d.header.instrument_id];
    if ((d.header.flags & msg::flags::kSnapshotBegin) != 0) {
      instrument.bids.clear();
      instrument.asks.clear();
    }
    auto& side = d.side == msg::BookSide::kBid ? instrument.bids : instrument.asks;
    if (d.size == 0) {
      side.erase(d.side == msg::BookSide::kBid ? -d.price : d.price);
    } else {
      side[d.side == msg::BookSide::kBid ? -d.price : d.price] = d.size;
    }
    if ((d.header.flags & msg::flags::kEndOfBatch) != 0) top_changed(d.header.instrument_id, instrument);
  }

  void on_status(const msg::Status& s) {
    Instrument& instrument = instruments_[s.header.instrument_id];
    if (s.code == msg::StatusCode::kBookReady) instrument.live = true;
    if (s.code != msg::StatusCode::kBookReady && s.code != msg::StatusCode::kConnected) instrument.live = false;
    top_changed(s.header.instrument_id, instrument);
  }

  void finish() {
    for (auto& [key, bar] : bars_) {
      if (!bar.final) ++final_bars;
    }
  }

 private:
  struct Bar {
    std::int64_t open = 0, high = 0, low = 0, close = 0, volume = 0;
    long double notional = 0;
    std::uint64_t count = 0;
    bool final = false;
  };
  struct Trade {
    std::int64_t ts;
    double price;
  };
  struct Instrument {
    std::map<std::int64_t, std::int64_t> bids, asks;  // bids keyed by -price: best first in both
    bool live = false;
    std::deque<Trade> trades;
    std::map<std::int64_t, std::int64_t> published_at;  // window -> watermark
  };

  msg::InstrumentId composite(msg::InstrumentId id) const {
    const auto found = composites_.find(id);
    return found == composites_.end() ? msg::kNoInstrument : found->second;
  }
  std::int64_t max_window() const { return *std::max_element(windows_.begin(), windows_.end()); }

  void advance(std::int64_t ts) {
    if (ts <= watermark_) return;
    const bool new_second = ts / 1'000'000'000 != watermark_ / 1'000'000'000;
    watermark_ = ts;
    if (!new_second) return;
    for (auto& [key, bar] : bars_) {
      const auto& [series, interval, start] = key;
      if (!bar.final && start + interval + kLateness <= watermark_) {
        bar.final = true;
        ++final_bars;
      }
    }
  }

  void top_changed(msg::InstrumentId id, Instrument& instrument) {
    const msg::InstrumentId symbol = composite(id);
    if (symbol != msg::kNoInstrument) {
      // The best over every member, looked up afresh.
      std::int64_t best_bid = INT64_MIN, best_ask = INT64_MAX;
      for (const auto& [member, of] : composites_) {
        if (of != symbol) continue;
        const Instrument& book = instruments_[member];
        if (!book.live) continue;
        if (!book.bids.empty()) best_bid = std::max(best_bid, -book.bids.begin()->first);
        if (!book.asks.empty()) best_ask = std::min(best_ask, book.asks.begin()->first);
      }
      auto& last = nbbo_[symbol];
      if (last != std::pair(best_bid, best_ask)) {
        last = {best_bid, best_ask};
        ++nbbo_updates;
      }
    }
    publish_stats(instrument);
  }

  void publish_stats(Instrument& instrument) {
    if (instrument.trades.empty()) return;
    for (const std::int64_t window : windows_) {
      auto [at, first] = instrument.published_at.try_emplace(window, watermark_);
      if (!first && watermark_ - at->second < kPublishEvery) continue;
      at->second = watermark_;
      // Over the window's trades, recomputed.
      double squares = 0;
      std::size_t count = 0;
      double reference = instrument.trades.back().price;
      const Trade* previous = nullptr;
      for (const Trade& trade : instrument.trades) {
        if (trade.ts < watermark_ - window) {
          reference = trade.price;
          continue;
        }
        if (previous != nullptr) {
          const double r = std::log(trade.price / previous->price);
          squares += r * r;
        }
        previous = &trade;
        ++count;
      }
      const double change = (instrument.trades.back().price - reference) / reference;
      const double volatility = std::sqrt(squares);
      const double spread = instrument.bids.empty() || instrument.asks.empty()
                                ? 0.0
                                : static_cast<double>(instrument.asks.begin()->first + instrument.bids.begin()->first);
      sink_ += change + volatility + spread + static_cast<double>(count);
      ++stats_updates;
    }
  }

  static constexpr std::int64_t kLateness = 2'000'000'000;
  static constexpr std::int64_t kPublishEvery = 1'000'000'000;
  std::vector<std::int64_t> intervals_, windows_;
  std::map<msg::InstrumentId, msg::InstrumentId> composites_;
  std::map<std::tuple<msg::InstrumentId, std::int64_t, std::int64_t>, Bar> bars_;
  std::map<msg::InstrumentId, Instrument> instruments_;
  std::map<msg::InstrumentId, std::pair<std::int64_t, std::int64_t>> nbbo_;
  std::int64_t watermark_ = INT64_MIN;
  double sink_ = 0;
};

}  // namespace rtm::bench
