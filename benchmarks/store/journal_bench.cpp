// The journal's append against writing the same bytes with write() directly,
// both gathered into 64 KiB writes and fsynced every 10 ms: what the journal
// adds (framing, CRC-32C, segment roll) should cost little next to the I/O.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "rtm/store/journal.hpp"

namespace rtm::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kRecords = 1 << 16;
constexpr std::size_t kRecordBytes = 80;               // an encoded Trade record with its header
constexpr std::size_t kFrameBytes = kRecordBytes + 8;  // what the journal writes per record
constexpr std::size_t kBufferBytes = 64 << 10;
constexpr auto kFsyncEvery = std::chrono::milliseconds(10);

fs::path bench_directory(const char* name) {
  return fs::temp_directory_path() / ("rtm-bench-" + std::string(name) + "-" + std::to_string(::getpid()));
}

std::vector<std::byte> make_records() {
  std::vector<std::byte> bytes(kRecords * kRecordBytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>((i * 2654435761U) >> 13);
  return bytes;
}

void BM_JournalAppend(benchmark::State& state) {
  const fs::path directory = bench_directory("journal");
  fs::remove_all(directory);
  const std::vector<std::byte> records = make_records();
  {
    store::JournalOptions options;
    options.directory = directory;
    options.fsync = store::FsyncPolicy::kInterval;
    options.fsync_interval = kFsyncEvery;
    options.buffer_bytes = kBufferBytes;
    options.segment_bytes = 256ULL << 20;
    options.keep_segments = 2;  // the benchmark writes gigabytes
    store::JournalWriter writer(options);
    std::size_t i = 0;
    for (auto _ : state) {
      if (!writer.append(std::span(records).subspan(i * kRecordBytes, kRecordBytes))) {
        state.SkipWithError(writer.last_error().c_str());
        break;
      }
      if (++i == kRecords) i = 0;
    }
    writer.sync();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kFrameBytes));
  fs::remove_all(directory);
}

// The same bytes (frames of the same size) into one file with write() and
// fdatasync at the same cadence: the floor the journal is measured against.
void BM_PlainWrite(benchmark::State& state) {
  const fs::path directory = bench_directory("write");
  fs::remove_all(directory);
  fs::create_directories(directory);
  const std::vector<std::byte> records = make_records();
  const std::string path = (directory / "plain").string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::byte> buffer;
  buffer.reserve(kBufferBytes + kFrameBytes);
  auto last_sync = std::chrono::steady_clock::now();
  std::size_t i = 0;
  std::size_t file_bytes = 0;
  const auto flush = [&] {
    std::size_t done = 0;
    while (done < buffer.size()) {
      const ssize_t written = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (written <= 0) return false;
      done += static_cast<std::size_t>(written);
    }
    file_bytes += buffer.size();
    buffer.clear();
    return true;
  };
  for (auto _ : state) {
    const std::byte frame_header[8] = {};
    buffer.insert(buffer.end(), std::begin(frame_header), std::end(frame_header));
    const auto record = std::span(records).subspan(i * kRecordBytes, kRecordBytes);
    buffer.insert(buffer.end(), record.begin(), record.end());
    if (buffer.size() >= kBufferBytes && !flush()) state.SkipWithError("write failed");
    if (std::chrono::steady_clock::now() - last_sync >= kFsyncEvery) {
      if (!flush()) state.SkipWithError("write failed");
      ::fdatasync(fd);
      last_sync = std::chrono::steady_clock::now();
    }
    // Same file sizes as the journal's segments: start over past 256 MiB.
    if (file_bytes >= (256U << 20)) {
      ::close(fd);
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      file_bytes = 0;
    }
    if (++i == kRecords) i = 0;
  }
  flush();
  ::fdatasync(fd);
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kFrameBytes));
  fs::remove_all(directory);
}

BENCHMARK(BM_JournalAppend)->Name("journal_append_fsync10ms/rtm")->UseRealTime();
BENCHMARK(BM_PlainWrite)->Name("journal_append_fsync10ms/write")->UseRealTime();

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
