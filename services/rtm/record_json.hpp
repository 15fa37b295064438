#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::cli {

// One normalized record as the JSON object rtm's tools print, one per line:
// type, instrument ("venue:SYMBOL"), seq, ts_event, ts_recv, then the
// fields of the record's type, decimals as exact strings.
class RecordJson {
 public:
  explicit RecordJson(const feeds::InstrumentCatalog& catalog) : catalog_(catalog) {}

  boost::json::object to_json(const msg::Trade& trade) const;
  boost::json::object to_json(const msg::Bbo& bbo) const;
  // snapshot: whether the delta belongs to a book snapshot (the caller
  // tracks begin and end flags across records).
  boost::json::object to_json(const msg::BookDelta& delta, bool snapshot) const;
  boost::json::object to_json(const msg::Status& status) const;
  boost::json::object to_json(const msg::InstrumentDef& definition) const;

 private:
  boost::json::object header(const msg::RecordHeader& header, std::string_view type) const;

  const feeds::InstrumentCatalog& catalog_;
};

std::string decimal_text(std::int64_t mantissa, std::uint8_t scale);

}  // namespace rtm::cli
