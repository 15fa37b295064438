#include "rtm/store/journal.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rtm/store/crc32c.hpp"

namespace rtm::store {
namespace {

namespace fs = std::filesystem;

// Record n's bytes: its number and a length and content that follow from it,
// so that any record read back can be checked against what was written.
std::vector<std::byte> record(std::uint64_t n) {
  std::vector<std::byte> bytes(8 + (n * 37) % 120);
  for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::byte>(n >> (8 * i));
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>((n * 131 + i) & 0xFF);
  return bytes;
}

std::uint64_t number_of(std::span<const std::byte> bytes) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(i)]) << (8 * i);
  return n;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("rtm-journal-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  JournalOptions options() const {
    JournalOptions o;
    o.directory = directory_;
    return o;
  }

  void write(std::uint64_t from, std::uint64_t to, JournalOptions o) {
    JournalWriter writer(std::move(o), from);
    for (std::uint64_t n = from; n < to; ++n) ASSERT_TRUE(writer.append(record(n))) << writer.last_error();
  }

  // Recovers and checks that the records are 0, 1, 2, ... each as written.
  RecoveryReport recover(std::vector<std::uint64_t>& numbers, RecoveryOptions recovery = {}) {
    numbers.clear();
    return recover_journal(directory_, recovery, [&](std::span<const std::byte> bytes) {
      const std::uint64_t n = number_of(bytes);
      const std::vector<std::byte> expected = record(n);
      EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), expected.begin(), expected.end())) << "record " << n;
      numbers.push_back(n);
    });
  }

  fs::path directory_;
};

std::vector<std::uint64_t> iota(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> numbers;
  for (std::uint64_t n = from; n < to; ++n) numbers.push_back(n);
  return numbers;
}

TEST(Crc32c, MatchesTheStandardCheckValue) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32c(std::as_bytes(std::span(text.data(), text.size()))), 0xE3069283U);
  const auto bytes = std::as_bytes(std::span(text.data(), text.size()));
  EXPECT_EQ(crc32c(bytes.subspan(4), crc32c(bytes.subspan(0, 4))), 0xE3069283U) << "continues over more bytes";
}

TEST_F(JournalTest, RecordsComeBackInOrderAcrossSegmentsAndRestarts) {
  JournalOptions o = options();
  o.segment_bytes = 4096;
  write(0, 1000, o);
  write(1000, 1500, o);  // a restart: a new segment after the others
  std::vector<std::uint64_t> numbers;
  const RecoveryReport report = recover(numbers);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_FALSE(report.torn_tail);
  EXPECT_EQ(numbers, iota(0, 1500));
  EXPECT_GT(report.segments, 20U);
  EXPECT_EQ(report.segments, journal_segments(directory_).size());
}

TEST_F(JournalTest, RetentionKeepsTheNewestSegments) {
  JournalOptions o = options();
  o.segment_bytes = 4096;
  o.keep_segments = 3;
  write(0, 2000, o);
  EXPECT_EQ(journal_segments(directory_).size(), 3U);
  std::vector<std::uint64_t> numbers;
  EXPECT_TRUE(recover(numbers).ok);
  ASSERT_FALSE(numbers.empty());
  EXPECT_EQ(numbers.back(), 1999U);
  EXPECT_EQ(numbers, iota(numbers.front(), 2000)) << "the newest records, whole";
}

TEST_F(JournalTest, ATornTailIsCutAndReportedAndWritingGoesOn) {
  write(0, 100, options());
  const fs::path segment = journal_segments(directory_).back();
  const auto size = fs::file_size(segment);
  fs::resize_file(segment, size - 5);  // the last record, cut short
  std::vector<std::uint64_t> numbers;
  RecoveryReport report = recover(numbers);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(report.torn_tail);
  EXPECT_EQ(report.torn_file, segment);
  EXPECT_EQ(report.torn_bytes, record(99).size() + 8 - 5);
  EXPECT_EQ(report.torn_offset, size - record(99).size() - 8);
  EXPECT_EQ(fs::file_size(segment), report.torn_offset) << "cut from the file";
  EXPECT_EQ(numbers, iota(0, 99));
  write(report.records, 150, options());
  report = recover(numbers);
  EXPECT_TRUE(report.ok);
  EXPECT_FALSE(report.torn_tail);
  EXPECT_EQ(numbers, iota(0, 150));
}

TEST_F(JournalTest, ZerosAfterTheLastRecordAreATornTail) {
  write(0, 10, options());
  const fs::path segment = journal_segments(directory_).back();
  const auto size = fs::file_size(segment);
  fs::resize_file(segment, size + 4096);  // a file extended with zeros that never got its data
  std::vector<std::uint64_t> numbers;
  const RecoveryReport report = recover(numbers);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(report.torn_tail);
  EXPECT_EQ(report.torn_offset, size);
  EXPECT_EQ(numbers, iota(0, 10));
}

TEST_F(JournalTest, ACorruptRecordMidSegmentStopsRecoveryUnlessSkipped) {
  write(0, 100, options());
  const fs::path segment = journal_segments(directory_).back();
  // Record 40's first content byte: offset of the header, the records before, its frame header, its number.
  std::uint64_t offset = 16;
  for (std::uint64_t n = 0; n < 40; ++n) offset += 8 + record(n).size();
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(offset + 8 + 8));
    file.put('\x5A');
  }
  std::vector<std::uint64_t> numbers;
  RecoveryReport report = recover(numbers);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find(segment.string()), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("offset " + std::to_string(offset)), std::string::npos) << report.error;
  EXPECT_EQ(numbers, iota(0, 40)) << "what came before is still read";
  report = recover(numbers, {.skip_corrupt = true});
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.corrupt_skipped, 1U);
  EXPECT_EQ(report.corrupt_bytes, 8 + record(40).size());
  std::vector<std::uint64_t> expected = iota(0, 40);
  for (std::uint64_t n = 41; n < 100; ++n) expected.push_back(n);
  EXPECT_EQ(numbers, expected);
}

TEST_F(JournalTest, NoDirectoryIsAnEmptyJournal) {
  std::vector<std::uint64_t> numbers;
  const RecoveryReport report = recover(numbers);
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.records, 0U);
}

// A writer in a child process, killed with SIGKILL at a random moment: what
// it had fsynced (it says so through a pipe after each fsync) is all there,
// and anything after it that made it to the file is whole and in order.
// Ten kills, with both fsync policies and buffers of every size. (The
// writer's write() calls carry whole records, so a kill leaves none cut;
// torn records are made by hand above.)
TEST_F(JournalTest, KilledWritersLoseNothingTheyHadSynced) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    fs::remove_all(directory_);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    JournalOptions o = options();
    o.segment_bytes = 64 << 10;
    o.buffer_bytes = 1 + rng() % 3000;  // records cross write() boundaries
    o.fsync = round % 2 == 0 ? FsyncPolicy::kEveryRecords : FsyncPolicy::kInterval;
    o.fsync_records = 1 + rng() % 50;
    o.fsync_interval = std::chrono::milliseconds(1);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      JournalWriter writer(o);
      std::uint64_t reported = 0;
      for (std::uint64_t n = 0;; ++n) {
        if (!writer.append(record(n))) ::_exit(3);
        if (writer.counters().fsyncs != reported) {
          reported = writer.counters().fsyncs;
          // Synced: everything before the records still in the buffer.
          const std::uint64_t synced = n + 1;
          if (::write(pipe_fds[1], &synced, sizeof(synced)) != sizeof(synced)) ::_exit(4);
        }
      }
    }
    ::close(pipe_fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped on its own: " << status;
    std::uint64_t synced = 0;
    for (std::uint64_t value = 0; ::read(pipe_fds[0], &value, sizeof(value)) == sizeof(value);) synced = value;
    ::close(pipe_fds[0]);
    std::vector<std::uint64_t> numbers;
    const RecoveryReport report = recover(numbers);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_GT(synced, 0U);
    EXPECT_GE(numbers.size(), synced) << "every synced record is there";
    EXPECT_EQ(numbers, iota(0, numbers.size())) << "a prefix of what was written, nothing garbled";
    // Writing goes on after recovery, and the whole is read back.
    write(report.records, report.records + 10, options());
    const RecoveryReport again = recover(numbers);
    EXPECT_TRUE(again.ok);
    EXPECT_FALSE(again.torn_tail);
    EXPECT_EQ(numbers, iota(0, report.records + 10));
  }
}

}  // namespace
}  // namespace rtm::store
