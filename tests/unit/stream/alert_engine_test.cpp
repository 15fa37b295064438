#include "rtm/stream/alert_engine.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rtm::stream {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'700'000'000 * kSecond;
const msg::InstrumentId kBtc = msg::make_instrument_id(msg::Venue::kKraken, "BTC/USD");
const msg::InstrumentId kEth = msg::make_instrument_id(msg::Venue::kKraken, "ETH/USD");

struct CollectingAlerts : DerivedSink {
  void on_bar(const msg::Bar&) override {}
  void on_nbbo(const msg::Nbbo&) override {}
  void on_stats(const msg::Stats&) override {}
  void on_alert(const msg::Alert& alert) override { alerts.push_back(alert); }
  std::vector<msg::Alert> alerts;
};

std::vector<AlertRuleConfig> rules(std::string_view text) {
  std::string error;
  auto parsed = parse_alert_rules(text, error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(std::vector<AlertRuleConfig>{});
}

msg::Stats stats(std::int64_t ts, std::int64_t window, double change_bps, double spread_bps) {
  msg::Stats s;
  s.header.venue = msg::Venue::kKraken;
  s.header.instrument_id = kBtc;
  s.header.ts_event = ts;
  s.window_ns = window;
  s.change_bps = change_bps;
  s.spread_bps = spread_bps;
  return s;
}

TEST(AlertRules, ParseEveryKindAndRefuseNonsense) {
  const auto parsed =
      rules("price_move:1m:2,volume_spike:5m:3:10@critical,wide_spread:25,stale_feed:30s,crossed_market");
  ASSERT_EQ(parsed.size(), 5U);
  EXPECT_EQ(parsed[0].rule, msg::AlertRule::kPriceMove);
  EXPECT_EQ(parsed[0].window, std::chrono::minutes(1));
  EXPECT_EQ(parsed[0].threshold, 2);
  EXPECT_EQ(parsed[1].rule, msg::AlertRule::kVolumeSpike);
  EXPECT_EQ(parsed[1].bars, 10U);
  EXPECT_EQ(parsed[1].severity, msg::Severity::kCritical);
  EXPECT_EQ(parsed[1].name, "volume_spike:5m:3:10@cri") << "cut to the record's 24 characters";
  EXPECT_EQ(parsed[3].severity, msg::Severity::kCritical) << "a stale feed is critical by default";
  std::string error;
  for (const char* bad : {"price_move:1m", "price_move:1m:-2", "volume_spike:1m:3:2", "wide_spread:x", "stale_feed:30",
                          "crossed_market:now", "moon:1", "wide_spread:25@loud"}) {
    EXPECT_FALSE(parse_alert_rules(bad, error).has_value()) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(AlertEngine, FiresOnceWhenAConditionBeginsAndAgainAfterItEnded) {
  CollectingAlerts sink;
  AlertEngine engine(rules("price_move:1m:2,wide_spread:25"), sink);
  const std::int64_t minute = 60 * kSecond;
  engine.on_stats(stats(kStart, minute, 150, 10));           // 1.5%: nothing
  engine.on_stats(stats(kStart + 1, minute, -250, 10));      // -2.5%: fires
  engine.on_stats(stats(kStart + 2, minute, -300, 10));      // still moving: no repeat
  engine.on_stats(stats(kStart + 3, 5 * minute, -900, 10));  // another window than the rule's
  engine.on_stats(stats(kStart + 4, minute, 50, 30));        // calm again (re-armed); the spread widens: fires
  engine.on_stats(stats(kStart + 5, minute, 210, 30));       // moves again: fires
  ASSERT_EQ(sink.alerts.size(), 3U);
  EXPECT_EQ(sink.alerts[0].rule, msg::AlertRule::kPriceMove);
  EXPECT_DOUBLE_EQ(sink.alerts[0].observed, -2.5);
  EXPECT_DOUBLE_EQ(sink.alerts[0].threshold, 2);
  EXPECT_EQ(sink.alerts[0].window_ns, minute);
  EXPECT_EQ(sink.alerts[0].rule_name.view(), "price_move:1m:2");
  EXPECT_EQ(sink.alerts[0].header.instrument_id, kBtc);
  EXPECT_EQ(sink.alerts[0].header.ts_event, kStart + 1);
  EXPECT_EQ(sink.alerts[1].rule, msg::AlertRule::kWideSpread);
  EXPECT_DOUBLE_EQ(sink.alerts[1].observed, 30);
  EXPECT_EQ(sink.alerts[2].rule, msg::AlertRule::kPriceMove);
}

TEST(AlertEngine, VolumeSpikeAgainstTheMeanOfTheBarsBefore) {
  CollectingAlerts sink;
  AlertEngine engine(rules("volume_spike:1m:3:5"), sink);
  const auto bar = [&](std::int64_t volume, std::uint16_t revision = 0) {
    msg::Bar b;
    b.header.instrument_id = kBtc;
    b.header.flags = msg::flags::kFinal;
    b.interval_ns = 60 * kSecond;
    b.volume = volume;
    b.size_scale = 0;
    b.revision = revision;
    engine.on_bar(b);
  };
  for (int i = 0; i < 5; ++i) bar(10);
  bar(29);      // under 3 x 10
  bar(40);      // mean of the five before it: (10 * 3 + 29 + 10) / 5 = 13.8; 40 >= 41.4? no
  bar(100, 1);  // a revision: not counted
  bar(200);     // fires
  ASSERT_EQ(sink.alerts.size(), 1U);
  EXPECT_DOUBLE_EQ(sink.alerts[0].observed, 200);
  EXPECT_NEAR(sink.alerts[0].threshold, 3 * (10 + 10 + 29 + 40 + 10) / 5.0, 1e-9);
}

TEST(AlertEngine, StaleFeedInEventTimeAndCrossedMarkets) {
  CollectingAlerts sink;
  AlertEngine engine(rules("stale_feed:10s,crossed_market:5"), sink);
  engine.on_activity(msg::Venue::kKraken, kBtc, kStart);
  engine.on_activity(msg::Venue::kKraken, kEth, kStart);
  for (int second = 1; second <= 15; ++second) {
    engine.on_activity(msg::Venue::kKraken, kEth, kStart + second * kSecond);  // ETH keeps talking
  }
  ASSERT_EQ(sink.alerts.size(), 1U);
  EXPECT_EQ(sink.alerts[0].rule, msg::AlertRule::kStaleFeed);
  EXPECT_EQ(sink.alerts[0].header.instrument_id, kBtc);
  EXPECT_EQ(sink.alerts[0].severity, msg::Severity::kCritical);
  EXPECT_DOUBLE_EQ(sink.alerts[0].observed, 10);
  engine.on_activity(msg::Venue::kKraken, kBtc, kStart + 16 * kSecond);  // back: re-armed
  engine.on_activity(msg::Venue::kKraken, kEth, kStart + 30 * kSecond);  // silent again
  ASSERT_EQ(sink.alerts.size(), 2U);

  msg::Nbbo nbbo;
  nbbo.header.instrument_id = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");
  nbbo.condition = msg::NbboCondition::kCrossed;
  nbbo.bid_price = 10'010;
  nbbo.ask_price = 10'000;
  nbbo.price_scale = 2;
  nbbo.bid_price = 10'004;  // crossed by 4 bps: within the margin
  engine.on_nbbo(nbbo);
  ASSERT_EQ(sink.alerts.size(), 2U);
  nbbo.bid_price = 10'010;
  engine.on_nbbo(nbbo);
  engine.on_nbbo(nbbo);
  ASSERT_EQ(sink.alerts.size(), 3U);
  EXPECT_EQ(sink.alerts[2].rule, msg::AlertRule::kCrossedMarket);
  EXPECT_NEAR(sink.alerts[2].observed, 10.0, 1e-9);  // bid 0.1% over the ask
}

}  // namespace
}  // namespace rtm::stream
