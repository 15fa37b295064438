#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rtm/store/history_writer.hpp"

namespace rtm::store::detail {

// Rows waiting for the database, as text lines in batches. The batch being
// filled is sealed when it holds batch_rows rows (or when the writer asks);
// sealed batches wait in order. Past the memory bound a sealed batch goes to
// a file in the spool directory instead; past the disk bound (or with no
// directory) the oldest batches are dropped and counted. Files left by an
// earlier process are taken up first. Thread-safe: the stream thread
// appends, the writer's thread takes.
class HistorySpool {
 public:
  struct Batch {
    std::string text;  // lines, each ending in '\n'
    std::size_t rows = 0;
    std::filesystem::path file;  // where it is spooled, if it is
  };

  HistorySpool(const HistoryWriterOptions& options, HistoryWriterCounters& counters);

  void append(std::string_view line);
  // Seals the batch being filled if it has rows; true if there is a sealed batch.
  bool seal();
  [[nodiscard]] bool has_sealed() const;
  [[nodiscard]] std::size_t open_rows() const;
  // The oldest sealed batch, read back from its file if it was spooled; the
  // file stays until done() is called with it.
  std::optional<Batch> take();
  // Puts a batch that could not be written back at the front.
  void give_back(Batch batch);
  void done(const Batch& batch);
  // At shutdown: every batch still in memory goes to the directory, if any.
  void spill_all();

 private:
  void seal_locked();
  void spill_locked(Batch& batch);
  void drop_oldest_locked();
  // Gives back the memory or the file a batch took.
  void release_locked(const Batch& batch);
  void account(std::int64_t memory_delta, std::int64_t disk_delta);

  const HistoryWriterOptions& options_;
  HistoryWriterCounters& counters_;
  mutable std::mutex mutex_;
  Batch open_;
  std::deque<Batch> sealed_;
  std::size_t memory_bytes_ = 0;
  std::size_t disk_bytes_ = 0;
  std::uint64_t next_file_ = 0;
};

}  // namespace rtm::store::detail
