#include "venue_endpoints.hpp"

#include <gtest/gtest.h>

namespace rtm::ingest {
namespace {

using msg::Venue;

TEST(VenueEndpoints, SymbolsAsEachVenueWritesThem) {
  EXPECT_EQ(venue_symbol(Venue::kBinance, "BTC-USD"), "BTCUSDT");
  EXPECT_EQ(venue_symbol(Venue::kBinance, "ETH-BTC"), "ETHBTC");
  EXPECT_EQ(venue_symbol(Venue::kCoinbase, "BTC-USD"), "BTC-USD");
  EXPECT_EQ(venue_symbol(Venue::kKraken, "SOL-USD"), "SOL/USD");
}

TEST(VenueEndpoints, BinanceSubscribesInTheUrl) {
  EXPECT_EQ(binance_stream_url("wss://stream.binance.com:9443", {"BTCUSDT", "ETHUSDT"}),
            "wss://stream.binance.com:9443/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms/"
            "ethusdt@trade/ethusdt@bookTicker/ethusdt@depth@100ms");
  EXPECT_EQ(binance_depth_url("https://api.binance.com", "BTCUSDT"),
            "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_TRUE(subscribe_messages(Venue::kBinance, {"BTCUSDT"}, 10).empty());
}

TEST(VenueEndpoints, CoinbaseAndKrakenSubscribeByMessage) {
  EXPECT_EQ(subscribe_messages(Venue::kCoinbase, {"BTC-USD", "ETH-USD"}, 10),
            std::vector<std::string>{R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],)"
                                     R"("channels":["level2_batch","matches","ticker","heartbeat"]})"});
  const auto kraken = subscribe_messages(Venue::kKraken, {"BTC/USD"}, 25);
  ASSERT_EQ(kraken.size(), 3U);
  EXPECT_EQ(kraken[0], R"({"method":"subscribe","params":{"channel":"instrument"}})");
  EXPECT_EQ(kraken[1], R"({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":25}})");
  EXPECT_EQ(kraken[2], R"({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD"]}})");
}

TEST(VenueEndpoints, ResubscribingABookIsUnsubscribeThenSubscribe) {
  EXPECT_EQ(resubscribe_book_messages(Venue::kKraken, "ETH/USD", 10),
            (std::vector<std::string>{
                R"({"method":"unsubscribe","params":{"channel":"book","symbol":["ETH/USD"],"depth":10}})",
                R"({"method":"subscribe","params":{"channel":"book","symbol":["ETH/USD"],"depth":10}})"}));
  EXPECT_EQ(
      resubscribe_book_messages(Venue::kCoinbase, "BTC-USD", 10),
      (std::vector<std::string>{R"({"type":"unsubscribe","product_ids":["BTC-USD"],"channels":["level2_batch"]})",
                                R"({"type":"subscribe","product_ids":["BTC-USD"],"channels":["level2_batch"]})"}));
  EXPECT_TRUE(resubscribe_book_messages(Venue::kBinance, "BTCUSDT", 10).empty());
}

}  // namespace
}  // namespace rtm::ingest
