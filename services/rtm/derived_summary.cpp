#include "derived_summary.hpp"

#include <cstdio>

#include "record_json.hpp"

namespace rtm::cli {

void DerivedSummary::on_bar(const msg::Bar& bar) {
  if ((bar.header.flags & msg::flags::kFinal) == 0) return;
  std::lock_guard lock(mutex_);
  ++bars_final_;
  if (bar.header.venue == msg::Venue::kComposite && bar.interval_ns == 60'000'000'000) {
    last_bar_[bar.header.instrument_id] = bar;
  }
}

void DerivedSummary::on_nbbo(const msg::Nbbo& nbbo) {
  std::lock_guard lock(mutex_);
  ++nbbo_updates_;
  nbbo_[nbbo.header.instrument_id] = nbbo;
}

void DerivedSummary::on_stats(const msg::Stats&) {
  std::lock_guard lock(mutex_);
  ++stats_;
}

void DerivedSummary::on_alert(const msg::Alert&) {
  std::lock_guard lock(mutex_);
  ++alerts_;
}

std::string DerivedSummary::table(const store::HotStore& store) const {
  std::lock_guard lock(mutex_);
  std::string out =
      "symbol      best bid                 best ask                 market   last 1m bar (close, volume)\n";
  char line[256];
  // Not a structured binding: the lambda below refers to it.
  for (const auto& entry : nbbo_) {
    const msg::InstrumentId id = entry.first;
    const msg::Nbbo& nbbo = entry.second;
    const std::string symbol = store.symbol_of(id);
    const auto side = [&](bool bid) {
      const msg::Venue venue = bid ? nbbo.bid_venue : nbbo.ask_venue;
      if (venue == msg::Venue::kUnknown) return std::string("-");
      return decimal_text(bid ? nbbo.bid_price : nbbo.ask_price, nbbo.price_scale) + " " +
             std::string(msg::venue_name(venue));
    };
    const char* market = nbbo.condition == msg::NbboCondition::kCrossed  ? "crossed"
                         : nbbo.condition == msg::NbboCondition::kLocked ? "locked"
                         : nbbo.condition == msg::NbboCondition::kNormal ? "normal"
                                                                         : "partial";
    std::string bar = "-";
    if (const auto found = last_bar_.find(id); found != last_bar_.end()) {
      bar = decimal_text(found->second.close, found->second.price_scale) + ", " +
            decimal_text(found->second.volume, found->second.size_scale);
    }
    std::snprintf(line, sizeof(line), "%-11s %-24s %-24s %-8s %s\n", symbol.c_str(), side(true).c_str(),
                  side(false).c_str(), market, bar.c_str());
    out += line;
  }
  std::snprintf(line, sizeof(line),
                "stream: %llu bars final, %llu best bid/offer updates, %llu statistics, %llu alerts\n",
                static_cast<unsigned long long>(bars_final_), static_cast<unsigned long long>(nbbo_updates_),
                static_cast<unsigned long long>(stats_), static_cast<unsigned long long>(alerts_));
  return out + line;
}

}  // namespace rtm::cli
