#include "rtm/msg/ids.hpp"
#include "rtm/msg/instrument_registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace rtm::msg {
namespace {

TEST(InstrumentId, IsAFixedFunctionOfVenueAndSymbol) {
  // A constant: any process, any build, any run must derive the same id.
  static_assert(make_instrument_id(Venue::kBinance, "BTCUSDT") == make_instrument_id(Venue::kBinance, "btcusdt"));
  EXPECT_EQ(make_instrument_id(Venue::kBinance, "BTCUSDT"), 0x38c16f89c954d919ULL);
  EXPECT_NE(make_instrument_id(Venue::kBinance, "BTCUSDT"), make_instrument_id(Venue::kKraken, "BTCUSDT"));
  EXPECT_NE(make_instrument_id(Venue::kCoinbase, "BTC-USD"), make_instrument_id(Venue::kCoinbase, "ETH-USD"));
  EXPECT_NE(make_instrument_id(Venue::kUnknown, ""), kNoInstrument);
}

TEST(InstrumentId, HasNoCollisionsAcrossAHundredThousandSymbols) {
  std::unordered_set<InstrumentId> seen;
  for (int i = 0; i < 100000; ++i) {
    const std::string symbol = "SYM" + std::to_string(i) + "-USD";
    for (Venue venue : {Venue::kBinance, Venue::kCoinbase, Venue::kKraken}) {
      ASSERT_TRUE(seen.insert(make_instrument_id(venue, symbol)).second) << symbol;
    }
  }
}

TEST(Venue, NamesRoundTrip) {
  for (Venue venue : {Venue::kBinance, Venue::kCoinbase, Venue::kKraken, Venue::kComposite}) {
    EXPECT_EQ(parse_venue(venue_name(venue)), venue);
  }
  EXPECT_EQ(parse_venue("nyse"), std::nullopt);
  EXPECT_EQ(parse_venue("unknown"), std::nullopt);
}

TEST(InstrumentRegistry, AddsFindsAndRecognizesTheSameName) {
  InstrumentRegistry registry;
  const auto first = registry.add(Venue::kKraken, "BTC/USD");
  EXPECT_EQ(first.status, InstrumentRegistry::AddStatus::kAdded);
  EXPECT_EQ(registry.add(Venue::kKraken, "btc/usd").status, InstrumentRegistry::AddStatus::kAlreadyKnown);
  const auto key = registry.find(first.id);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->venue, Venue::kKraken);
  EXPECT_EQ(key->symbol, "BTC/USD");
  EXPECT_EQ(registry.find(first.id + 1), std::nullopt);
  EXPECT_EQ(registry.size(), 1U);
}

TEST(InstrumentRegistry, ReportsACollisionAndKeepsTheFirstName) {
  InstrumentRegistry registry;
  registry.add_with_id(42, Venue::kBinance, "BTCUSDT");
  const auto clash = registry.add_with_id(42, Venue::kCoinbase, "BTC-USD");
  EXPECT_EQ(clash.status, InstrumentRegistry::AddStatus::kCollision);
  EXPECT_EQ(clash.existing.venue, Venue::kBinance);
  EXPECT_EQ(clash.existing.symbol, "BTCUSDT");
  EXPECT_EQ(registry.find(42)->symbol, "BTCUSDT");
}

}  // namespace
}  // namespace rtm::msg
