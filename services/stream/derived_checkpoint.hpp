#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "rtm/msg/ids.hpp"

namespace rtm::streamsvc {

using SequenceMarks = std::unordered_map<msg::InstrumentId, std::uint64_t>;

// Counts of what went to each output (the derived channel, the history
// database): sent, and acknowledged by the output.
struct OutputCounts {
  std::uint64_t derived = 0;
  std::uint64_t history = 0;
  [[nodiscard]] bool covers(const OutputCounts& sent) const noexcept {
    return derived >= sent.derived && history >= sent.history;
  }
};

// Per instrument, the last sequence whose derived records the derived
// channel (and the history database, if there is one) has acknowledged,
// kept in a file beside the journal. Records after
// it were journaled, but what they derived may have been lost with the
// process (still in a producer's queue); a restart replays them from the
// journal with their output published again. Downstream readers replace
// bars, best bids/offers and statistics by key, so a record published twice
// changes nothing there.
//
// A snapshot of the sequences processed is taken with the count of derived
// records sent by then; once that many are acknowledged, the snapshot is the
// new mark and is written (to a new file, renamed over the old: a crash
// leaves one or the other).
class DerivedCheckpoint {
 public:
  explicit DerivedCheckpoint(std::filesystem::path file) : file_(std::move(file)) {}

  // The marks last written; nullopt when there is no file (a first start).
  // Throws std::runtime_error naming the file when it cannot be parsed.
  [[nodiscard]] std::optional<SequenceMarks> load() const;

  // On the stream thread, as records are processed: at most once per
  // `every`, writes the pending snapshot if it is acknowledged and takes a
  // new one.
  void observe(const SequenceMarks& processed, const OutputCounts& sent, const OutputCounts& acknowledged,
               std::chrono::milliseconds every = std::chrono::milliseconds(1000));
  // Writes `marks` now (at start-up, and at a clean stop once everything
  // sent is acknowledged). Throws std::system_error when it cannot.
  void write(const SequenceMarks& marks) const;

  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
  std::optional<SequenceMarks> pending_;
  OutputCounts pending_sent_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace rtm::streamsvc
