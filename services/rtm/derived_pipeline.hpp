#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_set.hpp"
#include "rtm/stream/alert_engine.hpp"
#include "rtm/stream/bar_builder.hpp"
#include "rtm/stream/nbbo_builder.hpp"
#include "rtm/stream/stats_builder.hpp"

namespace rtm::cli {

// The stream operators fed by ingest's adapters in the same process: the
// records the adapters emit go to the bar builder as they come, and after
// each frame the books it changed (or whose state it changed) give the
// cross-venue best bid/offer and the statistics their venues' new tops, read
// from the adapters' own books; the alert rules watch what they derive.
// Composite series are keyed by the canonical symbol's id.
class DerivedPipeline final : public feeds::RecordSink {
 public:
  DerivedPipeline(stream::BarOptions bar_options, stream::StatsOptions stats_options,
                  std::vector<stream::AlertRuleConfig> alert_rules, stream::DerivedSink& out);

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
  [[nodiscard]] const stream::AlertEngine& alerts() const noexcept { return alerts_; }

 private:
  msg::InstrumentId composite_of(msg::InstrumentId instrument);
  void touch(const msg::RecordHeader& header);

  // What the operators derive goes out, and past the alert rules.
  class Tee final : public stream::DerivedSink {
   public:
    Tee(stream::DerivedSink& out, stream::AlertEngine& alerts) : out_(out), alerts_(alerts) {}
    void on_bar(const msg::Bar& bar) override {
      out_.on_bar(bar);
      alerts_.on_bar(bar);
    }
    void on_nbbo(const msg::Nbbo& nbbo) override {
      out_.on_nbbo(nbbo);
      alerts_.on_nbbo(nbbo);
    }
    void on_stats(const msg::Stats& stats) override {
      out_.on_stats(stats);
      alerts_.on_stats(stats);
    }
    void on_alert(const msg::Alert& alert) override { out_.on_alert(alert); }

   private:
    stream::DerivedSink& out_;
    stream::AlertEngine& alerts_;
  };

  const feeds::VenueSet* venues_ = nullptr;
  stream::AlertEngine alerts_;
  Tee tee_;
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
