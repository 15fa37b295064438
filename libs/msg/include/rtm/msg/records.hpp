#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "rtm/msg/decimal.hpp"
#include "rtm/msg/fixed_string.hpp"
#include "rtm/msg/ids.hpp"

// The normalized record schema. Every record is a fixed-width little-endian
// frame: the 40-byte RecordHeader, then the body of its type. Each body lists
// its fields once, in wire order, in `fields()`; the codec and the sizes below
// are derived from that list, so the wire layout cannot drift from the struct.
//
// Prices and sizes are exact fixed-point mantissas; each body carries the
// scales it was written at, so a record can be read without the instrument's
// definition at hand.
namespace rtm::msg {

inline constexpr std::uint8_t kSchemaVersion = 1;

// Record type ids are wire format: never renumber, only append.
enum class RecordType : std::uint8_t {
  kTrade = 1,
  kBbo = 2,
  kBookDelta = 3,
  kBar = 4,
  kNbbo = 5,
  kStats = 6,
  kAlert = 7,
  kStatus = 8,
  kInstrumentDef = 9,
};
std::string_view to_string(RecordType type) noexcept;

// Header flags. Bits not listed here are invalid on the wire.
namespace flags {
inline constexpr std::uint16_t kSnapshotBegin = 1U << 0;  // first delta of a book snapshot
inline constexpr std::uint16_t kSnapshotEnd = 1U << 1;    // last delta of a book snapshot
inline constexpr std::uint16_t kEndOfBatch = 1U << 2;     // last record of one venue message
inline constexpr std::uint16_t kRevision = 1U << 3;       // a bar revised by a late trade
inline constexpr std::uint16_t kFinal = 1U << 4;          // a bar that will not change again
inline constexpr std::uint16_t kStale = 1U << 5;          // derived from a book not known to be current
inline constexpr std::uint16_t kReplay = 1U << 6;         // produced while replaying a journal or capture
inline constexpr std::uint16_t kAll = (1U << 7) - 1;
}  // namespace flags

struct RecordHeader {
  std::uint16_t length = 0;  // whole record in bytes; set by the encoder
  RecordType type{};         // set by the encoder
  std::uint8_t version = kSchemaVersion;
  Venue venue = Venue::kUnknown;
  std::uint16_t flags = 0;
  InstrumentId instrument_id = kNoInstrument;
  std::uint64_t sequence = 0;  // per instrument, assigned by ingest
  std::int64_t ts_event = 0;   // venue's time, ns since the Unix epoch
  std::int64_t ts_recv = 0;    // our receive time, ns since the Unix epoch
  friend constexpr bool operator==(const RecordHeader&, const RecordHeader&) = default;
};
inline constexpr std::size_t kHeaderSize = 40;

// Marks unused bytes that keep fields aligned; must be zero on the wire.
template <std::size_t N>
struct Padding {
  friend constexpr bool operator==(const Padding&, const Padding&) = default;
};

enum class Aggressor : std::uint8_t { kUnknown = 0, kBuy = 1, kSell = 2 };
enum class BookSide : std::uint8_t { kBid = 1, kAsk = 2 };

constexpr bool valid_scale(std::uint8_t scale) noexcept {
  return scale <= kMaxDecimalScale;
}

struct Trade {
  static constexpr RecordType kType = RecordType::kTrade;
  RecordHeader header;
  std::int64_t price = 0;
  std::int64_t size = 0;
  std::uint64_t trade_id = 0;  // the venue's id for the trade
  Aggressor aggressor = Aggressor::kUnknown;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.price), v(r.size), v(r.trade_id), v(r.aggressor), v(r.price_scale), v(r.size_scale), v(Padding<5>{});
  }
  friend constexpr bool operator==(const Trade&, const Trade&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return aggressor <= Aggressor::kSell && valid_scale(price_scale) && valid_scale(size_scale) && size >= 0;
  }
  [[nodiscard]] Decimal price_decimal() const noexcept { return {price, price_scale}; }
  [[nodiscard]] Decimal size_decimal() const noexcept { return {size, size_scale}; }
};

// Top of book as the venue reports it (Binance bookTicker, Coinbase ticker).
struct Bbo {
  static constexpr RecordType kType = RecordType::kBbo;
  RecordHeader header;
  std::int64_t bid_price = 0;
  std::int64_t bid_size = 0;
  std::int64_t ask_price = 0;
  std::int64_t ask_size = 0;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.bid_price), v(r.bid_size), v(r.ask_price), v(r.ask_size), v(r.price_scale), v(r.size_scale), v(Padding<6>{});
  }
  friend constexpr bool operator==(const Bbo&, const Bbo&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return valid_scale(price_scale) && valid_scale(size_scale) && bid_size >= 0 && ask_size >= 0;
  }
};

// One price level's new absolute size; size 0 removes the level. A snapshot
// is a run of deltas from kSnapshotBegin to kSnapshotEnd that replaces the
// book; kEndOfBatch marks where a venue message ends, the point at which the
// book is consistent again (and Kraken's checksum applies).
struct BookDelta {
  static constexpr RecordType kType = RecordType::kBookDelta;
  RecordHeader header;
  std::int64_t price = 0;
  std::int64_t size = 0;
  BookSide side = BookSide::kBid;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.price), v(r.size), v(r.side), v(r.price_scale), v(r.size_scale), v(Padding<5>{});
  }
  friend constexpr bool operator==(const BookDelta&, const BookDelta&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return (side == BookSide::kBid || side == BookSide::kAsk) && valid_scale(price_scale) && valid_scale(size_scale) &&
           size >= 0;
  }
};

// OHLCV over [start, start + interval) in event time. Volumes split by the
// aggressor's side; vwap is at price_scale, rounded half away from zero.
struct Bar {
  static constexpr RecordType kType = RecordType::kBar;
  RecordHeader header;
  std::int64_t start_ns = 0;
  std::int64_t interval_ns = 0;
  std::int64_t open = 0;
  std::int64_t high = 0;
  std::int64_t low = 0;
  std::int64_t close = 0;
  std::int64_t vwap = 0;
  std::int64_t volume = 0;
  std::int64_t buy_volume = 0;
  std::int64_t sell_volume = 0;
  std::uint64_t trade_count = 0;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
  // 0 for the bar as first published final (and while open); each trade
  // that arrives after that publishes the bar again with the next revision
  // and kRevision. Took two bytes of the padding: records written before it
  // read as revision 0.
  std::uint16_t revision = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.start_ns), v(r.interval_ns), v(r.open), v(r.high), v(r.low), v(r.close), v(r.vwap), v(r.volume),
        v(r.buy_volume), v(r.sell_volume), v(r.trade_count), v(r.price_scale), v(r.size_scale), v(r.revision),
        v(Padding<4>{});
  }
  friend constexpr bool operator==(const Bar&, const Bar&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return interval_ns > 0 && valid_scale(price_scale) && valid_scale(size_scale) && volume >= 0 && buy_volume >= 0 &&
           sell_volume >= 0 && low <= high;
  }
};

enum class NbboCondition : std::uint8_t { kNormal = 0, kLocked = 1, kCrossed = 2, kOneSided = 3, kEmpty = 4 };

// Cross-venue best bid/offer for a canonical symbol (header venue kComposite).
struct Nbbo {
  static constexpr RecordType kType = RecordType::kNbbo;
  RecordHeader header;
  std::int64_t bid_price = 0;
  std::int64_t bid_size = 0;
  std::int64_t ask_price = 0;
  std::int64_t ask_size = 0;
  Venue bid_venue = Venue::kUnknown;
  Venue ask_venue = Venue::kUnknown;
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;
  NbboCondition condition = NbboCondition::kNormal;
  std::uint8_t venues_included = 0;
  std::uint16_t venues_excluded_mask = 0;  // bit n: venue n left out (stale or resyncing)

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.bid_price), v(r.bid_size), v(r.ask_price), v(r.ask_size), v(r.bid_venue), v(r.ask_venue), v(r.price_scale),
        v(r.size_scale), v(r.condition), v(r.venues_included), v(r.venues_excluded_mask), v(Padding<6>{});
  }
  friend constexpr bool operator==(const Nbbo&, const Nbbo&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return condition <= NbboCondition::kEmpty && valid_scale(price_scale) && valid_scale(size_scale) && bid_size >= 0 &&
           ask_size >= 0;
  }
};

// Rolling statistics of one instrument over window_ns.
struct Stats {
  static constexpr RecordType kType = RecordType::kStats;
  RecordHeader header;
  std::int64_t last_price = 0;
  std::int64_t window_ns = 0;
  double change_bps = 0;
  double realized_volatility = 0;  // of log returns, annualized
  double spread_bps = 0;
  double book_imbalance = 0;  // (bid size - ask size) / (bid size + ask size) at the top
  double trades_per_second = 0;
  std::uint8_t price_scale = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.last_price), v(r.window_ns), v(r.change_bps), v(r.realized_volatility), v(r.spread_bps), v(r.book_imbalance),
        v(r.trades_per_second), v(r.price_scale), v(Padding<7>{});
  }
  friend constexpr bool operator==(const Stats&, const Stats&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept { return valid_scale(price_scale) && window_ns >= 0; }
};

enum class AlertRule : std::uint8_t {
  kPriceMove = 1,
  kVolumeSpike = 2,
  kWideSpread = 3,
  kStaleFeed = 4,
  kCrossedMarket = 5,
};
enum class Severity : std::uint8_t { kInfo = 1, kWarning = 2, kCritical = 3 };
std::string_view to_string(AlertRule rule) noexcept;
std::string_view to_string(Severity severity) noexcept;

struct Alert {
  static constexpr RecordType kType = RecordType::kAlert;
  RecordHeader header;
  AlertRule rule = AlertRule::kPriceMove;
  Severity severity = Severity::kInfo;
  double observed = 0;
  double threshold = 0;
  std::int64_t window_ns = 0;
  FixedString<24> rule_name;  // the configured rule's name

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.rule), v(r.severity), v(Padding<6>{}), v(r.observed), v(r.threshold), v(r.window_ns), v(r.rule_name);
  }
  friend constexpr bool operator==(const Alert&, const Alert&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return rule >= AlertRule::kPriceMove && rule <= AlertRule::kCrossedMarket && severity >= Severity::kInfo &&
           severity <= Severity::kCritical && rule_name.well_formed();
  }
};

enum class StatusCode : std::uint8_t {
  kConnected = 1,
  kDisconnected = 2,
  kGap = 3,              // a sequence jump: expected_sequence was due, received_sequence came
  kResync = 4,           // the book is being rebuilt from a fresh snapshot
  kChecksumFailure = 5,  // the venue's book checksum disagreed with ours
  kCrossedBook = 6,
  kStaleFeed = 7,  // no update within the read timeout
  kBookReady = 8,  // a fresh snapshot applied; the book is current again
};
std::string_view to_string(StatusCode code) noexcept;

struct Status {
  static constexpr RecordType kType = RecordType::kStatus;
  RecordHeader header;
  StatusCode code = StatusCode::kConnected;
  std::uint64_t expected_sequence = 0;
  std::uint64_t received_sequence = 0;
  FixedString<32> detail;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.code), v(Padding<7>{}), v(r.expected_sequence), v(r.received_sequence), v(r.detail);
  }
  friend constexpr bool operator==(const Status&, const Status&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return code >= StatusCode::kConnected && code <= StatusCode::kBookReady && detail.well_formed();
  }
};

// What an instrument is: its venue symbol, the canonical symbol it is
// consolidated under, and the scales its prices and sizes are written at.
struct InstrumentDef {
  static constexpr RecordType kType = RecordType::kInstrumentDef;
  RecordHeader header;
  FixedString<32> venue_symbol;
  FixedString<24> canonical_symbol;
  std::int64_t tick_size = 0;  // at price_scale
  std::int64_t lot_size = 0;   // at size_scale
  std::uint8_t price_scale = 0;
  std::uint8_t size_scale = 0;

  template <class Self, class Visitor>
  static constexpr void fields(Self& r, Visitor& v) {
    v(r.venue_symbol), v(r.canonical_symbol), v(r.tick_size), v(r.lot_size), v(r.price_scale), v(r.size_scale),
        v(Padding<6>{});
  }
  friend constexpr bool operator==(const InstrumentDef&, const InstrumentDef&) = default;
  [[nodiscard]] constexpr bool valid() const noexcept {
    return venue_symbol.well_formed() && canonical_symbol.well_formed() && valid_scale(price_scale) &&
           valid_scale(size_scale) && tick_size >= 0 && lot_size >= 0;
  }
};

// "binance:BTCUSDT": how every tool and the API name an instrument.
std::string instrument_name(const InstrumentDef& definition);
// The id such a name stands for; nullopt unless it is venue:SYMBOL with a
// venue rtm knows (not the composite one).
std::optional<InstrumentId> parse_instrument_name(std::string_view name) noexcept;

using AnyRecord = std::variant<Trade, Bbo, BookDelta, Bar, Nbbo, Stats, Alert, Status, InstrumentDef>;

template <class R>
concept Record = requires(R r) {
  { R::kType } -> std::convertible_to<RecordType>;
  { r.header } -> std::convertible_to<RecordHeader>;
  { r.valid() } -> std::same_as<bool>;
};

}  // namespace rtm::msg
