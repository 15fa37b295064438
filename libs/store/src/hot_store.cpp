#include "rtm/store/hot_store.hpp"

#include <algorithm>
#include <mutex>
#include <tuple>

namespace rtm::store {

namespace {

// The first bar of a series (ordered by start) that starts at or after `start`.
template <class Series>
auto first_starting_at(Series& series, std::int64_t start) {
  return std::lower_bound(series.begin(), series.end(), start,
                          [](const msg::Bar& bar, std::int64_t value) { return bar.start_ns < value; });
}

// Whether `incoming` may replace `kept`, a bar of the same series and start:
// an open bar never replaces a final one, nor a revision a later one (a
// member of the stream group republishing after a restart, or two members
// around a rebalance, may send an older state after a newer one). The same
// rule as the history database's upsert.
bool supersedes(const msg::Bar& incoming, const msg::Bar& kept) {
  const auto rank = [](const msg::Bar& bar) {
    return std::tuple((bar.header.flags & msg::flags::kFinal) != 0, bar.revision, bar.trade_count);
  };
  return rank(incoming) >= rank(kept);
}

}  // namespace

HotStore::HotStore(HotStoreOptions options) : options_(options) {}

void HotStore::add_instrument(const msg::InstrumentDef& definition) {
  std::unique_lock lock(mutex_);
  instruments_[definition.header.instrument_id] = definition;
}

void HotStore::add_symbol(msg::InstrumentId composite, std::string_view symbol) {
  std::unique_lock lock(mutex_);
  composites_.emplace(std::string(symbol), composite);
  symbols_.emplace(composite, std::string(symbol));
}

void HotStore::add_trade(const msg::Trade& trade) {
  const msg::RecordHeader& h = trade.header;
  const StoredTrade stored{h.ts_event,     h.ts_recv,       h.sequence,        trade.price,     trade.size,
                           trade.trade_id, trade.aggressor, trade.price_scale, trade.size_scale};
  std::unique_lock lock(mutex_);
  TradeLog& log = trades_[h.instrument_id];
  log.venue = h.venue;
  log.series.push(stored);
  ++counters_.trades;
  evict_trades(log);
}

void HotStore::evict_trades(TradeLog& log) {
  TradeSeries& series = log.series;
  const std::int64_t oldest_kept = series.back().ts_event - options_.trade_retention.count();
  while (!series.empty() &&
         (series.size() > options_.max_trades_per_instrument || series.front().ts_event < oldest_kept)) {
    series.pop_front();
    ++counters_.trades_evicted;
  }
}

void HotStore::put_bar(const msg::Bar& bar) {
  std::unique_lock lock(mutex_);
  BarSeries& series = bars_[{bar.header.instrument_id, bar.interval_ns}];
  if (series.empty() || series.back().start_ns < bar.start_ns) {
    series.push_back(bar);  // a new bar: nearly always the newest
  } else if (series.back().start_ns == bar.start_ns) {
    if (supersedes(bar, series.back())) series.back() = bar;  // the open bar, changed
  } else {
    const auto at = first_starting_at(series, bar.start_ns);
    if (at != series.end() && at->start_ns == bar.start_ns) {
      if (supersedes(bar, *at)) *at = bar;  // a revision
    } else {
      series.insert(at, bar);
    }
  }
  ++counters_.bars;
  const std::int64_t oldest_kept = series.back().start_ns - options_.bar_retention.count();
  while (!series.empty() && (series.size() > options_.max_bars_per_series || series.front().start_ns < oldest_kept)) {
    series.pop_front();
  }
}

void HotStore::put_nbbo(const msg::Nbbo& nbbo) {
  std::unique_lock lock(mutex_);
  nbbo_[nbbo.header.instrument_id] = nbbo;
}

void HotStore::put_stats(const msg::Stats& stats) {
  std::unique_lock lock(mutex_);
  stats_[{stats.header.instrument_id, stats.window_ns}] = stats;
}

void HotStore::add_alert(const msg::Alert& alert) {
  std::unique_lock lock(mutex_);
  alerts_.push_back(alert);
  ++counters_.alerts;
  while (alerts_.size() > options_.max_alerts) alerts_.pop_front();
}

void HotStore::put_book(const msg::RecordHeader& header, bool live, std::uint8_t price_scale, std::uint8_t size_scale,
                        std::span<const BookLevel> bids, std::span<const BookLevel> asks) {
  const std::size_t depth = options_.book_depth;
  std::unique_lock lock(mutex_);
  BookTop& top = books_[header.instrument_id];
  top.instrument = header.instrument_id;
  top.venue = header.venue;
  top.live = live;
  top.price_scale = price_scale;
  top.size_scale = size_scale;
  top.sequence = header.sequence;
  top.ts_event = header.ts_event;
  top.ts_recv = header.ts_recv;
  // assign() reuses the vectors' capacity: no allocation once a book is known.
  top.bids.assign(bids.begin(), bids.begin() + static_cast<std::ptrdiff_t>(std::min(depth, bids.size())));
  top.asks.assign(asks.begin(), asks.begin() + static_cast<std::ptrdiff_t>(std::min(depth, asks.size())));
}

std::vector<msg::InstrumentDef> HotStore::instruments() const {
  std::shared_lock lock(mutex_);
  std::vector<msg::InstrumentDef> out;
  out.reserve(instruments_.size());
  for (const auto& entry : instruments_) out.push_back(entry.second);
  return out;
}

std::optional<msg::InstrumentDef> HotStore::instrument(msg::InstrumentId id) const {
  std::shared_lock lock(mutex_);
  const auto found = instruments_.find(id);
  if (found == instruments_.end()) return std::nullopt;
  return found->second;
}

std::vector<msg::Trade> HotStore::trades(msg::InstrumentId instrument, std::int64_t from, std::int64_t to,
                                         std::size_t limit, std::optional<TradePosition> after) const {
  std::vector<msg::Trade> out;
  std::shared_lock lock(mutex_);
  const auto found = trades_.find(instrument);
  if (found == trades_.end()) return out;
  const TradeSeries& series = found->second.series;
  std::size_t first = series.lower_bound(after ? std::max(from, after->ts_event) : from);
  // Trades at the same time keep their arrival order, which is their sequence's.
  while (after && first < series.size() && series[first].ts_event == after->ts_event &&
         series[first].sequence <= after->sequence) {
    ++first;
  }
  for (std::size_t i = first; i < series.size() && out.size() < limit && series[i].ts_event < to; ++i) {
    out.push_back(to_trade(instrument, found->second, series[i]));
  }
  return out;
}

std::vector<msg::Trade> HotStore::latest_trades(msg::InstrumentId instrument, std::int64_t from, std::int64_t to,
                                                std::size_t limit) const {
  std::vector<msg::Trade> out;
  std::shared_lock lock(mutex_);
  const auto found = trades_.find(instrument);
  if (found == trades_.end()) return out;
  const TradeSeries& series = found->second.series;
  const std::size_t first = series.lower_bound(from);
  for (std::size_t i = series.lower_bound(to); i > first && out.size() < limit; --i) {
    out.push_back(to_trade(instrument, found->second, series[i - 1]));
  }
  return out;
}

msg::Trade HotStore::to_trade(msg::InstrumentId instrument, const TradeLog& log, const StoredTrade& stored) {
  msg::Trade trade;
  trade.header.venue = log.venue;
  trade.header.instrument_id = instrument;
  trade.header.sequence = stored.sequence;
  trade.header.ts_event = stored.ts_event;
  trade.header.ts_recv = stored.ts_recv;
  trade.price = stored.price;
  trade.size = stored.size;
  trade.trade_id = stored.trade_id;
  trade.aggressor = stored.aggressor;
  trade.price_scale = stored.price_scale;
  trade.size_scale = stored.size_scale;
  return trade;
}

std::vector<msg::Bar> HotStore::bars(msg::InstrumentId instrument, std::int64_t interval_ns, std::int64_t from,
                                     std::int64_t to, std::size_t limit) const {
  std::vector<msg::Bar> out;
  std::shared_lock lock(mutex_);
  const auto found = bars_.find({instrument, interval_ns});
  if (found == bars_.end()) return out;
  const auto first = first_starting_at(found->second, from);
  const auto last = first_starting_at(found->second, to);
  const auto count = std::min(static_cast<std::size_t>(last - first), limit);
  out.assign(last - static_cast<std::ptrdiff_t>(count), last);
  return out;
}

std::optional<TradePosition> HotStore::oldest_trade(msg::InstrumentId instrument) const {
  std::shared_lock lock(mutex_);
  const auto found = trades_.find(instrument);
  if (found == trades_.end() || found->second.series.empty()) return std::nullopt;
  const StoredTrade& oldest = found->second.series.front();
  return TradePosition{oldest.ts_event, oldest.sequence};
}

std::optional<std::int64_t> HotStore::oldest_bar_start(msg::InstrumentId series, std::int64_t interval_ns) const {
  std::shared_lock lock(mutex_);
  const auto found = bars_.find({series, interval_ns});
  if (found == bars_.end() || found->second.empty()) return std::nullopt;
  return found->second.front().start_ns;
}

std::optional<BookTop> HotStore::book(msg::InstrumentId instrument, std::size_t depth) const {
  std::shared_lock lock(mutex_);
  const auto found = books_.find(instrument);
  if (found == books_.end()) return std::nullopt;
  BookTop top = found->second;
  if (top.bids.size() > depth) top.bids.resize(depth);
  if (top.asks.size() > depth) top.asks.resize(depth);
  return top;
}

std::optional<msg::Nbbo> HotStore::nbbo(msg::InstrumentId composite) const {
  std::shared_lock lock(mutex_);
  const auto found = nbbo_.find(composite);
  if (found == nbbo_.end()) return std::nullopt;
  return found->second;
}

std::vector<msg::Stats> HotStore::stats(msg::InstrumentId instrument) const {
  std::vector<msg::Stats> out;
  std::shared_lock lock(mutex_);
  for (auto it = stats_.lower_bound({instrument, 0}); it != stats_.end() && it->first.first == instrument; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<msg::Alert> HotStore::alerts(std::int64_t since, std::size_t limit) const {
  std::vector<msg::Alert> out;
  std::shared_lock lock(mutex_);
  // The newest `limit` of those at or after `since`, oldest of them first.
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && out.size() < limit; ++it) {
    if (it->header.ts_event >= since) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<msg::InstrumentId> HotStore::composite_of_symbol(std::string_view symbol) const {
  std::shared_lock lock(mutex_);
  const auto found = composites_.find(symbol);
  if (found == composites_.end()) return std::nullopt;
  return found->second;
}

std::string HotStore::symbol_of(msg::InstrumentId composite) const {
  std::shared_lock lock(mutex_);
  const auto found = symbols_.find(composite);
  return found == symbols_.end() ? std::string() : found->second;
}

std::string HotStore::name_of(msg::InstrumentId id) const {
  std::shared_lock lock(mutex_);
  if (const auto found = instruments_.find(id); found != instruments_.end()) return msg::instrument_name(found->second);
  const auto symbol = symbols_.find(id);
  return symbol == symbols_.end() ? std::string() : symbol->second;
}

HotStoreCounters HotStore::counters() const {
  std::shared_lock lock(mutex_);
  return counters_;
}

std::size_t HotStore::trade_memory_bytes() const {
  std::shared_lock lock(mutex_);
  std::size_t bytes = 0;
  for (const auto& entry : trades_) bytes += entry.second.series.memory_bytes();
  return bytes;
}

}  // namespace rtm::store
