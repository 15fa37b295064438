#include "rtm/feeds/coinbase_adapter.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "json_fields.hpp"
#include "rtm/feeds/symbol_map.hpp"

namespace rtm::feeds {
namespace {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

// A scalar field as read from the frame. Coinbase reuses field names across
// message types, and a type this adapter does not normalize may give a name
// a value of another type (a market order's "price" is null), so a wrongly
// typed field only makes a frame malformed when its message type needs it.
template <class T>
struct Field {
  T value{};
  bool present = false;
  bool ok = false;  // present and of the expected type

  [[nodiscard]] bool absent_or_ok() const noexcept { return !present || ok; }
};

template <class T, class Reader>
bool read(Field<T>& field, od::value value, Reader reader) {
  field.present = true;
  field.ok = reader(value, field.value);
  return true;  // a wrong type is judged later, by the message type
}

using detail::RawLevel;

// Everything the adapter reads from a Coinbase message, filled in one pass
// over its fields whatever their order. Nothing is converted until the whole
// frame has parsed and its type is known, so a frame that turns out
// malformed halfway has emitted and applied nothing.
struct Message {
  Field<std::string_view> type, product_id, time, side;
  Field<std::string_view> price, size;
  Field<std::string_view> best_bid, best_bid_size, best_ask, best_ask_size;
  Field<std::uint64_t> trade_id, sequence;
  bool has_bids = false, has_asks = false, has_changes = false;
};

// How a level array's rows are laid out: a snapshot's "bids" and "asks" rows
// are [price, size] on the side the key names; an l2update's "changes" rows
// are [side, price, size].
enum class Rows : std::uint8_t { kBids, kAsks, kChanges };

// A change's side is the side of the book: "buy" is a bid.
// "buy" or "sell" told apart without a branch on which: a book update's
// sides come in random order, and a mispredicted string compare per change
// cost more than reading the word. The byte past "buy" is readable (the
// frame's closing quote, or the parser's padded buffer for an escaped one).
bool book_side(od::value value, msg::BookSide& side) {
  std::string_view text;
  if (!detail::string_value(value, text) || text.size() - 3 > 1) return false;
  std::uint32_t word = 0;
  std::memcpy(&word, text.data(), 4);
  constexpr std::uint32_t kBuy = 'b' | ('u' << 8) | ('y' << 16);
  constexpr std::uint32_t kSell = 's' | ('e' << 8) | ('l' << 16) | (static_cast<std::uint32_t>('l') << 24);
  const bool buy = text.size() == 3 && (word & 0x00FFFFFFU) == kBuy;
  const bool sell = text.size() == 4 && word == kSell;
  side = buy ? msg::BookSide::kBid : msg::BookSide::kAsk;
  return buy | sell;
}

bool read_cell(od::value cell, Rows rows, std::size_t column, RawLevel& level) {
  if (rows == Rows::kChanges) {
    if (column == 0) return book_side(cell, level.side);
    --column;
  }
  if (column == 0) return detail::number_string(cell, level.price);
  if (column == 1) return detail::number_string(cell, level.size);
  return true;  // extra columns (a REST book's order count) are skipped
}

bool read_row(od::array row, Rows rows, RawLevel& level) {
  std::size_t columns = 0;
  for (auto cell_result : row) {
    if (cell_result.error() != SUCCESS) return false;
    if (!read_cell(cell_result.value_unsafe(), rows, columns++, level)) return false;
  }
  return columns >= (rows == Rows::kChanges ? 3U : 2U);
}

bool read_rows(od::value value, Rows rows, std::vector<RawLevel>& levels) {
  od::array array;
  if (value.get_array().get(array) != SUCCESS) return false;
  const msg::BookSide side = rows == Rows::kAsks ? msg::BookSide::kAsk : msg::BookSide::kBid;
  for (auto row_result : array) {
    od::array row;
    if (row_result.get_array().get(row) != SUCCESS) return false;  // NOLINT(bugprone-use-after-move)
    RawLevel level{side, {}, {}};
    if (!read_row(row, rows, level)) return false;
    levels.push_back(level);
  }
  return true;
}

// Level arrays are read as they come (their levels go straight to `levels`),
// so a bad one fails the frame at once; scalars are only recorded.
bool read_field(std::string_view key, od::value value, Message& m, std::vector<RawLevel>& levels) {
  switch (key.size()) {
    case 4:
      if (key == "type") return read(m.type, value, detail::string_value);
      if (key == "time") return read(m.time, value, detail::string_value);
      if (key == "side") return read(m.side, value, detail::string_value);
      if (key == "size") return read(m.size, value, detail::number_string);
      if (key == "bids") return m.has_bids = read_rows(value, Rows::kBids, levels);
      if (key == "asks") return m.has_asks = read_rows(value, Rows::kAsks, levels);
      return true;
    case 5:
      if (key == "price") return read(m.price, value, detail::number_string);
      return true;
    case 7:
      if (key == "changes") return m.has_changes = read_rows(value, Rows::kChanges, levels);
      return true;
    case 8:
      if (key == "sequence") return read(m.sequence, value, detail::unsigned_integer);
      if (key == "trade_id") return read(m.trade_id, value, detail::unsigned_integer);
      if (key == "best_bid") return read(m.best_bid, value, detail::number_string);
      if (key == "best_ask") return read(m.best_ask, value, detail::number_string);
      return true;
    case 10:
      if (key == "product_id") return read(m.product_id, value, detail::string_value);
      return true;
    case 13:
      if (key == "best_bid_size") return read(m.best_bid_size, value, detail::number_string);
      if (key == "best_ask_size") return read(m.best_ask_size, value, detail::number_string);
      return true;
    default:
      return true;
  }
}

enum class Kind : std::uint8_t { kTrade, kTicker, kSnapshot, kUpdate, kOrderFlow, kControl, kUnknown };

Kind classify(std::string_view type) noexcept {
  if (type == "l2update") return Kind::kUpdate;
  if (type == "match" || type == "last_match") return Kind::kTrade;
  if (type == "ticker") return Kind::kTicker;
  if (type == "snapshot") return Kind::kSnapshot;
  // The full channel's order messages: sequenced, but not normalized here.
  if (type == "received" || type == "open" || type == "done" || type == "change" || type == "activate") {
    return Kind::kOrderFlow;
  }
  // Session messages; "subscribe" and "unsubscribe" are our own requests,
  // which show up when a session's traffic is replayed.
  if (type == "heartbeat" || type == "subscriptions" || type == "error" || type == "subscribe" ||
      type == "unsubscribe") {
    return Kind::kControl;
  }
  return Kind::kUnknown;
}

bool has_product(const Message& m) noexcept {
  return m.product_id.ok && !m.product_id.value.empty();
}

bool decimal(const Field<std::string_view>& field, std::uint8_t scale, std::int64_t& out) noexcept {
  return field.ok && detail::to_mantissa(field.value, scale, out);
}

bool quantity(const Field<std::string_view>& field, std::uint8_t scale, std::int64_t& out) noexcept {
  return decimal(field, scale, out) && out >= 0;
}

// The venue's time when the message has one (tickers and updates may not).
bool event_time(const Message& m, std::int64_t ts_recv, std::int64_t& out) noexcept {
  if (!m.time.present) {
    out = ts_recv;
    return true;
  }
  return m.time.ok && detail::parse_rfc3339(m.time.value, out);
}

// A match's "side" is the maker's: the taker, who aggressed, took the other.
bool aggressor_of(const Field<std::string_view>& side, msg::Aggressor& out) noexcept {
  if (!side.ok || (side.value != "sell" && side.value != "buy")) return false;
  out = side.value == "sell" ? msg::Aggressor::kBuy : msg::Aggressor::kSell;
  return true;
}

struct LastSequence {
  std::uint64_t value = 0;
  bool seen = false;  // nothing seen since the connection (re)started
};

}  // namespace

struct CoinbaseAdapter::Track {
  Instrument* instrument = nullptr;
  OrderBook book;
  BookState state = BookState::kAwaitingSnapshot;
  LastSequence feed;    // every sequenced message but tickers
  LastSequence ticker;  // tickers, which reuse their match's number
};

struct CoinbaseAdapter::Impl {
  explicit Impl(CoinbaseOptions adapter_options) : options(adapter_options) {}

  CoinbaseOptions options;
  od::parser parser;
  Message message;  // the frame being handled; views into the frame and parser
  std::vector<RawLevel> raw_levels;
  std::vector<BookLevelUpdate> levels;
  SymbolMap<Track> tracks;

  Track& track(Instrument& instrument) { return track_for(tracks, instrument); }

  [[nodiscard]] const Track* find(std::string_view symbol) const {
    const auto found = tracks.find(symbol);
    return found == tracks.end() ? nullptr : &found->second;
  }

  bool convert_levels(const Instrument& instrument) { return detail::convert_levels(raw_levels, instrument, levels); }

  // Parses a frame into `message`; false if it is not a well-formed JSON
  // object or a level array is malformed.
  bool parse(PaddedFrame frame) {
    message = Message{};
    raw_levels.clear();
    od::document document;
    if (parser.iterate(detail::padded(frame)).get(document) != SUCCESS) return false;
    od::object object;
    if (document.get_object().get(object) != SUCCESS) return false;
    return detail::for_each_field(object, [&](std::string_view key, od::value value) {
      return read_field(key, value, message, raw_levels);
    });
  }
};

CoinbaseAdapter::CoinbaseAdapter(InstrumentCatalog& catalog, RecordSink& sink, CoinbaseOptions options)
    : VenueAdapter(msg::Venue::kCoinbase, catalog, sink), impl_(std::make_unique<Impl>(options)) {}

CoinbaseAdapter::~CoinbaseAdapter() = default;

FrameResult CoinbaseAdapter::on_frame(PaddedFrame frame, std::int64_t ts_recv) {
  if (oversized(frame)) return malformed("frame over the size limit");
  if (!impl_->parse(frame) || !impl_->message.type.ok) return malformed("not JSON, or a field of the wrong type");
  switch (classify(impl_->message.type.value)) {
    case Kind::kUpdate:
      return on_update(ts_recv);
    case Kind::kTrade:
      return on_trade(ts_recv);
    case Kind::kTicker:
      return on_ticker(ts_recv);
    case Kind::kSnapshot:
      return on_snapshot(ts_recv);
    case Kind::kOrderFlow:
      return on_order_flow(ts_recv);
    case Kind::kControl:
      return ignored(false);
    case Kind::kUnknown:
      break;
  }
  return ignored(true);
}

FrameResult CoinbaseAdapter::on_trade(std::int64_t ts_recv) {
  const Message& m = impl_->message;
  std::int64_t ts_event = 0;
  msg::Aggressor aggressor = msg::Aggressor::kUnknown;
  if (!has_product(m) || !m.trade_id.ok || !m.sequence.absent_or_ok() || !m.time.ok ||
      !detail::parse_rfc3339(m.time.value, ts_event) || !aggressor_of(m.side, aggressor)) {
    return malformed("match without product_id, trade_id, time or side");
  }
  Instrument* found = instrument_for(m.product_id.value);
  if (found == nullptr) return refused();
  Instrument& instrument = *found;
  msg::Trade trade;
  trade.price_scale = instrument.spec.price_scale;
  trade.size_scale = instrument.spec.size_scale;
  if (!decimal(m.price, trade.price_scale, trade.price) || !quantity(m.size, trade.size_scale, trade.size)) {
    return malformed("match price or size not a decimal at the instrument's scale");
  }
  trade.trade_id = m.trade_id.value;
  trade.aggressor = aggressor;
  ++counters_.frames_ok;
  if (accept_sequence(impl_->track(instrument), SequenceStream::kFeed, ts_recv)) {
    emit(trade, instrument, ts_event, ts_recv, msg::flags::kEndOfBatch);
  }
  return FrameResult::kOk;
}

FrameResult CoinbaseAdapter::on_ticker(std::int64_t ts_recv) {
  const Message& m = impl_->message;
  std::int64_t ts_event = 0;
  if (!has_product(m) || !m.sequence.absent_or_ok() || !event_time(m, ts_recv, ts_event))
    return malformed("ticker without product_id, or a bad time");
  Instrument* found = instrument_for(m.product_id.value);
  if (found == nullptr) return refused();
  Instrument& instrument = *found;
  msg::Bbo bbo;
  bbo.price_scale = instrument.spec.price_scale;
  bbo.size_scale = instrument.spec.size_scale;
  if (!decimal(m.best_bid, bbo.price_scale, bbo.bid_price) ||
      !quantity(m.best_bid_size, bbo.size_scale, bbo.bid_size) ||
      !decimal(m.best_ask, bbo.price_scale, bbo.ask_price) ||
      !quantity(m.best_ask_size, bbo.size_scale, bbo.ask_size)) {
    return malformed("ticker best bid/ask not decimals at the instrument's scales");
  }
  ++counters_.frames_ok;
  if (accept_sequence(impl_->track(instrument), SequenceStream::kTicker, ts_recv)) {
    emit(bbo, instrument, ts_event, ts_recv, msg::flags::kEndOfBatch);
  }
  return FrameResult::kOk;
}

FrameResult CoinbaseAdapter::on_snapshot(std::int64_t ts_recv) {
  const Message& m = impl_->message;
  std::int64_t ts_event = 0;
  if (!has_product(m) || !m.has_bids || !m.has_asks || !m.sequence.absent_or_ok() ||
      !event_time(m, ts_recv, ts_event)) {
    return malformed("snapshot without product_id, bids or asks");
  }
  Instrument* found = instrument_for(m.product_id.value);
  if (found == nullptr) return refused();
  Instrument& instrument = *found;
  if (!impl_->convert_levels(instrument)) return malformed("book level not a size >= 0 at the instrument's scales");
  ++counters_.frames_ok;
  Track& track = impl_->track(instrument);
  apply_levels(instrument, track.book, impl_->levels, true, ts_event, ts_recv);
  track.state = BookState::kLive;
  // A numbered snapshot is the book as of that number: what follows it
  // continues from there, whatever was seen before.
  if (m.sequence.present) track.feed = {m.sequence.value, true};
  emit_status(instrument, msg::StatusCode::kBookReady, "snapshot applied", ts_recv);
  if (track.book.crossed()) {
    start_resync(instrument, track.state, msg::StatusCode::kCrossedBook, "best bid at or above best ask", ts_recv);
  }
  return FrameResult::kOk;
}

FrameResult CoinbaseAdapter::on_update(std::int64_t ts_recv) {
  const Message& m = impl_->message;
  std::int64_t ts_event = 0;
  if (!has_product(m) || !m.has_changes || !m.sequence.absent_or_ok() || !event_time(m, ts_recv, ts_event)) {
    return malformed("l2update without product_id, changes or time");
  }
  Instrument* found = instrument_for(m.product_id.value);
  if (found == nullptr) return refused();
  Instrument& instrument = *found;
  if (!impl_->convert_levels(instrument)) return malformed("book change not a size >= 0 at the instrument's scales");
  ++counters_.frames_ok;
  Track& track = impl_->track(instrument);
  // Not live: the snapshot that the resubscription brings supersedes it.
  if (!accept_sequence(track, SequenceStream::kFeed, ts_recv) || track.state != BookState::kLive) {
    return FrameResult::kOk;
  }
  apply_levels(instrument, track.book, impl_->levels, false, ts_event, ts_recv);
  if (track.book.crossed()) {
    start_resync(instrument, track.state, msg::StatusCode::kCrossedBook, "best bid at or above best ask", ts_recv);
  }
  return FrameResult::kOk;
}

// Counted as ignored, but their numbers keep the sequence contiguous when the
// full channel is subscribed.
FrameResult CoinbaseAdapter::on_order_flow(std::int64_t ts_recv) {
  const Message& m = impl_->message;
  ++counters_.frames_ignored;
  if (has_product(m) && m.sequence.ok) {
    if (Instrument* instrument = instrument_for(m.product_id.value)) {
      accept_sequence(impl_->track(*instrument), SequenceStream::kFeed, ts_recv);
    }
  }
  return FrameResult::kIgnored;
}

FrameResult CoinbaseAdapter::ignored(bool unknown_type) {
  ++counters_.frames_ignored;
  if (unknown_type) ++counters_.unknown_types;
  return FrameResult::kIgnored;
}

bool CoinbaseAdapter::accept_sequence(Track& track, SequenceStream stream, std::int64_t ts_recv) {
  const Field<std::uint64_t>& sequence = impl_->message.sequence;
  if (!sequence.present) return true;
  LastSequence& last = stream == SequenceStream::kTicker ? track.ticker : track.feed;
  if (last.seen && sequence.value <= last.value) {
    ++counters_.duplicates;
    return false;
  }
  const std::uint64_t expected = last.value + 1;
  const bool jumped = last.seen && sequence.value > expected;
  last = {sequence.value, true};
  if (jumped && stream == SequenceStream::kFeed && impl_->options.gaps_on_sequence_jump) {
    // The message itself is fine and still handled; only the book, which
    // may have missed updates, waits for a fresh snapshot.
    start_resync(*track.instrument, track.state, msg::StatusCode::kGap, "sequence jump", ts_recv, expected,
                 sequence.value);
  }
  return true;
}

void CoinbaseAdapter::on_disconnect(std::int64_t ts_recv) {
  for (auto& [symbol, track] : impl_->tracks) {
    if (track.state == BookState::kLive) {
      emit_status(*track.instrument, msg::StatusCode::kDisconnected, "connection lost; book stale", ts_recv);
    }
    track.state = BookState::kAwaitingSnapshot;
    track.feed = {};
    track.ticker = {};
  }
}

const OrderBook* CoinbaseAdapter::book(std::string_view symbol) const {
  const Track* track = impl_->find(symbol);
  return track == nullptr ? nullptr : &track->book;
}

BookState CoinbaseAdapter::book_state(std::string_view symbol) const {
  const Track* track = impl_->find(symbol);
  return track == nullptr ? BookState::kAwaitingSnapshot : track->state;
}

}  // namespace rtm::feeds
