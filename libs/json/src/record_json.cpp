#include "rtm/json/record_json.hpp"

namespace rtm::json {

std::string decimal_text(std::int64_t mantissa, std::uint8_t scale) {
  return msg::to_string({mantissa, scale});
}

boost::json::object RecordJson::header(const msg::RecordHeader& h, std::string_view type) const {
  boost::json::object out;
  out["type"] = type;
  out["instrument"] = name_of_(h.instrument_id);
  out["seq"] = h.sequence;
  out["ts_event"] = h.ts_event;
  out["ts_recv"] = h.ts_recv;
  return out;
}

boost::json::object RecordJson::to_json(const msg::Trade& trade) const {
  boost::json::object out = header(trade.header, "trade");
  out["price"] = decimal_text(trade.price, trade.price_scale);
  out["size"] = decimal_text(trade.size, trade.size_scale);
  out["side"] = trade.aggressor == msg::Aggressor::kBuy    ? "buy"
                : trade.aggressor == msg::Aggressor::kSell ? "sell"
                                                           : "unknown";
  out["trade_id"] = trade.trade_id;
  return out;
}

boost::json::object RecordJson::to_json(const msg::Bbo& bbo) const {
  boost::json::object out = header(bbo.header, "bbo");
  out["bid_price"] = decimal_text(bbo.bid_price, bbo.price_scale);
  out["bid_size"] = decimal_text(bbo.bid_size, bbo.size_scale);
  out["ask_price"] = decimal_text(bbo.ask_price, bbo.price_scale);
  out["ask_size"] = decimal_text(bbo.ask_size, bbo.size_scale);
  return out;
}

boost::json::object RecordJson::to_json(const msg::BookDelta& delta, bool snapshot) const {
  boost::json::object out = header(delta.header, "book_delta");
  out["side"] = delta.side == msg::BookSide::kBid ? "bid" : "ask";
  out["price"] = decimal_text(delta.price, delta.price_scale);
  out["size"] = decimal_text(delta.size, delta.size_scale);
  out["snapshot"] = snapshot;
  return out;
}

boost::json::object RecordJson::to_json(const msg::Status& status) const {
  boost::json::object out = header(status.header, "status");
  out["event"] = msg::to_string(status.code);
  out["detail"] = status.detail.view();
  if (status.expected_sequence != 0 || status.received_sequence != 0) {
    out["expected"] = status.expected_sequence;
    out["received"] = status.received_sequence;
  }
  return out;
}

boost::json::object RecordJson::to_json(const msg::InstrumentDef& definition) const {
  boost::json::object out = header(definition.header, "instrument");
  out["symbol"] = definition.venue_symbol.view();
  out["canonical"] = definition.canonical_symbol.view();
  out["price_scale"] = definition.price_scale;
  out["size_scale"] = definition.size_scale;
  out["tick_size"] = decimal_text(definition.tick_size, definition.price_scale);
  out["lot_size"] = decimal_text(definition.lot_size, definition.size_scale);
  return out;
}

}  // namespace rtm::json
