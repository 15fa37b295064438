#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::feeds {

// What one instrument's normalized stream held.
struct InstrumentTally {
  std::uint64_t trades = 0;
  std::uint64_t bbos = 0;
  std::uint64_t book_deltas = 0;
  std::uint64_t gaps = 0;
  std::uint64_t checksum_failures = 0;
  std::uint64_t crossed_books = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t books_ready = 0;  // fresh snapshots applied
  std::int64_t last_price = 0;    // of the last trade, at the instrument's price scale
  std::uint8_t price_scale = 0;
};

// Counts the records that pass through it, per instrument, and forwards them
// to the next sink if there is one: how the tools summarize a feed.
class RecordTally final : public RecordSink {
 public:
  explicit RecordTally(RecordSink* next = nullptr) noexcept : next_(next) {}

  void on_trade(const msg::Trade& r) override;
  void on_bbo(const msg::Bbo& r) override;
  void on_book_delta(const msg::BookDelta& r) override;
  void on_status(const msg::Status& r) override;
  void on_instrument(const msg::InstrumentDef& r) override;

  [[nodiscard]] const std::map<msg::InstrumentId, InstrumentTally>& instruments() const noexcept { return tallies_; }
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }

 private:
  std::map<msg::InstrumentId, InstrumentTally> tallies_;
  std::uint64_t records_ = 0;
  RecordSink* next_;
};

// A table, one line per instrument: records by kind, book events, the last
// trade and the book's best bid and offer (or why it is not served), then the
// venue adapters' frame counts. What rtm replay and rtm-ingest print.
std::string format_summary(const RecordTally& tally, const VenueSet& venues);

}  // namespace rtm::feeds
