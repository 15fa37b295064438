#include "venue_frames.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "rtm/msg/decimal.hpp"

namespace rtm::feeds::simulator {
namespace {

std::int64_t pow10(int n) {
  std::int64_t value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string price_text(const FrameContext& at, std::int64_t price, int decimals) {
  return fixed_decimal(price, at.price_decimals, decimals);
}

std::string size_text(std::int64_t size) {
  return fixed_decimal(size, kSizeDecimals, kSizeDecimals);
}

// [["price","size"],...] of one side's changes, best first as venues write.
std::string string_pairs(const FrameContext& at, std::span<const LevelChange> changes, msg::BookSide side,
                         int price_decimals) {
  std::string out = "[";
  for (const LevelChange& change : changes) {
    if (change.side != side) continue;
    if (out.size() > 1) out += ',';
    out += "[\"" + price_text(at, change.price, price_decimals) + "\",\"" + size_text(change.size) + "\"]";
  }
  return out + "]";
}

// The book's levels as changes: a snapshot written like an update.
std::vector<LevelChange> levels_of(const OrderBook& book) {
  std::vector<LevelChange> levels;
  for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
    for (std::size_t i = 0; i < book.depth(side); ++i) {
      const PriceLevel level = book.level(side, i);
      levels.push_back({side, level.price, level.size});
    }
  }
  return levels;
}

constexpr int kBinanceDecimals = 8;  // Binance writes every price and quantity with 8

std::string binance_wrap(std::string_view symbol, std::string_view stream, const std::string& data) {
  return R"({"stream":")" + lower(symbol) + "@" + std::string(stream) + R"(","data":)" + data + "}";
}

std::int64_t millis(std::int64_t ts_ns) {
  return ts_ns / 1'000'000;
}

}  // namespace

std::string fixed_decimal(std::int64_t mantissa, int scale, int decimals) {
  const std::int64_t value =
      decimals >= scale ? mantissa * pow10(decimals - scale) : mantissa / pow10(scale - decimals);
  return msg::to_string(msg::Decimal{value, static_cast<std::uint8_t>(decimals)});
}

std::string short_decimal(std::int64_t mantissa, int scale) {
  std::string text = msg::to_string(msg::Decimal{mantissa, static_cast<std::uint8_t>(scale)});
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string rfc3339(std::int64_t ts_ns) {
  // Days to civil date (Howard Hinnant's algorithm), in UTC.
  const std::int64_t seconds = ts_ns / 1'000'000'000;
  const std::int64_t micros = (ts_ns / 1000) % 1'000'000;
  std::int64_t days = seconds / 86400;
  const std::int64_t second_of_day = seconds % 86400;
  days += 719468;
  const std::int64_t era = days / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;
  const std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof(text), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day),
                static_cast<long long>(second_of_day / 3600), static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60), static_cast<long long>(micros));
  return text;
}

std::string binance_depth(const FrameContext& at, std::uint64_t first_id, std::uint64_t last_id,
                          std::span<const LevelChange> changes) {
  const std::string data = R"({"e":"depthUpdate","E":)" + std::to_string(millis(at.ts_ns)) + R"(,"s":")" +
                           std::string(at.symbol) + R"(","U":)" + std::to_string(first_id) + R"(,"u":)" +
                           std::to_string(last_id) + R"(,"b":)" +
                           string_pairs(at, changes, msg::BookSide::kBid, kBinanceDecimals) + R"(,"a":)" +
                           string_pairs(at, changes, msg::BookSide::kAsk, kBinanceDecimals) + "}";
  return binance_wrap(at.symbol, "depth@100ms", data);
}

std::string binance_trade(const FrameContext& at, const Fill& fill) {
  // m: the buyer was the maker, so the aggressor sold.
  const std::string data = R"({"e":"trade","E":)" + std::to_string(millis(at.ts_ns)) + R"(,"s":")" +
                           std::string(at.symbol) + R"(","t":)" + std::to_string(fill.trade_id) + R"(,"p":")" +
                           price_text(at, fill.price, kBinanceDecimals) + R"(","q":")" + size_text(fill.size) +
                           R"(","T":)" + std::to_string(millis(at.ts_ns)) + R"(,"m":)" +
                           (fill.buyer_is_aggressor ? "false" : "true") + R"(,"M":true})";
  return binance_wrap(at.symbol, "trade", data);
}

std::string binance_book_ticker(const FrameContext& at, std::uint64_t update_id, const OrderBook& book) {
  const PriceLevel bid = book.best_bid().value_or(PriceLevel{});
  const PriceLevel ask = book.best_ask().value_or(PriceLevel{});
  const std::string data = R"({"u":)" + std::to_string(update_id) + R"(,"s":")" + std::string(at.symbol) +
                           R"(","b":")" + price_text(at, bid.price, kBinanceDecimals) + R"(","B":")" +
                           size_text(bid.size) + R"(","a":")" + price_text(at, ask.price, kBinanceDecimals) +
                           R"(","A":")" + size_text(ask.size) + R"("})";
  return binance_wrap(at.symbol, "bookTicker", data);
}

std::string binance_snapshot(const FrameContext& at, std::uint64_t last_update_id, const OrderBook& book) {
  const std::vector<LevelChange> levels = levels_of(book);
  return R"({"lastUpdateId":)" + std::to_string(last_update_id) + R"(,"bids":)" +
         string_pairs(at, levels, msg::BookSide::kBid, kBinanceDecimals) + R"(,"asks":)" +
         string_pairs(at, levels, msg::BookSide::kAsk, kBinanceDecimals) + "}";
}

std::string binance_stream_url(std::string_view symbol) {
  const std::string stream = lower(symbol);
  return "wss://stream.binance.com:9443/stream?streams=" + stream + "@trade/" + stream + "@bookTicker/" + stream +
         "@depth@100ms";
}

std::string binance_snapshot_url(std::string_view symbol) {
  return "https://api.binance.com/api/v3/depth?symbol=" + std::string(symbol) + "&limit=1000";
}

std::string coinbase_subscriptions(std::span<const std::string> products) {
  std::string list;
  for (const std::string& product : products) list += (list.empty() ? "\"" : ",\"") + product + "\"";
  return R"({"type":"subscriptions","channels":[{"name":"level2_batch","product_ids":[)" + list +
         R"(]},{"name":"matches","product_ids":[)" + list + R"(]},{"name":"ticker","product_ids":[)" + list +
         R"(]},{"name":"heartbeat","product_ids":[)" + list + "]}]}";
}

std::string coinbase_snapshot(const FrameContext& at, const OrderBook& book) {
  const std::vector<LevelChange> levels = levels_of(book);
  return R"({"type":"snapshot","product_id":")" + std::string(at.symbol) + R"(","bids":)" +
         string_pairs(at, levels, msg::BookSide::kBid, at.price_decimals) + R"(,"asks":)" +
         string_pairs(at, levels, msg::BookSide::kAsk, at.price_decimals) + "}";
}

std::string coinbase_l2update(const FrameContext& at, std::span<const LevelChange> changes) {
  std::string list;
  for (const LevelChange& change : changes) {
    list += list.empty() ? "[\"" : ",[\"";
    list += (change.side == msg::BookSide::kBid ? "buy" : "sell");
    list += "\",\"" + price_text(at, change.price, at.price_decimals) + "\",\"" + size_text(change.size) + "\"]";
  }
  return R"({"type":"l2update","product_id":")" + std::string(at.symbol) + R"(","changes":[)" + list + R"(],"time":")" +
         rfc3339(at.ts_ns) + R"("})";
}

std::string coinbase_match(const FrameContext& at, std::uint64_t sequence, const Fill& fill) {
  // side is the maker's: a buying aggressor hit a resting sell.
  return R"({"type":"match","trade_id":)" + std::to_string(fill.trade_id) + R"(,"sequence":)" +
         std::to_string(sequence) + R"(,"maker_order_id":"m-)" + std::to_string(fill.trade_id) +
         R"(","taker_order_id":"t-)" + std::to_string(fill.trade_id) + R"(","time":")" + rfc3339(at.ts_ns) +
         R"(","product_id":")" + std::string(at.symbol) + R"(","size":")" + size_text(fill.size) + R"(","price":")" +
         price_text(at, fill.price, at.price_decimals) + R"(","side":")" + (fill.buyer_is_aggressor ? "sell" : "buy") +
         R"("})";
}

std::string coinbase_ticker(const FrameContext& at, std::uint64_t sequence, const Fill& last, const OrderBook& book) {
  const PriceLevel bid = book.best_bid().value_or(PriceLevel{});
  const PriceLevel ask = book.best_ask().value_or(PriceLevel{});
  return R"({"type":"ticker","sequence":)" + std::to_string(sequence) + R"(,"product_id":")" + std::string(at.symbol) +
         R"(","price":")" + price_text(at, last.price, at.price_decimals) + R"(","best_bid":")" +
         price_text(at, bid.price, at.price_decimals) + R"(","best_bid_size":")" + size_text(bid.size) +
         R"(","best_ask":")" + price_text(at, ask.price, at.price_decimals) + R"(","best_ask_size":")" +
         size_text(ask.size) + R"(","side":")" + (last.buyer_is_aggressor ? "buy" : "sell") + R"(","time":")" +
         rfc3339(at.ts_ns) + R"(","trade_id":)" + std::to_string(last.trade_id) + R"(,"last_size":")" +
         size_text(last.size) + R"("})";
}

std::string coinbase_heartbeat(const FrameContext& at, std::uint64_t sequence, std::uint64_t last_trade_id) {
  return R"({"type":"heartbeat","sequence":)" + std::to_string(sequence) + R"(,"last_trade_id":)" +
         std::to_string(last_trade_id) + R"(,"product_id":")" + std::string(at.symbol) + R"(","time":")" +
         rfc3339(at.ts_ns) + R"("})";
}

std::string kraken_instrument(std::span<const KrakenPair> pairs) {
  std::string list;
  for (const KrakenPair& pair : pairs) {
    const std::string tick = short_decimal(1, pair.price_decimals);
    const auto slash = pair.symbol.find('/');
    list += list.empty() ? R"({"symbol":")" : R"(,{"symbol":")";
    list += pair.symbol;
    list += R"(","base":")";
    list += pair.symbol.substr(0, slash);
    list += R"(","quote":")";
    list += pair.symbol.substr(slash + 1);
    list += R"(","status":"online","qty_precision":8,"qty_increment":0.00000001,"price_precision":)";
    list += std::to_string(pair.price_decimals);
    list += R"(,"tick_size":)";
    list += tick;
    list += R"(,"price_increment":)";
    list += tick;
    list += R"(,"qty_min":0.0001})";
  }
  return R"({"channel":"instrument","type":"snapshot","data":{"assets":[],"pairs":[)" + list + "]}}";
}

std::string kraken_book(const FrameContext& at, std::string_view type, std::span<const LevelChange> levels,
                        std::uint32_t checksum) {
  std::string sides[2];
  for (const LevelChange& level : levels) {
    std::string& out = sides[level.side == msg::BookSide::kBid ? 0 : 1];
    out += out.empty() ? "" : ",";
    out += R"({"price":)" + short_decimal(level.price, at.price_decimals) + R"(,"qty":)" +
           short_decimal(level.size, kSizeDecimals) + "}";
  }
  return R"({"channel":"book","type":")" + std::string(type) + R"(","data":[{"symbol":")" + std::string(at.symbol) +
         R"(","bids":[)" + sides[0] + R"(],"asks":[)" + sides[1] + R"(],"checksum":)" + std::to_string(checksum) +
         R"(,"timestamp":")" + rfc3339(at.ts_ns) + R"("}]})";
}

std::string kraken_trade(const FrameContext& at, std::span<const Fill> fills) {
  std::string list;
  for (const Fill& fill : fills) {
    list += list.empty() ? "" : ",";
    list += R"({"symbol":")" + std::string(at.symbol) + R"(","side":")" + (fill.buyer_is_aggressor ? "buy" : "sell") +
            R"(","price":)" + short_decimal(fill.price, at.price_decimals) + R"(,"qty":)" +
            short_decimal(fill.size, kSizeDecimals) + R"(,"ord_type":"market","trade_id":)" +
            std::to_string(fill.trade_id) + R"(,"timestamp":")" + rfc3339(at.ts_ns) + R"("})";
  }
  return R"({"channel":"trade","type":"update","data":[)" + list + "]}";
}

std::string kraken_heartbeat() {
  return R"({"channel":"heartbeat"})";
}

}  // namespace rtm::feeds::simulator
