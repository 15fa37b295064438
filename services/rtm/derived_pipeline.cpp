#include "derived_pipeline.hpp"

namespace rtm::cli {

DerivedPipeline::DerivedPipeline(stream::BarOptions bar_options, stream::StatsOptions stats_options,
                                 std::vector<stream::AlertRuleConfig> alert_rules, stream::DerivedSink& out)
    : alerts_(std::move(alert_rules), out),
      tee_(out, alerts_),
      bars_(std::move(bar_options), tee_),
      nbbo_(tee_),
      stats_(std::move(stats_options), tee_) {}

msg::InstrumentId DerivedPipeline::composite_of(msg::InstrumentId instrument) {
  if (const auto found = composites_.find(instrument); found != composites_.end()) return found->second;
  const feeds::Instrument* known = venues_ != nullptr ? venues_->catalog().find(instrument) : nullptr;
  if (known == nullptr || known->spec.canonical.empty()) return msg::kNoInstrument;
  const msg::InstrumentId composite = msg::make_instrument_id(msg::Venue::kComposite, known->spec.canonical);
  composites_.emplace(instrument, composite);
  symbols_.emplace(composite, known->spec.canonical);
  return composite;
}

std::string DerivedPipeline::symbol_of(msg::InstrumentId composite) const {
  const auto found = symbols_.find(composite);
  return found == symbols_.end() ? std::string() : found->second;
}

void DerivedPipeline::on_trade(const msg::Trade& trade) {
  alerts_.on_activity(trade.header.venue, trade.header.instrument_id, trade.header.ts_event);
  bars_.on_trade(trade, composite_of(trade.header.instrument_id));
  stats_.on_trade(trade);
}

void DerivedPipeline::on_book_delta(const msg::BookDelta& delta) {
  bars_.advance_to(delta.header.ts_event);
  touch(delta.header);
}

void DerivedPipeline::on_status(const msg::Status& status) {
  touch(status.header);
}

void DerivedPipeline::touch(const msg::RecordHeader& header) {
  alerts_.on_activity(header.venue, header.instrument_id, header.ts_event);
  touched_.insert_or_assign(header.instrument_id, header);
}

void DerivedPipeline::end_of_frame() {
  if (venues_ == nullptr) return;
  for (const auto& [id, header] : touched_) {
    const feeds::Instrument* instrument = venues_->catalog().find(id);
    const feeds::VenueAdapter* adapter = venues_->find(header.venue);
    const msg::InstrumentId composite = composite_of(id);
    if (instrument == nullptr || adapter == nullptr || composite == msg::kNoInstrument) continue;
    stream::VenueTop top;
    top.instrument = id;
    top.venue = header.venue;
    top.live = adapter->book_state(instrument->spec.symbol) == feeds::BookState::kLive;
    top.price_scale = instrument->spec.price_scale;
    top.size_scale = instrument->spec.size_scale;
    top.ts_event = header.ts_event;
    top.ts_recv = header.ts_recv;
    if (const feeds::OrderBook* book = adapter->book(instrument->spec.symbol)) {
      if (const auto bid = book->best_bid()) {
        top.bid_price = bid->price;
        top.bid_size = bid->size;
      }
      if (const auto ask = book->best_ask()) {
        top.ask_price = ask->price;
        top.ask_size = ask->size;
      }
    }
    nbbo_.on_top(composite, top);
    stats_.on_top(top);
  }
  touched_.clear();
}

}  // namespace rtm::cli
