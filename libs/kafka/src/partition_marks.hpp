#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>

namespace rtm::kafka::detail {

// The offset of the last record a group member processed in each partition
// of its topic, whoever owns the partition now: where its state stops. When
// a partition comes (back) to the member, the records after its mark that
// others committed meanwhile are what it must be handed over.
//
// With a file, the marks survive a restart beside the state they describe
// (the stream service's journal). save() must come only after that state is
// durable: marks behind the state are harmless (those records come again and
// are recognized), marks ahead of it would skip records.
class PartitionMarks {
 public:
  // No file: the marks live as long as the process.
  PartitionMarks() = default;
  // Reads the file if it exists; throws std::runtime_error if it cannot be
  // read or is malformed.
  explicit PartitionMarks(std::filesystem::path file);

  void note(int partition, std::int64_t offset) {
    std::int64_t& mark = marks_[partition];
    if (offset > mark) mark = offset;
    dirty_ = true;
  }
  // The offset after the partition's mark; none when the member never
  // processed a record of it.
  [[nodiscard]] std::optional<std::int64_t> next(int partition) const;
  // Writes the file (atomically) if a mark changed and the last write is at
  // least `every` old; false when writing failed.
  bool save(std::chrono::milliseconds every = std::chrono::milliseconds(1000));

 private:
  std::filesystem::path file_;
  std::map<int, std::int64_t> marks_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_save_{};
};

}  // namespace rtm::kafka::detail
