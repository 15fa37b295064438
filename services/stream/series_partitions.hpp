#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "rtm/msg/ids.hpp"

namespace rtm::streamsvc {

// The partition of the market-data topic each instrument's records come
// from, kept beside the journal. The journal holds records, not partitions:
// this is how its replay gives each record to the state of the partition it
// came from. A line is appended when an instrument is first seen or moves
// (the topic got more partitions), before the instrument's record is
// journaled, so every journaled record finds its partition here.
class SeriesPartitions {
 public:
  // No file: in memory only.
  SeriesPartitions() = default;
  // Reads the file if it exists, then appends to it. Throws
  // std::runtime_error naming the file when it cannot be read or opened.
  explicit SeriesPartitions(const std::filesystem::path& file);
  ~SeriesPartitions();
  SeriesPartitions(const SeriesPartitions&) = delete;
  SeriesPartitions& operator=(const SeriesPartitions&) = delete;

  // Records that `instrument` comes from `partition`; false when the line
  // could not be written.
  bool note(msg::InstrumentId instrument, int partition) {
    const auto [entry, added] = partitions_.try_emplace(instrument, partition);
    if (!added && entry->second == partition) return true;
    entry->second = partition;
    return append(instrument, partition);
  }
  // The partition last noted for `instrument`; 0 when none was.
  [[nodiscard]] int of(msg::InstrumentId instrument) const {
    const auto found = partitions_.find(instrument);
    return found != partitions_.end() ? found->second : 0;
  }

 private:
  bool append(msg::InstrumentId instrument, int partition);

  std::unordered_map<msg::InstrumentId, int> partitions_;
  std::FILE* file_ = nullptr;
};

}  // namespace rtm::streamsvc
