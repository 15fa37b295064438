#include "rtm/feeds/kraken_adapter.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "json_fields.hpp"
#include "rtm/feeds/symbol_map.hpp"

namespace rtm::feeds {

// Parsing: the whole frame into scratch entries before anything is acted on
namespace {

namespace od = simdjson::ondemand;
using detail::for_each_field;
using simdjson::SUCCESS;

enum class Channel : std::uint8_t { kMissing, kTrade, kBook, kInstrument, kKnownIgnored, kUnknown };
enum class MessageType : std::uint8_t { kMissing, kSnapshot, kUpdate, kOther };

Channel classify_channel(std::string_view name) noexcept {
  if (name == "trade") return Channel::kTrade;
  if (name == "book") return Channel::kBook;
  if (name == "instrument") return Channel::kInstrument;
  if (name == "status" || name == "heartbeat") return Channel::kKnownIgnored;
  return Channel::kUnknown;
}

MessageType classify_type(std::string_view name) noexcept {
  if (name == "snapshot") return MessageType::kSnapshot;
  if (name == "update") return MessageType::kUpdate;
  return MessageType::kOther;
}

// The envelope. Kept as enums, not text: the second pass over the frame
// reuses the parser's string buffer the first pass unescaped into.
struct Header {
  Channel channel = Channel::kMissing;
  MessageType type = MessageType::kMissing;
  bool has_method = false;  // a reply to our request, or its echo
  bool has_data = false;
};

struct TradeEntry {
  std::string_view symbol, side, price, qty, timestamp;
  bool has_trade_id = false;
  msg::Trade trade;  // trade_id parsed; the rest filled by prepare
  std::int64_t ts_event = 0;
  Instrument* instrument = nullptr;  // known to the catalog when prepared
};

struct RawLevel {
  msg::BookSide side = msg::BookSide::kBid;
  std::string_view price, qty;
};

// One element of a book message's data; its levels are
// raw_levels[first_level, end_level).
struct BookEntry {
  std::string_view symbol, timestamp;
  std::uint64_t checksum = 0;
  bool has_checksum = false;
  std::size_t first_level = 0, end_level = 0;
  std::int64_t ts_event = 0;         // filled by prepare
  Instrument* instrument = nullptr;  // known to the catalog when prepared
};

constexpr std::uint64_t kNoPrecision = std::numeric_limits<std::uint64_t>::max();

struct PairEntry {
  std::string_view symbol, price_increment, qty_increment;
  std::uint64_t price_precision = kNoPrecision, qty_precision = kNoPrecision;
  std::int64_t tick = 0, lot = 0;  // filled by prepare
};

// Reused across frames: cleared, never shrunk, so the steady path does not
// allocate.
struct Scratch {
  Header header;
  std::vector<TradeEntry> trades;
  std::vector<BookEntry> books;
  std::vector<RawLevel> raw_levels;
  std::vector<PairEntry> pairs;

  void clear() noexcept {
    header = {};
    clear_data();
  }
  void clear_data() noexcept {
    trades.clear();
    books.clear();
    raw_levels.clear();
    pairs.clear();
  }
};

// False unless the value is an array and on_element accepts every element.
template <class OnElement>
bool for_each_element(od::value value, OnElement&& on_element) {
  od::array array;
  if (value.get_array().get(array) != SUCCESS) return false;
  for (auto element : array) {
    if (element.error() != SUCCESS || !on_element(element.value_unsafe())) return false;
  }
  return true;
}

bool parse_trade(od::value value, TradeEntry& trade) {
  return for_each_field(value, [&](std::string_view key, od::value field) -> bool {
    if (key == "symbol") return detail::string_value(field, trade.symbol);
    if (key == "side") return detail::string_value(field, trade.side);
    if (key == "price") return detail::number_token(field, trade.price);
    if (key == "qty") return detail::number_token(field, trade.qty);
    if (key == "timestamp") return detail::string_value(field, trade.timestamp);
    if (key == "trade_id") return trade.has_trade_id = detail::unsigned_integer(field, trade.trade.trade_id);
    return true;
  });
}

// [{"price":0.5657,"qty":1098.3947558}, ...]
bool parse_levels(od::value value, msg::BookSide side, std::vector<RawLevel>& levels) {
  return for_each_element(value, [&](od::value element) {
    RawLevel level{side, {}, {}};
    const bool ok = for_each_field(element, [&](std::string_view key, od::value field) -> bool {
      if (key == "price") return detail::number_token(field, level.price);
      if (key == "qty") return detail::number_token(field, level.qty);
      return true;
    });
    if (!ok || level.price.empty() || level.qty.empty()) return false;
    levels.push_back(level);
    return true;
  });
}

bool parse_book(od::value value, BookEntry& book, std::vector<RawLevel>& levels) {
  book.first_level = levels.size();
  const bool ok = for_each_field(value, [&](std::string_view key, od::value field) -> bool {
    if (key == "symbol") return detail::string_value(field, book.symbol);
    if (key == "bids") return parse_levels(field, msg::BookSide::kBid, levels);
    if (key == "asks") return parse_levels(field, msg::BookSide::kAsk, levels);
    if (key == "timestamp") return detail::string_value(field, book.timestamp);
    if (key == "checksum") {
      book.has_checksum = detail::unsigned_integer(field, book.checksum);
      return book.has_checksum && book.checksum <= std::numeric_limits<std::uint32_t>::max();
    }
    return true;
  });
  book.end_level = levels.size();
  return ok;
}

bool parse_pair(od::value value, PairEntry& pair) {
  return for_each_field(value, [&](std::string_view key, od::value field) -> bool {
    if (key == "symbol") return detail::string_value(field, pair.symbol);
    if (key == "price_precision") return detail::unsigned_integer(field, pair.price_precision);
    if (key == "qty_precision") return detail::unsigned_integer(field, pair.qty_precision);
    if (key == "price_increment") return detail::number_token(field, pair.price_increment);
    if (key == "qty_increment") return detail::number_token(field, pair.qty_increment);
    return true;
  });
}

// The instrument channel's data is an object: {"assets":[..],"pairs":[..]}.
bool parse_instrument_data(od::value value, std::vector<PairEntry>& pairs) {
  return for_each_field(value, [&](std::string_view key, od::value field) {
    if (key != "pairs") return true;
    return for_each_element(field, [&](od::value element) {
      PairEntry pair;
      if (!parse_pair(element, pair)) return false;
      pairs.push_back(pair);
      return true;
    });
  });
}

// Reads one "data" value the way the (already known) channel defines it.
bool parse_data_value(od::value value, Scratch& scratch) {
  switch (scratch.header.channel) {
    case Channel::kTrade:
      return for_each_element(value,
                              [&](od::value element) { return parse_trade(element, scratch.trades.emplace_back()); });
    case Channel::kBook:
      return for_each_element(value, [&](od::value element) {
        return parse_book(element, scratch.books.emplace_back(), scratch.raw_levels);
      });
    case Channel::kInstrument:
      return parse_instrument_data(value, scratch.pairs);
    default:
      return true;
  }
}

bool has_data_to_read(const Header& header) noexcept {
  return (header.channel == Channel::kTrade || header.channel == Channel::kBook ||
          header.channel == Channel::kInstrument) &&
         (header.type == MessageType::kSnapshot || header.type == MessageType::kUpdate);
}

// One pass over the envelope. Kraken writes "channel" and "type" before
// "data", so "data" is read in the same pass as soon as they say how; a
// "data" that comes first is left for a second pass (data_deferred).
bool parse_envelope(od::object object, Scratch& scratch, bool& data_deferred) {
  Header& header = scratch.header;
  bool data_read = false;
  return for_each_field(object, [&](std::string_view key, od::value value) {
    if (key == "channel" || key == "type") {
      std::string_view text;
      // Once "data" has been read as the envelope said, the envelope stays.
      if (data_read || !detail::string_value(value, text)) return false;
      if (key == "channel") header.channel = classify_channel(text);
      if (key == "type") header.type = classify_type(text);
      return true;
    }
    header.has_method = header.has_method || key == "method";
    if (key != "data") return true;
    header.has_data = true;
    if (!has_data_to_read(header)) {
      data_deferred = true;
      return true;
    }
    data_read = true;
    return parse_data_value(value, scratch);
  });
}

// The second pass, for a "data" that came before the envelope told its shape.
bool parse_deferred_data(od::object object, Scratch& scratch) {
  return for_each_field(
      object, [&](std::string_view key, od::value value) { return key != "data" || parse_data_value(value, scratch); });
}

struct Scales {
  std::uint8_t price = 0;
  std::uint8_t size = 0;
};

struct BookTrack {
  BookTrack(Instrument& tracked, std::size_t capacity) : instrument(&tracked), book(capacity) {}
  Instrument* instrument;
  OrderBook book;
  BookState state = BookState::kAwaitingSnapshot;
  ChecksumStatus checksum = ChecksumStatus::kNone;
  KrakenBookChecksum checksummer;
  // The pair's precisions once the instrument channel gave them: a node of
  // the adapter's map, which stays where it is and is updated in place.
  const Scales* precisions = nullptr;
};

// Room for a message's new levels on top of the subscribed depth before the
// cut, so that a book does not reallocate on the steady path.
constexpr std::size_t kLevelSlack = 64;

}  // namespace

// The adapter

// Reaches the protected VenueAdapter helpers through `self` (a nested class
// has its enclosing class's access).
struct KrakenAdapter::Impl {
  Impl(KrakenAdapter& adapter, KrakenOptions adapter_options) : self(adapter), options(adapter_options) {}

  KrakenAdapter& self;
  KrakenOptions options;
  od::parser parser;
  Scratch scratch;
  std::vector<BookLevelUpdate> levels;  // raw_levels at their instruments' scales
  std::vector<BookLevelUpdate> batch;   // one book message's levels plus the depth cut's removals
  SymbolMap<BookTrack> books;
  SymbolMap<Scales> precisions;  // from the instrument channel
  const Instrument* last_tracked = nullptr;  // track()'s last instrument
  BookTrack* last_track = nullptr;           // and its book

  // --- parse and prepare: nothing is emitted or applied here -------------

  // Field order does not matter: a "data" ahead of "channel" and "type"
  // costs a second pass over the frame, the usual order only one.
  bool parse(PaddedFrame frame) {
    scratch.clear();
    od::document document;
    od::object object;
    bool data_deferred = false;
    if (self.oversized(frame) || parser.iterate(detail::padded(frame)).get(document) != SUCCESS ||
        document.get_object().get(object) != SUCCESS || !parse_envelope(object, scratch, data_deferred)) {
      return false;
    }
    const Header& header = scratch.header;
    if (header.channel != Channel::kTrade && header.channel != Channel::kBook &&
        header.channel != Channel::kInstrument) {
      return true;  // nothing in it to read
    }
    if (!has_data_to_read(header) || !header.has_data) return false;
    if (!data_deferred) return true;
    scratch.clear_data();
    document.rewind();
    return document.get_object().get(object) == SUCCESS && parse_deferred_data(object, scratch);
  }

  // The scales a symbol's numbers are read at: its instrument's, or the
  // defaults find_or_add will give it. Looked up without adding, so that a
  // frame found malformed leaves the catalog as it was.
  // `known` keeps the instrument found, so that acting on the frame does
  // not look it up again.
  Scales scales_of(std::string_view symbol, Instrument*& known) const {
    known = self.known_instrument(symbol);
    if (known != nullptr) return {known->spec.price_scale, known->spec.size_scale};
    static const InstrumentSpec kDefaults{};
    return {kDefaults.price_scale, kDefaults.size_scale};
  }

  // prepare_*: checks and converts everything the channel's records need.
  bool prepare_trades() {
    for (TradeEntry& entry : scratch.trades) {
      msg::Trade& trade = entry.trade;
      if (entry.side != "buy" && entry.side != "sell") return false;
      trade.aggressor = entry.side == "buy" ? msg::Aggressor::kBuy : msg::Aggressor::kSell;  // v2: the taker's side
      const Scales scales = scales_of(entry.symbol, entry.instrument);
      trade.price_scale = scales.price;
      trade.size_scale = scales.size;
      if (entry.symbol.empty() || !entry.has_trade_id || !detail::parse_rfc3339(entry.timestamp, entry.ts_event) ||
          !detail::to_mantissa(entry.price, scales.price, trade.price) ||
          !detail::to_mantissa(entry.qty, scales.size, trade.size) || trade.size < 0) {
        return false;
      }
    }
    return true;
  }

  bool prepare_books(std::int64_t ts_recv) {
    levels.clear();
    for (BookEntry& book : scratch.books) {
      if (book.symbol.empty()) return false;
      // A snapshot may carry no timestamp: it is then as of our receipt.
      book.ts_event = ts_recv;
      if (!book.timestamp.empty() && !detail::parse_rfc3339(book.timestamp, book.ts_event)) return false;
      const Scales scales = scales_of(book.symbol, book.instrument);
      for (std::size_t i = book.first_level; i < book.end_level; ++i) {
        const RawLevel& raw = scratch.raw_levels[i];
        BookLevelUpdate& level = levels.emplace_back(BookLevelUpdate{raw.side, 0, 0});
        if (!detail::to_mantissa(raw.price, scales.price, level.price) ||
            !detail::to_mantissa(raw.qty, scales.size, level.size) || level.size < 0) {
          return false;
        }
      }
    }
    return true;
  }

  bool prepare_pairs() {
    for (PairEntry& pair : scratch.pairs) {
      decltype(msg::InstrumentDef::venue_symbol) probe;
      if (pair.symbol.empty() || !probe.assign(pair.symbol) || pair.price_precision > msg::kMaxDecimalScale ||
          pair.qty_precision > msg::kMaxDecimalScale) {  // also when missing
        return false;
      }
      // An increment finer than its precision means the precisions are wrong.
      if ((!pair.price_increment.empty() &&
           !detail::to_mantissa(pair.price_increment, static_cast<std::uint8_t>(pair.price_precision), pair.tick)) ||
          (!pair.qty_increment.empty() &&
           !detail::to_mantissa(pair.qty_increment, static_cast<std::uint8_t>(pair.qty_precision), pair.lot)) ||
          pair.tick < 0 || pair.lot < 0) {
        return false;
      }
    }
    return true;
  }

  // --- act -----------------------------------------------------------------

  void emit_trades(std::int64_t ts_recv) {
    for (std::size_t i = 0; i < scratch.trades.size(); ++i) {
      TradeEntry& entry = scratch.trades[i];
      Instrument* found = entry.instrument != nullptr ? entry.instrument : self.instrument_for(entry.symbol);
      if (found == nullptr) continue;  // counted; the other trades still go out
      Instrument& instrument = *found;
      const bool last = i + 1 == scratch.trades.size();
      self.emit(entry.trade, instrument, entry.ts_event, ts_recv, last ? msg::flags::kEndOfBatch : 0);
    }
  }

  BookTrack& track(Instrument& instrument) {
    // Messages come in runs about one book: the one before is kept at hand.
    if (&instrument == last_tracked) return *last_track;
    auto found = books.find(instrument.spec.symbol);
    if (found == books.end()) {
      found = books.try_emplace(instrument.spec.symbol, instrument, options.book_depth + kLevelSlack).first;
    }
    last_tracked = &instrument;
    last_track = &found->second;  // a map node: it stays where it is
    return found->second;
  }

  void apply_books(std::int64_t ts_recv) {
    const bool snapshot = scratch.header.type == MessageType::kSnapshot;
    for (const BookEntry& entry : scratch.books) {
      Instrument* found = entry.instrument != nullptr ? entry.instrument : self.instrument_for(entry.symbol);
      if (found == nullptr) continue;
      Instrument& instrument = *found;
      BookTrack& book_track = track(instrument);
      // An update to a book that is not live is dropped: the resubscription
      // (or reconnection) that follows brings a fresh snapshot.
      if (!snapshot && book_track.state != BookState::kLive) continue;
      apply_message(book_track.book, entry, snapshot);
      // Judged before its deltas go out: a book found bad is marked stale
      // first, so that nothing downstream takes it as current even for the
      // length of one message.
      const bool good = check_book(instrument, book_track, entry, ts_recv);
      self.emit_levels(instrument, batch, snapshot, entry.ts_event, ts_recv);
      if (!good || !snapshot) continue;
      book_track.state = BookState::kLive;
      self.emit_status(instrument, msg::StatusCode::kBookReady, "snapshot applied", ts_recv);
    }
  }

  // Applies one book message and then the depth cut, and leaves both in
  // `batch` to publish: Kraken sends no removal for a level that falls out
  // of the subscribed depth, and without one a book rebuilt from our deltas
  // would keep levels that have since gone.
  void apply_message(OrderBook& book, const BookEntry& entry, bool snapshot) {
    const std::span<const BookLevelUpdate> message(levels.data() + entry.first_level,
                                                   entry.end_level - entry.first_level);
    if (snapshot) book.clear();
    for (const BookLevelUpdate& level : message) book.apply(level.side, level.price, level.size);
    batch.assign(message.begin(), message.end());
    for (const msg::BookSide side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
      for (std::size_t i = options.book_depth; i < book.depth(side); ++i) {
        batch.push_back({side, book.level(side, i).price, 0});
      }
    }
    book.truncate(options.book_depth);
  }

  // Verifies the checksum (when the pair's precisions are known) and that
  // the book is not crossed; resyncs and returns false otherwise.
  bool check_book(Instrument& instrument, BookTrack& book_track, const BookEntry& entry, std::int64_t ts_recv) {
    book_track.checksum = ChecksumStatus::kNone;
    if (entry.has_checksum && precisions_known(instrument.spec, book_track)) {
      const std::uint32_t computed = book_track.checksummer.compute(book_track.book);
      book_track.checksum = computed == entry.checksum ? ChecksumStatus::kOk : ChecksumStatus::kMismatch;
      if (book_track.checksum == ChecksumStatus::kMismatch) {
        self.start_resync(instrument, book_track.state, msg::StatusCode::kChecksumFailure, "book checksum mismatch",
                          ts_recv, entry.checksum, computed);
        return false;
      }
    }
    if (book_track.book.crossed()) {
      self.start_resync(instrument, book_track.state, msg::StatusCode::kCrossedBook, "best bid at or above best ask",
                        ts_recv);
      return false;
    }
    return true;
  }

  // Kraken formats at the pair's precisions; our mantissas must be at them.
  bool precisions_known(const InstrumentSpec& spec, BookTrack& book_track) const {
    if (book_track.precisions == nullptr) {
      const auto found = precisions.find(spec.symbol);
      if (found == precisions.end()) return false;
      book_track.precisions = &found->second;
    }
    return book_track.precisions->price == spec.price_scale && book_track.precisions->size == spec.size_scale;
  }

  void define_pairs(std::int64_t ts_recv) {
    for (std::size_t i = 0; i < scratch.pairs.size(); ++i) {
      const bool last = i + 1 == scratch.pairs.size();
      define_pair(scratch.pairs[i], ts_recv, last ? msg::flags::kEndOfBatch : 0);
    }
  }

  // Registers the pair at its precisions, so that its numbers are read
  // exactly as Kraken writes (and checksums) them.
  void define_pair(const PairEntry& pair, std::int64_t ts_recv, std::uint16_t flags) {
    const Scales scales{static_cast<std::uint8_t>(pair.price_precision), static_cast<std::uint8_t>(pair.qty_precision)};
    const Instrument* known = self.catalog_.find(self.venue(), pair.symbol);
    const bool rescaled =
        known != nullptr && (known->spec.price_scale != scales.price || known->spec.size_scale != scales.size);
    Instrument& instrument = self.catalog_.add({.venue = self.venue(),
                                                .symbol = std::string(pair.symbol),
                                                // A configured canonical symbol is kept.
                                                .canonical = known != nullptr ? known->spec.canonical : std::string(),
                                                .price_scale = scales.price,
                                                .size_scale = scales.size,
                                                .tick_size = pair.tick,
                                                .lot_size = pair.lot});
    precisions.insert_or_assign(instrument.spec.symbol, scales);
    if (rescaled) drop_book(instrument, ts_recv);

    self.emit_definition(instrument, ts_recv, flags);
  }

  // A book held at the old scales cannot be continued at the new ones.
  void drop_book(Instrument& instrument, std::int64_t ts_recv) {
    const auto found = books.find(instrument.spec.symbol);
    if (found == books.end()) return;
    BookTrack& book_track = found->second;
    book_track.book.clear();
    book_track.checksum = ChecksumStatus::kNone;
    if (book_track.state != BookState::kLive) return;  // a snapshot is already due
    book_track.state = BookState::kStale;
    self.emit_status(instrument, msg::StatusCode::kResync, "instrument scales changed", ts_recv);
    self.request_resync(instrument.spec.symbol);
  }
};

KrakenAdapter::KrakenAdapter(InstrumentCatalog& catalog, RecordSink& sink, KrakenOptions options)
    : VenueAdapter(msg::Venue::kKraken, catalog, sink), impl_(std::make_unique<Impl>(*this, options)) {}

KrakenAdapter::~KrakenAdapter() = default;

FrameResult KrakenAdapter::on_frame(PaddedFrame frame, std::int64_t ts_recv) {
  if (oversized(frame)) return malformed("frame over the size limit");
  Impl& impl = *impl_;
  const Header& header = impl.scratch.header;
  const bool ok = impl.parse(frame) && (header.channel != Channel::kTrade || impl.prepare_trades()) &&
                  (header.channel != Channel::kBook || impl.prepare_books(ts_recv)) &&
                  (header.channel != Channel::kInstrument || impl.prepare_pairs());
  if (!ok) return malformed("not a Kraken v2 message: JSON, field type, number or size");
  switch (header.channel) {
    case Channel::kTrade:
      impl.emit_trades(ts_recv);
      break;
    case Channel::kBook:
      impl.apply_books(ts_recv);
      break;
    case Channel::kInstrument:
      impl.define_pairs(ts_recv);
      break;
    default:
      // status, heartbeat and method replies are expected; anything else is
      // a channel this adapter does not know.
      ++counters_.frames_ignored;
      if (header.channel == Channel::kUnknown || (header.channel == Channel::kMissing && !header.has_method)) {
        ++counters_.unknown_types;
      }
      return FrameResult::kIgnored;
  }
  ++counters_.frames_ok;
  return FrameResult::kOk;
}

void KrakenAdapter::on_disconnect(std::int64_t ts_recv) {
  for (auto& [symbol, book_track] : impl_->books) {
    if (book_track.state == BookState::kLive) {
      emit_status(*book_track.instrument, msg::StatusCode::kDisconnected, "connection lost; book stale", ts_recv);
    }
    book_track.state = BookState::kAwaitingSnapshot;  // resubscribing brings a snapshot
  }
}

const OrderBook* KrakenAdapter::book(std::string_view symbol) const {
  const auto found = impl_->books.find(symbol);
  return found == impl_->books.end() ? nullptr : &found->second.book;
}

BookState KrakenAdapter::book_state(std::string_view symbol) const {
  const auto found = impl_->books.find(symbol);
  return found == impl_->books.end() ? BookState::kAwaitingSnapshot : found->second.state;
}

ChecksumStatus KrakenAdapter::last_checksum(std::string_view symbol) const {
  const auto found = impl_->books.find(symbol);
  return found == impl_->books.end() ? ChecksumStatus::kNone : found->second.checksum;
}

}  // namespace rtm::feeds
