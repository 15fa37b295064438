#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>

#include "rtm/msg/records.hpp"

namespace rtm::json {

// One normalized record as the JSON object rtm's tools print, one per line:
// type, instrument ("venue:SYMBOL"), seq, ts_event, ts_recv, then the
// fields of the record's type, decimals as exact strings.
class RecordJson {
 public:
  // Names an instrument: "binance:BTCUSDT".
  using Namer = std::function<std::string(msg::InstrumentId)>;
  explicit RecordJson(Namer name_of) : name_of_(std::move(name_of)) {}

  boost::json::object to_json(const msg::Trade& trade) const;
  boost::json::object to_json(const msg::Bbo& bbo) const;
  // snapshot: whether the delta belongs to a book snapshot (the caller
  // tracks begin and end flags across records).
  boost::json::object to_json(const msg::BookDelta& delta, bool snapshot) const;
  boost::json::object to_json(const msg::Status& status) const;
  boost::json::object to_json(const msg::InstrumentDef& definition) const;

 private:
  boost::json::object header(const msg::RecordHeader& header, std::string_view type) const;

  Namer name_of_;
};

std::string decimal_text(std::int64_t mantissa, std::uint8_t scale);

}  // namespace rtm::json
