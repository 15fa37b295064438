#include "rtm/json/derived_json.hpp"

#include <boost/json/array.hpp>

#include "rtm/json/record_json.hpp"
#include "rtm/stream/durations.hpp"

namespace rtm::json {

namespace {

std::string duration_of(std::int64_t ns) {
  return stream::duration_text(std::chrono::nanoseconds(ns));
}

// The bars of a page share their interval: its text is made once per
// thread and interval, not once per bar.
std::string_view interval_text(std::int64_t ns) {
  thread_local std::int64_t cached_ns = 0;
  thread_local std::string cached;
  if (cached.empty() || ns != cached_ns) {
    cached = duration_of(ns);
    cached_ns = ns;
  }
  return cached;
}

}  // namespace

boost::json::object bar_json(const msg::Bar& bar, const std::string& name, boost::json::storage_ptr storage) {
  boost::json::object out(std::move(storage));
  out.reserve(20);  // every field below, and the channel and send time a stream adds: no regrowth
  out["type"] = "bar";
  out[bar.header.venue == msg::Venue::kComposite ? "symbol" : "instrument"] = name;
  out["interval"] = duration_of(bar.interval_ns);
  out["start"] = bar.start_ns;
  out["open"] = decimal_text(bar.open, bar.price_scale);
  out["high"] = decimal_text(bar.high, bar.price_scale);
  out["low"] = decimal_text(bar.low, bar.price_scale);
  out["close"] = decimal_text(bar.close, bar.price_scale);
  out["volume"] = decimal_text(bar.volume, bar.size_scale);
  out["vwap"] = decimal_text(bar.vwap, bar.price_scale);
  out["trades"] = bar.trade_count;
  out["buy_volume"] = decimal_text(bar.buy_volume, bar.size_scale);
  out["sell_volume"] = decimal_text(bar.sell_volume, bar.size_scale);
  out["final"] = (bar.header.flags & msg::flags::kFinal) != 0;
  out["revision"] = bar.revision;
  out["seq"] = bar.header.sequence;
  out["ts_event"] = bar.header.ts_event;
  out["ts_recv"] = bar.header.ts_recv;
  return out;
}

void write_bar(JsonWriter& out, const msg::Bar& bar, std::string_view name) {
  // The fields of bar_json, in its order.
  out.begin_object();
  out.key("type");
  out.string("bar");
  if (bar.header.venue == msg::Venue::kComposite) {
    out.key("symbol");
  } else {
    out.key("instrument");
  }
  out.string(name);
  out.key("interval");
  out.string(interval_text(bar.interval_ns));
  out.key("start");
  out.integer(bar.start_ns);
  const auto price = [&](JsonWriter::Key key, std::int64_t value) {
    out.key(key);
    out.decimal(value, bar.price_scale);
  };
  const auto size = [&](JsonWriter::Key key, std::int64_t value) {
    out.key(key);
    out.decimal(value, bar.size_scale);
  };
  price("open", bar.open);
  price("high", bar.high);
  price("low", bar.low);
  price("close", bar.close);
  size("volume", bar.volume);
  price("vwap", bar.vwap);
  out.key("trades");
  out.unsigned_integer(bar.trade_count);
  size("buy_volume", bar.buy_volume);
  size("sell_volume", bar.sell_volume);
  out.key("final");
  out.boolean((bar.header.flags & msg::flags::kFinal) != 0);
  out.key("revision");
  out.unsigned_integer(bar.revision);
  out.key("seq");
  out.unsigned_integer(bar.header.sequence);
  out.key("ts_event");
  out.integer(bar.header.ts_event);
  out.key("ts_recv");
  out.integer(bar.header.ts_recv);
  out.end_object();
}

namespace {

const char* condition_text(msg::NbboCondition condition) {
  switch (condition) {
    case msg::NbboCondition::kNormal:
      return "normal";
    case msg::NbboCondition::kLocked:
      return "locked";
    case msg::NbboCondition::kCrossed:
      return "crossed";
    case msg::NbboCondition::kOneSided:
      return "one_sided";
    case msg::NbboCondition::kEmpty:
      return "empty";
  }
  return "unknown";
}

}  // namespace

boost::json::object nbbo_json(const msg::Nbbo& nbbo, const std::string& symbol) {
  boost::json::object out;
  out["type"] = "nbbo";
  out["symbol"] = symbol;
  const bool has_bid = nbbo.bid_venue != msg::Venue::kUnknown;
  const bool has_ask = nbbo.ask_venue != msg::Venue::kUnknown;
  out["bid_price"] = has_bid ? boost::json::value(decimal_text(nbbo.bid_price, nbbo.price_scale)) : nullptr;
  out["bid_size"] = has_bid ? boost::json::value(decimal_text(nbbo.bid_size, nbbo.size_scale)) : nullptr;
  out["bid_venue"] = has_bid ? boost::json::value(msg::venue_name(nbbo.bid_venue)) : nullptr;
  out["ask_price"] = has_ask ? boost::json::value(decimal_text(nbbo.ask_price, nbbo.price_scale)) : nullptr;
  out["ask_size"] = has_ask ? boost::json::value(decimal_text(nbbo.ask_size, nbbo.size_scale)) : nullptr;
  out["ask_venue"] = has_ask ? boost::json::value(msg::venue_name(nbbo.ask_venue)) : nullptr;
  out["condition"] = condition_text(nbbo.condition);
  out["venues"] = nbbo.venues_included;
  boost::json::array excluded;
  for (unsigned venue = 0; venue < 16; ++venue) {
    if ((nbbo.venues_excluded_mask & (1U << venue)) != 0) {
      excluded.push_back(boost::json::value(msg::venue_name(static_cast<msg::Venue>(venue))));
    }
  }
  out["excluded"] = std::move(excluded);
  out["seq"] = nbbo.header.sequence;
  out["ts_event"] = nbbo.header.ts_event;
  out["ts_recv"] = nbbo.header.ts_recv;
  return out;
}

boost::json::object stats_json(const msg::Stats& stats, const std::string& instrument) {
  boost::json::object out;
  out["type"] = "stats";
  out["instrument"] = instrument;
  out["window"] = duration_of(stats.window_ns);
  out["last_price"] = decimal_text(stats.last_price, stats.price_scale);
  out["change_bps"] = stats.change_bps;
  out["realized_volatility"] = stats.realized_volatility;
  out["spread_bps"] = stats.spread_bps;
  out["book_imbalance"] = stats.book_imbalance;
  out["trades_per_second"] = stats.trades_per_second;
  out["seq"] = stats.header.sequence;
  out["ts_event"] = stats.header.ts_event;
  out["ts_recv"] = stats.header.ts_recv;
  return out;
}

boost::json::object alert_json(const msg::Alert& alert, const std::string& name) {
  boost::json::object out;
  out["type"] = "alert";
  out["rule"] = msg::to_string(alert.rule);
  out["name"] = alert.rule_name.view();
  out[alert.header.venue == msg::Venue::kComposite ? "symbol" : "instrument"] = name;
  out["severity"] = msg::to_string(alert.severity);
  out["observed"] = alert.observed;
  out["threshold"] = alert.threshold;
  if (alert.window_ns != 0) out["window"] = duration_of(alert.window_ns);
  out["seq"] = alert.header.sequence;
  out["ts_event"] = alert.header.ts_event;
  out["ts_recv"] = alert.header.ts_recv;
  return out;
}

}  // namespace rtm::json
