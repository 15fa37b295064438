#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "journal_format.hpp"
#include "rtm/store/crc32c.hpp"
#include "rtm/store/journal.hpp"

namespace rtm::store {

JournalWriter::JournalWriter(JournalOptions options, std::uint64_t first_record)
    : options_(std::move(options)), next_record_(first_record), last_sync_(std::chrono::steady_clock::now()) {
  std::error_code error;
  std::filesystem::create_directories(options_.directory, error);
  if (error) throw std::system_error(error, "journal: cannot create " + options_.directory.string());
  const auto segments = journal_segments(options_.directory);
  segment_index_ = segments.empty() ? 0 : detail::segment_index(segments.back());
  buffer_.reserve(options_.buffer_bytes + detail::kFrameHeaderSize);
  if (!open_segment()) throw std::system_error(errno, std::generic_category(), last_error_);
}

JournalWriter::~JournalWriter() {
  close_segment();
}

bool JournalWriter::fail(const std::string& what) {
  ++counters_.errors;
  last_error_ = what + ": " + std::error_code(errno, std::generic_category()).message();
  return false;
}

bool JournalWriter::open_segment() {
  ++segment_index_;
  const std::filesystem::path path = options_.directory / detail::segment_name(segment_index_);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) return fail("journal: cannot create " + path.string());
  const std::array<std::byte, detail::kSegmentHeaderSize> header = detail::segment_header(next_record_);
  buffer_.insert(buffer_.end(), header.begin(), header.end());
  segment_size_ = header.size();
  ++counters_.segments_started;
  // The new file's name is durable only once its directory is synced.
  const int directory = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  delete_old_segments();
  return true;
}

bool JournalWriter::close_segment() {
  if (fd_ < 0) return true;
  const bool synced = sync();
  ::close(fd_);
  fd_ = -1;
  return synced;
}

bool JournalWriter::write_buffer() {
  const std::byte* data = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      buffer_.clear();
      return fail("journal: write to segment " + std::to_string(segment_index_));
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  ++counters_.writes;
  buffer_.clear();
  return true;
}

bool JournalWriter::sync() {
  if (fd_ < 0) return false;
  if (!buffer_.empty() && !write_buffer()) return false;
  last_sync_ = std::chrono::steady_clock::now();
  unsynced_records_ = 0;
  if (::fdatasync(fd_) != 0) return fail("journal: fsync of segment " + std::to_string(segment_index_));
  ++counters_.fsyncs;
  return true;
}

bool JournalWriter::flush() {
  if (fd_ < 0) return buffer_.empty();
  return buffer_.empty() || write_buffer();
}

bool JournalWriter::append(std::span<const std::byte> record) {
  if (fd_ < 0 && !open_segment()) return false;
  if (record.size() > detail::kMaxRecordBytes) {
    ++counters_.errors;
    last_error_ = "journal: a record of " + std::to_string(record.size()) + " bytes is over the limit";
    return false;
  }
  const std::array<std::byte, detail::kFrameHeaderSize> header = detail::frame_header(record);
  buffer_.insert(buffer_.end(), header.begin(), header.end());
  buffer_.insert(buffer_.end(), record.begin(), record.end());
  segment_size_ += header.size() + record.size();
  ++next_record_;
  ++counters_.records;
  counters_.bytes += header.size() + record.size();
  ++unsynced_records_;
  bool ok = buffer_.size() < options_.buffer_bytes || write_buffer();
  switch (options_.fsync) {
    case FsyncPolicy::kOff:
      break;
    case FsyncPolicy::kEveryRecords:
      if (unsynced_records_ >= options_.fsync_records) ok = sync() && ok;
      break;
    case FsyncPolicy::kInterval:
      if (std::chrono::steady_clock::now() - last_sync_ >= options_.fsync_interval) ok = sync() && ok;
      break;
  }
  if (segment_size_ >= options_.segment_bytes) {
    ok = close_segment() && ok;
    ok = open_segment() && ok;
  }
  return ok;
}

void JournalWriter::delete_old_segments() {
  if (options_.keep_segments == 0) return;
  const auto segments = journal_segments(options_.directory);
  for (std::size_t i = 0; i + options_.keep_segments < segments.size(); ++i) {
    std::error_code error;
    if (std::filesystem::remove(segments[i], error)) ++counters_.segments_deleted;
  }
}

}  // namespace rtm::store
