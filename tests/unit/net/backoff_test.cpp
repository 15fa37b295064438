#include "rtm/net/backoff.hpp"

#include <gtest/gtest.h>

namespace rtm::net {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsToItsCeilingWithinTheJitter) {
  Backoff backoff({.initial = milliseconds(100), .max = milliseconds(1000), .multiplier = 2.0, .jitter = 0.2}, 7);
  const double expected[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (const double base : expected) {
    const auto delay = static_cast<double>(backoff.next().count());
    EXPECT_GE(delay, base * 0.8 - 1) << base;
    EXPECT_LE(delay, base * 1.2 + 1) << base;
  }
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 121);
}

TEST(Backoff, JitterSpreadsClientsApart) {
  Backoff a({}, 1);
  Backoff b({}, 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ = differ || a.next() != b.next();
  EXPECT_TRUE(differ);
  Backoff same_a({}, 3);
  Backoff same_b({}, 3);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(same_a.next(), same_b.next()) << "a seed gives one schedule";
}

TEST(Backoff, WithoutJitterIsExact) {
  Backoff backoff({.initial = milliseconds(250), .max = milliseconds(30'000), .multiplier = 2.0, .jitter = 0});
  EXPECT_EQ(backoff.next(), milliseconds(250));
  EXPECT_EQ(backoff.next(), milliseconds(500));
  EXPECT_EQ(backoff.next(), milliseconds(1000));
}

}  // namespace
}  // namespace rtm::net
