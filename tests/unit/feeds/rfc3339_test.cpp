#include "rtm/feeds/rfc3339.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rtm::feeds
