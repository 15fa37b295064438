#pragma once

#include <string>
#include <vector>

#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::feeds::testing {

// Keeps every record an adapter emits, in order.
class CollectingSink : public RecordSink {
 public:
  void on_trade(const msg::Trade& r) override { records.emplace_back(r); }
  void on_bbo(const msg::Bbo& r) override { records.emplace_back(r); }
  void on_book_delta(const msg::BookDelta& r) override { records.emplace_back(r); }
  void on_status(const msg::Status& r) override { records.emplace_back(r); }
  void on_instrument(const msg::InstrumentDef& r) override { records.emplace_back(r); }

  template <class R>
  std::vector<R> all() const {
    std::vector<R> out;
    for (const auto& record : records) {
      if (const R* typed = std::get_if<R>(&record)) out.push_back(*typed);
    }
    return out;
  }
  std::vector<msg::StatusCode> status_codes() const {
    std::vector<msg::StatusCode> codes;
    for (const auto& s : all<msg::Status>()) codes.push_back(s.code);
    return codes;
  }
  void clear() { records.clear(); }

  std::vector<msg::AnyRecord> records;
};

// Feeds text frames through an adapter with the padding it needs.
inline FrameResult feed(VenueAdapter& adapter, std::string_view frame, std::int64_t ts_recv = 1) {
  static FrameBuffer buffer;
  return adapter.on_frame(buffer.assign(frame), ts_recv);
}

// The fixture file's lines (venue documentation samples).
std::vector<std::string> fixture_lines(const std::string& venue);

}  // namespace rtm::feeds::testing
