#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
// past `capacity` bars the one cached longest ago goes.
//
// A page is mostly final bars in a row, and those are also kept as one run
// per series and interval: their texts joined by commas in one string, in
// start order, so that a page copies them with one append of contiguous
// memory rather than a lookup and a small copy per bar. A bar is copied
// from the run only when it equals, field for field, the bar its text was
// written from, and the bars before it in the page equal those before it
// in the run. Not thread-safe: RestApi writes a page under its own lock.
class BarTextCache {
 public:
  explicit BarTextCache(std::size_t capacity = 32'768) : capacity_(capacity) {}

  // The JSON object json::write_bar writes for `bar` under `name`; valid
  // until the next call.
  std::string_view text(const msg::Bar& bar, std::string_view name);
  // Appends the JSON objects of `bars` (one series and interval, in start
  // order), separated by commas, to `out`: the elements of a page's array.
  void append_page(std::span<const msg::Bar> bars, std::string_view name, std::string& out);

  [[nodiscard]] const BarTextCacheCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t run_bars() const noexcept { return run_bars_; }

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

  // A series' final bars in start order; `text` holds their objects
  // joined by commas, bar k's starting at offsets[k] and ending at the
  // comma before the next one (or at the end).
  struct Run {
    std::string name;
    std::string text;
    std::vector<msg::Bar> bars;
    std::vector<std::size_t> offsets;

    [[nodiscard]] std::size_t end_of(std::size_t k) const noexcept {
      return k + 1 < offsets.size() ? offsets[k + 1] - 1 : text.size();
    }
  };
  struct RunKey {
    msg::InstrumentId series = msg::kNoInstrument;
    std::int64_t interval_ns = 0;
    friend bool operator==(const RunKey&, const RunKey&) = default;
  };
  struct RunKeyHash {
    std::size_t operator()(const RunKey& key) const noexcept;
  };

  // The run `bar` belongs to, under `name` (a run kept under another name
  // starts over).
  Run& run_for(const msg::Bar& bar, std::string_view name);
  // Copies into `out`, in one append, the texts of the bars from bars[0] on
  // that the run holds in a row (a final bar newer than all it holds is
  // written onto it first); returns how many, 0 when bars[0] is not there.
  std::size_t copy_from_run(Run& run, std::span<const msg::Bar> bars, std::string& out);
  void append_to_run(Run& run, const msg::Bar& bar);
  // Keeps the newest half of every run once all of them hold more than the
  // capacity.
  void trim_runs();

  std::size_t capacity_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::unordered_map<RunKey, Run, RunKeyHash> runs_;
  std::size_t run_bars_ = 0;
  std::deque<Key> arrival_;  // the keys in the order they were first cached
  BarTextCacheCounters counters_;
};

}  // namespace rtm::api
