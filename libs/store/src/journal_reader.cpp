#include <algorithm>
#include <cstring>
#include <fstream>
#include <system_error>

#include "journal_format.hpp"
#include "rtm/store/journal.hpp"

namespace rtm::store {
namespace {

enum class Frame : std::uint8_t { kGood, kIncomplete, kBad };

// Checks the frame at `offset`: its length in range, all of it there, its CRC.
Frame check_frame(std::span<const std::byte> file, std::size_t offset, std::size_t& length) {
  if (file.size() - offset < detail::kFrameHeaderSize) return Frame::kIncomplete;
  length = detail::get_u32(file.data() + offset);
  if (length > detail::kMaxRecordBytes) return Frame::kBad;
  if (file.size() - offset - detail::kFrameHeaderSize < length) return Frame::kIncomplete;
  const auto record = file.subspan(offset + detail::kFrameHeaderSize, length);
  const std::uint32_t stored = detail::get_u32(file.data() + offset + 4);
  return detail::frame_crc(file.subspan(offset, 4), record) == stored ? Frame::kGood : Frame::kBad;
}

bool read_file(const std::filesystem::path& path, std::vector<std::byte>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  out.resize(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), size);
  return static_cast<bool>(in) || size == 0;
}

std::string where(const std::filesystem::path& path, std::size_t offset) {
  return path.string() + " at offset " + std::to_string(offset);
}

}  // namespace

std::vector<std::filesystem::path> journal_segments(const std::filesystem::path& directory) {
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (const auto index = detail::parse_segment_index(entry.path()); index && entry.is_regular_file()) {
      found.emplace_back(*index, entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::filesystem::path> segments;
  segments.reserve(found.size());
  for (auto& [index, path] : found) segments.push_back(std::move(path));
  return segments;
}

RecoveryReport recover_journal(const std::filesystem::path& directory, const RecoveryOptions& options,
                               const std::function<void(std::span<const std::byte>)>& on_record) {
  RecoveryReport report;
  const std::vector<std::filesystem::path> segments = journal_segments(directory);
  std::vector<std::byte> file;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const std::filesystem::path& path = segments[s];
    const bool last = s + 1 == segments.size();
    ++report.segments;
    if (!read_file(path, file)) {
      report.ok = false;
      report.error = "cannot read " + path.string();
      return report;
    }
    const std::span<const std::byte> bytes(file);
    // A last segment cut inside its header was being created: it holds nothing.
    if (bytes.size() < detail::kSegmentHeaderSize && last) {
      report.torn_tail = true;
      report.torn_file = path;
      report.torn_bytes = bytes.size();
      if (options.truncate_torn_tail) std::filesystem::remove(path);
      return report;
    }
    if (bytes.size() < detail::kSegmentHeaderSize ||
        std::memcmp(bytes.data(), detail::kMagic, sizeof(detail::kMagic)) != 0) {
      report.ok = false;
      report.error = "not a journal segment: " + where(path, 0);
      return report;
    }
    std::size_t offset = detail::kSegmentHeaderSize;
    while (offset < bytes.size()) {
      std::size_t length = 0;
      const Frame frame = check_frame(bytes, offset, length);
      if (frame == Frame::kGood) {
        on_record(bytes.subspan(offset + detail::kFrameHeaderSize, length));
        ++report.records;
        offset += detail::kFrameHeaderSize + length;
        continue;
      }
      // The last record of the last segment, cut short or garbled to its
      // end: a write the crash interrupted. Anything else is corruption.
      // (A crash can also leave zeros where the file was extended.)
      const bool reaches_end = frame == Frame::kIncomplete ||
                               offset + detail::kFrameHeaderSize + length == bytes.size() ||
                               std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(),
                                           [](std::byte b) { return b == std::byte{0}; });
      if (last && reaches_end) {
        report.torn_tail = true;
        report.torn_file = path;
        report.torn_offset = offset;
        report.torn_bytes = bytes.size() - offset;
        if (options.truncate_torn_tail) {
          std::error_code error;
          std::filesystem::resize_file(path, offset, error);
          if (error) {
            report.ok = false;
            report.error = "cannot cut the torn tail of " + where(path, offset) + ": " + error.message();
          }
        }
        return report;
      }
      if (!options.skip_corrupt) {
        report.ok = false;
        report.error = std::string("corrupt record in ") + where(path, offset) +
                       (frame == Frame::kBad ? " (checksum or length)" : " (cut short)");
        return report;
      }
      // Skipped: the next offset where a whole record checks out.
      ++report.corrupt_skipped;
      std::size_t next = offset + 1;
      std::size_t next_length = 0;
      while (next < bytes.size() && check_frame(bytes, next, next_length) != Frame::kGood) ++next;
      report.corrupt_bytes += next - offset;
      offset = next;
    }
  }
  return report;
}

}  // namespace rtm::store
