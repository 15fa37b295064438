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

}  // namespace
}  // namespace rtm::api
