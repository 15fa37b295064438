#include "stream_service.hpp"

#include <stdexcept>

#include "rtm/msg/codec.hpp"

namespace rtm::streamsvc {

// The hot store, unless it takes derived records from elsewhere.
store::HotStore* StreamService::derived_store() const noexcept {
  return options_.store_derived ? options_.hot_store : nullptr;
}

void StreamService::Fanout::on_bar(const msg::Bar& r) {
  if (r.header.venue == msg::Venue::kComposite) service_.define_symbol(r.header.instrument_id);
  if (store::HotStore* hot = service_.derived_store()) hot->put_bar(r);
  if (store::HistoryWriter* history = service_.options_.history; history != nullptr && open) {
    history->add_bar(r, service_.series_name(r.header));
  }
  if (open) {
    out_.on_bar(r);
    ++sent;
  }
}

void StreamService::Fanout::on_nbbo(const msg::Nbbo& r) {
  service_.define_symbol(r.header.instrument_id);
  if (store::HotStore* hot = service_.derived_store()) hot->put_nbbo(r);
  if (open) {
    out_.on_nbbo(r);
    ++sent;
  }
}

void StreamService::Fanout::on_stats(const msg::Stats& r) {
  if (store::HotStore* hot = service_.derived_store()) hot->put_stats(r);
  if (open) {
    out_.on_stats(r);
    ++sent;
  }
}

void StreamService::Fanout::on_alert(const msg::Alert& r) {
  if (store::HotStore* hot = service_.derived_store()) hot->add_alert(r);
  if (store::HistoryWriter* history = service_.options_.history; history != nullptr && open) {
    history->add_alert(r, service_.series_name(r.header));
  }
  if (open) {
    out_.on_alert(r);
    ++sent;
  }
}

void StreamService::Fanout::on_definition(const msg::InstrumentDef& r) {
  if (open) {
    out_.on_definition(r);
    ++sent;
  }
}

StreamService::StreamService(StreamServiceOptions options, stream::DerivedSink& out)
    : options_(std::move(options)), fanout_(out, *this) {
  current_ = &partition_state(0);
}

StreamService::~StreamService() = default;

store::RecoveryReport StreamService::recover() {
  store::RecoveryReport report;
  if (!options_.journal) return report;
  std::filesystem::create_directories(options_.journal->directory);
  std::optional<SequenceMarks> delivered;
  if (options_.derived_acknowledged && options_.deduplicate) {
    checkpoint_ = std::make_unique<DerivedCheckpoint>(options_.journal->directory / "derived-acknowledged");
    delivered = checkpoint_->load();
  }
  series_partitions_ = std::make_unique<SeriesPartitions>(options_.journal->directory / "series-partitions");
  fanout_.open = false;
  report = store::recover_journal(
      options_.journal->directory, {.skip_corrupt = options_.skip_corrupt}, [&](std::span<const std::byte> record) {
        msg::RecordHeader header;
        const bool readable = msg::decode_header(record, header).ok();
        // Rebuilds the last sequences too.
        if (readable && !first_time(header)) return;
        // Each record to the state of the partition it came from.
        current_ = &partition_state(readable ? series_partitions_->of(header.instrument_id) : 0);
        // What a record after the checkpoint derived may never have arrived:
        // it goes out again.
        fanout_.open =
            delivered && readable && header.sequence > 0 && header.sequence > (*delivered)[header.instrument_id];
        if (fanout_.open) ++republished_;
        process(record);
      });
  fanout_.open = true;
  current_ = &partition_state(current_partition_);
  if (!report.ok) throw std::runtime_error("journal: " + report.error);
  journal_ = std::make_unique<store::JournalWriter>(*options_.journal, report.records);
  // A first start with this checkpoint: what the journal holds is taken as
  // delivered. Otherwise the old marks stand until what was just sent again
  // is acknowledged too.
  if (checkpoint_ && !delivered) checkpoint_->write(last_sequence_);
  return report;
}

bool StreamService::first_time(const msg::RecordHeader& header) {
  if (!options_.deduplicate || header.sequence == 0) return true;
  std::uint64_t& last = last_sequence_[header.instrument_id];
  if (header.sequence <= last) {
    ++counters_.duplicates;
    return false;
  }
  last = header.sequence;
  return true;
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
    // The hot store and the derived channel get what the directory made of
    // it: the configured canonical symbol, if any.
    const msg::InstrumentDef& learned = *directory_.find(definition->header.instrument_id);
    series_names_.erase(learned.header.instrument_id);
    if (hot != nullptr) hot->add_instrument(learned);
    fanout_.on_definition(learned);
  }
  current_->processor.on_record(decoded);
  const auto* trade = std::get_if<msg::Trade>(&decoded);
  if (trade != nullptr) {
    observe_latency(trade->header);
    if (options_.history != nullptr && fanout_.open) options_.history->add_trade(*trade, series_name(trade->header));
  }
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
  const std::optional<stream::BookState> state = current_->processor.book_state(header.instrument_id);
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
    histogram = &options_.metrics->histogram(
        "rtm_venue_latency_seconds", "From the venue's event time to rtm's receive time, of trades",
        {{"venue", std::string(msg::venue_name(header.venue))}}, common::latency_buckets());
  }
  histogram->observe(static_cast<double>(header.ts_recv - header.ts_event) / 1e9);
}

void StreamService::define_symbol(msg::InstrumentId composite) {
  if (options_.hot_store != nullptr && symbols_stored_.insert(composite).second) {
    options_.hot_store->add_symbol(composite, current_->processor.symbol_of(composite));
  }
  // Announced once per run, after the journal's replay, so that a reader
  // that joins later learns the symbol from this run's output.
  if (!fanout_.open || !symbols_defined_.insert(composite).second) return;
  msg::InstrumentDef definition;
  definition.header.venue = msg::Venue::kComposite;
  definition.header.instrument_id = composite;
  const std::string symbol = current_->processor.symbol_of(composite);
  definition.venue_symbol.assign(symbol);
  definition.canonical_symbol.assign(symbol);
  fanout_.on_definition(definition);
}

StreamService::PartitionState& StreamService::partition_state(int partition) {
  std::unique_ptr<PartitionState>& state = partitions_[partition];
  if (!state) {
    state = std::make_unique<PartitionState>(options_.stream, directory_, fanout_);
    state->owned = !partitioned_ || assigned_.contains(partition);
  }
  return *state;
}

void StreamService::on_partitions_assigned(std::span<const int> partitions) {
  assigned_.insert(partitions.begin(), partitions.end());
  refresh_ownership();
}

void StreamService::on_partitions_revoked(std::span<const int> partitions) {
  for (const int partition : partitions) assigned_.erase(partition);
  // Its state stays: should the partition come back, only what others
  // processed meanwhile is handed over.
  refresh_ownership();
}

void StreamService::refresh_ownership() {
  partitioned_ = true;
  for (auto& [number, state] : partitions_) state->owned = assigned_.contains(number);
}

void StreamService::on_partition(int partition) {
  current_partition_ = partition;
  current_ = &partition_state(partition);
}

void StreamService::on_record(std::span<const std::byte> record) {
  msg::RecordHeader header;
  const msg::RecordHeader* readable = read_header(record, header);
  if (readable != nullptr && !first_time(*readable)) return;
  fanout_.open = current_->owned;
  take(record, readable);
}

void StreamService::on_handed_over(std::span<const std::byte> record) {
  msg::RecordHeader header;
  const msg::RecordHeader* readable = read_header(record, header);
  if (readable != nullptr && !first_time(*readable)) return;
  ++counters_.handed_over;
  fanout_.open = false;  // the previous owner published what it derives
  take(record, readable);
}

const msg::RecordHeader* StreamService::read_header(std::span<const std::byte> record,
                                                    msg::RecordHeader& header) const {
  // Only deduplication and the partitions' file need it: rtm run reads none.
  const bool needed = options_.deduplicate || (partitioned_ && series_partitions_);
  return needed && msg::decode_header(record, header).ok() ? &header : nullptr;
}

void StreamService::take(std::span<const std::byte> record, const msg::RecordHeader* header) {
  // The partition before the record: the journal's replay needs it.
  if (header != nullptr && partitioned_ && series_partitions_ &&
      !series_partitions_->note(header->instrument_id, current_partition_)) {
    ++counters_.journal_errors;
  }
  // Journaled first: what is derived is always derivable again.
  if (journal_ != nullptr && !journal_->append(record)) ++counters_.journal_errors;
  process(record);
  // The clock is read every few hundred records, not per record.
  if (checkpoint_ && ++until_checkpoint_ >= 256) {
    until_checkpoint_ = 0;
    checkpoint_->observe(last_sequence_, outputs_sent(), outputs_acknowledged());
  }
}

bool StreamService::flush_journal() {
  if (journal_ == nullptr || journal_->flush()) return true;
  ++counters_.journal_errors;
  return false;
}

void StreamService::write_checkpoint() {
  if (checkpoint_ && outputs_acknowledged().covers(outputs_sent())) checkpoint_->write(last_sequence_);
}

OutputCounts StreamService::outputs_sent() const {
  return {fanout_.sent, options_.history != nullptr ? options_.history->counters().accepted.load() : 0};
}

OutputCounts StreamService::outputs_acknowledged() const {
  OutputCounts acknowledged{options_.derived_acknowledged(), 0};
  if (const store::HistoryWriter* history = options_.history) {
    const auto& c = history->counters();
    // Refused and dropped rows are counted and logged there; waiting for
    // them would hold the checkpoint back for good.
    acknowledged.history = c.written.load() + c.rejected.load() + c.dropped.load();
  }
  return acknowledged;
}

const std::string& StreamService::series_name(const msg::RecordHeader& header) {
  auto [entry, added] = series_names_.try_emplace(header.instrument_id);
  if (added || entry->second.empty()) {
    entry->second = header.venue == msg::Venue::kComposite ? current_->processor.symbol_of(header.instrument_id)
                                                           : directory_.name(header.instrument_id);
  }
  return entry->second;
}

}  // namespace rtm::streamsvc
