#include "bar_text_cache.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "random_records.hpp"
#include "rtm/json/derived_json.hpp"

namespace rtm::api {
namespace {

// What json::write_bar gives for a page of bars: the text the cache must
// reproduce byte for byte, hit or miss.
std::string written_directly(const std::vector<msg::Bar>& bars, std::string_view name) {
  std::string text;
  json::JsonWriter out(text);
  out.begin_array();
  for (const msg::Bar& bar : bars) json::write_bar(out, bar, name);
  out.end_array();
  out.finish();
  return text;
}

// As /v1/bars writes a page: the cache's texts joined into an array.
std::string written_through(BarTextCache& cache, const std::vector<msg::Bar>& bars, std::string_view name) {
  std::string text = "[";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (i != 0) text += ',';
    text += cache.text(bars[i], name);
  }
  return text + "]";
}

// As /v1/bars writes a page now: the elements through append_page.
std::string written_as_page(BarTextCache& cache, const std::vector<msg::Bar>& bars, std::string_view name) {
  std::string text = "[";
  cache.append_page(bars, name, text);
  return text + "]";
}

// `count` bars of one series and interval in a row from `first`, random in
// every other field, all final but the newest (the open bar).
std::vector<msg::Bar> series_bars(std::mt19937_64& rng, std::int64_t first, std::size_t count) {
  constexpr std::int64_t kMinute = 60'000'000'000;
  std::vector<msg::Bar> bars;
  for (std::size_t i = 0; i < count; ++i) {
    msg::Bar bar = msg::testing::random_record<msg::Bar>(rng);
    bar.header.instrument_id = 77;
    bar.interval_ns = kMinute;
    bar.start_ns = (first + static_cast<std::int64_t>(i)) * kMinute;
    bar.header.flags = i + 1 < count ? msg::flags::kFinal : 0;
    bars.push_back(bar);
  }
  return bars;
}

std::vector<msg::Bar> random_page(std::mt19937_64& rng, std::size_t count) {
  std::vector<msg::Bar> bars;
  for (std::size_t i = 0; i < count; ++i) bars.push_back(msg::testing::random_record<msg::Bar>(rng));
  return bars;
}

TEST(BarTextCacheTest, APageAskedForAgainIsCopiedAndIdentical) {
  std::mt19937_64 rng(11);
  const std::vector<msg::Bar> page = random_page(rng, 100);
  BarTextCache cache;
  const std::string expected = written_directly(page, "BTC-USD");
  EXPECT_EQ(written_through(cache, page, "BTC-USD"), expected);
  EXPECT_EQ(cache.counters().misses.load(), 100U);
  EXPECT_EQ(written_through(cache, page, "BTC-USD"), expected);
  EXPECT_EQ(cache.counters().hits.load(), 100U);
  EXPECT_EQ(cache.counters().misses.load(), 100U);
}

TEST(BarTextCacheTest, AChangedBarOrNameIsWrittenAgain) {
  std::mt19937_64 rng(12);
  std::vector<msg::Bar> page = random_page(rng, 10);
  BarTextCache cache;
  (void)written_through(cache, page, "BTC-USD");
  // An open bar that moved, and a revision of a final one: same series and
  // start, so the same entry, but not the same bar.
  page[3].close ^= 1;
  page[3].trade_count ^= 1;
  page[7].revision ^= 1;
  EXPECT_EQ(written_through(cache, page, "BTC-USD"), written_directly(page, "BTC-USD"));
  EXPECT_EQ(cache.counters().misses.load(), 12U);
  // The same bars under another name (an instrument's page, not a symbol's).
  EXPECT_EQ(written_through(cache, page, "coinbase:\"odd\\name\""), written_directly(page, "coinbase:\"odd\\name\""));
  EXPECT_EQ(cache.counters().misses.load(), 22U);
  EXPECT_EQ(cache.size(), 10U);  // replaced, not added
}

TEST(BarTextCacheTest, StaysWithinItsCapacityAndStaysRight) {
  std::mt19937_64 rng(13);
  BarTextCache cache(64);
  for (int round = 0; round < 20; ++round) {
    const std::vector<msg::Bar> page = random_page(rng, 50);
    ASSERT_EQ(written_through(cache, page, "ETH-USD"), written_directly(page, "ETH-USD")) << "round " << round;
    ASSERT_EQ(written_through(cache, page, "ETH-USD"), written_directly(page, "ETH-USD")) << "round " << round;
    ASSERT_LE(cache.size(), 64U);
  }
}

TEST(BarTextCacheTest, PagesOfFinalBarsAreCopiedInOneRunAndStayRight) {
  std::mt19937_64 rng(14);
  const std::vector<msg::Bar> all = series_bars(rng, 1000, 300);
  BarTextCache cache;
  const auto page = [&](std::size_t from, std::size_t to) {
    return std::vector<msg::Bar>(all.begin() + static_cast<std::ptrdiff_t>(from),
                                 all.begin() + static_cast<std::ptrdiff_t>(to));
  };
  std::vector<msg::Bar> newest = page(200, 300);
  newest.back().header.flags = 0;  // still open
  EXPECT_EQ(written_as_page(cache, newest, "BTC-USD"), written_directly(newest, "BTC-USD"));
  EXPECT_EQ(cache.run_bars(), 99U);  // the open bar is not in the run
  const std::uint64_t misses = cache.counters().misses;
  EXPECT_EQ(written_as_page(cache, newest, "BTC-USD"), written_directly(newest, "BTC-USD"));
  EXPECT_EQ(cache.counters().misses.load(), misses) << "nothing is written again";
  EXPECT_EQ(cache.counters().hits.load(), 100U);

  // The open bar moved; a final bar in the middle was revised.
  newest.back().close ^= 1;
  newest[40].revision += 1;
  newest[40].volume += 5;
  EXPECT_EQ(written_as_page(cache, newest, "BTC-USD"), written_directly(newest, "BTC-USD"));
  // History before the run, a page reaching past it, and a page inside it.
  for (const auto& [from, to] : {std::pair{0, 150}, std::pair{150, 260}, std::pair{210, 230}}) {
    std::vector<msg::Bar> bars = page(static_cast<std::size_t>(from), static_cast<std::size_t>(to));
    for (msg::Bar& bar : bars) bar.header.flags = msg::flags::kFinal;
    EXPECT_EQ(written_as_page(cache, bars, "BTC-USD"), written_directly(bars, "BTC-USD")) << from << ".." << to;
  }
  // Another name for the same series starts its run over.
  EXPECT_EQ(written_as_page(cache, newest, "coinbase:\"odd\\name\""),
            written_directly(newest, "coinbase:\"odd\\name\""));
  // A page of two series (not what the route asks, but not wrong either).
  std::vector<msg::Bar> mixed = page(0, 20);
  for (std::size_t i = 10; i < mixed.size(); ++i) mixed[i].header.instrument_id = 78;
  EXPECT_EQ(written_as_page(cache, mixed, "ETH-USD"), written_directly(mixed, "ETH-USD"));
}

TEST(BarTextCacheTest, RunsStayWithinTheCapacityAndStayRight) {
  std::mt19937_64 rng(15);
  BarTextCache cache(64);
  for (int round = 0; round < 10; ++round) {
    const std::vector<msg::Bar> bars = series_bars(rng, 1000 + round * 40, 100);
    ASSERT_EQ(written_as_page(cache, bars, "SOL-USD"), written_directly(bars, "SOL-USD")) << "round " << round;
    ASSERT_EQ(written_as_page(cache, bars, "SOL-USD"), written_directly(bars, "SOL-USD")) << "round " << round;
    ASSERT_LE(cache.run_bars(), 64U);
  }
}

}  // namespace
}  // namespace rtm::api
