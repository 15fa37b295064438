#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::feeds {

void VenueAdapter::emit_definition(Instrument& instrument, std::int64_t ts_recv, std::uint16_t flags) {
  msg::InstrumentDef definition;
  // A symbol or canonical name too long for the record is sent empty rather
  // than cut: a cut name would be another instrument's.
  definition.venue_symbol.assign(instrument.spec.symbol);
  definition.canonical_symbol.assign(instrument.spec.canonical);
  definition.price_scale = instrument.spec.price_scale;
  definition.size_scale = instrument.spec.size_scale;
  definition.tick_size = instrument.spec.tick_size;
  definition.lot_size = instrument.spec.lot_size;
  emit(definition, instrument, ts_recv, ts_recv, flags);
}

void VenueAdapter::emit_status(Instrument& instrument, msg::StatusCode code, std::string_view detail,
                               std::int64_t ts_recv, std::uint64_t expected, std::uint64_t received) {
  msg::Status status;
  status.code = code;
  status.expected_sequence = expected;
  status.received_sequence = received;
  // Too long or unprintable details are cut rather than lost entirely.
  if (!status.detail.assign(detail)) status.detail.assign(detail.substr(0, status.detail.chars.size()));
  emit(status, instrument, ts_recv, ts_recv);
}

void VenueAdapter::apply_levels(Instrument& instrument, OrderBook& book, std::span<const BookLevelUpdate> levels,
                                bool snapshot, std::int64_t ts_event, std::int64_t ts_recv) {
  if (snapshot) book.clear();
  for (const BookLevelUpdate& level : levels) book.apply(level.side, level.price, level.size);
  emit_levels(instrument, levels, snapshot, ts_event, ts_recv);
}

void VenueAdapter::emit_levels(Instrument& instrument, std::span<const BookLevelUpdate> levels, bool snapshot,
                               std::int64_t ts_event, std::int64_t ts_recv) {
  if (levels.empty()) return;
  define_first(instrument, ts_recv);
  // The message's sequence numbers are taken at once: incrementing the
  // instrument's counter per record made each record's header wait for the
  // previous increment to reach memory.
  std::uint64_t sequence = instrument.next_sequence;
  instrument.next_sequence += levels.size();
  // One record reused for the whole message: what the levels share is set
  // once, and building a fresh record per level cost more than the rest of
  // the emission.
  msg::BookDelta delta;
  delta.price_scale = instrument.spec.price_scale;
  delta.size_scale = instrument.spec.size_scale;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const BookLevelUpdate& level = levels[i];
    delta.side = level.side;
    delta.price = level.price;
    delta.size = level.size;
    std::uint16_t flags = 0;
    if (snapshot && i == 0) flags |= msg::flags::kSnapshotBegin;
    if (i + 1 == levels.size()) flags |= msg::flags::kEndOfBatch | (snapshot ? msg::flags::kSnapshotEnd : 0);
    deliver(delta, instrument, sequence++, ts_event, ts_recv, flags);
  }
}

void VenueAdapter::start_resync(Instrument& instrument, BookState& state, msg::StatusCode reason,
                                std::string_view detail, std::int64_t ts_recv, std::uint64_t expected,
                                std::uint64_t received) {
  switch (reason) {
    case msg::StatusCode::kGap:
      ++counters_.gaps;
      break;
    case msg::StatusCode::kChecksumFailure:
      ++counters_.checksum_failures;
      break;
    case msg::StatusCode::kCrossedBook:
      ++counters_.crossed_books;
      break;
    default:
      break;
  }
  emit_status(instrument, reason, detail, ts_recv, expected, received);
  state = BookState::kStale;
  emit_status(instrument, msg::StatusCode::kResync, "stale until a fresh snapshot", ts_recv);
  request_resync(instrument.spec.symbol);
}

}  // namespace rtm::feeds
