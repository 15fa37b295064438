#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rtm/msg/records.hpp"

namespace rtm::api {

struct BarTextCacheCounters {
  std::atomic<std::uint64_t> hits{0};    // bars copied as text written before
  std::atomic<std::uint64_t> misses{0};  // bars written anew (first asked for, or changed since)
};

// The JSON text of the bars /v1/bars has written, so that the page a chart
// asks for on every load is mostly copied instead of formatted again: a bar
// is a dozen decimals and integers, and formatting them was most of what
// the route cost. Final bars do not change, so nearly every bar of a page
// is a hit; an entry serves only a bar equal in every field to the one it
// was written from and under the same series name, so a revision, or an
// open bar that moved, is written again (and replaces the entry). Bounded:
// past `capacity` bars the one cached longest ago goes. Not thread-safe:
// RestApi writes a page under its own lock.
class BarTextCache {
 public:
  explicit BarTextCache(std::size_t capacity = 32'768) : capacity_(capacity) {}

  // The JSON object json::write_bar writes for `bar` under `name`; valid
  // until the next call.
  std::string_view text(const msg::Bar& bar, std::string_view name);

  [[nodiscard]] const BarTextCacheCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Key {
    msg::InstrumentId series = msg::kNoInstrument;
    std::int64_t interval_ns = 0;
    std::int64_t start_ns = 0;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  struct Entry {
    msg::Bar bar;
    std::string name;
    std::string text;
  };

  std::size_t capacity_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::deque<Key> arrival_;  // the keys in the order they were first cached
  BarTextCacheCounters counters_;
};

}  // namespace rtm::api
