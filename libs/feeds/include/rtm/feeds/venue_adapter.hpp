#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/feeds/order_book.hpp"
#include "rtm/feeds/record_sink.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::feeds {

// What happened to each frame an adapter was given. Every frame lands in
// exactly one of frames_ok, frames_ignored and frames_malformed.
struct AdapterCounters {
  std::uint64_t frames_ok = 0;         // parsed and normalized
  std::uint64_t frames_ignored = 0;    // valid, but nothing to normalize (acks, heartbeats)
  std::uint64_t frames_malformed = 0;  // bad JSON, wrong types, bad numbers, oversized: skipped
  std::uint64_t unknown_types = 0;     // of frames_ignored: a type this adapter does not know
  std::uint64_t records = 0;           // records emitted
  std::uint64_t gaps = 0;              // sequence gaps detected
  std::uint64_t duplicates = 0;        // stale or repeated sequence numbers dropped
  std::uint64_t checksum_failures = 0;
  std::uint64_t crossed_books = 0;
  std::uint64_t resyncs = 0;  // resync requests made
  // Of frames_ignored: about a new instrument the catalog had no room for.
  std::uint64_t instruments_refused = 0;
};

enum class FrameResult : std::uint8_t { kOk, kIgnored, kMalformed };

// One level of a venue's book message, already at the instrument's scales.
struct BookLevelUpdate {
  msg::BookSide side = msg::BookSide::kBid;
  std::int64_t price = 0;
  std::int64_t size = 0;  // new absolute size; 0 removes the level
};

// A book's state as the adapter knows it. Only kLive books are served as
// current; the others are excluded until a fresh snapshot arrives.
enum class BookState : std::uint8_t { kAwaitingSnapshot, kLive, kStale };

// Turns one venue's frames into normalized records. One adapter per venue
// connection; not thread-safe. Parsing allocates nothing on the steady path
// (a resync may buffer).
class VenueAdapter {
 public:
  // Called when a book needs a fresh snapshot: Binance fetches its REST
  // snapshot, Coinbase and Kraken resubscribe the symbol.
  using ResyncHandler = std::function<void(std::string_view symbol)>;

  VenueAdapter(msg::Venue venue, InstrumentCatalog& catalog, RecordSink& sink) noexcept
      : venue_(venue), catalog_(catalog), sink_(sink) {}
  virtual ~VenueAdapter() = default;
  VenueAdapter(const VenueAdapter&) = delete;
  VenueAdapter& operator=(const VenueAdapter&) = delete;

  // One WebSocket message. ts_recv: our receive time, ns since the epoch.
  virtual FrameResult on_frame(PaddedFrame frame, std::int64_t ts_recv) = 0;

  // The connection dropped: every book is stale until its next snapshot.
  virtual void on_disconnect(std::int64_t ts_recv) = 0;

  [[nodiscard]] virtual const OrderBook* book(std::string_view symbol) const = 0;
  [[nodiscard]] virtual BookState book_state(std::string_view symbol) const = 0;

  void set_resync_handler(ResyncHandler handler) { resync_ = std::move(handler); }
  [[nodiscard]] const AdapterCounters& counters() const noexcept { return counters_; }
  // Why the last frame counted malformed was refused.
  [[nodiscard]] std::string_view last_error() const noexcept { return last_error_; }
  [[nodiscard]] msg::Venue venue() const noexcept { return venue_; }
  // Frames larger than this are counted malformed without being parsed.
  void set_max_frame_size(std::size_t bytes) noexcept { max_frame_size_ = bytes; }

 protected:
  // Fills the header and hands the record to the sink.
  template <class R>
  void emit(R& record, Instrument& instrument, std::int64_t ts_event, std::int64_t ts_recv, std::uint16_t flags = 0);
  // emit's second half: the record under a sequence number already taken.
  template <class R>
  void deliver(R& record, const Instrument& instrument, std::uint64_t sequence, std::int64_t ts_event,
               std::int64_t ts_recv, std::uint16_t flags);
  // An instrument's first record is preceded by its definition.
  void define_first(Instrument& instrument, std::int64_t ts_recv) {
    if (!instrument.defined) [[unlikely]] emit_definition(instrument, ts_recv);
  }
  // The instrument's InstrumentDef, at its catalog entry's scales.
  void emit_definition(Instrument& instrument, std::int64_t ts_recv, std::uint16_t flags = 0);
  void emit_status(Instrument& instrument, msg::StatusCode code, std::string_view detail, std::int64_t ts_recv,
                   std::uint64_t expected = 0, std::uint64_t received = 0);
  // Applies one venue message's levels to the book and emits them as
  // BookDeltas: the last carries kEndOfBatch; a snapshot clears the book
  // first and marks its first and last deltas. An empty snapshot emits
  // nothing; the kBookReady status that follows it says the book is empty.
  void apply_levels(Instrument& instrument, OrderBook& book, std::span<const BookLevelUpdate> levels, bool snapshot,
                    std::int64_t ts_event, std::int64_t ts_recv);
  // The BookDeltas of levels already applied, flagged as apply_levels does.
  void emit_levels(Instrument& instrument, std::span<const BookLevelUpdate> levels, bool snapshot,
                   std::int64_t ts_event, std::int64_t ts_recv);
  // Marks a book stale after a gap, checksum mismatch or crossed book:
  // publishes the reason and a kResync status, and asks for a resync.
  void start_resync(Instrument& instrument, BookState& state, msg::StatusCode reason, std::string_view detail,
                    std::int64_t ts_recv, std::uint64_t expected = 0, std::uint64_t received = 0);
  // The instrument a frame is about, added on first sight; nullptr (and
  // counted) when the catalog is full.
  Instrument* instrument_for(std::string_view symbol) {
    // Frames come in runs about one instrument: the one before is checked
    // first, a compare where the catalog's lookup hashes and divides.
    // Catalog entries never move or change their symbol.
    if (last_instrument_ != nullptr && last_instrument_->spec.symbol == symbol) return last_instrument_;
    Instrument* instrument = catalog_.find_or_add(venue_, symbol);
    if (instrument == nullptr) {
      ++counters_.instruments_refused;
    } else {
      last_instrument_ = instrument;
    }
    return instrument;
  }
  // The instrument a frame is about if the catalog has it, without adding it,
  // checked the same way as instrument_for. (instrument_for calling this
  // instead of repeating the check measured 1.3x the time per Binance trade:
  // code layout, not work.)
  Instrument* known_instrument(std::string_view symbol) {
    if (last_instrument_ != nullptr && last_instrument_->spec.symbol == symbol) return last_instrument_;
    Instrument* found = catalog_.find(venue_, symbol);
    if (found != nullptr) last_instrument_ = found;
    return found;
  }
  // Counts a refused frame and keeps the reason (a string literal).
  FrameResult malformed(std::string_view reason) noexcept {
    ++counters_.frames_malformed;
    last_error_ = reason;
    return FrameResult::kMalformed;
  }
  FrameResult refused() noexcept {
    ++counters_.frames_ignored;
    return FrameResult::kIgnored;
  }
  void request_resync(std::string_view symbol) {
    ++counters_.resyncs;
    if (resync_) resync_(symbol);
  }
  [[nodiscard]] bool oversized(PaddedFrame frame) const noexcept { return frame.text.size() > max_frame_size_; }

  const msg::Venue venue_;
  InstrumentCatalog& catalog_;
  RecordSink& sink_;
  AdapterCounters counters_;

 private:
  ResyncHandler resync_;
  std::string_view last_error_;
  Instrument* last_instrument_ = nullptr;  // the last instrument either lookup found
  std::size_t max_frame_size_ = 4U << 20;
};

template <class R>
void VenueAdapter::emit(R& record, Instrument& instrument, std::int64_t ts_event, std::int64_t ts_recv,
                        std::uint16_t flags) {
  if constexpr (std::is_same_v<R, msg::InstrumentDef>) {
    instrument.defined = true;
  } else {
    define_first(instrument, ts_recv);
  }
  deliver(record, instrument, instrument.next_sequence++, ts_event, ts_recv, flags);
}

template <class R>
void VenueAdapter::deliver(R& record, const Instrument& instrument, std::uint64_t sequence, std::int64_t ts_event,
                           std::int64_t ts_recv, std::uint16_t flags) {
  record.header.venue = venue_;
  record.header.instrument_id = instrument.id;
  record.header.sequence = sequence;
  record.header.ts_event = ts_event;
  record.header.ts_recv = ts_recv;
  record.header.flags = flags;
  ++counters_.records;
  if constexpr (std::is_same_v<R, msg::Trade>)
    sink_.on_trade(record);
  else if constexpr (std::is_same_v<R, msg::Bbo>)
    sink_.on_bbo(record);
  else if constexpr (std::is_same_v<R, msg::BookDelta>)
    sink_.on_book_delta(record);
  else if constexpr (std::is_same_v<R, msg::Status>)
    sink_.on_status(record);
  else if constexpr (std::is_same_v<R, msg::InstrumentDef>)
    sink_.on_instrument(record);
  else
    static_assert(sizeof(R) == 0, "not a record an adapter emits");
}

}  // namespace rtm::feeds
