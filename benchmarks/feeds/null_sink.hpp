#pragma once

#include "rtm/feeds/record_sink.hpp"

namespace rtm::bench {

// Counts the records an adapter emits and drops them: what remains measured
// is the adapter's own work.
struct NullSink : feeds::RecordSink {
  void on_trade(const msg::Trade& r) override { records += r.header.sequence != 0 ? 1U : 0U; }
  void on_bbo(const msg::Bbo& r) override { records += r.header.sequence != 0 ? 1U : 0U; }
  void on_book_delta(const msg::BookDelta& r) override { records += r.header.sequence != 0 ? 1U : 0U; }
  void on_status(const msg::Status&) override { ++records; }
  void on_instrument(const msg::InstrumentDef&) override { ++records; }
  std::uint64_t records = 0;
};

}  // namespace rtm::bench
