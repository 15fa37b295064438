#include "rtm/feeds/binance_adapter.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "json_fields.hpp"
#include "rtm/feeds/symbol_map.hpp"

namespace rtm::feeds {
namespace {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

using detail::RawLevel;

// Everything a Binance message (or REST snapshot) can carry; filled in one
// pass over its fields, whatever their order.
struct Event {
  std::string_view type;  // "e"
  std::string_view symbol;
  std::uint64_t event_time_ms = 0;
  std::uint64_t trade_time_ms = 0;
  std::uint64_t trade_id = 0;
  std::uint64_t first_update_id = 0;  // U
  std::uint64_t last_update_id = 0;   // u (depth) or the bookTicker's update id
  std::uint64_t snapshot_update_id = 0;
  std::string_view price, quantity;
  std::string_view bid_price, bid_quantity, ask_price, ask_quantity;
  bool maker_is_buyer = false;
  bool has_maker = false, has_trade_id = false, has_first = false, has_last = false, has_snapshot_id = false;
  bool is_ack = false;  // {"result":..,"id":..}: a reply to our subscribe
  std::vector<RawLevel>* levels = nullptr;
};

bool parse_levels(od::value& value, msg::BookSide side, std::vector<RawLevel>& levels) {
  od::array rows;
  if (value.get_array().get(rows) != SUCCESS) return false;
  for (auto row_result : rows) {
    od::array row;
    if (row_result.get_array().get(row) != SUCCESS) return false;  // NOLINT(bugprone-use-after-move)
    RawLevel level{side, {}, {}};
    std::size_t column = 0;
    for (auto cell_result : row) {
      if (cell_result.error() != SUCCESS) return false;
      od::value cell = cell_result.value_unsafe();
      std::string_view* target = column == 0 ? &level.price : column == 1 ? &level.size : nullptr;
      if (target != nullptr && !detail::number_string(cell, *target)) return false;
      ++column;
    }
    if (column < 2) return false;
    levels.push_back(level);
  }
  return true;
}

// "b" and "a" are bid/ask level arrays in a depth diff, best prices (strings)
// in a bookTicker, and order ids (numbers) in a trade.
[[gnu::always_inline]] inline bool parse_side_field(od::value& value, msg::BookSide side, std::string_view& best_price,
                                                    Event& event) {
  od::json_type type{};
  if (value.type().get(type) != SUCCESS) return false;
  if (type == od::json_type::array) return parse_levels(value, side, *event.levels);
  if (type == od::json_type::string) return detail::number_string(value, best_price);
  return true;
}

bool parse_fields(od::object object, Event& event);

// An if-chain, not a switch: a jump table's target changes with every field,
// which an indirect-branch predictor keeps missing, while these conditional
// branches follow the venue's fixed field order and are predicted well.
[[gnu::always_inline]] inline bool parse_field(std::string_view key, od::value& value, Event& event) {
  if (key.size() == 1) {
    const char k = key[0];
    if (k == 'e') return detail::string_value(value, event.type);
    if (k == 'E') return detail::unsigned_integer(value, event.event_time_ms);
    if (k == 's') return detail::string_value(value, event.symbol);
    if (k == 't') return event.has_trade_id = detail::unsigned_integer(value, event.trade_id);
    if (k == 'p') return detail::number_string(value, event.price);
    if (k == 'q') return detail::number_string(value, event.quantity);
    if (k == 'b') return parse_side_field(value, msg::BookSide::kBid, event.bid_price, event);
    if (k == 'a') return parse_side_field(value, msg::BookSide::kAsk, event.ask_price, event);
    if (k == 'T') return detail::unsigned_integer(value, event.trade_time_ms);
    if (k == 'm') return event.has_maker = value.get_bool().get(event.maker_is_buyer) == SUCCESS;
    if (k == 'U') return event.has_first = detail::unsigned_integer(value, event.first_update_id);
    if (k == 'u') return event.has_last = detail::unsigned_integer(value, event.last_update_id);
    if (k == 'B') return detail::number_string(value, event.bid_quantity);
    if (k == 'A') return detail::number_string(value, event.ask_quantity);
    return true;
  }
  if (key == "data") {
    od::object inner;
    return value.get_object().get(inner) == SUCCESS && parse_fields(inner, event);
  }
  if (key == "bids") return parse_levels(value, msg::BookSide::kBid, *event.levels);
  if (key == "asks") return parse_levels(value, msg::BookSide::kAsk, *event.levels);
  if (key == "lastUpdateId") return event.has_snapshot_id = detail::unsigned_integer(value, event.snapshot_update_id);
  if (key == "result" || key == "id") event.is_ack = true;
  return true;
}

// The loop written out rather than detail::for_each_field: through its
// callback the value was passed by copy, which brought back the stall
// for_each_field describes (measured: 1.7x the time per trade).
bool parse_fields(od::object object, Event& event) {
  for (auto field_result : object) {
    if (field_result.error() != SUCCESS) return false;
    od::field& field = field_result.value_unsafe();
    if (!parse_field(detail::key_of(field), field.value(), event)) return false;
  }
  return true;
}

// Venue milliseconds to our nanoseconds; false past the year 2262, where 64
// bits of nanoseconds end (a value that large is a corrupt frame).
constexpr bool ms_to_ns(std::uint64_t ms, std::int64_t& ns) {
  constexpr auto kMaxMs = static_cast<std::uint64_t>(INT64_MAX / detail::kNanosPerMilli);
  if (ms > kMaxMs) return false;
  ns = static_cast<std::int64_t>(ms) * detail::kNanosPerMilli;
  return true;
}

// A buffered depth diff, at the instrument's scales.
struct BufferedDiff {
  std::uint64_t first_update_id = 0;
  std::uint64_t last_update_id = 0;
  std::int64_t ts_event = 0;
  std::int64_t ts_recv = 0;
  std::vector<BookLevelUpdate> levels;
};

struct BookTrack {
  Instrument* instrument = nullptr;
  OrderBook book;
  BookState state = BookState::kAwaitingSnapshot;
  std::uint64_t last_update_id = 0;
  bool first_diff_after_snapshot = false;
  bool snapshot_requested = false;
  std::deque<BufferedDiff> buffered;
};

}  // namespace

struct BinanceAdapter::Impl {
  explicit Impl(BinanceOptions adapter_options) : options(adapter_options) {}

  BinanceOptions options;
  od::parser parser;
  std::vector<RawLevel> raw_levels;
  std::vector<BookLevelUpdate> levels;
  SymbolMap<BookTrack> books;

  BookTrack& track(Instrument& instrument) { return track_for(books, instrument); }

  bool convert_levels(const Instrument& instrument) { return detail::convert_levels(raw_levels, instrument, levels); }

  // Parses a frame into `event`; false if it is not well-formed JSON of the
  // expected shape.
  bool parse(PaddedFrame frame, Event& event) {
    raw_levels.clear();
    event.levels = &raw_levels;
    od::document document;
    if (parser.iterate(detail::padded(frame)).get(document) != SUCCESS) return false;
    od::object object;
    if (document.get_object().get(object) != SUCCESS) return false;
    return parse_fields(object, event);
  }
};

BinanceAdapter::BinanceAdapter(InstrumentCatalog& catalog, RecordSink& sink, BinanceOptions options)
    : VenueAdapter(msg::Venue::kBinance, catalog, sink), impl_(std::make_unique<Impl>(options)) {}

BinanceAdapter::~BinanceAdapter() = default;

FrameResult BinanceAdapter::on_frame(PaddedFrame frame, std::int64_t ts_recv) {
  Event event;
  if (oversized(frame)) return malformed("frame over the size limit");
  if (!impl_->parse(frame, event)) return malformed("not JSON, or a field of the wrong type");

  if (event.type == "trade") {
    if (event.symbol.empty() || !event.has_trade_id || !event.has_maker) return malformed("trade without s, t or m");
    Instrument* found = instrument_for(event.symbol);
    if (found == nullptr) return refused();
    Instrument& instrument = *found;
    msg::Trade trade;
    trade.price_scale = instrument.spec.price_scale;
    trade.size_scale = instrument.spec.size_scale;
    if (!detail::to_mantissa(event.price, trade.price_scale, trade.price) ||
        !detail::to_mantissa(event.quantity, trade.size_scale, trade.size) || trade.size < 0) {
      return malformed("trade p or q not a decimal at the instrument's scale");
    }
    std::int64_t ts_event = 0;
    if (!ms_to_ns(event.trade_time_ms != 0 ? event.trade_time_ms : event.event_time_ms, ts_event))
      return malformed("trade time out of range");
    trade.trade_id = event.trade_id;
    // m: the buyer was the maker, so the aggressor sold.
    trade.aggressor = event.maker_is_buyer ? msg::Aggressor::kSell : msg::Aggressor::kBuy;
    emit(trade, instrument, ts_event, ts_recv, msg::flags::kEndOfBatch);
    ++counters_.frames_ok;
    return FrameResult::kOk;
  }

  if (event.type == "depthUpdate") {
    std::int64_t ts_event = 0;
    if (event.symbol.empty() || !event.has_first || !event.has_last || event.first_update_id > event.last_update_id ||
        !ms_to_ns(event.event_time_ms, ts_event)) {
      return malformed("depth diff without s, U or u, U > u, or bad E");
    }
    Instrument* found = instrument_for(event.symbol);
    if (found == nullptr) return refused();
    Instrument& instrument = *found;
    if (!impl_->convert_levels(instrument)) return malformed("depth level not a size >= 0 at the instrument's scales");
    ++counters_.frames_ok;
    BookTrack& track = impl_->track(instrument);
    if (track.state != BookState::kLive) {
      // Held until the snapshot; ask for one the first time.
      if (track.buffered.size() >= impl_->options.max_buffered_diffs) track.buffered.pop_front();
      track.buffered.push_back({event.first_update_id, event.last_update_id, ts_event, ts_recv, impl_->levels});
      if (!track.snapshot_requested) {
        track.snapshot_requested = true;
        request_resync(instrument.spec.symbol);
      }
      return FrameResult::kOk;
    }
    if (event.last_update_id <= track.last_update_id) {
      ++counters_.duplicates;  // already in the book
      return FrameResult::kOk;
    }
    const std::uint64_t expected = track.last_update_id + 1;
    const bool in_sequence =
        track.first_diff_after_snapshot ? event.first_update_id <= expected : event.first_update_id == expected;
    if (!in_sequence) {
      start_resync(instrument, track.state, msg::StatusCode::kGap, "depth diff U != previous u + 1", ts_recv, expected,
                   event.first_update_id);
      track.snapshot_requested = true;
      track.buffered.clear();
      track.buffered.push_back({event.first_update_id, event.last_update_id, ts_event, ts_recv, impl_->levels});
      return FrameResult::kOk;
    }
    apply_levels(instrument, track.book, impl_->levels, false, ts_event, ts_recv);
    track.last_update_id = event.last_update_id;
    track.first_diff_after_snapshot = false;
    if (track.book.crossed()) {
      start_resync(instrument, track.state, msg::StatusCode::kCrossedBook, "best bid at or above best ask", ts_recv);
      track.snapshot_requested = true;
    }
    return FrameResult::kOk;
  }

  if (event.type.empty() && !event.symbol.empty() && !event.bid_price.empty() && !event.ask_price.empty()) {
    Instrument* found = instrument_for(event.symbol);
    if (found == nullptr) return refused();
    Instrument& instrument = *found;
    msg::Bbo bbo;
    bbo.price_scale = instrument.spec.price_scale;
    bbo.size_scale = instrument.spec.size_scale;
    if (!detail::to_mantissa(event.bid_price, bbo.price_scale, bbo.bid_price) ||
        !detail::to_mantissa(event.bid_quantity, bbo.size_scale, bbo.bid_size) ||
        !detail::to_mantissa(event.ask_price, bbo.price_scale, bbo.ask_price) ||
        !detail::to_mantissa(event.ask_quantity, bbo.size_scale, bbo.ask_size) || bbo.bid_size < 0 ||
        bbo.ask_size < 0) {
      return malformed("bookTicker price or size not a decimal at the instrument's scale");
    }
    // bookTicker carries no exchange time: ts_event is our receive time.
    emit(bbo, instrument, ts_recv, ts_recv, msg::flags::kEndOfBatch);
    ++counters_.frames_ok;
    return FrameResult::kOk;
  }

  ++counters_.frames_ignored;
  if (!event.is_ack) ++counters_.unknown_types;
  return FrameResult::kIgnored;
}

FrameResult BinanceAdapter::on_depth_snapshot(std::string_view symbol, PaddedFrame frame, std::int64_t ts_recv) {
  Event event;
  Instrument* found = instrument_for(symbol);
  if (found == nullptr) return refused();
  Instrument& instrument = *found;
  if (oversized(frame) || !impl_->parse(frame, event) || !event.has_snapshot_id || !impl_->convert_levels(instrument)) {
    return malformed("not a depth snapshot (lastUpdateId, bids, asks)");
  }
  ++counters_.frames_ok;
  BookTrack& track = impl_->track(instrument);
  track.snapshot_requested = false;
  const std::uint64_t snapshot_id = event.snapshot_update_id;

  // Find the buffered diffs that continue the snapshot, and check that they
  // do so without a hole before applying anything.
  while (!track.buffered.empty() && track.buffered.front().last_update_id <= snapshot_id) track.buffered.pop_front();
  std::uint64_t expected = snapshot_id + 1;
  for (std::size_t i = 0; i < track.buffered.size(); ++i) {
    const BufferedDiff& diff = track.buffered[i];
    const bool continues = i == 0 ? diff.first_update_id <= expected : diff.first_update_id == expected;
    if (!continues) {
      // The snapshot is older than the diffs we hold (or a diff is missing):
      // take a newer snapshot and keep buffering.
      emit_status(instrument, msg::StatusCode::kGap, "snapshot misses buffered diffs", ts_recv, expected,
                  diff.first_update_id);
      ++counters_.gaps;
      track.snapshot_requested = true;
      request_resync(instrument.spec.symbol);
      return FrameResult::kOk;
    }
    expected = diff.last_update_id + 1;
  }

  apply_levels(instrument, track.book, impl_->levels, true, ts_recv, ts_recv);
  track.last_update_id = snapshot_id;
  track.first_diff_after_snapshot = true;
  for (const BufferedDiff& diff : track.buffered) {
    apply_levels(instrument, track.book, diff.levels, false, diff.ts_event, diff.ts_recv);
    track.last_update_id = diff.last_update_id;
    track.first_diff_after_snapshot = false;
  }
  track.buffered.clear();
  track.state = BookState::kLive;
  emit_status(instrument, msg::StatusCode::kBookReady, "snapshot applied", ts_recv, snapshot_id, track.last_update_id);
  if (track.book.crossed()) {
    start_resync(instrument, track.state, msg::StatusCode::kCrossedBook, "best bid at or above best ask", ts_recv);
    track.snapshot_requested = true;
  }
  return FrameResult::kOk;
}

void BinanceAdapter::on_disconnect(std::int64_t ts_recv) {
  for (auto& [symbol, track] : impl_->books) {
    if (track.state == BookState::kLive) {
      emit_status(*track.instrument, msg::StatusCode::kDisconnected, "connection lost; book stale", ts_recv);
    }
    track.state = BookState::kAwaitingSnapshot;
    track.snapshot_requested = false;  // the first diff after reconnecting asks again
    track.buffered.clear();
  }
}

const OrderBook* BinanceAdapter::book(std::string_view symbol) const {
  const auto found = impl_->books.find(symbol);
  return found == impl_->books.end() ? nullptr : &found->second.book;
}

BookState BinanceAdapter::book_state(std::string_view symbol) const {
  const auto found = impl_->books.find(symbol);
  return found == impl_->books.end() ? BookState::kAwaitingSnapshot : found->second.state;
}

}  // namespace rtm::feeds
