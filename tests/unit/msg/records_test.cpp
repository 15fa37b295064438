#include "rtm/msg/records.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/idle_strategy.hpp"
#include "rtm/msg/publish_status.hpp"

namespace rtm::msg {
namespace {

TEST(FixedString, HoldsUpToItsSizeAndRefusesMore) {
  FixedString<8> text;
  EXPECT_TRUE(text.assign("BTC-USD"));
  EXPECT_EQ(text.view(), "BTC-USD");
  EXPECT_TRUE(text.assign("ABCDEFGH"));
  EXPECT_EQ(text.view(), "ABCDEFGH") << "exactly full, no terminator needed";
  EXPECT_FALSE(text.assign("ABCDEFGHI"));
  EXPECT_EQ(text.view(), "ABCDEFGH") << "a refused assignment leaves the field as it was";
  EXPECT_TRUE(text.assign(""));
  EXPECT_EQ(text.view(), "");
  EXPECT_TRUE(text.well_formed());
}

TEST(FixedString, RefusesControlCharacters) {
  FixedString<8> text;
  EXPECT_FALSE(text.assign(std::string("a\0b", 3)));
  EXPECT_FALSE(text.assign("tab\there"));
  EXPECT_FALSE(text.assign("\x7f"));
}

TEST(FixedString, WellFormedMeansPrintableThenOnlyPadding) {
  FixedString<4> text;
  text.chars = {'A', '\0', 'B', '\0'};
  EXPECT_FALSE(text.well_formed());
  text.chars = {'A', 'B', '\n', '\0'};
  EXPECT_FALSE(text.well_formed());
  text.chars = {'A', 'B', '\0', '\0'};
  EXPECT_TRUE(text.well_formed());
}

template <class Enum>
void expect_distinct_names(std::initializer_list<Enum> values) {
  std::set<std::string> names;
  const std::string fallback(to_string(static_cast<Enum>(250)));  // what an invalid value is called
  for (Enum value : values) {
    const std::string name(to_string(value));
    EXPECT_NE(name, fallback) << "value " << static_cast<int>(value) << " has no name";
    EXPECT_TRUE(names.insert(name).second) << name << " is used twice";
  }
}

TEST(Names, EveryEnumValueHasItsOwnName) {
  expect_distinct_names({RecordType::kTrade, RecordType::kBbo, RecordType::kBookDelta, RecordType::kBar,
                         RecordType::kNbbo, RecordType::kStats, RecordType::kAlert, RecordType::kStatus,
                         RecordType::kInstrumentDef});
  expect_distinct_names({StatusCode::kConnected, StatusCode::kDisconnected, StatusCode::kGap, StatusCode::kResync,
                         StatusCode::kChecksumFailure, StatusCode::kCrossedBook, StatusCode::kStaleFeed,
                         StatusCode::kBookReady});
  expect_distinct_names({AlertRule::kPriceMove, AlertRule::kVolumeSpike, AlertRule::kWideSpread, AlertRule::kStaleFeed,
                         AlertRule::kCrossedMarket});
  expect_distinct_names({Severity::kInfo, Severity::kWarning, Severity::kCritical});
  expect_distinct_names({DecodeError::kTruncated, DecodeError::kBadLength, DecodeError::kWrongVersion,
                         DecodeError::kUnknownType, DecodeError::kTypeMismatch, DecodeError::kCorrupt});
  expect_distinct_names(
      {PublishStatus::kOk, PublishStatus::kBackPressured, PublishStatus::kTooLarge, PublishStatus::kClosed});
  EXPECT_EQ(to_string(static_cast<RecordType>(200)), "unknown");
}

TEST(BackoffIdle, SleepsOnceItsSpinsAndYieldsAreSpent) {
  BackoffIdle idle({.spins = 2,
                    .yields = 2,
                    .min_sleep = std::chrono::microseconds(500),
                    .max_sleep = std::chrono::microseconds(500)});
  for (int i = 0; i < 4; ++i) idle.idle(0);  // spins and yields
  const auto before = std::chrono::steady_clock::now();
  idle.idle(0);  // the first sleep
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::microseconds(500));
}

}  // namespace
}  // namespace rtm::msg
