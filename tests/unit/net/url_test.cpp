#include "rtm/net/url.hpp"

#include <gtest/gtest.h>

namespace rtm::net {
namespace {

TEST(Url, SplitsWhatAClientNeeds) {
  const auto binance = parse_url("wss://stream.binance.com:9443/stream?streams=btcusdt@trade");
  ASSERT_TRUE(binance);
  EXPECT_TRUE(binance->tls);
  EXPECT_TRUE(binance->websocket);
  EXPECT_EQ(binance->host, "stream.binance.com");
  EXPECT_EQ(binance->port, 9443);
  EXPECT_EQ(binance->target, "/stream?streams=btcusdt@trade");
  EXPECT_EQ(binance->authority(), "stream.binance.com:9443");

  const auto coinbase = parse_url("wss://ws-feed.exchange.coinbase.com");
  ASSERT_TRUE(coinbase);
  EXPECT_EQ(coinbase->port, 443);
  EXPECT_EQ(coinbase->target, "/");
  EXPECT_EQ(coinbase->authority(), "ws-feed.exchange.coinbase.com");

  const auto rest = parse_url("http://127.0.0.1:8080?x=1#fragment");
  ASSERT_TRUE(rest);
  EXPECT_FALSE(rest->tls);
  EXPECT_FALSE(rest->websocket);
  EXPECT_EQ(rest->target, "/?x=1");

  const auto ipv6 = parse_url("https://[::1]:8443/api");
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->port, 8443);
}

TEST(Url, RefusesWhatItCannotConnectTo) {
  for (const char* bad : {"", "stream.binance.com", "ftp://host/", "wss://", "wss://:443/", "wss://host:0/",
                          "wss://host:65536/", "wss://host:12ab/", "wss://user@host/", "wss://[::1/"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace rtm::net
