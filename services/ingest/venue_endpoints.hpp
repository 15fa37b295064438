#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/msg/ids.hpp"

namespace rtm::ingest {

// Where a venue is reached. Overridable, so tests and staging point at
// other servers.
struct VenueEndpoints {
  std::string websocket;  // base URL: wss://stream.binance.com:9443, wss://ws-feed.exchange.coinbase.com, ...
  std::string rest;       // Binance's REST base, for depth snapshots; empty for the others
};

VenueEndpoints default_endpoints(msg::Venue venue);

// A canonical symbol (BTC-USD) as the venue writes it: BTCUSDT on Binance
// (whose dollar pairs are quoted in USDT), BTC-USD on Coinbase, BTC/USD on
// Kraken.
std::string venue_symbol(msg::Venue venue, std::string_view canonical);

// Binance names its streams in the URL: <base>/stream?streams=btcusdt@trade/...
std::string binance_stream_url(std::string_view base, const std::vector<std::string>& symbols);
std::string binance_depth_url(std::string_view rest_base, std::string_view symbol);

// What to send on every (re)connection: Coinbase's and Kraken's subscribe
// messages; none for Binance, whose URL subscribes.
std::vector<std::string> subscribe_messages(msg::Venue venue, const std::vector<std::string>& symbols,
                                            std::size_t kraken_depth);
// The messages that make Coinbase or Kraken send one symbol's book snapshot
// again: unsubscribe and subscribe its book channel.
std::vector<std::string> resubscribe_book_messages(msg::Venue venue, std::string_view symbol, std::size_t kraken_depth);

}  // namespace rtm::ingest
