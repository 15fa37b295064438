#include "rtm/stream/ring_deque.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace rtm::stream {
namespace {

// Against std::deque on a random mix of pushes and pops, so that the ring
// wraps round and grows while wrapped.
TEST(RingDeque, BehavesAsAStdDequeThroughWrapsAndGrowth) {
  std::mt19937_64 rng(7);
  RingDeque<int> ring;
  std::deque<int> expected;
  int next = 0;
  for (int step = 0; step < 20'000; ++step) {
    // More pushes than pops early on, fewer later: the size rises past
    // several doublings and comes back down.
    const bool push = expected.empty() || rng() % 100 < (step < 10'000 ? 60U : 40U);
    if (push) {
      ring.push_back(next);
      expected.push_back(next);
      ++next;
    } else {
      ring.pop_front();
      expected.pop_front();
    }
    ASSERT_EQ(ring.size(), expected.size());
    ASSERT_EQ(ring.empty(), expected.empty());
    if (!expected.empty()) {
      ASSERT_EQ(ring.front(), expected.front());
      ASSERT_EQ(ring.back(), expected.back());
      const std::size_t i = rng() % expected.size();
      ASSERT_EQ(ring[i], expected[i]) << "at " << i << " of " << expected.size();
    }
  }
  EXPECT_GT(next, 5'000) << "the ring grew well past its first size";
}

}  // namespace
}  // namespace rtm::stream
