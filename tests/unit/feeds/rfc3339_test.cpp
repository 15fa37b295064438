#include "rtm/feeds/rfc3339.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

namespace rtm::feeds {
namespace {

std::int64_t ns(std::string_view text) {
  std::int64_t out = 0;
  EXPECT_TRUE(parse_rfc3339(text, out)) << text;
  return out;
}

TEST(Rfc3339, ParsesVenueTimestamps) {
  EXPECT_EQ(ns("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ns("2014-11-07T08:19:27.028459Z"), 1415348367028459000);
  EXPECT_EQ(ns("2019-08-14T20:42:27.265Z"), 1565815347265000000);
  EXPECT_EQ(ns("2023-09-25T07:49:37.708706123Z"), 1695628177708706123);
  EXPECT_EQ(ns("2023-09-25T07:49:37.7087061239Z"), 1695628177708706123) << "digits past ns are dropped";
  EXPECT_EQ(ns("2024-02-29T12:00:00+01:00"), ns("2024-02-29T11:00:00Z"));
  EXPECT_EQ(ns("1969-12-31T23:59:59Z"), -1'000'000'000);
}

TEST(Rfc3339, RefusesWhatItCannotRepresentExactly) {
  std::int64_t out = 0;
  for (const char* bad : {"", "2014-11-07", "2014-11-07T08:19:27", "2014-13-07T08:19:27Z", "2014-11-07T24:00:00Z",
                          "2014-11-07T08:19:27.Z", "2014-11-07T08:19:27ZZ", "7193-09-25T07:49:37.708706Z",
                          "1600-01-01T00:00:00Z", "2014-11-07T08:19:27+0100", "20x4-11-07T08:19:27Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad, out)) << bad;
  }
}

// "T" and "Z" take the word-at-a-time paths, "t" and "z" the digit-at-a-time
// ones: on random times, with every fraction length and with a non-digit
// put anywhere, both must agree.
TEST(Rfc3339, WordAndBytePathsAgree) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20'000; ++i) {
    char text[48];
    const int digits = static_cast<int>(rng() % 10);  // 0: no fraction
    std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d", 1700 + static_cast<int>(rng() % 560),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28), static_cast<int>(rng() % 24),
                  static_cast<int>(rng() % 60), static_cast<int>(rng() % 60));
    std::string upper = text;
    if (digits > 0) {
      upper += '.';
      for (int d = 0; d < digits; ++d) upper += static_cast<char>('0' + rng() % 10);
    }
    upper += 'Z';
    if (rng() % 4 == 0) upper[rng() % upper.size()] = "x/:-. 9"[rng() % 7];  // sometimes malformed
    std::string lower = upper;
    for (char& c : lower) {
      if (c == 'T' || c == 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::int64_t word_ns = 0;
    std::int64_t byte_ns = 0;
    const bool word_ok = parse_rfc3339(upper, word_ns);
    ASSERT_EQ(word_ok, parse_rfc3339(lower, byte_ns)) << upper;
    if (word_ok) {
      ASSERT_EQ(word_ns, byte_ns) << upper;
    }
  }
}

}  // namespace
}  // namespace rtm::feeds
