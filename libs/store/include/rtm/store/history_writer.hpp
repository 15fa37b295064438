#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "rtm/msg/records.hpp"

namespace rtm::store {

struct HistoryWriterOptions {
  std::string database;  // a libpq connection string or postgresql:// URL
  // A batch is written when it holds this many rows, or this long after its
  // first row, whichever comes first.
  std::size_t batch_rows = 20'000;
  std::chrono::milliseconds batch_delay{200};
  // Rows waiting while the database is away: beyond `spool_memory_bytes`
  // they go to files in `spool_directory` (none: the oldest are dropped and
  // counted), up to `spool_disk_bytes` (then the oldest are dropped and counted).
  std::size_t spool_memory_bytes = 64U << 20;
  std::filesystem::path spool_directory;
  std::size_t spool_disk_bytes = 4ULL << 30;
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{5'000};
  int partition_days_ahead = 2;  // trade partitions created ahead of the day written
};

struct HistoryWriterCounters {
  std::atomic<std::uint64_t> accepted{0};        // rows handed to the writer
  std::atomic<std::uint64_t> written{0};         // rows in committed transactions (a row already there counts)
  std::atomic<std::uint64_t> trades{0};          // of which trades
  std::atomic<std::uint64_t> batches{0};         // committed transactions
  std::atomic<std::uint64_t> failures{0};        // failed attempts (the batch is retried)
  std::atomic<std::uint64_t> rejected{0};        // rows the database refused three times: logged, not retried
  std::atomic<std::uint64_t> dropped{0};         // rows dropped because the spool was full
  std::atomic<std::int64_t> spool_bytes{0};      // rows waiting, in memory and on disk
  std::atomic<std::int64_t> spool_disk_bytes{0};  // of which on disk
  std::atomic<bool> connected{false};
};

// rtm's history in PostgreSQL (the schema of db/migrations): trades by COPY
// (pqxx::stream_to) into their daily partitions, bars upserted so that a
// later revision replaces the row and an earlier one never does, alerts
// once each. Every write is idempotent, so a batch whose commit was lost
// with the connection is simply written again.
//
// add_*() only format the row and queue it (the caller's thread never
// waits on the database); a thread of the writer's own writes batches,
// reconnects with backoff when the database goes away, and meanwhile keeps
// the rows in a bounded spool (memory, then disk). libpqxx stays in the
// implementation.
class HistoryWriter {
 public:
  explicit HistoryWriter(HistoryWriterOptions options);
  // Writes what it can within five seconds; what is left stays in the disk
  // spool, if there is one, for the next writer on the same directory.
  ~HistoryWriter();
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // `instrument`: "venue:SYMBOL"; `series`: that, or a canonical symbol.
  void add_trade(const msg::Trade& trade, std::string_view instrument);
  void add_bar(const msg::Bar& bar, std::string_view series);
  void add_alert(const msg::Alert& alert, std::string_view subject);

  // Waits until every row accepted so far is written; false on timeout.
  bool flush(std::chrono::milliseconds timeout);

  [[nodiscard]] const HistoryWriterCounters& counters() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::store
