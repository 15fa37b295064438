#include "stream_service.hpp"

#include <stdexcept>

#include "rtm/msg/codec.hpp"

namespace rtm::streamsvc {

void StreamService::Fanout::on_bar(const msg::Bar& r) {
  if (store::HotStore* hot = service_.options_.hot_store) {
    if (r.header.venue == msg::Venue::kComposite) service_.store_symbol(r.header.instrument_id);
    hot->put_bar(r);
  }
  if (open) out_.on_bar(r);
}

void StreamService::Fanout::on_nbbo(const msg::Nbbo& r) {
  if (store::HotStore* hot = service_.options_.hot_store) {
    service_.store_symbol(r.header.instrument_id);
    hot->put_nbbo(r);
  }
  if (open) out_.on_nbbo(r);
}

void StreamService::Fanout::on_stats(const msg::Stats& r) {
  if (store::HotStore* hot = service_.options_.hot_store) hot->put_stats(r);
  if (open) out_.on_stats(r);
}

void StreamService::Fanout::on_alert(const msg::Alert& r) {
  if (store::HotStore* hot = service_.options_.hot_store) hot->add_alert(r);
  if (open) out_.on_alert(r);
}

StreamService::StreamService(StreamServiceOptions options, stream::DerivedSink& out)
    : options_(std::move(options)), fanout_(out, *this), processor_(options_.stream, directory_, fanout_) {}

StreamService::~StreamService() = default;

store::RecoveryReport StreamService::recover() {
  store::RecoveryReport report;
  if (!options_.journal) return report;
  fanout_.open = false;
  report = store::recover_journal(options_.journal->directory, {.skip_corrupt = options_.skip_corrupt},
                                  [&](std::span<const std::byte> record) { process(record); });
  fanout_.open = true;
  if (!report.ok) throw std::runtime_error("journal: " + report.error);
  journal_ = std::make_unique<store::JournalWriter>(*options_.journal, report.records);
  return report;
}

bool StreamService::process(std::span<const std::byte> record) {
  msg::AnyRecord decoded;
  if (!msg::decode(record, decoded).ok()) {
    ++counters_.undecodable;
    return false;
  }
  store::HotStore* const hot = options_.hot_store;
  if (const auto* definition = std::get_if<msg::InstrumentDef>(&decoded)) {
    directory_.learn(*definition);
    // The hot store holds what the directory made of it: the configured
    // canonical symbol, if any.
    if (hot != nullptr) hot->add_instrument(*directory_.find(definition->header.instrument_id));
  }
  processor_.on_record(decoded);
  const auto* trade = std::get_if<msg::Trade>(&decoded);
  if (trade != nullptr) observe_latency(trade->header);
  if (hot != nullptr) {
    if (trade != nullptr) {
      hot->add_trade(*trade);
    } else if (const auto* delta = std::get_if<msg::BookDelta>(&decoded)) {
      if ((delta->header.flags & msg::flags::kEndOfBatch) != 0) store_book(delta->header);
    } else if (const auto* status = std::get_if<msg::Status>(&decoded)) {
      if (status->code != msg::StatusCode::kConnected) store_book(status->header);
    }
  }
  ++counters_.records;
  return true;
}

void StreamService::store_book(const msg::RecordHeader& header) {
  const std::optional<stream::BookState> state = processor_.book_state(header.instrument_id);
  if (!state) return;
  const std::size_t depth = options_.hot_store->book_depth();
  const auto copy_side = [&](msg::BookSide side, std::vector<store::BookLevel>& out) {
    levels_.resize(depth);
    levels_.resize(state->book->top(side, levels_));
    out.clear();
    for (const book::PriceLevel& level : levels_) out.push_back({level.price, level.size});
  };
  copy_side(msg::BookSide::kBid, bids_);
  copy_side(msg::BookSide::kAsk, asks_);
  options_.hot_store->put_book(header, state->live, state->price_scale, state->size_scale, bids_, asks_);
}

void StreamService::observe_latency(const msg::RecordHeader& header) {
  const auto venue = static_cast<std::size_t>(header.venue);
  if (options_.metrics == nullptr || venue >= venue_latency_.size() || !fanout_.open) return;
  common::Histogram*& histogram = venue_latency_[venue];
  if (histogram == nullptr) {
    histogram = &options_.metrics->histogram("rtm_venue_latency_seconds",
                                             "From the venue's event time to rtm's receive time, of trades",
                                             {{"venue", std::string(msg::venue_name(header.venue))}},
                                             common::latency_buckets());
  }
  histogram->observe(static_cast<double>(header.ts_recv - header.ts_event) / 1e9);
}

void StreamService::store_symbol(msg::InstrumentId composite) {
  if (!symbols_stored_.insert(composite).second) return;
  options_.hot_store->add_symbol(composite, processor_.symbol_of(composite));
}

void StreamService::on_record(std::span<const std::byte> record) {
  // Journaled first: what is derived is always derivable again.
  if (journal_ != nullptr && !journal_->append(record)) ++counters_.journal_errors;
  process(record);
}

}  // namespace rtm::streamsvc
