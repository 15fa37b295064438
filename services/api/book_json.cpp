#include "book_json.hpp"

#include <boost/json/array.hpp>

#include "rtm/json/record_json.hpp"

namespace rtm::api {
namespace {

boost::json::object header(const store::BookTop& top, const std::string& instrument, std::string_view type) {
  boost::json::object out;
  out["type"] = type;
  out["instrument"] = instrument;
  out["status"] = top.live ? "live" : "stale";
  out["seq"] = top.sequence;
  out["ts_event"] = top.ts_event;
  out["ts_recv"] = top.ts_recv;
  return out;
}

}  // namespace

boost::json::object book_json(const store::BookTop& top, const std::string& instrument) {
  const auto levels = [&](const std::vector<store::BookLevel>& side) {
    boost::json::array out;
    for (const store::BookLevel& level : side) {
      out.push_back(boost::json::array{json::decimal_text(level.price, top.price_scale),
                                       json::decimal_text(level.size, top.size_scale)});
    }
    return out;
  };
  boost::json::object out = header(top, instrument, "book");
  out["bids"] = levels(top.bids);
  out["asks"] = levels(top.asks);
  return out;
}

boost::json::object bbo_json(const store::BookTop& top, const std::string& instrument) {
  boost::json::object out = header(top, instrument, "bbo");
  const auto side = [&](const std::vector<store::BookLevel>& levels, const char* price, const char* size) {
    if (levels.empty()) {
      out[price] = nullptr;
      out[size] = nullptr;
    } else {
      out[price] = json::decimal_text(levels.front().price, top.price_scale);
      out[size] = json::decimal_text(levels.front().size, top.size_scale);
    }
  };
  side(top.bids, "bid_price", "bid_size");
  side(top.asks, "ask_price", "ask_size");
  return out;
}

}  // namespace rtm::api
