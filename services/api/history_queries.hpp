#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtm/store/history_reader.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::api {

// Trades and bars from the hot store and, for what is older than the hot
// store holds, from the history database: one seamless answer, in the hot
// store's order, paged by the same cursors. Without a database, the hot
// store alone. Throws store::HistoryUnavailable when the answer needs the
// database and it does not answer.
class HistoryQueries {
 public:
  HistoryQueries(const store::HotStore& hot, store::HistoryReader* history) : hot_(hot), history_(history) {}

  // Oldest first, at most `limit`, after `after`.
  [[nodiscard]] std::vector<msg::Trade> trades(msg::InstrumentId id, const std::string& name, std::int64_t from,
                                               std::int64_t to, std::size_t limit,
                                               std::optional<store::TradePosition> after) const;
  // The newest `limit`, newest first.
  [[nodiscard]] std::vector<msg::Trade> latest_trades(msg::InstrumentId id, const std::string& name, std::int64_t from,
                                                      std::int64_t to, std::size_t limit) const;
  // The newest `limit` bars starting in [from, to), oldest first.
  [[nodiscard]] std::vector<msg::Bar> bars(msg::InstrumentId series, const std::string& name,
                                           std::int64_t interval_ns, std::int64_t from, std::int64_t to,
                                           std::size_t limit) const;

 private:
  const store::HotStore& hot_;
  store::HistoryReader* history_;
};

}  // namespace rtm::api
