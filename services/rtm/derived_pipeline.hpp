#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_set.hpp"
#include "rtm/stream/bar_builder.hpp"
#include "rtm/stream/nbbo_builder.hpp"
#include "rtm/stream/stats_builder.hpp"

namespace rtm::cli {

// The stream operators fed by ingest's adapters in the same process: the
// records the adapters emit go to the bar builder as they come, and after
// each frame the books it changed (or whose state it changed) give the
// cross-venue best bid/offer and the statistics their venues' new tops, read
// from the adapters' own books. Composite series are keyed by the canonical
// symbol's id.
class DerivedPipeline final : public feeds::RecordSink {
 public:
  DerivedPipeline(stream::BarOptions bar_options, stream::StatsOptions stats_options, stream::DerivedSink& out);

  // Where the adapters are; set before the first frame.
  void attach(const feeds::VenueSet& venues) { venues_ = &venues; }

  void on_trade(const msg::Trade& trade) override;
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta& delta) override;
  void on_status(const msg::Status& status) override;
  void on_instrument(const msg::InstrumentDef&) override {}

  // After each frame: the tops of the books it touched.
  void end_of_frame();
  // At the end of the input: every open bar final.
  void finish() { bars_.finish(); }

  // The canonical symbol of a composite id ("BTC-USD"); empty if unknown.
  [[nodiscard]] std::string symbol_of(msg::InstrumentId composite) const;
  [[nodiscard]] const stream::BarBuilder& bars() const noexcept { return bars_; }
  [[nodiscard]] const stream::NbboBuilder& nbbo() const noexcept { return nbbo_; }

 private:
  msg::InstrumentId composite_of(msg::InstrumentId instrument);
  void touch(const msg::RecordHeader& header);

  const feeds::VenueSet* venues_ = nullptr;
  stream::BarBuilder bars_;
  stream::NbboBuilder nbbo_;
  stream::StatsBuilder stats_;
  std::map<msg::InstrumentId, msg::InstrumentId> composites_;  // instrument -> canonical symbol's id
  std::map<msg::InstrumentId, std::string> symbols_;           // canonical symbol's id -> symbol
  // Touched in the current frame, with the header of its last record there;
  // ordered, so that tops are taken in the same order on every run.
  std::map<msg::InstrumentId, msg::RecordHeader> touched_;
};

}  // namespace rtm::cli
