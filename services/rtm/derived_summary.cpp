#include "derived_summary.hpp"

#include <cstdio>

#include "rtm/json/record_json.hpp"
#include "rtm/msg/codec.hpp"

namespace rtm::cli {

void DerivedSummary::on_record(std::span<const std::byte> record) {
  msg::AnyRecord decoded;
  const bool decodable = msg::decode(record, decoded).ok();
  std::lock_guard lock(mutex_);
  ++seen_;
  if (!decodable) return;
  if (const auto* bar = std::get_if<msg::Bar>(&decoded)) {
    if ((bar->header.flags & msg::flags::kFinal) == 0) return;
    ++bars_final_;
    if (bar->header.venue == msg::Venue::kComposite && bar->interval_ns == 60'000'000'000) {
      last_bar_[bar->header.instrument_id] = *bar;
    }
  } else if (const auto* nbbo = std::get_if<msg::Nbbo>(&decoded)) {
    ++nbbo_updates_;
    nbbo_[nbbo->header.instrument_id] = *nbbo;
  } else if (std::holds_alternative<msg::Stats>(decoded)) {
    ++stats_;
  } else if (std::holds_alternative<msg::Alert>(decoded)) {
    ++alerts_;
  }
}

void DerivedSummary::on_gap(std::uint64_t lost) {
  std::lock_guard lock(mutex_);
  lost_ += lost;
  seen_ += lost;
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
      return json::decimal_text(bid ? nbbo.bid_price : nbbo.ask_price, nbbo.price_scale) + " " +
             std::string(msg::venue_name(venue));
    };
    const char* market = nbbo.condition == msg::NbboCondition::kCrossed  ? "crossed"
                         : nbbo.condition == msg::NbboCondition::kLocked ? "locked"
                         : nbbo.condition == msg::NbboCondition::kNormal ? "normal"
                                                                         : "partial";
    std::string bar = "-";
    if (const auto found = last_bar_.find(id); found != last_bar_.end()) {
      bar = json::decimal_text(found->second.close, found->second.price_scale) + ", " +
            json::decimal_text(found->second.volume, found->second.size_scale);
    }
    std::snprintf(line, sizeof(line), "%-11s %-24s %-24s %-8s %s\n", symbol.c_str(), side(true).c_str(),
                  side(false).c_str(), market, bar.c_str());
    out += line;
  }
  std::snprintf(line, sizeof(line),
                "stream: %llu bars final, %llu best bid/offer updates, %llu statistics, %llu alerts (%llu missed)\n",
                static_cast<unsigned long long>(bars_final_), static_cast<unsigned long long>(nbbo_updates_),
                static_cast<unsigned long long>(stats_), static_cast<unsigned long long>(alerts_),
                static_cast<unsigned long long>(lost_));
  return out + line;
}

}  // namespace rtm::cli
