#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace rtm::store {

// The journal: the sequenced stream of encoded records, written before
// anything is derived from them, and read back on start to rebuild
// everything exactly (kdb+tick's log). A directory of append-only segment
// files "segment-NNNNNNNNNN.rtmj", each a 16-byte header ("RTMJOUR1" and the
// journal-wide number of its first record) and then records, each framed as
// its length (u32, little-endian), the CRC-32C of that length and the
// record (u32), and the record's bytes.

enum class FsyncPolicy : std::uint8_t {
  kOff,           // the OS writes back when it likes; a crash loses what it had not
  kEveryRecords,  // after every fsync_records records
  kInterval,      // once fsync_interval has passed since the last fsync, at the next append
};

struct JournalOptions {
  std::filesystem::path directory;
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  std::chrono::milliseconds fsync_interval{10};
  std::uint64_t fsync_records = 1000;
  std::uint64_t segment_bytes = 64ULL << 20;  // a segment is closed (and synced) past this size
  std::size_t keep_segments = 0;              // older ones are deleted as new ones begin; 0 keeps all
  std::size_t buffer_bytes = 64 << 10;        // appends are gathered into writes of this size
};

struct JournalCounters {
  std::uint64_t records = 0;  // appended by this writer
  std::uint64_t bytes = 0;
  std::uint64_t writes = 0;
  std::uint64_t fsyncs = 0;
  std::uint64_t segments_started = 0;
  std::uint64_t segments_deleted = 0;
  std::uint64_t errors = 0;  // failed writes, syncs or opens; the record was not journaled
};

// Appends to the journal. Opens a new segment after the directory's last one
// (run recover_journal first, so that a torn tail is cut before more is
// written). Not thread-safe; one writer per directory.
class JournalWriter {
 public:
  // first_record: the journal-wide number the next record gets (what
  // recovery counted). Throws std::system_error if the directory or the
  // first segment cannot be made.
  JournalWriter(JournalOptions options, std::uint64_t first_record = 0);
  ~JournalWriter();  // syncs and closes
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // False, counted and explained by last_error(), on an I/O error: the
  // record is then not in the journal.
  bool append(std::span<const std::byte> record);
  // Writes what is buffered and fsyncs it.
  bool sync();
  // Writes what is buffered, without fsync: enough for it to survive the
  // process being killed (not the machine losing power).
  bool flush();

  [[nodiscard]] std::uint64_t next_record() const noexcept { return next_record_; }
  [[nodiscard]] const JournalCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

 private:
  bool open_segment();
  bool close_segment();
  bool write_buffer();
  void delete_old_segments();
  bool fail(const std::string& what);

  JournalOptions options_;
  std::uint64_t next_record_;
  std::uint64_t segment_index_ = 0;
  std::uint64_t segment_size_ = 0;
  int fd_ = -1;
  std::vector<std::byte> buffer_;
  std::uint64_t unsynced_records_ = 0;
  std::chrono::steady_clock::time_point last_sync_;
  JournalCounters counters_;
  std::string last_error_;
};

struct RecoveryOptions {
  // A record that fails its check in the middle of the journal stops
  // recovery unless this is set; then it is skipped (and counted), and
  // reading goes on at the next record that checks out.
  bool skip_corrupt = false;
  // Cut a torn tail (the last record of the last segment, partly written)
  // from its file, so that the journal is whole again.
  bool truncate_torn_tail = true;
};

struct RecoveryReport {
  bool ok = true;
  std::string error;  // when !ok: which file, at which offset, and why
  std::uint64_t records = 0;
  std::uint64_t segments = 0;
  std::uint64_t corrupt_skipped = 0;  // records skipped (skip_corrupt)
  std::uint64_t corrupt_bytes = 0;
  bool torn_tail = false;
  std::filesystem::path torn_file;
  std::uint64_t torn_offset = 0;  // where the file was cut
  std::uint64_t torn_bytes = 0;   // how many bytes were cut
};

// Reads every record in the journal's order and hands it to on_record. A
// directory that does not exist is an empty journal.
RecoveryReport recover_journal(const std::filesystem::path& directory, const RecoveryOptions& options,
                               const std::function<void(std::span<const std::byte>)>& on_record);

// The segment files of a journal, oldest first.
std::vector<std::filesystem::path> journal_segments(const std::filesystem::path& directory);

}  // namespace rtm::store
