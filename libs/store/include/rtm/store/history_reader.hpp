#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/msg/records.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::store {

// The history database did not answer; the API says so (503) rather than
// return a page with a hole in it.
class HistoryUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads back what HistoryWriter wrote, as records, for queries that reach
// beyond the hot store's retention. Times are event times in ns. One
// connection, made on first use and again after it is lost; calls are
// serialized. libpqxx stays in the implementation.
class HistoryReader {
 public:
  explicit HistoryReader(std::string database);
  ~HistoryReader();
  HistoryReader(const HistoryReader&) = delete;
  HistoryReader& operator=(const HistoryReader&) = delete;

  struct TradeRange {
    std::string_view instrument;  // venue:SYMBOL
    std::int64_t from = INT64_MIN;
    std::int64_t to = INT64_MAX;
    std::optional<TradePosition> after;   // only trades after this one
    std::optional<TradePosition> before;  // only trades before this one
    std::size_t limit = 100;
    bool newest_first = false;  // the newest `limit`, newest first
  };
  // Oldest first (or newest first); throws HistoryUnavailable.
  std::vector<msg::Trade> trades(const TradeRange& range);

  // The newest `limit` bars of the series starting in [from, to) and before
  // `before_start`, oldest first; throws HistoryUnavailable.
  std::vector<msg::Bar> bars(std::string_view series, msg::InstrumentId id, msg::Venue venue, std::int64_t interval_ns,
                             std::int64_t from, std::int64_t to, std::int64_t before_start, std::size_t limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::store
