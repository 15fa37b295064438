#include "rtm/msg/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace rtm::msg {
namespace {

TEST(SpscRing, RoundsCapacityUpToAPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(5).capacity(), 8U);
  EXPECT_EQ(SpscRing<int>(8).capacity(), 8U);
  EXPECT_EQ(SpscRing<int>(0).capacity(), 2U);
}

TEST(SpscRing, IsFirstInFirstOutAndReportsFullAndEmpty) {
  SpscRing<int> ring(4);
  int out = 0;
  EXPECT_FALSE(ring.try_pop(out));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(99)) << "a full ring refuses, it does not overwrite";
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out, i);
  }
  EXPECT_FALSE(ring.try_pop(out));
}

TEST(SpscRing, WrapsAroundManyTimes) {
  SpscRing<std::uint64_t> ring(8);
  std::uint64_t next_pushed = 0;
  std::uint64_t next_popped = 0;
  for (int round = 0; round < 1000; ++round) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(ring.try_push(next_pushed++));
    for (int i = 0; i < 5; ++i) {
      std::uint64_t out = 0;
      ASSERT_TRUE(ring.try_pop(out));
      ASSERT_EQ(out, next_popped++);
    }
  }
}

TEST(SpscRing, FrontReadsInPlaceUntilPop) {
  SpscRing<std::array<char, 8>> ring(2);
  EXPECT_EQ(ring.front(), nullptr);
  ASSERT_TRUE(ring.try_push({'f', 'i', 'r', 's', 't'}));
  ASSERT_TRUE(ring.try_push({'s', 'e', 'c', 'o', 'n', 'd'}));
  ASSERT_NE(ring.front(), nullptr);
  EXPECT_STREQ(ring.front()->data(), "first");
  EXPECT_FALSE(ring.try_push({'t', 'h', 'i', 'r', 'd'})) << "the element being read is not overwritten";
  ring.pop();
  EXPECT_STREQ(ring.front()->data(), "second");
}

TEST(SpscRing, ElementsAreMovedInAndOut) {
  struct Payload {
    std::uint64_t id = 0;
    double value = 0;
  };
  SpscRing<Payload> ring(4);
  Payload in{7, 1.5};
  ASSERT_TRUE(ring.try_push(std::move(in)));
  Payload out;
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out.id, 7U);
  EXPECT_EQ(out.value, 1.5);
}

}  // namespace
}  // namespace rtm::msg
