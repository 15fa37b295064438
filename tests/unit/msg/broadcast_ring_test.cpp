#include "rtm/msg/broadcast_ring.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace rtm::msg {
namespace {

std::vector<std::byte> record_of(std::uint64_t value, std::size_t size = 24) {
  std::vector<std::byte> bytes(size, std::byte{0xab});
  std::memcpy(bytes.data(), &value, sizeof(value));
  return bytes;
}

std::uint64_t value_of(std::span<const std::byte> bytes) {
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof(value));
  return value;
}

struct Collected {
  std::vector<std::uint64_t> values;
  std::vector<std::uint64_t> gaps;
};

Collected drain(BroadcastRing::Reader& reader, std::size_t limit = SIZE_MAX) {
  Collected out;
  reader.poll([&](std::span<const std::byte> r) { out.values.push_back(value_of(r)); },
              [&](std::uint64_t lost) { out.gaps.push_back(lost); }, limit);
  return out;
}

TEST(BroadcastRing, EveryReaderSeesEveryRecordInOrder) {
  BroadcastRing ring({.capacity = 16});
  auto first = ring.make_reader();
  auto second = ring.make_reader();
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  const Collected a = drain(first);
  const Collected b = drain(second);
  ASSERT_EQ(a.values.size(), 10U);
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(a.values[i], i);
  EXPECT_EQ(a.values, b.values);
  EXPECT_TRUE(a.gaps.empty());
  EXPECT_TRUE(drain(first).values.empty()) << "nothing new";
}

class BroadcastRingPolicies : public ::testing::TestWithParam<OverrunPolicy> {};
INSTANTIATE_TEST_SUITE_P(BothPolicies, BroadcastRingPolicies,
                         ::testing::Values(OverrunPolicy::kOverwrite, OverrunPolicy::kBackPressure));

TEST_P(BroadcastRingPolicies, DeliversRecordBytesUnchangedWhateverTheirLength) {
  BroadcastRing ring({.capacity = 4, .max_record_size = 40, .policy = GetParam()});
  auto reader = ring.make_reader();
  for (std::size_t size : {1U, 7U, 8U, 9U, 40U}) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = std::byte{static_cast<std::uint8_t>(i * 31 + size)};
    ASSERT_EQ(ring.offer(bytes), PublishStatus::kOk);
    std::vector<std::byte> got;
    reader.poll([&](std::span<const std::byte> r) { got.assign(r.begin(), r.end()); }, [](std::uint64_t) {});
    EXPECT_EQ(got, bytes) << "size " << size;
  }
}

TEST(BroadcastRing, RefusesRecordsOverTheMaximumSize) {
  BroadcastRing ring({.capacity = 4, .max_record_size = 16});
  EXPECT_EQ(ring.offer(record_of(1, 17)), PublishStatus::kTooLarge);
  EXPECT_EQ(ring.published(), 0U);
}

TEST(BroadcastRing, ALappedReaderLearnsExactlyHowManyItLost) {
  BroadcastRing ring({.capacity = 8});
  auto slow = ring.make_reader();
  for (std::uint64_t i = 0; i < 20; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  const Collected got = drain(slow);
  ASSERT_FALSE(got.gaps.empty());
  std::uint64_t lost = 0;
  for (auto gap : got.gaps) lost += gap;
  EXPECT_EQ(lost + got.values.size(), 20U) << "every record is either delivered or counted lost";
  EXPECT_EQ(slow.lost(), lost);
  ASSERT_FALSE(got.values.empty());
  EXPECT_EQ(got.values.front(), lost) << "delivery resumes right after the lost records";
  EXPECT_EQ(got.values.back(), 19U);
  for (std::size_t i = 1; i < got.values.size(); ++i) EXPECT_EQ(got.values[i], got.values[i - 1] + 1);
}

TEST(BroadcastRing, BackPressureHoldsTheWriterForTheSlowestReader) {
  BroadcastRing ring({.capacity = 4, .policy = OverrunPolicy::kBackPressure});
  auto fast = ring.make_reader();
  auto slow = ring.make_reader();
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  drain(fast);
  EXPECT_EQ(ring.offer(record_of(4)), PublishStatus::kBackPressured);
  EXPECT_EQ(drain(slow, 1).values, std::vector<std::uint64_t>{0});
  EXPECT_EQ(ring.offer(record_of(4)), PublishStatus::kOk) << "one slot freed";
  EXPECT_EQ(ring.offer(record_of(5)), PublishStatus::kBackPressured);
  const Collected rest = drain(slow);
  EXPECT_EQ(rest.values, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(rest.gaps.empty());
}

TEST(BroadcastRing, BackPressureWithoutReadersNeverBlocks) {
  BroadcastRing ring({.capacity = 4, .policy = OverrunPolicy::kBackPressure});
  for (std::uint64_t i = 0; i < 100; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
}

TEST(BroadcastRing, ADroppedReaderNoLongerHoldsTheWriter) {
  BroadcastRing ring({.capacity = 4, .policy = OverrunPolicy::kBackPressure});
  {
    auto reader = ring.make_reader();
    EXPECT_EQ(ring.reader_count(), 1U);
    for (std::uint64_t i = 0; i < 4; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
    EXPECT_EQ(ring.offer(record_of(4)), PublishStatus::kBackPressured);
  }
  EXPECT_EQ(ring.reader_count(), 0U);
  EXPECT_EQ(ring.offer(record_of(4)), PublishStatus::kOk);
}

TEST(BroadcastRing, StartsFromLatestOrEarliest) {
  BroadcastRing ring({.capacity = 4});
  for (std::uint64_t i = 0; i < 6; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  auto latest = ring.make_reader(StartFrom::kLatest);
  auto earliest = ring.make_reader(StartFrom::kEarliest);
  ASSERT_EQ(ring.offer(record_of(6)), PublishStatus::kOk);
  EXPECT_EQ(drain(latest).values, std::vector<std::uint64_t>{6});
  const Collected old = drain(earliest);
  // Record 2 was overwritten by 6. A lapped reader rejoins a little inside
  // the ring (here one slot, so record 3 goes too) and is told of both.
  EXPECT_EQ(old.values, (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(old.gaps, std::vector<std::uint64_t>{2});
}

TEST(BroadcastRing, LimitsTheNumberOfReaders) {
  BroadcastRing ring({.capacity = 4, .max_readers = 2});
  auto a = ring.make_reader();
  auto b = ring.make_reader();
  EXPECT_THROW(ring.make_reader(), std::length_error);
}

TEST(BroadcastRing, BackPressureEarliestStartsWhereTheWriterStillHoldsBack) {
  BroadcastRing ring({.capacity = 4, .policy = OverrunPolicy::kBackPressure});
  for (std::uint64_t i = 0; i < 6; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  // With no reader the writer last took stock at record 4, so 4 and 5 are
  // the records it has not been free to overwrite since.
  auto earliest = ring.make_reader(StartFrom::kEarliest);
  const Collected got = drain(earliest);
  EXPECT_EQ(got.values, (std::vector<std::uint64_t>{4, 5}));
  EXPECT_TRUE(got.gaps.empty());
  for (std::uint64_t i = 6; i < 8; ++i) ASSERT_EQ(ring.offer(record_of(i)), PublishStatus::kOk);
  EXPECT_EQ(drain(earliest).values, (std::vector<std::uint64_t>{6, 7}));
}

TEST(BroadcastRing, MoveAssignedReaderReleasesItsOldCursor) {
  BroadcastRing ring({.capacity = 8, .max_readers = 2});
  auto first = ring.make_reader();
  auto second = ring.make_reader();
  ASSERT_EQ(ring.offer(record_of(1)), PublishStatus::kOk);
  first = std::move(second);
  EXPECT_EQ(ring.reader_count(), 1U) << "the cursor first held is free again";
  EXPECT_EQ(drain(first).values, std::vector<std::uint64_t>{1});
  EXPECT_NO_THROW(ring.make_reader());
}

TEST(BroadcastRing, MovedReaderKeepsItsPlace) {
  BroadcastRing ring({.capacity = 8});
  auto reader = ring.make_reader();
  ASSERT_EQ(ring.offer(record_of(1)), PublishStatus::kOk);
  BroadcastRing::Reader moved = std::move(reader);
  EXPECT_EQ(drain(moved).values, std::vector<std::uint64_t>{1});
  EXPECT_EQ(ring.reader_count(), 1U);
}

}  // namespace
}  // namespace rtm::msg
