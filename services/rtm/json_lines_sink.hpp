#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <set>

#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/json/record_json.hpp"
#include "rtm/feeds/record_sink.hpp"

namespace rtm::cli {

// Writes a JSON object to standard output as one line.
void write_json_line(const boost::json::object& object);

// Prints each normalized record as a JSON line as it comes, and remembers
// which books the records since the last take_touched() changed.
class JsonLinesSink final : public feeds::RecordSink {
 public:
  explicit JsonLinesSink(const feeds::InstrumentCatalog& catalog)
      : json_([&catalog](msg::InstrumentId id) { return catalog.name(id); }) {}

  void on_trade(const msg::Trade& r) override { write_json_line(json_.to_json(r)); }
  void on_bbo(const msg::Bbo& r) override { write_json_line(json_.to_json(r)); }
  void on_status(const msg::Status& r) override { write_json_line(json_.to_json(r)); }
  void on_instrument(const msg::InstrumentDef& r) override { write_json_line(json_.to_json(r)); }
  void on_book_delta(const msg::BookDelta& r) override;

  std::set<msg::InstrumentId> take_touched() { return std::exchange(touched_, {}); }

 private:
  json::RecordJson json_;
  std::map<msg::InstrumentId, bool> in_snapshot_;
  std::set<msg::InstrumentId> touched_;
};

}  // namespace rtm::cli
