#include "history_queries.hpp"

#include <algorithm>

namespace rtm::api {
namespace {

bool earlier(const store::TradePosition& a, const store::TradePosition& b) {
  return a.ts_event != b.ts_event ? a.ts_event < b.ts_event : a.sequence < b.sequence;
}

store::TradePosition position_of(const msg::Trade& trade) { return {trade.header.ts_event, trade.header.sequence}; }

}  // namespace

std::vector<msg::Trade> HistoryQueries::trades(msg::InstrumentId id, const std::string& name, std::int64_t from,
                                               std::int64_t to, std::size_t limit,
                                               std::optional<store::TradePosition> after) const {
  const std::optional<store::TradePosition> oldest = hot_.oldest_trade(id);
  // The database holds what comes before the hot store's oldest trade; a
  // page that starts there reads it first.
  const bool starts_before_hot =
      !oldest || (after ? earlier(*after, *oldest) : from <= oldest->ts_event);
  std::vector<msg::Trade> out;
  if (history_ != nullptr && starts_before_hot) {
    out = history_->trades(
        {.instrument = name, .from = from, .to = to, .after = after, .before = oldest, .limit = limit,
         .newest_first = false});
  }
  if (out.size() < limit) {
    const std::optional<store::TradePosition> resume = out.empty() ? after : std::optional(position_of(out.back()));
    std::vector<msg::Trade> recent = hot_.trades(id, from, to, limit - out.size(), resume);
    out.insert(out.end(), recent.begin(), recent.end());
  }
  return out;
}

std::vector<msg::Trade> HistoryQueries::latest_trades(msg::InstrumentId id, const std::string& name, std::int64_t from,
                                                      std::int64_t to, std::size_t limit) const {
  std::vector<msg::Trade> out = hot_.latest_trades(id, from, to, limit);
  if (history_ == nullptr || out.size() >= limit) return out;
  const std::optional<store::TradePosition> oldest = hot_.oldest_trade(id);
  if (oldest && from > oldest->ts_event) return out;
  std::vector<msg::Trade> older = history_->trades(
      {.instrument = name, .from = from, .to = to, .after = {}, .before = oldest, .limit = limit - out.size(),
       .newest_first = true});
  out.insert(out.end(), older.begin(), older.end());
  return out;
}

std::vector<msg::Bar> HistoryQueries::bars(msg::InstrumentId series, const std::string& name, std::int64_t interval_ns,
                                           std::int64_t from, std::int64_t to, std::size_t limit) const {
  std::vector<msg::Bar> out = hot_.bars(series, interval_ns, from, to, limit);
  if (history_ == nullptr || out.size() >= limit) return out;
  const std::optional<std::int64_t> oldest = hot_.oldest_bar_start(series, interval_ns);
  if (oldest && from >= *oldest) return out;
  // "venue:SYMBOL" names a venue's series; a canonical symbol the composite one.
  const std::size_t colon = name.find(':');
  const msg::Venue venue = colon == std::string::npos
                               ? msg::Venue::kComposite
                               : msg::parse_venue(std::string_view(name).substr(0, colon)).value_or(msg::Venue::kUnknown);
  std::vector<msg::Bar> older =
      history_->bars(name, series, venue, interval_ns, from, to, oldest.value_or(INT64_MAX), limit - out.size());
  older.insert(older.end(), out.begin(), out.end());
  return older;
}

}  // namespace rtm::api
