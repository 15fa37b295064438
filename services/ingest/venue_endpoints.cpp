#include "venue_endpoints.hpp"

#include <cctype>

namespace rtm::ingest {
namespace {

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ",\"" : "\"") + item + "\"";
  return out + "]";
}

std::string kraken_message(std::string_view method, std::string_view channel, const std::vector<std::string>& symbols,
                           std::size_t depth) {
  std::string params = R"({"channel":")" + std::string(channel) + R"(","symbol":)" + json_list(symbols);
  if (channel == "book") params += R"(,"depth":)" + std::to_string(depth);
  return R"({"method":")" + std::string(method) + R"(","params":)" + params + "}}";
}

std::string coinbase_message(std::string_view type, const std::vector<std::string>& products,
                             const std::vector<std::string>& channels) {
  return R"({"type":")" + std::string(type) + R"(","product_ids":)" + json_list(products) + R"(,"channels":)" +
         json_list(channels) + "}";
}

}  // namespace

VenueEndpoints default_endpoints(msg::Venue venue) {
  switch (venue) {
    case msg::Venue::kBinance:
      return {"wss://stream.binance.com:9443", "https://api.binance.com"};
    case msg::Venue::kCoinbase:
      return {"wss://ws-feed.exchange.coinbase.com", ""};
    case msg::Venue::kKraken:
      return {"wss://ws.kraken.com/v2", ""};
    default:
      return {};
  }
}

std::string venue_symbol(msg::Venue venue, std::string_view canonical) {
  const auto dash = canonical.find('-');
  const std::string base(canonical.substr(0, dash));
  std::string quote = dash == std::string_view::npos ? "" : std::string(canonical.substr(dash + 1));
  switch (venue) {
    case msg::Venue::kBinance:
      if (quote == "USD") quote = "USDT";
      return base + quote;
    case msg::Venue::kKraken:
      return base + "/" + quote;
    default:
      return std::string(canonical);
  }
}

std::string binance_stream_url(std::string_view base, const std::vector<std::string>& symbols) {
  std::string streams;
  for (const std::string& symbol : symbols) {
    std::string lower = symbol;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* stream : {"@trade", "@bookTicker", "@depth@100ms"}) {
      streams += (streams.empty() ? "" : "/") + lower + stream;
    }
  }
  return std::string(base) + "/stream?streams=" + streams;
}

std::string binance_depth_url(std::string_view rest_base, std::string_view symbol) {
  return std::string(rest_base) + "/api/v3/depth?symbol=" + std::string(symbol) + "&limit=1000";
}

std::vector<std::string> subscribe_messages(msg::Venue venue, const std::vector<std::string>& symbols,
                                            std::size_t kraken_depth) {
  switch (venue) {
    case msg::Venue::kCoinbase:
      // level2_batch: the level2 channel batched every 50 ms, the one
      // Coinbase serves without authentication.
      return {coinbase_message("subscribe", symbols, {"level2_batch", "matches", "ticker", "heartbeat"})};
    case msg::Venue::kKraken:
      // The instrument channel first: its precisions make book checksums
      // verifiable.
      return {R"({"method":"subscribe","params":{"channel":"instrument"}})",
              kraken_message("subscribe", "book", symbols, kraken_depth),
              kraken_message("subscribe", "trade", symbols, kraken_depth)};
    default:
      return {};
  }
}

std::vector<std::string> resubscribe_book_messages(msg::Venue venue, std::string_view symbol,
                                                   std::size_t kraken_depth) {
  const std::vector<std::string> one{std::string(symbol)};
  switch (venue) {
    case msg::Venue::kCoinbase:
      return {coinbase_message("unsubscribe", one, {"level2_batch"}),
              coinbase_message("subscribe", one, {"level2_batch"})};
    case msg::Venue::kKraken:
      return {kraken_message("unsubscribe", "book", one, kraken_depth),
              kraken_message("subscribe", "book", one, kraken_depth)};
    default:
      return {};
  }
}

}  // namespace rtm::ingest
